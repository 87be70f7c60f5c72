import { SHA256_METADATA } from '@release-actions/core/s3/copy';
import { createHash } from 'node:crypto';
import { seedDigestSync, type SeedObject } from './seed.js';

/**
 * A release-candidate bucket shaped like PyTorch's: `whl/test/<sub>/` wheels for each package, variant
 * and Python, `libtorch/test/<sub>/` archives, a few files at the prefix root, and decoys a substring
 * match would wrongly take (other versions, `.dev` nightlies, `rc` builds, look-alike names,
 * unparseable files). Keys are relative to the bucket.
 */
export interface ReleaseBucketOptions {
  /** Package -> release version, e.g. `{ torch: '2.6.0', torchvision: '0.21.0' }`. */
  packages: Record<string, string>;
  subfolders?: string[];
  pythons?: string[];
  /** Add decoys (default true). */
  decoys?: boolean;
  /** Decoy generations (nightly dates and older releases); raises the object count, not the release's. */
  scale?: number;
  /** Size range of generated bodies in bytes (default 200..4,000), chosen per key. */
  sizes?: [number, number];
  /** How many of the Python tags each decoy version is built for (default all); rotates through them. */
  decoyPythons?: number;
  /** Store a `checksum-sha256` metadata value on every n-th wheel (default 3; 0 = never). */
  sha256MetadataEvery?: number;
  whlPrefix?: string;
  libtorchPrefix?: string;
}

export interface ReleaseBucketLayout {
  entries: SeedObject[];
  /** Keys of the requested release (what promoting `packages` plus `libtorch` should select). */
  release: string[];
  /** The release keys by package name (`libtorch` for the archives, keyed to torch's version). */
  releaseByPackage: Record<string, string[]>;
  /** Keys whose names no artifact grammar parses (they must be reported as ignored). */
  unparseable: string[];
}

export const DEFAULT_SUBFOLDERS = ['cpu', 'cpu-cxx11-abi', 'cu118', 'cu124', 'rocm6.2', 'cu124_pypi_cudnn'];
export const DEFAULT_PYTHONS = ['cp39', 'cp310', 'cp311', 'cp312'];

/** The local version label a sub-folder's builds carry: `cu124_pypi_cudnn` -> `cu124.with.pypi.cudnn`. */
export function localLabel(sub: string): string {
  if (sub === 'cpu-cxx11-abi') return 'cpu.cxx11.abi';
  const pypi = /^(cu\d+)_pypi_cudnn$/.exec(sub);
  if (pypi) return `${pypi[1]}.with.pypi.cudnn`;
  return sub.replace(/[^A-Za-z0-9.]/g, '.');
}

interface Build {
  platform: string;
  /** Whether this platform's build carries the sub-folder's local label (macOS wheels do not). */
  local: boolean;
}

function builds(sub: string): Build[] {
  if (sub === 'cpu') {
    return [
      { platform: 'linux_x86_64', local: true },
      { platform: 'manylinux_2_28_aarch64', local: true },
      { platform: 'win_amd64', local: true },
      { platform: 'macosx_11_0_arm64', local: false },
    ];
  }
  if (/^cu\d+$/.test(sub)) {
    return [
      { platform: 'linux_x86_64', local: true },
      { platform: 'win_amd64', local: true },
    ];
  }
  return [{ platform: 'linux_x86_64', local: true }];
}

function libtorchFlavors(sub: string): Array<{ flavor: string; local: boolean }> {
  if (sub === 'cpu') {
    return [
      { flavor: 'shared-with-deps', local: true },
      { flavor: 'win-shared-with-deps', local: true },
      { flavor: 'win-shared-with-deps-debug', local: true },
      { flavor: 'macos-arm64', local: false },
    ];
  }
  if (/^cu\d+$/.test(sub)) {
    return [
      { flavor: 'cxx11-abi-shared-with-deps', local: true },
      { flavor: 'win-shared-with-deps', local: true },
      { flavor: 'win-shared-with-deps-debug', local: true },
    ];
  }
  if (sub.endsWith('_pypi_cudnn')) return [];
  return [{ flavor: 'cxx11-abi-shared-with-deps', local: true }];
}

function abiOf(python: string): string {
  return python;
}

function sizeFor(key: string, [min, max]: [number, number]): number {
  const n = createHash('sha256').update(key).digest().readUInt32LE(0);
  return min + (n % (max - min + 1));
}

function bump(version: string, part: 0 | 1 | 2, by = 1): string {
  const nums = version.split('.').map(Number);
  nums[part] = (nums[part] ?? 0) + by;
  if (part < 2) nums[2] = 0;
  if (part < 1) nums[1] = 0;
  return nums.join('.');
}

