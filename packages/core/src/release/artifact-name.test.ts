import { ConfigurationError } from '../runtime/errors.js';
import {
  formatWheelFilename,
  matchesRelease,
  normalizeName,
  parseArtifactName,
  parseCondaFilename,
  parseLibtorchFilename,
  parseSdistFilename,
  parseWheelFilename,
  type Artifact,
} from './artifact-name.js';

describe('normalizeName follows PEP 503', () => {
  test.each([
    ['torch', 'torch'],
    ['torchvision', 'torchvision'],
    ['Torch_Vision', 'torch-vision'],
    ['pytorch_triton', 'pytorch-triton'],
    ['pytorch-triton-rocm', 'pytorch-triton-rocm'],
    ['nvidia_cudnn_cu12', 'nvidia-cudnn-cu12'],
    ['Foo.._-Bar', 'foo-bar'],
    ['PyYAML', 'pyyaml'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeName(input)).toBe(expected);
  });
});

describe('parseWheelFilename reads the PEP 427 / PEP 491 grammar', () => {
  test.each<[string, Partial<Artifact> & Record<string, unknown>]>([
    [
      'torch-2.6.0%2Bcu124-cp310-cp310-linux_x86_64.whl',
      {
        filename: 'torch-2.6.0+cu124-cp310-cp310-linux_x86_64.whl',
        distribution: 'torch',
        name: 'torch',
        version: '2.6.0+cu124',
        publicVersion: '2.6.0',
        local: 'cu124',
        pythonTag: 'cp310',
        abiTag: 'cp310',
        platformTag: 'linux_x86_64',
      },
    ],
    [
      'torch-2.1.0+cu121-cp310-cp310-linux_x86_64.whl',
      { name: 'torch', version: '2.1.0+cu121', publicVersion: '2.1.0', local: 'cu121' },
    ],
    [
      'torch-2.1.0+cu121.with.pypi.cudnn-cp311-cp311-linux_x86_64.whl',
      { version: '2.1.0+cu121.with.pypi.cudnn', local: 'cu121.with.pypi.cudnn', pythonTag: 'cp311' },
    ],
    [
      'torch-2.6.0%2bcpu.cxx11.abi-cp312-cp312-linux_x86_64.whl',
      { version: '2.6.0+cpu.cxx11.abi', local: 'cpu.cxx11.abi', publicVersion: '2.6.0' },
    ],
    [
      'torchvision-0.21.0+cu124-cp39-cp39-win_amd64.whl',
      { name: 'torchvision', version: '0.21.0+cu124', publicVersion: '0.21.0', platformTag: 'win_amd64' },
    ],
    [
      'torchaudio-2.1.0-cp310-cp310-linux_aarch64.whl',
      { name: 'torchaudio', version: '2.1.0', publicVersion: '2.1.0', platformTag: 'linux_aarch64' },
    ],
    [
      'pytorch_triton-3.2.0-cp310-cp310-linux_x86_64.whl',
      { distribution: 'pytorch_triton', name: 'pytorch-triton', version: '3.2.0' },
    ],
    ['pytorch_triton_rocm-3.2.0-cp311-cp311-linux_x86_64.whl', { name: 'pytorch-triton-rocm', version: '3.2.0' }],
    [
      'torch-2.6.0-cp310-cp310-manylinux_2_17_aarch64.manylinux2014_aarch64.whl',
      {
        platformTag: 'manylinux_2_17_aarch64.manylinux2014_aarch64',
        platformTags: ['manylinux_2_17_aarch64', 'manylinux2014_aarch64'],
      },
    ],
    [
      'torchdata-0.7.1-cp310.cp311-abi3-manylinux2014_x86_64.whl',
      { pythonTag: 'cp310.cp311', pythonTags: ['cp310', 'cp311'], abiTags: ['abi3'] },
    ],
    ['torch-2.6.0-cp39-none-macosx_11_0_arm64.whl', { abiTag: 'none', platformTag: 'macosx_11_0_arm64' }],
    ['torchtext-0.17.0-py3-none-any.whl', { name: 'torchtext', pythonTags: ['py3'], platformTags: ['any'] }],
    [
      'nvidia_cudnn_cu12-9.1.0.70-py3-none-manylinux2014_x86_64.whl',
      { name: 'nvidia-cudnn-cu12', version: '9.1.0.70', publicVersion: '9.1.0.70' },
    ],
    [
      'torch-2.7.0.dev20250101%2Bcu126-cp313-cp313t-manylinux_2_28_x86_64.whl',
      { version: '2.7.0.dev20250101+cu126', publicVersion: '2.7.0.dev20250101', abiTag: 'cp313t' },
    ],
    ['torch-2.6.0rc1-cp310-cp310-win_amd64.whl', { version: '2.6.0rc1', publicVersion: '2.6.0rc1' }],
    ['torch-2.6.0-1-cp310-cp310-linux_x86_64.whl', { version: '2.6.0', build: '1', pythonTag: 'cp310' }],
    ['torch-2.6.0-2nightly-cp310-cp310-linux_x86_64.whl', { build: '2nightly' }],
    ['Torch_Vision-0.21.0-cp310-cp310-linux_x86_64.whl', { distribution: 'Torch_Vision', name: 'torch-vision' }],
    [
      'whl/test/cu124/torch-2.6.0%2Bcu124-cp310-cp310-linux_x86_64.whl',
      { filename: 'torch-2.6.0+cu124-cp310-cp310-linux_x86_64.whl', local: 'cu124' },
    ],
    [
      '/whl/cu121/torch-2.1.0%2Bcu121-cp310-cp310-linux_x86_64.whl#sha256=0123abcd',
      { filename: 'torch-2.1.0+cu121-cp310-cp310-linux_x86_64.whl', version: '2.1.0+cu121' },
    ],
  ])('%s', (filename, fields) => {
    const w = parseWheelFilename(filename);
    expect(w).toMatchObject({ kind: 'wheel', ...fields });
    expect(parseArtifactName(filename)).toEqual(w);
  });

  test('a wheel without a local version or build tag has neither field', () => {
    const w = parseWheelFilename('torch-2.6.0-cp310-cp310-linux_x86_64.whl')!;
    expect('local' in w).toBe(false);
    expect('build' in w).toBe(false);
    expect(w.parsed).toMatchObject({ release: [2, 6, 0] });
  });

  test.each([
    'torch-2.6.0.whl',
    'torch-2.6.0-cp310.whl',
    'torch-2.6.0-cp310-cp310.whl',
    'torch-2.6.0-a-b-c-d-e.whl',
    'torch-2.6.0-x1-cp310-cp310-linux_x86_64.whl',
    'torch-latest-cp310-cp310-linux_x86_64.whl',
    'torch-v2.6.0-cp310-cp310-linux_x86_64.whl',
    'torch-2.6.0-cp310-cp310-linux_x86_64.whl.metadata',
    'torch-2.6.0-cp310-cp310-linux_x86_64.whl.sha256',
    'torch-2.6.0-cp310-cp310-linux_x86_64.WHL',
    'torch-2.6.0-cp310-cp310-linux_x86_64.zip',
    'torch-2.6.0%2-cp310-cp310-linux_x86_64.whl',
    'torch-2.6.0%2Fcu124-cp310-cp310-linux_x86_64.whl',
    'torch-2.6.0 cu124-cp310-cp310-linux_x86_64.whl',
    'torch-2.6.0+-cp310-cp310-linux_x86_64.whl',
    '_torch-2.6.0-cp310-cp310-linux_x86_64.whl',
    'torch-2.6.0-cp310--linux_x86_64.whl',
    'torch-2.6.0-cp310-cp310-linux..x86_64.whl',
    '.whl',
    'whl/test/cu124/',
    'index.html',
    'README',
    '',
  ])('rejects %j', (filename) => {
    expect(parseWheelFilename(filename)).toBeUndefined();
    expect(parseArtifactName(filename)?.kind).not.toBe('wheel');
  });
});

