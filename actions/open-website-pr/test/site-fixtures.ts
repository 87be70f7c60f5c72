import type { MatrixEntry, PublishedVersions, ReleaseMatrix, VersionEntry } from '../src/site-entry.js';

/**
 * A release matrix shaped like test-infra's generate_binary_build_matrix.py writes it for the release
 * channel in 2026 (CUDA 12.6, 13.0 and 13.2, 13.0 on PyPI; ROCm 7.1 and 7.2; XPU), and a site whose
 * latest stable entry has the selector's labels of that time.
 */

const DL = 'https://download.pytorch.org';
const PYPI_CUDA = '13.0';

const desired = (type: string, v: string): string =>
  type === 'cpu' ? 'cpu' : type === 'cuda' ? `cu${v.replace('.', '')}` : type === 'rocm' ? `rocm${v}` : type;

function wheels(os: string, version: string, arches: Array<[string, string]>): MatrixEntry[] {
  const python = ['3.10', '3.11', '3.12', '3.13', '3.14', '3.14t'];
  return arches.flatMap(([type, v]) =>
    python.map((py) => {
      const onPyPI = (os === 'linux' && type === 'cuda' && v === PYPI_CUDA) || (os !== 'linux' && type === 'cpu');
      return {
        python_version: py,
        gpu_arch_type: type,
        gpu_arch_version: v,
        desired_cuda: desired(type, v),
        package_type: os === 'linux' ? 'manywheel' : 'wheel',
        installation: onPyPI
          ? 'pip3 install torch torchvision'
          : `pip3 install torch torchvision --index-url ${DL}/whl/${desired(type, v)}`,
        channel: 'release',
        stable_version: version,
      };
    }),
  );
}

function libtorch(os: string, version: string, arches: Array<[string, string]>): MatrixEntry[] {
  const configs = os === 'windows' ? ['release', 'debug'] : ['cxx11-abi'];
  return arches.flatMap(([type, v]) =>
    configs.map((config) => {
      const d = desired(type, v);
      const file =
        os === 'windows'
          ? `libtorch-win-shared-with-deps${config === 'debug' ? '-debug' : ''}-${version}%2B${d}.zip`
          : os === 'macos'
            ? `libtorch-macos-arm64-${version}.zip`
            : `libtorch-shared-with-deps-${version}%2B${d}.zip`;
      return {
        gpu_arch_type: type,
        gpu_arch_version: v,
        desired_cuda: d,
        libtorch_variant: 'shared-with-deps',
        libtorch_config: os === 'windows' ? config : '',
        devtoolset: os === 'windows' ? '' : config,
        package_type: 'libtorch',
        installation: `${DL}/libtorch/${d}/${file}`,
        channel: 'release',
        stable_version: version,
      };
    }),
  );
}

const CPU: [string, string] = ['cpu', ''];
const CUDA: Array<[string, string]> = [
  ['cuda', '12.6'],
  ['cuda', '13.0'],
  ['cuda', '13.2'],
];
const ROCM: Array<[string, string]> = [
  ['rocm', '7.1'],
  ['rocm', '7.2'],
];

export function releaseMatrix(version: string): Required<ReleaseMatrix> {
  return {
    linux: [
      ...wheels('linux', version, [CPU, ...CUDA, ...ROCM, ['xpu', '']]),
      ...libtorch('linux', version, [CPU, ...CUDA, ...ROCM]),
    ],
    windows: [
      ...wheels('windows', version, [CPU, ...CUDA, ['xpu', '']]),
      ...libtorch('windows', version, [CPU, ...CUDA]),
    ],
    macos: [...wheels('macos', version, [CPU]), ...libtorch('macos', version, [CPU])],
  };
}

const LINUX_LIB = 'Download here (cxx11 ABI):';
const WIN_RELEASE = 'Download here (Release version):';
const WIN_DEBUG = 'Download here (Debug version):';
const MAC_LIB = 'Download arm64 libtorch here (ROCm and CUDA are not supported):';