export function releaseBucketLayout(opts: ReleaseBucketOptions): ReleaseBucketLayout {
  const subfolders = opts.subfolders ?? DEFAULT_SUBFOLDERS;
  const pythons = opts.pythons ?? DEFAULT_PYTHONS;
  const whl = opts.whlPrefix ?? 'whl/test/';
  const lib = opts.libtorchPrefix ?? 'libtorch/test/';
  const sizes = opts.sizes ?? [200, 4000];
  const shaEvery = opts.sha256MetadataEvery ?? 3;
  const scale = Math.max(1, Math.floor(opts.scale ?? 1));
  const entries = new Map<string, SeedObject>();
  const releaseByPackage: Record<string, string[]> = {};
  const unparseable: string[] = [];
  let wheelCount = 0;

  const add = (key: string, extra: Partial<SeedObject> = {}): void => {
    if (entries.has(key)) return;
    const contentType =
      key.endsWith('.whl') || key.endsWith('.zip')
        ? 'application/zip'
        : key.endsWith('.html')
          ? 'text/html'
          : 'binary/octet-stream';
    entries.set(key, { key, size: sizeFor(key, sizes), contentType, ...extra });
  };
  const addWheel = (key: string, pkg?: string): void => {
    wheelCount++;
    const sha = shaEvery > 0 && wheelCount % shaEvery === 0;
    add(key);
    const entry = entries.get(key)!;
    if (sha) entry.metadata = { [SHA256_METADATA]: seedDigestSync(entry) };
    if (pkg) (releaseByPackage[pkg] ??= []).push(key);
  };
  const wheelName = (pkg: string, version: string, sub: string, b: Build, py: string): string =>
    `${pkg}-${version}${b.local ? `+${localLabel(sub)}` : ''}-${py}-${abiOf(py)}-${b.platform}.whl`;

  const torch = opts.packages['torch'];
  for (const [pkg, version] of Object.entries(opts.packages)) {
    for (const sub of subfolders) {
      for (const b of builds(sub)) {
        for (const py of pythons) addWheel(`${whl}${sub}/${wheelName(pkg, version, sub, b, py)}`, pkg);
      }
    }
    // Some wheels sit at the prefix root (no sub-folder), e.g. aarch64 builds of the domain libraries.
    for (const py of pythons.slice(0, 2))
      addWheel(`${whl}${pkg}-${version}-${py}-${py}-manylinux_2_28_aarch64.whl`, pkg);
  }
  if (torch) {
    for (const sub of subfolders) {
      for (const f of libtorchFlavors(sub)) {
        const key = `${lib}${sub}/libtorch-${f.flavor}-${torch}${f.local ? `+${localLabel(sub)}` : ''}.zip`;
        add(key);
        (releaseByPackage['libtorch'] ??= []).push(key);
      }
    }
  }
  if (opts.decoys ?? true) {
    const firstSub = subfolders.find((s) => /^cu\d+$/.test(s)) ?? subfolders[0] ?? 'cpu';
    const py = pythons[0] ?? 'cp310';
    const b: Build = { platform: 'linux_x86_64', local: true };
    for (const [pkg, version] of Object.entries(opts.packages)) {
      const [maj, min] = version.split('.');
      const next = bump(version, 1);
      const variants: string[] = [
        bump(version, 2), // 2.6.1
        `${version}rc1`,
        `${version}rc2`,
        `${maj}.${Number(min) - 1}.0`, // the previous release, still in the test channel
      ];
      for (let g = 0; g < scale; g++) {
        const day = String(1 + (g % 28)).padStart(2, '0');
        const month = String(1 + (Math.floor(g / 28) % 12)).padStart(2, '0');
        variants.push(`${next}.dev2025${month}${day}`);
        if (g === 0) variants.push(`${version}.dev20241201`);
      }
      const perDecoy = Math.max(1, Math.min(pythons.length, opts.decoyPythons ?? pythons.length));
      let turn = 0;
      for (const v of variants) {
        for (const sub of subfolders) {
          for (let k = 0; k < perDecoy; k++) {
            const p = pythons[(turn + k) % pythons.length]!;
            addWheel(`${whl}${sub}/${wheelName(pkg, v, sub, b, p)}`);
          }
          turn++;
        }
      }
      // A look-alike project a substring match for "<pkg>-<version>" would take.
      add(`${whl}${firstSub}/${pkg}_tensorrt-${version}-${py}-${py}-linux_x86_64.whl`);
      add(`${whl}${firstSub}/py${pkg}-${version}-${py}-${py}-linux_x86_64.whl`);
      // A wheel's PEP 658 metadata file, which goes wherever its wheel goes.
      const metaKey = `${whl}${firstSub}/${wheelName(pkg, version, firstSub, b, py)}.metadata`;
      add(metaKey);
      releaseByPackage[pkg]!.push(metaKey);
    }
    if (torch) {
      const older = `${torch.split('.')[0]}.${Number(torch.split('.')[1]) - 1}.0`;
      for (const sub of subfolders.filter((s) => libtorchFlavors(s).length > 0)) {
        add(`${lib}${sub}/libtorch-cxx11-abi-shared-with-deps-${older}+${localLabel(sub)}.zip`);
        add(`${lib}${sub}/libtorch-cxx11-abi-shared-with-deps-${torch}.dev20241201+${localLabel(sub)}.zip`);
      }
      const latest = `${lib}${subfolders[0] ?? 'cpu'}/libtorch-shared-with-deps-latest.zip`;
      add(latest);
      unparseable.push(latest);
    }
    // Dependencies mirrored at the root, and files no grammar parses.
    add(`${whl}filelock-3.13.1-py3-none-any.whl`);
    add(`${whl}numpy-2.1.2-${py}-${py}-manylinux_2_17_x86_64.manylinux2014_x86_64.whl`);
    add(`${whl}pytorch_triton-3.2.0-${py}-${py}-linux_x86_64.whl`);
    for (const odd of [
      `${whl}README.txt`,
      `${whl}${firstSub}/torch-nightly-latest.whl`,
      `${whl}${firstSub}/SHA256SUMS`,
    ]) {
      add(odd);
      unparseable.push(odd);
    }
  }

  const release = Object.values(releaseByPackage).flat();
  return { entries: [...entries.values()], release, releaseByPackage, unparseable };
}
