import { parseVariants, selectWheels, type SourceObject } from './selection.js';

const variants = parseVariants('variants', [
  ['linux_x86_64', 'cu126'],
  ['win_amd64', 'cpu'],
  ['macosx_*', ''],
]);

function bucket(pythons: Record<string, string[]>): SourceObject[] {
  const objects: SourceObject[] = [];
  for (const [file, tags] of Object.entries(pythons)) {
    for (const py of tags) objects.push({ key: `whl/test/${file.replace(/PY/g, py)}`, size: 100 });
  }
  return objects;
}

const complete = {
  'cu126/torch-2.6.0+cu126-PY-PY-linux_x86_64.whl': ['cp310', 'cp311'],
  'cu118/torch-2.6.0+cu118-PY-PY-linux_x86_64.whl': ['cp310', 'cp311'],
  'cpu/torch-2.6.0+cpu-PY-PY-win_amd64.whl': ['cp310', 'cp311'],
  'torch-2.6.0-PY-PY-macosx_11_0_arm64.whl': ['cp310', 'cp311'],
};

test('one variant per platform and Python is chosen, named for PyPI without its local version', () => {
  const selected = selectWheels(bucket(complete), [{ name: 'torch', version: '2.6.0' }], variants, [
    ['linux_x86_64', 'manylinux_2_28_x86_64'],
  ]);
  expect(selected.map((s) => `${s.key} -> ${s.targetFilename}`)).toEqual([
    'whl/test/torch-2.6.0-cp310-cp310-macosx_11_0_arm64.whl -> torch-2.6.0-cp310-cp310-macosx_11_0_arm64.whl',
    'whl/test/cu126/torch-2.6.0+cu126-cp310-cp310-linux_x86_64.whl -> torch-2.6.0-cp310-cp310-manylinux_2_28_x86_64.whl',
    'whl/test/cpu/torch-2.6.0+cpu-cp310-cp310-win_amd64.whl -> torch-2.6.0-cp310-cp310-win_amd64.whl',
    'whl/test/torch-2.6.0-cp311-cp311-macosx_11_0_arm64.whl -> torch-2.6.0-cp311-cp311-macosx_11_0_arm64.whl',
    'whl/test/cu126/torch-2.6.0+cu126-cp311-cp311-linux_x86_64.whl -> torch-2.6.0-cp311-cp311-manylinux_2_28_x86_64.whl',
    'whl/test/cpu/torch-2.6.0+cpu-cp311-cp311-win_amd64.whl -> torch-2.6.0-cp311-cp311-win_amd64.whl',
  ]);
});

test('a platform that lacks a Python the others ship is a partial release, refused before anything is staged', () => {
  const partial = { ...complete, 'cpu/torch-2.6.0+cpu-PY-PY-win_amd64.whl': ['cp310'] };
  expect(() => selectWheels(bucket(partial), [{ name: 'torch', version: '2.6.0' }], variants)).toThrow(
    'input "variants": torch 2.6.0 has no cp311 wheel for "win_amd64=cpu"; nothing was staged or uploaded',
  );
});

test('a rule that selects nothing names the variants that are there', () => {
  const noWindows = Object.fromEntries(Object.entries(complete).filter(([k]) => !k.includes('win')));
  expect(() => selectWheels(bucket(noWindows), [{ name: 'torch', version: '2.6.0' }], variants)).toThrow(
    'torch 2.6.0 has no wheel for "win_amd64=cpu" (no wheel for that platform at all)',
  );
});