describe('formatWheelFilename', () => {
  test.each([
    'torch-2.6.0+cu124-cp310-cp310-linux_x86_64.whl',
    'torch-2.6.0-cp310-cp310-manylinux_2_17_aarch64.manylinux2014_aarch64.whl',
    'pytorch_triton-3.2.0-cp310-cp310-linux_x86_64.whl',
    'torch-2.6.0-1-cp310-cp310-linux_x86_64.whl',
    'torchdata-0.7.1-cp310.cp311-abi3-manylinux2014_x86_64.whl',
  ])('round-trips %s', (filename) => {
    expect(formatWheelFilename(parseWheelFilename(filename)!)).toBe(filename);
  });

  test('escapes the distribution as PEP 427 asks: runs of -, _ and . become _', () => {
    const tags = { pythonTag: 'cp310', abiTag: 'cp310', platformTag: 'linux_x86_64' };
    expect(formatWheelFilename({ distribution: 'pytorch-triton', version: '3.2.0', ...tags })).toBe(
      'pytorch_triton-3.2.0-cp310-cp310-linux_x86_64.whl',
    );
    expect(formatWheelFilename({ name: 'a-._b.c', version: '1.0', ...tags })).toBe(
      'a_b_c-1.0-cp310-cp310-linux_x86_64.whl',
    );
  });

  test('renaming the local version and platform (the PyPI rewrite) yields a parseable name', () => {
    const w = parseWheelFilename('torch-2.1.0+cu121.with.pypi.cudnn-cp310-cp310-linux_x86_64.whl')!;
    const renamed = formatWheelFilename({ ...w, version: w.publicVersion, platformTag: 'manylinux1_x86_64' });
    expect(renamed).toBe('torch-2.1.0-cp310-cp310-manylinux1_x86_64.whl');
    expect(parseWheelFilename(renamed)).toMatchObject({ version: '2.1.0', platformTag: 'manylinux1_x86_64' });
  });

  test.each([
    { distribution: 'torch', version: 'latest', pythonTag: 'cp310', abiTag: 'cp310', platformTag: 'any' },
    { distribution: '-torch', version: '2.6.0', pythonTag: 'cp310', abiTag: 'cp310', platformTag: 'any' },
    { version: '2.6.0', pythonTag: 'cp310', abiTag: 'cp310', platformTag: 'any' },
    { distribution: 'torch', version: '2.6.0', pythonTag: 'cp-310', abiTag: 'cp310', platformTag: 'any' },
    { distribution: 'torch', version: '2.6.0', build: 'x', pythonTag: 'cp310', abiTag: 'cp310', platformTag: 'any' },
  ])('refuses fields that cannot make a wheel name (%#)', (fields) => {
    expect(() => formatWheelFilename(fields)).toThrow();
  });
});

