import * as core from '@actions/core';
import { ConfigurationError, isConfigurationError } from './errors.js';

test('a ConfigurationError is recognised as a user error, other errors are not', () => {
  expect(isConfigurationError(new ConfigurationError('input "x" is bad'))).toBe(true);
  expect(isConfigurationError(new Error('bug'))).toBe(false);
  expect(typeof core.getInput).toBe('function');
});
