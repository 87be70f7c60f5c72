import {
  excludePythonTags,
  parsePythonSet,
  parseVariants,
  selectionMatrix,
  selectWheels,
  type SourceObject,
} from './selection.js';

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

test('a variants line may state its Python set as a range or a list', () => {
  expect(parseVariants('variants', [['win_arm64', 'cpu python=cp311-cp313']])).toEqual([
    { platformGlob: 'win_arm64', label: 'cpu', pythons: ['cp311', 'cp312', 'cp313'] },
  ]);
  expect(parseVariants('variants', [['win_arm64', 'cpu python=cp311,cp312,cp313']])[0]!.pythons).toEqual([
    'cp311',
    'cp312',
    'cp313',
  ]);
  expect(parseVariants('variants', [['macosx_*', 'python=cp312']])).toEqual([
    { platformGlob: 'macosx_*', label: '', pythons: ['cp312'] },
  ]);
  expect(parsePythonSet('variants', 'cp39-cp39')).toEqual(['cp39']);
  expect(() => parsePythonSet('variants', 'cp311-pp313')).toThrow(/should be a range such as cp311-cp313/);
});

test('a platform with its own Python set must have each of them, and only those are chosen', () => {
  const keys = ['cp311', 'cp312', 'cp313', 'cp314'].map((py) => ({
    key: `whl/cpu/torch-2.9.0+cpu-${py}-${py}-win_arm64.whl`,
    size: 1,
  }));
  const rules = parseVariants('variants', [['win_arm64', 'cpu python=cp311-cp313']]);
  const chosen = selectWheels(keys, [{ name: 'torch', version: '2.9.0' }], rules);
  expect(chosen.map((w) => w.pythonTag)).toEqual(['cp311', 'cp312', 'cp313']);
  expect(() => selectWheels(keys.slice(1), [{ name: 'torch', version: '2.9.0' }], rules)).toThrow(
    'input "variants": torch 2.9.0 has no cp311 wheel for "win_arm64=cpu python=cp311,cp312,cp313"; nothing was staged or uploaded',
  );
});

describe('free-threaded builds count as Pythons of their own', () => {
  // 3.14 and 3.14t share the Python tag cp314; the ABI tag (cp314t) tells them apart.
  const release = (platforms: Record<string, string[]>): SourceObject[] =>
    Object.entries(platforms).flatMap(([file, builds]) =>
      builds.map((b) => {
        const py = b.replace(/t$/, '');
        return { key: `whl/test/${file.replace('PY', `${py}-${b}`)}`, size: 1 };
      }),
    );
  const rules = parseVariants('variants', [
    ['linux_x86_64', 'cu130'],
    ['win_amd64', 'cpu'],
  ]);

  test('a platform without the 3.14t build the others ship is a partial release', () => {
    const objects = release({
      'cu130/torch-2.6.0+cu130-PY-linux_x86_64.whl': ['cp313', 'cp314', 'cp314t'],
      'cpu/torch-2.6.0+cpu-PY-win_amd64.whl': ['cp313', 'cp314'],
    });
    expect(() => selectWheels(objects, [{ name: 'torch', version: '2.6.0' }], rules)).toThrow(
      'input "variants": torch 2.6.0 has no cp314t wheel for "win_amd64=cpu"; nothing was staged or uploaded',
    );
  });

  test('the summary has a row for 3.14t apart from 3.14', () => {
    const objects = release({
      'cu130/torch-2.6.0+cu130-PY-linux_x86_64.whl': ['cp314', 'cp314t'],
      'cpu/torch-2.6.0+cpu-PY-win_amd64.whl': ['cp314', 'cp314t'],
    });
    const selected = selectWheels(objects, [{ name: 'torch', version: '2.6.0' }], rules);
    expect(selectionMatrix(selected).map((r) => [r.python, r.cells])).toEqual([
      ['cp314', { linux_x86_64: 'cu130', win_amd64: 'cpu' }],
      ['cp314t', { linux_x86_64: 'cu130', win_amd64: 'cpu' }],
    ]);
  });

  test('a stated Python set names free-threaded builds, alone or after a range', () => {
    expect(parsePythonSet('variants', 'cp310-cp314,cp314t')).toEqual([
      'cp310',
      'cp311',
      'cp312',
      'cp313',
      'cp314',
      'cp314t',
    ]);
    expect(parsePythonSet('variants', 'cp313t-cp314t')).toEqual(['cp313t', 'cp314t']);
    expect(() => parsePythonSet('variants', 'cp313-cp314t')).toThrow(
      'input "variants": "python=cp313-cp314t" should be a range such as cp311-cp313, a list such as cp311,cp312,cp313, or both (cp310-cp314,cp314t)',
    );
    const only = parseVariants('variants', [['win_amd64', 'cpu python=cp314']]);
    const objects = release({ 'cpu/torch-2.6.0+cpu-PY-win_amd64.whl': ['cp314', 'cp314t'] });
    expect(selectWheels(objects, [{ name: 'torch', version: '2.6.0' }], only).map((w) => w.key)).toEqual([
      'whl/test/cpu/torch-2.6.0+cpu-cp314-cp314-win_amd64.whl',
    ]);
  });

  test('cp315 in exclude-python-tags leaves out both builds, each shown under its own tag when both are given', () => {
    const objects = release({ 'cpu/torch-2.6.0+cpu-PY-win_amd64.whl': ['cp314', 'cp315', 'cp315t'] });
    expect(excludePythonTags(objects, ['cp315']).excluded.map((o) => o.tag)).toEqual(['cp315', 'cp315']);
    const both = excludePythonTags(objects, ['cp315', 'cp315t']);
    expect(both.excluded.map((o) => o.tag)).toEqual(['cp315', 'cp315t']);
    expect(both.kept.map((o) => o.key)).toEqual(['whl/test/cpu/torch-2.6.0+cpu-cp314-cp314-win_amd64.whl']);
  });
});
