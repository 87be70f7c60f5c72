import { ConfigurationError } from '@release-actions/core/runtime/errors';
import { compareVersions } from '@release-actions/core/release/version';

/**
 * The install selector's data, as pytorch.github.io keeps it in `published_versions.json`, and how a
 * release's entry is filled from the release matrix. The mapping is the one the site's own generator
 * (`scripts/gen_quick_start_module.py`) applies, so the PR holds what that generator would write.
 */

export const OPERATING_SYSTEMS = ['linux', 'macos', 'windows'] as const;
export type OperatingSystem = (typeof OPERATING_SYSTEMS)[number];

/** One selector cell: a pip command, or libtorch download links (`versions`), and an optional note. */
export interface SelectorCell {
  note?: string | null;
  command?: string | null;
  versions?: Record<string, string> | null;
  /** Set on cells that only repeat the CPU package (macOS under a CUDA heading). */
  default?: boolean;
  [other: string]: unknown;
}

/** os -> package (pip, libtorch, ...) -> accelerator label (accnone, cuda.x, rocm5.x, ...) -> cell */
export type VersionEntry = Record<string, Record<string, Record<string, SelectorCell>>>;

export interface PublishedVersions {
  latest_stable: string;
  versions: Record<string, VersionEntry>;
  [other: string]: unknown;
}

/** An entry of test-infra's release matrix (only the fields the site reads). */
export interface MatrixEntry {
  package_type: string;
  gpu_arch_type: string;
  gpu_arch_version: string;
  desired_cuda?: string;
  installation?: string;
  libtorch_variant?: string;
  libtorch_config?: string;
  devtoolset?: string;
  [other: string]: unknown;
}

export type ReleaseMatrix = Partial<Record<OperatingSystem, MatrixEntry[]>>;

/** The build a selector label stands for: `accnone` is the CPU build, `cuda.x` a CUDA version, ... */
interface Build {
  gpuArchType: string;
  gpuArchVersion: string;
}

const CPU: Build = { gpuArchType: 'cpu', gpuArchVersion: '' };

/**
 * What each accelerator label of the entry means for this matrix, as the site's generator decides it
 * from the Linux matrix: `accnone` the CPU build; the `cuda.*` labels, in their alphabetical order
 * (`cuda.x`, `cuda.y`, ...), the newest CUDA versions in ascending order (two labels: the two newest);
 * `rocm*` the newest ROCm; a label without a version (`xpu`) its build type.
 */
export function acceleratorBuilds(labels: Iterable<string>, linux: MatrixEntry[]): Map<string, Build> {
  const versionsOf = (type: string): string[] =>
    [...new Set(linux.filter((e) => e.gpu_arch_type === type).map((e) => e.gpu_arch_version))].sort(compareVersions);
  const cuda = versionsOf('cuda');
  const rocm = versionsOf('rocm');
  const all = [...new Set(labels)];
  const cudaLabels = all.filter((l) => l.startsWith('cuda')).sort();
  const newestCuda = cuda.slice(-cudaLabels.length);
  const builds = new Map<string, Build>();
  for (const label of all) {
    if (label === 'accnone') builds.set(label, CPU);
    else if (label.startsWith('rocm') && rocm.length > 0)
      builds.set(label, { gpuArchType: 'rocm', gpuArchVersion: rocm[rocm.length - 1]! });
    // An accelerator without versions (`xpu`) names its build type.
    else if (/^[a-z]+$/.test(label) && linux.some((e) => e.gpu_arch_type === label))
      builds.set(label, { gpuArchType: label, gpuArchVersion: '' });
  }
  // Fewer CUDA versions than labels leaves the oldest labels without a build: a missing cell if needed.
  const offset = cudaLabels.length - newestCuda.length;
  newestCuda.forEach((v, i) => builds.set(cudaLabels[offset + i]!, { gpuArchType: 'cuda', gpuArchVersion: v }));
  return builds;
}

/** Every accelerator label the entry uses, under any operating system and package. */
function labelsOf(entry: VersionEntry): string[] {
  return Object.values(entry).flatMap((pkgs) => Object.values(pkgs).flatMap((accs) => Object.keys(accs)));
}

/** The matrix's package type for a selector package: pip is `manywheel` on Linux and `wheel` elsewhere. */
export function packageType(pkg: string, os: string): string {
  if (pkg !== 'pip') return pkg;
  return os === 'linux' ? 'manywheel' : 'wheel';
}

const describeBuild = (b: Build): string => (b.gpuArchType === 'cpu' ? 'cpu' : `${b.gpuArchType} ${b.gpuArchVersion}`);