describe('parseLibtorchFilename', () => {
  test.each([
    ['libtorch-cxx11-abi-shared-with-deps-2.6.0+cu126.zip', 'cxx11-abi-shared-with-deps', '2.6.0+cu126', 'cu126'],
    ['libtorch-shared-with-deps-2.6.0%2Bcpu.zip', 'shared-with-deps', '2.6.0+cpu', 'cpu'],
    ['libtorch-win-shared-with-deps-debug-2.6.0+cu124.zip', 'win-shared-with-deps-debug', '2.6.0+cu124', 'cu124'],
    ['libtorch-win-shared-with-deps-2.6.0+cpu.zip', 'win-shared-with-deps', '2.6.0+cpu', 'cpu'],
    ['libtorch-macos-arm64-2.6.0.zip', 'macos-arm64', '2.6.0', undefined],
    ['libtorch-macos-x86_64-2.2.0.zip', 'macos-x86_64', '2.2.0', undefined],
    [
      'libtorch-cxx11-abi-shared-with-deps-2.1.0%2Brocm5.6.zip',
      'cxx11-abi-shared-with-deps',
      '2.1.0+rocm5.6',
      'rocm5.6',
    ],
    ['libtorch/test/cu126/libtorch-shared-with-deps-2.6.0%2Bcu126.zip', 'shared-with-deps', '2.6.0+cu126', 'cu126'],
  ])('%s', (filename, flavor, version, local) => {
    const a = parseLibtorchFilename(filename);
    expect(a).toMatchObject({
      kind: 'libtorch',
      name: 'libtorch',
      flavor,
      version,
      publicVersion: version.split('+')[0],
    });
    expect(a?.local).toBe(local);
    expect(parseArtifactName(filename)).toEqual(a);
  });

  test.each([
    'libtorch-cxx11-abi-shared-with-deps-latest.zip',
    'libtorch-shared-with-deps-latest.zip',
    'libtorch-macos-arm64-latest.zip',
    'libtorch-cxx11-abi-shared-with-deps-2.6.0+cu126.zip.sha256',
    'libtorch-cxx11-abi-shared-with-deps-2.6.0+cu126.tar.gz',
    'libtorch.zip',
    'libtorch-.zip',
    'torch-2.6.0.zip',
    'libtorchvision-shared-2.6.0.zip',
  ])('rejects %j', (filename) => {
    expect(parseLibtorchFilename(filename)).toBeUndefined();
    expect(parseArtifactName(filename)).toBeUndefined();
  });
});

