import { cellKey, cellOfJob, parseCellPatterns, parseExpectMatrix, type Cell } from './matrix.js';

const on = (day: string) => new Date(`${day}T00:00:00Z`);
const keys = (cells: Cell[]) => cells.map(cellKey);

/** PyTorch's release matrix of today (test-infra generate_binary_build_matrix.py, release channel). */
const PYTORCH_RELEASE_MATRIX = `
os=linux,windows,macos; arch=x86_64,aarch64; accelerator=cpu,cu126,cu130,cu132,rocm7.1,rocm7.2,xpu; python=nep29,3.10,3.14t
linux/aarch64: accelerator=cpu,cu126,cu130,cu132
windows/x86_64: accelerator=cpu,cu126,cu130,cu132,xpu
windows/arm64: accelerator=cpu; python=3.11,3.12,3.13
macos: arch=arm64; accelerator=cpu
`;

test('PyTorch release matrix of today: every platform with its own accelerators and Python set', () => {
  const m = parseExpectMatrix('expect-matrix', PYTORCH_RELEASE_MATRIX, on('2026-01-21'));
  expect(m.nep29).toEqual(['3.11', '3.12', '3.13', '3.14']);
  expect(m.pythons).toEqual(['3.10', '3.11', '3.12', '3.13', '3.14', '3.14t']);
  const count = (os: string, arch: string) => m.cells.filter((c) => c.os === os && c.arch === arch).length;
  expect(count('linux', 'x86_64')).toBe(7 * 6);
  expect(count('linux', 'aarch64')).toBe(4 * 6);
  expect(count('windows', 'x86_64')).toBe(5 * 6);
  expect(count('windows', 'aarch64')).toBe(3);
  expect(count('macos', 'aarch64')).toBe(6);
  expect(count('macos', 'x86_64')).toBe(0);
  expect(m.cells).toHaveLength(42 + 24 + 30 + 3 + 6);
  expect(keys(m.cells.filter((c) => c.os === 'windows' && c.arch === 'aarch64'))).toEqual([
    'windows/aarch64/cpu/py3.11',
    'windows/aarch64/cpu/py3.12',
    'windows/aarch64/cpu/py3.13',
  ]);
});

test('the same matrix written with exclude rules gives the same cells', () => {
  const excludes = `
    os=linux,windows,macos; arch=x86_64,aarch64; accelerator=cpu,cu126,cu130,cu132,rocm7.1,rocm7.2,xpu; python=nep29,3.10,3.14t
    exclude: arch=aarch64; accelerator=rocm*,xpu   # no ROCm or XPU on arm
    exclude: os=windows; accelerator=rocm*
    exclude: os=macos; arch=x86_64
    exclude: os=macos; accelerator=cu*,rocm*,xpu
    windows/arm64: accelerator=cpu; python=3.11,3.12,3.13
  `;
  const a = parseExpectMatrix('expect-matrix', excludes, on('2026-01-21'));
  const b = parseExpectMatrix('expect-matrix', PYTORCH_RELEASE_MATRIX, on('2026-01-21'));
  expect(keys(a.cells).sort()).toEqual(keys(b.cells).sort());
});

test('nep29 follows the release date, and spellings are normalised', () => {
  const m = parseExpectMatrix(
    'expect-matrix',
    'os=Linux; arch=amd64; accelerator=cuda12.6,ROCm7_1; python=nep29',
    on('2025-01-29'),
  );
  expect(m.pythons).toEqual(['3.10', '3.11', '3.12', '3.13']);
  expect(keys(m.cells)).toContain('linux/x86_64/cu126/py3.10');
  expect(keys(m.cells)).toContain('linux/x86_64/rocm7.1/py3.13');
});