/** A cell that shows a command or links needs the matrix; a note-only cell (ROCm on Windows) does not. */
function needsMatrix(pkg: string, cell: SelectorCell): boolean {
  if (pkg === 'libtorch') return cell.versions != null && Object.keys(cell.versions).length > 0;
  return cell.command != null;
}

/**
 * The libtorch entry a download label names: on Linux the shared-with-deps build of the label's ABI
 * (when the matrix still has both), on Windows the release or debug build, on macOS the only one.
 */
function libtorchEntry(os: string, label: string, entries: MatrixEntry[]): MatrixEntry | undefined {
  if (os === 'windows') {
    const config = /debug/i.test(label) ? 'debug' : 'release';
    return entries.find((e) => e.libtorch_config === config);
  }
  if (os === 'linux') {
    const shared = entries.filter((e) => e.libtorch_variant === 'shared-with-deps');
    const abi = /pre-cxx11/i.test(label) ? 'pre-cxx11' : /cxx11/i.test(label) ? 'cxx11-abi' : undefined;
    if (abi === undefined || shared.length === 1) return shared.length === 1 ? shared[0] : undefined;
    return shared.find((e) => e.devtoolset === abi);
  }
  return entries[0];
}

export interface FilledEntry {
  entry: VersionEntry;
  /** The cells whose command or links came from the matrix. */
  filled: number;
}

/**
 * The release's entry: `template` (the previous stable entry, or this release's own entry when the
 * site has one) with every command and download link taken from the matrix. A cell the entry needs but
 * the matrix lacks stops it, naming every such cell, before anything is written.
 */
export function fillEntry(template: VersionEntry, matrix: ReleaseMatrix): FilledEntry {
  const builds = acceleratorBuilds(labelsOf(template), matrix.linux ?? []);
  const entry: VersionEntry = structuredClone(template);
  const missing: string[] = [];
  let filled = 0;
  for (const [os, pkgs] of Object.entries(entry)) {
    for (const [pkg, accs] of Object.entries(pkgs)) {
      const type = packageType(pkg, os);
      for (const [acc, cell] of Object.entries(accs)) {
        if (!needsMatrix(pkg, cell)) continue;
        const name = `${os}/${pkg}/${acc}`;
        const build = cell.default ? CPU : builds.get(acc);
        if (!build) {
          missing.push(`${name} (no ${acc.startsWith('cuda') ? 'CUDA' : acc} build in the linux matrix)`);
          continue;
        }
        const entries = (matrix[os as OperatingSystem] ?? []).filter(
          (e) =>
            e.package_type === type &&
            e.gpu_arch_type === build.gpuArchType &&
            (e.gpu_arch_version ?? '') === build.gpuArchVersion,
        );
        const want = `${type} ${describeBuild(build)}`;
        if (pkg !== 'libtorch') {
          const command = entries.find((e) => e.installation)?.installation;
          if (command === undefined) missing.push(`${name} (${want})`);
          else cell.command = command;
        } else {
          for (const label of Object.keys(cell.versions!)) {
            const url = libtorchEntry(os, label, entries)?.installation;
            if (url === undefined) missing.push(`${name} "${label}" (${want})`);
            else cell.versions![label] = url;
          }
        }
        filled++;
      }
    }
  }
  if (missing.length > 0) {
    throw new ConfigurationError(
      `input "matrix": the release matrix has no build for ${missing.length} cell(s) of the site's entry: ${missing.join('; ')}`,
    );
  }
  return { entry, filled };
}

/**
 * A matrix of another channel or of another release would put wrong commands on the site (libtorch
 * links name the version): refused, naming the input. The test twin may also take the test channel's.
 */
export function checkMatrix(matrix: ReleaseMatrix, version: string, test: boolean): void {
  const channels = test ? ['release', 'test'] : ['release'];
  for (const [os, entries] of Object.entries(matrix)) {
    for (const e of entries) {
      if (typeof e.channel === 'string' && !channels.includes(e.channel))
        throw new ConfigurationError(
          `input "matrix": the ${os} matrix is the ${e.channel} channel's; expected the ${channels.join(' or ')} channel's`,
        );
      if (typeof e.stable_version === 'string' && e.stable_version !== '' && e.stable_version !== version)
        throw new ConfigurationError(`input "matrix": the ${os} matrix is for ${e.stable_version}, not ${version}`);
    }
  }
}

/** Where release candidates are served: the same host, under `test/`. */
const RC_INDEX = 'https://download.pytorch.org/whl/test';