describe('parseCondaFilename', () => {
  test.each([
    [
      'pytorch-2.1.0-py3.10_cuda12.1_cudnn8.9.2_0.tar.bz2',
      'pytorch',
      '2.1.0',
      'py3.10_cuda12.1_cudnn8.9.2_0',
      'tar.bz2',
    ],
    ['torchvision-0.16.0-py311_cu121.tar.bz2', 'torchvision', '0.16.0', 'py311_cu121', 'tar.bz2'],
    ['pytorch-2.1.0-py3.11_cpu_0.conda', 'pytorch', '2.1.0', 'py3.11_cpu_0', 'conda'],
    ['pytorch-cuda-12.1-ha16c6d3_5.tar.bz2', 'pytorch-cuda', '12.1', 'ha16c6d3_5', 'tar.bz2'],
    [
      'pytorch/linux-64/pytorch-2.2.0-py3.12_cuda12.1_cudnn8.9.2_0.tar.bz2',
      'pytorch',
      '2.2.0',
      'py3.12_cuda12.1_cudnn8.9.2_0',
      'tar.bz2',
    ],
  ])('%s', (filename, name, version, build, extension) => {
    const a = parseCondaFilename(filename);
    expect(a).toMatchObject({ kind: 'conda', name, version, publicVersion: version, build, extension });
    expect(parseArtifactName(filename)).toEqual(a);
  });

  test.each([
    'pytorch-2.1.0.tar.bz2',
    'pytorch-latest-py3.10_0.tar.bz2',
    'pytorch-2.1.0-py3.10_0.tar.bz2.json',
    'pytorch-2.1.0-py3.10+0.conda',
    'repodata.json',
    'current_repodata.json.bz2',
  ])('rejects %j', (filename) => {
    expect(parseCondaFilename(filename)).toBeUndefined();
    expect(parseArtifactName(filename)).toBeUndefined();
  });
});

describe('parseSdistFilename', () => {
  test.each([
    ['torch-2.6.0.tar.gz', 'torch', '2.6.0'],
    ['torchdata-0.7.1.tar.gz', 'torchdata', '0.7.1'],
    ['pytorch_triton-3.2.0.tar.gz', 'pytorch-triton', '3.2.0'],
    ['torchvision-0.21.0rc1.tar.gz', 'torchvision', '0.21.0rc1'],
  ])('%s', (filename, name, version) => {
    const a = parseSdistFilename(filename);
    expect(a).toMatchObject({ kind: 'sdist', name, version, publicVersion: version, extension: 'tar.gz' });
    expect(parseArtifactName(filename)).toEqual(a);
  });

  test.each([
    'torch.tar.gz',
    'torch-latest.tar.gz',
    'pytorch-triton-3.2.0.tar.gz',
    'torch-2.6.0.tar',
    'torch-2.6.0.tgz',
    '-2.6.0.tar.gz',
  ])('rejects %j', (filename) => {
    expect(parseSdistFilename(filename)).toBeUndefined();
    expect(parseArtifactName(filename)).toBeUndefined();
  });
});

describe('parseArtifactName dispatches on the grammar and refuses everything else', () => {
  test.each([
    ['torch-2.6.0+cu124-cp310-cp310-linux_x86_64.whl', 'wheel'],
    ['libtorch-macos-arm64-2.6.0.zip', 'libtorch'],
    ['torchvision-0.16.0-py311_cu121.tar.bz2', 'conda'],
    ['torch-2.6.0.tar.gz', 'sdist'],
  ])('%s is a %s', (filename, kind) => {
    expect(parseArtifactName(filename)?.kind).toBe(kind);
  });

  test.each([
    'index.html',
    'torch-2.6.0.whl',
    'README',
    'whl/test/cu124/index.html',
    'torch',
    'torch-2.6.0',
    '2.6.0',
    'torch-2.6.0-cp310-cp310-linux_x86_64.whl.metadata',
    'libtorch-shared-with-deps-latest.zip',
    'x'.repeat(1000) + '-2.6.0.tar.gz',
  ])('%j is not an artifact', (filename) => {
    expect(parseArtifactName(filename)).toBeUndefined();
  });
});

