import { releaseMatrix, siteVersions, stableEntry } from '../test/site-fixtures.js';
import {
  acceleratorBuilds,
  changedCells,
  checkMatrix,
  fillEntry,
  parseMatrix,
  testEntry,
  toTestChannel,
  withRelease,
} from './site-entry.js';

const matrix = releaseMatrix('2.10.0');
const site = siteVersions();

describe('which build each selector label stands for (as the site generator decides from the Linux matrix)', () => {
  test('accnone is the CPU build; cuda.x, cuda.y, cuda.z the three newest CUDA versions in order; rocm the newest ROCm', () => {
    const builds = acceleratorBuilds(['accnone', 'cuda.x', 'cuda.y', 'cuda.z', 'rocm5.x'], matrix.linux);
    expect(Object.fromEntries(builds)).toEqual({
      accnone: { gpuArchType: 'cpu', gpuArchVersion: '' },
      'cuda.x': { gpuArchType: 'cuda', gpuArchVersion: '12.6' },
      'cuda.y': { gpuArchType: 'cuda', gpuArchVersion: '13.0' },
      'cuda.z': { gpuArchType: 'cuda', gpuArchVersion: '13.2' },
      'rocm5.x': { gpuArchType: 'rocm', gpuArchVersion: '7.2' },
    });
  });

  test('two CUDA labels take the two newest versions; versions compare as numbers, not text', () => {
    const linux = [...matrix.linux, { ...matrix.linux[0]!, gpu_arch_type: 'rocm', gpu_arch_version: '7.10' }];
    const builds = acceleratorBuilds(['cuda.x', 'cuda.y', 'rocm5.x'], linux);
    expect(builds.get('cuda.x')?.gpuArchVersion).toBe('13.0');
    expect(builds.get('cuda.y')?.gpuArchVersion).toBe('13.2');
    expect(builds.get('rocm5.x')?.gpuArchVersion).toBe('7.10');
  });

  test('a label without a version, such as xpu, is that build type', () => {
    expect(acceleratorBuilds(['xpu'], matrix.linux).get('xpu')).toEqual({ gpuArchType: 'xpu', gpuArchVersion: '' });
    expect(acceleratorBuilds(['npu'], matrix.linux).get('npu')).toBeUndefined();
  });
});

