import { ConfigurationError } from '../runtime/errors.js';
import { normalizePrefix, parseRequestedPackages, selectRelease } from './selection.js';

const obj = (key: string) => ({ key, size: 1, etag: 'e' });

describe('parseRequestedPackages', () => {
  test('name=version pairs, comma or newline separated, names normalised', () => {
    const p = parseRequestedPackages('packages', 'torch=2.6.0,\nTorch_Vision = v0.21.0');
    expect(p.map((x) => [x.name, x.versionText])).toEqual([
      ['torch', '2.6.0'],
      ['torch-vision', '0.21.0'],
    ]);
  });

  test.each([
    ['2.6', /expects name=version pairs/],
    ['', /is required/],
    ['torch=2.6.0.dev20250101', /development release/],
    ['torch=2.6.0+cu124', /local label/],
    ['=2.6.0', /key=value/],
    ['to rch=2.6.0', /not a package name/],
  ])('%j is refused with one line', (value, message) => {
    expect(() => parseRequestedPackages('packages', value)).toThrow(ConfigurationError);
    expect(() => parseRequestedPackages('packages', value)).toThrow(message);
  });
});

describe('selectRelease', () => {
  const packages = parseRequestedPackages('packages', 'torch=2.6.0, libtorch=2.6.0');
  const keys = [
    'whl/test/cu124/torch-2.6.0+cu124-cp310-cp310-linux_x86_64.whl',
    'whl/test/cu124/torch-2.6.0%2Bcu124-cp311-cp311-linux_x86_64.whl',
    'whl/test/torch-2.6.0-cp310-none-macosx_11_0_arm64.whl',
    'whl/test/cu124/torchvision-0.21.0+cu124-cp310-cp310-linux_x86_64.whl',
    'whl/test/cu124/torch-2.6.0rc1+cu124-cp310-cp310-linux_x86_64.whl',
    'whl/test/cu124/torch-2.6.0.dev20241201+cu124-cp310-cp310-linux_x86_64.whl',
    'whl/test/cu124/torch-2.6.1+cu124-cp310-cp310-linux_x86_64.whl',
    'whl/test/cu124/pytorch-2.6.0-cp310-cp310-linux_x86_64.whl',
    'whl/test/cu124/torch-2.6.0+cu124-cp310-cp310-linux_x86_64.whl.metadata',
    'whl/test/cu124/torch/index.html',
    'libtorch/test/cu124/libtorch-cxx11-abi-shared-with-deps-2.6.0+cu124.zip',
  ];

  test('takes the release by parsed name and public version, never by substring', () => {
    const s = selectRelease(keys.map(obj), 'whl/test/', packages);
    expect(s.selected.map((o) => [o.sub, o.relative])).toEqual([
      ['cu124', 'cu124/torch-2.6.0+cu124-cp310-cp310-linux_x86_64.whl'],
      ['cu124', 'cu124/torch-2.6.0%2Bcu124-cp311-cp311-linux_x86_64.whl'],
      ['', 'torch-2.6.0-cp310-none-macosx_11_0_arm64.whl'],
      // the wheel's PEP 658 metadata travels with it
      ['cu124', 'cu124/torch-2.6.0+cu124-cp310-cp310-linux_x86_64.whl.metadata'],
    ]);
    expect(s.ignored).toEqual([]);
    expect(s.otherCount).toBe(5);
    expect(selectRelease(keys.map(obj), 'libtorch/test/', packages).selected.map((o) => o.package)).toEqual([
      'libtorch',
    ]);
  });

  test('variants filter by sub-folder or local label; files at the root have neither', () => {
    const only = selectRelease(keys.map(obj), 'whl/test/', packages, { include: ['cu124'], exclude: [] });
    expect(only.selected).toHaveLength(3);
    const without = selectRelease(keys.map(obj), 'whl/test/', packages, { include: [], exclude: ['cu124'] });
    expect(without.selected.map((o) => o.sub)).toEqual(['']);
    expect(without.filteredOut).toHaveLength(3);
  });

  test('prefixes get exactly one trailing slash', () => {
    expect(normalizePrefix('/whl/test')).toBe('whl/test/');
    expect(normalizePrefix('whl/')).toBe('whl/');
    expect(normalizePrefix('')).toBe('');
  });
});