describe('matchesRelease: same normalised name and the same public version, by PEP 440', () => {
  const release: Array<[string, boolean]> = [
    ['torch-2.6.0-cp310-cp310-linux_x86_64.whl', true],
    ['torch-2.6.0+cu124-cp310-cp310-linux_x86_64.whl', true],
    ['torch-2.6.0%2Bcpu.cxx11.abi-cp39-cp39-linux_x86_64.whl', true],
    ['torch-2.6-cp310-cp310-linux_x86_64.whl', true],
    ['torch-2.6.0.tar.gz', true],
    ['Torch-2.6.0-cp310-cp310-win_amd64.whl', true],
    ['torch-2.6.0rc1-cp310-cp310-linux_x86_64.whl', false],
    ['torch-2.6.0rc1+cu124-cp310-cp310-linux_x86_64.whl', false],
    ['torch-2.6.0.dev20250101-cp310-cp310-linux_x86_64.whl', false],
    ['torch-2.6.0.post1-cp310-cp310-linux_x86_64.whl', false],
    ['torch-2.6.1+cu124-cp310-cp310-linux_x86_64.whl', false],
    ['torch-2.6.10-cp310-cp310-linux_x86_64.whl', false],
    ['torch-12.6.0-cp310-cp310-linux_x86_64.whl', false],
    ['torchvision-2.6.0-cp310-cp310-linux_x86_64.whl', false],
    ['pytorch_triton-2.6.0-cp310-cp310-linux_x86_64.whl', false],
    ['libtorch-shared-with-deps-2.6.0%2Bcpu.zip', false],
  ];

  test.each(release)('torch=2.6.0 against %s -> %s', (filename, expected) => {
    const a = parseArtifactName(filename)!;
    expect(a).toBeDefined();
    expect(matchesRelease(a, 'torch', '2.6.0')).toBe(expected);
    expect(matchesRelease(a, 'Torch', 'v2.6.0')).toBe(expected);
  });

  test('names compare after PEP 503 normalisation', () => {
    const a = parseArtifactName('pytorch_triton-3.2.0-cp310-cp310-linux_x86_64.whl')!;
    expect(matchesRelease(a, 'pytorch-triton', '3.2.0')).toBe(true);
    expect(matchesRelease(a, 'Pytorch.Triton', '3.2.0')).toBe(true);
    expect(matchesRelease(a, 'pytorch-triton-rocm', '3.2.0')).toBe(false);
  });

  test('libtorch matches by its own name', () => {
    const a = parseArtifactName('libtorch-cxx11-abi-shared-with-deps-2.6.0+cu126.zip')!;
    expect(matchesRelease(a, 'libtorch', '2.6.0')).toBe(true);
    expect(matchesRelease(a, 'libtorch', '2.6.1')).toBe(false);
  });

  test('a requested local version matches only that local version', () => {
    const cu124 = parseArtifactName('torch-2.6.0+cu124-cp310-cp310-linux_x86_64.whl')!;
    const cu126 = parseArtifactName('torch-2.6.0+cu126-cp310-cp310-linux_x86_64.whl')!;
    const plain = parseArtifactName('torch-2.6.0-cp310-cp310-linux_x86_64.whl')!;
    expect(matchesRelease(cu124, 'torch', '2.6.0+cu124')).toBe(true);
    expect(matchesRelease(cu126, 'torch', '2.6.0+cu124')).toBe(false);
    expect(matchesRelease(plain, 'torch', '2.6.0+cu124')).toBe(false);
  });

  test('a requested version that is not a version is a clear error', () => {
    const a = parseArtifactName('torch-2.6.0-cp310-cp310-linux_x86_64.whl')!;
    expect(() => matchesRelease(a, 'torch', 'latest')).toThrow(ConfigurationError);
    expect(() => matchesRelease(a, 'torch', 'latest')).toThrow('"latest" is not a PEP 440 version');
  });
});