describe('the release entry', () => {
  const { entry, filled } = fillEntry(site.versions['2.9.1']!, matrix);

  test('is the previous stable entry with every command and download link taken from the matrix', () => {
    expect(entry).toEqual(stableEntry('2.10.0', ['12.6', '13.0', '13.2'], '7.2'));
    // 5 Linux pip + 5 libtorch, 5 macOS pip + 5 libtorch, 4 Windows pip + 4 libtorch; the two ROCm notes need nothing
    expect(filled).toBe(28);
  });

  test('pip is the manywheel build on Linux and the wheel build elsewhere; macOS CUDA headings show the CPU wheel', () => {
    expect(entry['linux']!['pip']!['accnone']!.command).toBe(
      'pip3 install torch torchvision --index-url https://download.pytorch.org/whl/cpu',
    );
    expect(entry['macos']!['pip']!['cuda.z']).toMatchObject({
      command: 'pip3 install torch torchvision',
      default: true,
    });
    expect(entry['windows']!['libtorch']!['cuda.z']!.versions).toEqual({
      'Download here (Release version):':
        'https://download.pytorch.org/libtorch/cu132/libtorch-win-shared-with-deps-2.10.0%2Bcu132.zip',
      'Download here (Debug version):':
        'https://download.pytorch.org/libtorch/cu132/libtorch-win-shared-with-deps-debug-2.10.0%2Bcu132.zip',
    });
  });

  test("as the site has it since 2.7: conda cells that only say conda is gone, and Windows' x64 and arm64 libtorch links", () => {
    const template = structuredClone(site.versions['2.9.1']!);
    const gone = {
      note: '<b>NOTE:</b> Conda packages are no longer available. Please use pip instead.<br />',
      command: null,
    };
    template['windows']!['conda'] = { accnone: gone, 'cuda.x': gone, 'rocm5.x': gone };
    template['windows']!['libtorch']!['accnone']!.versions = {
      'Download here (Release version x64):': 'old',
      'Download here (Debug version x64):': 'old',
      'Download here (Release version arm64):': 'old',
      'Download here (Debug version arm64):': 'old',
    };
    const filled = fillEntry(template, matrix).entry;
    expect(filled['windows']!['conda']).toEqual(template['windows']!['conda']);
    const cpu = 'https://download.pytorch.org/libtorch/cpu/libtorch-win-shared-with-deps';
    expect(filled['windows']!['libtorch']!['accnone']!.versions).toEqual({
      'Download here (Release version x64):': `${cpu}-2.10.0%2Bcpu.zip`,
      'Download here (Debug version x64):': `${cpu}-debug-2.10.0%2Bcpu.zip`,
      'Download here (Release version arm64):': `${cpu}-2.10.0%2Bcpu.zip`,
      'Download here (Debug version arm64):': `${cpu}-debug-2.10.0%2Bcpu.zip`,
    });
  });

  test('a note-only cell (ROCm on Windows) is kept as it is', () => {
    expect(entry['windows']!['pip']!['rocm5.x']).toEqual({
      note: '<b>NOTE:</b> ROCm is not available on Windows',
      command: null,
    });
  });

  test('cells the matrix lacks are one error naming each of them', () => {
    const lacking = {
      ...matrix,
      windows: matrix.windows.filter((e) => !(e.package_type === 'libtorch' && e.libtorch_config === 'debug')),
      macos: matrix.macos.filter((e) => e.package_type !== 'wheel'),
    };
    expect(() => fillEntry(site.versions['2.9.1']!, lacking)).toThrow(
      /^input "matrix": the release matrix has no build for 9 cell\(s\) of the site's entry: macos\/pip\/accnone \(wheel cpu\); .*windows\/libtorch\/cuda\.z "Download here \(Debug version\):" \(libtorch cuda 13\.2\)$/,
    );
  });

  test('a CUDA label with no CUDA version left in the matrix is named', () => {
    const twoCuda = { ...matrix, linux: matrix.linux.filter((e) => e.gpu_arch_version !== '12.6') };
    expect(() => fillEntry(site.versions['2.9.1']!, twoCuda)).toThrow(
      'linux/pip/cuda.x (no CUDA build in the linux matrix)',
    );
  });
});

describe('the test twin points every command at the release candidates', () => {
  test.each([
    [
      'pip3 install torch torchvision --index-url https://download.pytorch.org/whl/cu126',
      'pip3 install torch torchvision --index-url https://download.pytorch.org/whl/test/cu126',
    ],
    // the PyPI build: the RC is not on PyPI, so the command names the RC index of its variant
    [
      'pip3 install torch torchvision',
      'pip3 install torch torchvision --index-url https://download.pytorch.org/whl/test/cu130',
    ],
    [
      'https://download.pytorch.org/libtorch/cu130/libtorch-shared-with-deps-2.10.0%2Bcu130.zip',
      'https://download.pytorch.org/libtorch/test/cu130/libtorch-shared-with-deps-2.10.0%2Bcu130.zip',
    ],
    [
      'pip3 install torch --index-url https://download.pytorch.org/whl/test/cu130',
      'pip3 install torch --index-url https://download.pytorch.org/whl/test/cu130',
    ],
  ])('%s', (release, test) => {
    expect(toTestChannel(release, 'cu130')).toBe(test);
  });

  test('in the whole entry, each PyPI command gets its own variant (cu130 on Linux, cpu on macOS and Windows)', () => {
    const test = testEntry(fillEntry(site.versions['2.9.1']!, matrix).entry, matrix);
    expect(test['linux']!['pip']!['cuda.y']!.command).toBe(
      'pip3 install torch torchvision --index-url https://download.pytorch.org/whl/test/cu130',
    );
    expect(test['macos']!['pip']!['cuda.x']!.command).toBe(
      'pip3 install torch torchvision --index-url https://download.pytorch.org/whl/test/cpu',
    );
    expect(test['windows']!['pip']!['accnone']!.command).toBe(
      'pip3 install torch torchvision --index-url https://download.pytorch.org/whl/test/cpu',
    );
    const urls = JSON.stringify(test).match(/https:\/\/download\.pytorch\.org\/[a-z]+\/[a-z]+/g)!;
    expect(new Set(urls)).toEqual(
      new Set(['https://download.pytorch.org/whl/test', 'https://download.pytorch.org/libtorch/test']),
    );
  });
});

