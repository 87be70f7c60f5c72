import { ConfigurationError } from './errors.js';
import { expandTemplate } from './template.js';

test('every placeholder is replaced, as often as it occurs', () => {
  expect(expandTemplate('staging-prefix', '{name}-{version}/{name}', { name: 'torch', version: '2.6.0' })).toBe(
    'torch-2.6.0/torch',
  );
});

test('text without placeholders is kept as it is', () => {
  expect(expandTemplate('backup-prefix', 'backups/', { tag: 'v2.6.0' })).toBe('backups/');
});

test('an unknown placeholder is one line naming the input and the placeholders it may use', () => {
  const expand = (): string => expandTemplate('backup-prefix', '{version}/', { tag: 'v2.6.0' });
  expect(expand).toThrow(ConfigurationError);
  expect(expand).toThrow(/^input "backup-prefix": unknown placeholder \{version\} in "\{version\}\/"; use \{tag\}$/);
  expect(() => expandTemplate('x', '{}', { a: '1', b: '2', c: '3' })).toThrow(
    'input "x": unknown placeholder {} in "{}"; use {a}, {b} or {c}',
  );
});

test('names of Object.prototype are not placeholders', () => {
  expect(() => expandTemplate('x', '{constructor}', { a: '1' })).toThrow(/unknown placeholder \{constructor\}/);
});
