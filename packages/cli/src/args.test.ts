import { ConfigurationError } from '@release-actions/core/runtime/errors';
import { parseArgs } from './args.js';

test('flags take the next word or an = value; a repeated flag becomes a list', () => {
  expect(
    parseArgs(['promote-s3', '--packages', 'torch=2.6.0', '--packages=torchvision=0.21.0', '--dry-run', 'false']),
  ).toEqual({
    command: 'promote-s3',
    flags: { packages: 'torch=2.6.0\ntorchvision=0.21.0', 'dry-run': 'false' },
  });
});

test('a flag without a value and a stray word are one-line errors', () => {
  expect(() => parseArgs(['tag-rc', '--version'])).toThrow(new ConfigurationError('--version needs a value'));
  expect(() => parseArgs(['tag-rc', '2.6.0'])).toThrow('unexpected argument "2.6.0"; inputs are given as --name value');
});