/** The entry the site has for a stable release, filled the way its generator fills it. */
export function stableEntry(version: string, cuda: [string, string, string], rocm: string): VersionEntry {
  const [x, y, z] = cuda.map((v) => `cu${v.replace('.', '')}`) as [string, string, string];
  const pip = (variant: string | undefined): string =>
    variant ? `pip3 install torch torchvision --index-url ${DL}/whl/${variant}` : 'pip3 install torch torchvision';
  const lib = (d: string, name: string): string => `${DL}/libtorch/${d}/${name}-${version}%2B${d}.zip`;
  const mac = `${DL}/libtorch/cpu/libtorch-macos-arm64-${version}.zip`;
  return {
    linux: {
      pip: {
        accnone: { note: null, command: pip('cpu') },
        'cuda.x': { note: null, command: pip(x) },
        'cuda.y': { note: null, command: pip(undefined) },
        'cuda.z': { note: null, command: pip(z) },
        'rocm5.x': { note: null, command: pip(`rocm${rocm}`) },
      },
      libtorch: {
        accnone: { note: null, versions: { [LINUX_LIB]: lib('cpu', 'libtorch-shared-with-deps') } },
        'cuda.x': { note: null, versions: { [LINUX_LIB]: lib(x, 'libtorch-shared-with-deps') } },
        'cuda.y': { note: null, versions: { [LINUX_LIB]: lib(y, 'libtorch-shared-with-deps') } },
        'cuda.z': { note: null, versions: { [LINUX_LIB]: lib(z, 'libtorch-shared-with-deps') } },
        'rocm5.x': { note: null, versions: { [LINUX_LIB]: lib(`rocm${rocm}`, 'libtorch-shared-with-deps') } },
      },
    },
    macos: {
      pip: {
        accnone: { note: null, command: pip(undefined) },
        'cuda.x': {
          note: '# CUDA is not available on MacOS, please use default package',
          command: pip(undefined),
          default: true,
        },
        'cuda.y': {
          note: '# CUDA is not available on MacOS, please use default package',
          command: pip(undefined),
          default: true,
        },
        'cuda.z': {
          note: '# CUDA is not available on MacOS, please use default package',
          command: pip(undefined),
          default: true,
        },
        'rocm5.x': {
          note: '# ROCm is not available on MacOS, please use default package',
          command: pip(undefined),
          default: true,
        },
      },
      libtorch: {
        accnone: { note: null, versions: { [MAC_LIB]: mac }, default: true },
        'cuda.x': { note: null, versions: { [MAC_LIB]: mac }, default: true },
        'cuda.y': { note: null, versions: { [MAC_LIB]: mac }, default: true },
        'cuda.z': { note: null, versions: { [MAC_LIB]: mac }, default: true },
        'rocm5.x': { note: null, versions: { [MAC_LIB]: mac }, default: true },
      },
    },
    windows: {
      pip: {
        accnone: { note: null, command: pip(undefined) },
        'cuda.x': { note: null, command: pip(x) },
        'cuda.y': { note: null, command: pip(y) },
        'cuda.z': { note: null, command: pip(z) },
        'rocm5.x': { note: '<b>NOTE:</b> ROCm is not available on Windows', command: null },
      },
      libtorch: {
        accnone: {
          note: null,
          versions: {
            [WIN_RELEASE]: lib('cpu', 'libtorch-win-shared-with-deps'),
            [WIN_DEBUG]: lib('cpu', 'libtorch-win-shared-with-deps-debug'),
          },
        },
        'cuda.x': {
          note: null,
          versions: {
            [WIN_RELEASE]: lib(x, 'libtorch-win-shared-with-deps'),
            [WIN_DEBUG]: lib(x, 'libtorch-win-shared-with-deps-debug'),
          },
        },
        'cuda.y': {
          note: null,
          versions: {
            [WIN_RELEASE]: lib(y, 'libtorch-win-shared-with-deps'),
            [WIN_DEBUG]: lib(y, 'libtorch-win-shared-with-deps-debug'),
          },
        },
        'cuda.z': {
          note: null,
          versions: {
            [WIN_RELEASE]: lib(z, 'libtorch-win-shared-with-deps'),
            [WIN_DEBUG]: lib(z, 'libtorch-win-shared-with-deps-debug'),
          },
        },
        'rocm5.x': { note: '<b>NOTE:</b> ROCm is not available on Windows', versions: null },
      },
    },
  };
}

/** The site before the release: 2.9.1 is stable (CUDA 12.6, 12.8, 13.0; ROCm 6.4). */
export function siteVersions(): PublishedVersions {
  const preview = stableEntry('2.10.0.dev', ['12.6', '13.0', '13.2'], '7.2');
  return {
    latest_stable: '2.9.1',
    latest_lts: 'lts-1.8.2',
    versions: {
      preview,
      '2.9.0': stableEntry('2.9.0', ['12.6', '12.8', '13.0'], '6.4'),
      '2.9.1': stableEntry('2.9.1', ['12.6', '12.8', '13.0'], '6.4'),
    },
  };
}
