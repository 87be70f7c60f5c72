import { parseRequestedPackages } from '@release-actions/core/release/selection';
import { fill, placeholders, releaseNotesUrl, seriesPrefix, similarLine } from './text.js';

const packages = parseRequestedPackages('packages', 'torch=2.6.0, torchvision=0.21.0, executorch=0.5.0');

test('the upgrades read as release managers write them, torch as PyTorch', () => {
  expect(fill('title', 'Upgrading {upgrades}', placeholders(packages))).toBe(
    'Upgrading PyTorch to v2.6.0 and torchvision to v0.21.0 and executorch to v0.5.0',
  );
});

test('a package without a known repository links its PyPI release', () => {
  expect(releaseNotesUrl(packages[2]!)).toBe('https://pypi.org/project/executorch/0.5.0/');
  expect(releaseNotesUrl(packages[1]!)).toBe('https://github.com/pytorch/vision/releases/tag/v0.21.0');
});

test('an empty {similar} at the end leaves no trailing blank lines', () => {
  expect(fill('body', 'text\n\n{similar}\n', { ...placeholders(packages), similar: similarLine(undefined) })).toBe(
    'text',
  );
  expect(similarLine({ number: 4001 })).toBe('Similar to #4001');
});

test('the series of a title is its words before the first version', () => {
  expect(seriesPrefix('Upgrading PyTorch to v2.6.0 and torchvision to v0.21.0')).toBe('Upgrading PyTorch to');
  expect(seriesPrefix('v2.6.0 is out')).toBe('');
});