/**
 * The test twin of a command or link: every download.pytorch.org URL moved under `test/`, and a pip
 * command that installs from PyPI (the default CUDA build, macOS) pointed at the RC index, where the
 * release candidate is (PyPI gets the release only on release day).
 */
export function toTestChannel(text: string, variant: string): string {
  const moved = text.replace(/(https:\/\/download\.pytorch\.org\/(?:whl|libtorch))\/(?!test\/|nightly\/)/g, '$1/test/');
  if (!/^pip3? install /.test(moved) || /--(?:extra-)?index-url/.test(moved)) return moved;
  return `${moved} --index-url ${RC_INDEX}/${variant}`;
}

/** The entry with every command and link pointing at the release candidates. */
export function testEntry(entry: VersionEntry, matrix: ReleaseMatrix): VersionEntry {
  const out: VersionEntry = structuredClone(entry);
  const builds = acceleratorBuilds(labelsOf(out), matrix.linux ?? []);
  for (const [os, pkgs] of Object.entries(out)) {
    for (const [pkg, accs] of Object.entries(pkgs)) {
      for (const [acc, cell] of Object.entries(accs)) {
        const build = cell.default ? CPU : (builds.get(acc) ?? CPU);
        const variant =
          (matrix[os as OperatingSystem] ?? []).find(
            (e) => e.gpu_arch_type === build.gpuArchType && e.gpu_arch_version === build.gpuArchVersion,
          )?.desired_cuda ?? 'cpu';
        if (typeof cell.command === 'string') cell.command = toTestChannel(cell.command, variant);
        if (pkg === 'libtorch' && cell.versions)
          for (const label of Object.keys(cell.versions))
            cell.versions[label] = toTestChannel(cell.versions[label]!, variant);
      }
    }
  }
  return out;
}

/** Cells (os, package, accelerator) that differ between two entries; every cell of a new entry. */
export function changedCells(before: VersionEntry | undefined, after: VersionEntry): string[] {
  const changed: string[] = [];
  for (const [os, pkgs] of Object.entries(after))
    for (const [pkg, accs] of Object.entries(pkgs))
      for (const [acc, cell] of Object.entries(accs))
        if (JSON.stringify(before?.[os]?.[pkg]?.[acc]) !== JSON.stringify(cell)) changed.push(`${os}/${pkg}/${acc}`);
  return changed;
}

/**
 * The versions file with the release's entry (in place when it is there, else after the others, as the
 * site's generator adds it) and `latest_stable` set to it, written as that generator writes it
 * (`json.dump(..., indent=2)`: non-ASCII escaped), keeping the file's final newline or its absence.
 */
export function withRelease(file: PublishedVersions, version: string, entry: VersionEntry, original: string): string {
  const next: PublishedVersions = { ...file, latest_stable: version, versions: { ...file.versions, [version]: entry } };
  // json.dump escapes every non-ASCII character (ensure_ascii), one \uXXXX per UTF-16 unit.
  const ascii = JSON.stringify(next, null, 2).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return ascii + (original.endsWith('\n') ? '\n' : '');
}

/** Parses the versions file, or says in one line what is wrong with it. */
export function parsePublishedVersions(text: string, where: string): PublishedVersions {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ConfigurationError(`${where} is not JSON: ${(e as Error).message}`);
  }
  const file = data as Partial<PublishedVersions> | null;
  if (!file || typeof file !== 'object' || typeof file.versions !== 'object' || file.versions === null)
    throw new ConfigurationError(
      `${where} has no "versions" object; expected the install selector's published_versions.json`,
    );
  if (typeof file.latest_stable !== 'string') throw new ConfigurationError(`${where} has no "latest_stable" version`);
  return file as PublishedVersions;
}

/** Parses one operating system's matrix file (`{"include": [...]}`), naming the input and the file on error. */
export function parseMatrix(os: string, path: string, text: string): MatrixEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ConfigurationError(`input "matrix": ${os}=${path} is not JSON: ${(e as Error).message}`);
  }
  const include = (data as { include?: unknown } | null)?.include;
  if (
    !Array.isArray(include) ||
    include.some((e) => typeof e !== 'object' || e === null || typeof e.package_type !== 'string')
  )
    throw new ConfigurationError(
      `input "matrix": ${os}=${path} is not a release matrix; expected {"include": [{"package_type": ..., "gpu_arch_type": ..., "installation": ...}, ...]} as generate_binary_build_matrix.py writes it`,
    );
  return include as MatrixEntry[];
}
