import { plainCommand } from './terminal.js';

test('workflow commands become plain lines; masks and debug lines are hidden unless debugging', () => {
  expect(plainCommand('::error::input "packages" is required', false)).toBe('error: input "packages" is required');
  expect(plainCommand('::warning file=a.ts::slow', false)).toBe('warning: slow');
  expect(plainCommand('::add-mask::s3cr3t', false)).toBeUndefined();
  expect(plainCommand('::debug::git ls-remote', false)).toBeUndefined();
  expect(plainCommand('::debug::git ls-remote', true)).toBe('debug: git ls-remote');
  expect(plainCommand('::group::Diff of the release-only commit', false)).toBe('\nDiff of the release-only commit');
  expect(plainCommand('copy  whl/cu124/torch-2.6.0+cu124-cp310-cp310-linux_x86_64.whl', false)).toBe(
    'copy  whl/cu124/torch-2.6.0+cu124-cp310-cp310-linux_x86_64.whl',
  );
});