test.each([
  [
    'os=linux; arch=x86_64; accelerator=cpu',
    'input "expect-matrix": python is not given; expected a line such as os=linux; arch=x86_64; accelerator=cpu,cu126; python=nep29',
  ],
  [
    'os=linux; arch=x86_64; accelerator=cpu; python=3.x',
    'input "expect-matrix" line 1: "3.x" is not a valid python; expected 3.N, 3.Nt or nep29',
  ],
  [
    'os=linux,beos; arch=x86_64; accelerator=cpu; python=3.12',
    'input "expect-matrix" line 1: "beos" is not a valid os; expected linux, windows or macos',
  ],
  [
    'os=linux; arch=x86_64; accelerator=cuda; python=3.12',
    'input "expect-matrix" line 1: "cuda" is not a valid accelerator; expected cpu, xpu, cuNNN (cu126) or rocmX.Y (rocm7.1)',
  ],
  [
    'os=linux; arch=sparc; accelerator=cpu; python=3.12',
    'input "expect-matrix" line 1: "sparc" is not a valid arch; expected x86_64 or aarch64 (arm64)',
  ],
  [
    'os=linux; gpu=a100; arch=x86_64; accelerator=cpu; python=3.12',
    'input "expect-matrix" line 1: unknown dimension "gpu"; expected os, arch, accelerator or python',
  ],
  [
    'os=linux; os=windows; arch=x86_64; accelerator=cpu; python=3.12',
    'input "expect-matrix" line 1: os is given twice',
  ],
  [
    'os=linux; arch=x86_64\naccelerator=cpu; python=3.12\npython=3.13',
    'input "expect-matrix" line 3: python is given twice',
  ],
  [
    'os linux; arch=x86_64; accelerator=cpu; python=3.12',
    'input "expect-matrix" line 1: "os linux" is not dimension=values such as os=linux,windows',
  ],
  ['os=linux; arch=x86_64; accelerator=; python=3.12', 'input "expect-matrix" line 1: accelerator= has no values'],
  [
    'os=linux; arch=x86_64; accelerator=cpu; python=3.12\nexclude:',
    'input "expect-matrix" line 2: exclude needs at least one dimension=values',
  ],
  [
    'os=linux; arch=x86_64; accelerator=cpu; python=3.12\nexclude: accelerator=cuda*',
    'input "expect-matrix" line 2: "exclude: accelerator=cuda*" excludes no cell; check its values',
  ],
  [
    'os=linux; arch=x86_64; accelerator=cpu; python=3.12\nexclude: python=3.12',
    'input "expect-matrix": every cell is excluded',
  ],
  [
    'os=linux; arch=x86_64; accelerator=cpu; python=3.12\nwindows: python=3.12',
    'input "expect-matrix" line 2: windows is not in the matrix (os=linux; arch=x86_64)',
  ],
  [
    'os=linux; arch=x86_64; accelerator=cpu; python=3.12\nlinux/arm64: python=3.12',
    'input "expect-matrix" line 2: linux/aarch64 is not in the matrix (os=linux; arch=x86_64)',
  ],
  [
    'os=linux; arch=x86_64; accelerator=cpu; python=3.12\nlinux: os=windows',
    'input "expect-matrix" line 2: an override for linux cannot set os',
  ],
  [
    'os=linux; arch=x86_64; accelerator=cpu; python=3.12\nlinux/x86_64: arch=aarch64',
    'input "expect-matrix" line 2: an override for linux/x86_64 cannot set arch',
  ],
  [
    'os=linux; arch=x86_64; accelerator=cpu; python=3.12\nlinux: python=3.13\nlinux: python=3.11',
    'input "expect-matrix" line 3: linux is overridden twice',
  ],
  [
    'os=linux; arch=x86_64; accelerator=cpu; python=3.12\ninclude: python=3.13',
    'input "expect-matrix" line 2: "include:" is neither exclude: nor a platform such as windows: or windows/arm64:',
  ],
])('malformed matrix %j is a one-line error', (text, message) => {
  expect(() => parseExpectMatrix('expect-matrix', text, on('2026-01-21'))).toThrow(message);
  try {
    parseExpectMatrix('expect-matrix', text, on('2026-01-21'));
  } catch (e) {
    expect((e as Error).name).toBe('ConfigurationError');
    expect((e as Error).message).not.toContain('\n');
  }
});

const PATTERNS = parseCellPatterns('cell-patterns', [
  String.raw`(?<os>linux|windows|macos)(?:-(?<arch>aarch64|arm64|s390x))?-binary-(?:manywheel|wheel)[^/]* / (?:manywheel|wheel)-py(?<python>3_\d+t?)-(?<accelerator>cpu|xpu|cuda(?:-aarch64)?-?\d+_\d+|rocm\d+_\d+)\b`,
  String.raw`(?<os>manywheel)-py(?<python>3_\d+t?)-(?<accelerator>cpu|xpu|cuda\d+_\d+|rocm\d+_\d+)(?:-(?<arch>aarch64))?\b`,
]);

test.each([
  ['linux-binary-manywheel / manywheel-py3_10-cuda12_6-build / build', 'linux/x86_64/cu126/py3.10'],
  ['linux-binary-manywheel / manywheel-py3_13-rocm7_1-test / test', 'linux/x86_64/rocm7.1/py3.13'],
  ['linux-aarch64-binary-manywheel / manywheel-py3_11-cuda-aarch64-13_0-build / build', 'linux/aarch64/cu130/py3.11'],
  ['linux-aarch64-binary-manywheel / manywheel-py3_12-cpu-aarch64-build / build', 'linux/aarch64/cpu/py3.12'],
  ['windows-binary-wheel / wheel-py3_14t-cpu-test / test', 'windows/x86_64/cpu/py3.14t'],
  ['windows-arm64-binary-wheel / wheel-py3_11-cpu-build', 'windows/aarch64/cpu/py3.11'],
  ['macos-arm64-binary-wheel / wheel-py3_14-cpu-upload / upload', 'macos/aarch64/cpu/py3.14'],
  ['manywheel-py3_10-cuda12_6-build', 'linux/x86_64/cu126/py3.10'],
  ['manywheel-py3_10-xpu-aarch64-build', 'linux/aarch64/xpu/py3.10'],
  ['linux-binary-libtorch / libtorch-cpu-shared-with-deps-release-build / build', undefined],
  ['pull / linux-jammy-py3.10-gcc11 / test (default, 1, 5, linux.2xlarge)', undefined],
])('job %j is cell %j', (name, key) => {
  const cell = cellOfJob(name, PATTERNS);
  expect(cell && cellKey(cell)).toBe(key);
});

test.each([
  ['(?<os>linux', 'input "cell-patterns": "(?<os>linux" is not a regular expression'],
  [
    '(?<os>linux)-py(?<python>3_\\d+)',
    'input "cell-patterns": "(?<os>linux)-py(?<python>3_\\\\d+)" has no named group (?<accelerator>...)',
  ],
])('a bad cell pattern %j is a one-line error', (source, message) => {
  expect(() => parseCellPatterns('cell-patterns', [source])).toThrow(message);
});
