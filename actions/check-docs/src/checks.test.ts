import { checkStable, versionNamedBy } from './checks.js';

test('the stable docs name their version in the Sphinx title, or else in the version selector', () => {
  expect(versionNamedBy('<title>PyTorch documentation &mdash; PyTorch 2.6 documentation</title>')).toBe('2.6');
  expect(versionNamedBy('<title>torch &mdash; PyTorch 2.10.0+cu130 documentation</title>')).toBe('2.10');
  expect(versionNamedBy('<title>Docs</title><div class="version">\n  <a href="x">2.7 &#x25BC</a></div>')).toBe('2.7');
  expect(versionNamedBy('<title>Docs</title>')).toBeUndefined();
});

test('2.1 is not 2.10', () => {
  expect(checkStable('2.1', '<title>PyTorch 2.10 documentation</title>').found).toBe(false);
});