describe('the versions file', () => {
  const { entry } = fillEntry(site.versions['2.9.1']!, matrix);
  const original = JSON.stringify(site, null, 2) + '\n';

  test('gets the entry after the others and latest_stable, written as json.dump(indent=2) with the final newline kept', () => {
    const text = withRelease(site, '2.10.0', entry, original);
    const parsed = JSON.parse(text);
    expect(Object.keys(parsed.versions)).toEqual(['preview', '2.9.0', '2.9.1', '2.10.0']);
    expect(parsed.latest_stable).toBe('2.10.0');
    expect(parsed.latest_lts).toBe('lts-1.8.2');
    expect(text.endsWith('}\n')).toBe(true);
    expect(withRelease(site, '2.10.0', entry, original.trimEnd()).endsWith('}')).toBe(true);
  });

  test('non-ASCII text is escaped as json.dump escapes it, so untouched entries keep their bytes', () => {
    const noted = structuredClone(site);
    noted.versions['2.9.0']!['windows']!['pip']!['rocm5.x']!.note = 'ROCm isn’t available on Windows 🙂';
    const text = withRelease(noted, '2.10.0', entry, original);
    expect(text).toContain('"note": "ROCm isn\\u2019t available on Windows \\ud83d\\ude42"');
    expect(JSON.parse(text).versions['2.9.0'].windows.pip['rocm5.x'].note).toBe('ROCm isn’t available on Windows 🙂');
  });

  test('an entry that is there is replaced in place', () => {
    const text = withRelease(site, '2.9.0', entry, original);
    expect(Object.keys(JSON.parse(text).versions)).toEqual(['preview', '2.9.0', '2.9.1']);
  });

  test('changed cells: every cell of a new entry, only the differing ones of an existing entry', () => {
    expect(changedCells(undefined, entry)).toHaveLength(30);
    const one = structuredClone(entry);
    one['linux']!['pip']!['cuda.x']!.command = 'pip3 install torch';
    expect(changedCells(entry, one)).toEqual(['linux/pip/cuda.x']);
  });
});

test('a matrix file that is not {"include": [...]} is refused naming the input and the file', () => {
  expect(() => parseMatrix('linux', 'linux.json', '[]')).toThrow(
    /^input "matrix": linux=linux.json is not a release matrix; expected \{"include": /,
  );
  expect(() => parseMatrix('linux', 'linux.json', '{"include": [')).toThrow(
    /^input "matrix": linux=linux.json is not JSON/,
  );
});

describe('a matrix of another channel or another release is refused', () => {
  test.each([
    [
      { channel: 'nightly' },
      false,
      'input "matrix": the linux matrix is the nightly channel\'s; expected the release channel\'s',
    ],
    [
      { channel: 'test' },
      false,
      'input "matrix": the linux matrix is the test channel\'s; expected the release channel\'s',
    ],
    [{ stable_version: '2.9.1' }, false, 'input "matrix": the linux matrix is for 2.9.1, not 2.10.0'],
  ])('%j (test twin: %s)', (change, test, message) => {
    const m = releaseMatrix('2.10.0');
    m.linux = m.linux.map((e) => ({ ...e, ...change }));
    expect(() => checkMatrix(m, '2.10.0', test)).toThrow(message);
  });

  test("the release matrix passes, and the test twin may take the test channel's", () => {
    expect(() => checkMatrix(matrix, '2.10.0', false)).not.toThrow();
    const testChannel = releaseMatrix('2.10.0');
    testChannel.linux = testChannel.linux.map((e) => ({ ...e, channel: 'test' }));
    expect(() => checkMatrix(testChannel, '2.10.0', true)).not.toThrow();
  });
});
