import { ConfigurationError, isConfigurationError } from './errors.js';

test('a ConfigurationError is recognised as a user error, other errors are not', () => {
  expect(isConfigurationError(new ConfigurationError('input "x" is bad'))).toBe(true);
  expect(isConfigurationError(new Error('bug'))).toBe(false);
  expect(isConfigurationError('input "x" is bad')).toBe(false);
});

test('a user error of a more precise kind is still a user error', () => {
  class TokenRefused extends ConfigurationError {}
  expect(isConfigurationError(new TokenRefused('GitHub refused the token'))).toBe(true);
});

test('a user error carries its one line and its name, so the log shows what to fix', () => {
  const e = new ConfigurationError('input "bucket" is required');
  expect(e.message).toBe('input "bucket" is required');
  expect(String(e)).toBe('ConfigurationError: input "bucket" is required');
});
