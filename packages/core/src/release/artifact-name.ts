import { ConfigurationError } from '../runtime/errors.js';
import { compareVersions, tryParseVersion, type Version } from './version.js';

/**
 * Artifact file names parsed into fields by their grammar (PEP 427/491 wheels, libtorch zips, conda
 * packages, sdists), so that selecting `torch 2.6.0` can never pick up `torch-2.6.0rc1`, `2.6.1` or a
 * package whose name merely contains `torch`.
 */

export type ArtifactKind = 'wheel' | 'libtorch' | 'conda' | 'sdist';

interface ArtifactBase {
  readonly kind: ArtifactKind;
  /** The file name (last path segment), with `%2B` decoded to `+`. */
  readonly filename: string;
  /** PEP 503 normalised project name: `pytorch_triton` -> `pytorch-triton`. */
  readonly name: string;
  /** Full version as written in the file name, local label included: `2.6.0+cu124`. */
  readonly version: string;
  /** The version without its local label: `2.6.0`. */
  readonly publicVersion: string;
  /** The local label without `+` (`cu124`, `cpu.cxx11.abi`); absent when there is none. */
  readonly local?: string;
  readonly parsed: Version;
}

export interface WheelName extends ArtifactBase {
  readonly kind: 'wheel';
  /** The distribution part as written (`pytorch_triton`, `Torch_Vision`). */
  readonly distribution: string;
  readonly build?: string;
  /** Tag sets as written (`cp310.cp311`) and split into their tags. */
  readonly pythonTag: string;
  readonly abiTag: string;
  readonly platformTag: string;
  readonly pythonTags: readonly string[];
  readonly abiTags: readonly string[];
  readonly platformTags: readonly string[];
}

export interface LibtorchName extends ArtifactBase {
  readonly kind: 'libtorch';
  /** What sits between `libtorch-` and the version: `cxx11-abi-shared-with-deps`, `macos-arm64`. */
  readonly flavor: string;
  /** `zip` */
  readonly extension: string;
}

export interface CondaName extends ArtifactBase {
  readonly kind: 'conda';
  /** Conda build string: `py3.10_cuda12.1_cudnn8.9.2_0`. */
  readonly build: string;
  readonly extension: 'tar.bz2' | 'conda';
}

export interface SdistName extends ArtifactBase {
  readonly kind: 'sdist';
  readonly extension: 'tar.gz';
}

export type Artifact = WheelName | LibtorchName | CondaName | SdistName;

/** What formatWheelFilename needs: the distribution (or the name), the version and the tags. */
export interface WheelFields {
  readonly distribution?: string;
  readonly name?: string;
  readonly version: string;
  readonly build?: string;
  readonly pythonTag: string;
  readonly abiTag: string;
  readonly platformTag: string;
}

/** PEP 503: lower case, runs of `-`, `_` and `.` become one `-`. */
export function normalizeName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

// PEP 508 project names.
const PROJECT_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
// A distribution inside a wheel or sdist file name has its dashes escaped, so it holds none.
const DISTRIBUTION = /^[A-Za-z0-9](?:[A-Za-z0-9._]*[A-Za-z0-9])?$/;
const TAG_SET = /^[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*$/;
const BUILD_TAG = /^[0-9][A-Za-z0-9_.]*$/;
// Characters that can appear in any artifact file name we parse (after decoding `%2B`).
const FILENAME = /^[A-Za-z0-9._+!-]+$/;

const MAX_LENGTH = 512;

// Accepts a bare file name, an S3 key or a link from a PEP 503 index (`/whl/cu124/torch-...whl#sha256=...`).
function basename(path: string): string | undefined {
  if (typeof path !== 'string' || path.length > MAX_LENGTH) return undefined;
  const end = path.search(/[?#]/);
  const withoutFragment = end < 0 ? path : path.slice(0, end);
  const last = withoutFragment.slice(withoutFragment.lastIndexOf('/') + 1);
  let decoded: string;
  try {
    // Index links percent-encode the `+` of local versions; decode every escape, then demand a plain name.
    decoded = last.includes('%') ? decodeURIComponent(last) : last;
  } catch {
    return undefined;
  }
  return FILENAME.test(decoded) ? decoded : undefined;
}

interface VersionFields {
  version: string;
  publicVersion: string;
  local?: string;
  parsed: Version;
}

function versionFields(s: string): VersionFields | undefined {
  // A `v` prefix or surrounding blanks are PEP 440 spellings but never appear in artifact names.
  if (!/^[0-9]/.test(s)) return undefined;
  const parsed = tryParseVersion(s);
  if (!parsed) return undefined;
  const plus = s.indexOf('+');
  return {
    version: s,
    publicVersion: plus < 0 ? s : s.slice(0, plus),
    ...(plus >= 0 && { local: s.slice(plus + 1) }),
    parsed,
  };
}

/**
 * `{distribution}-{version}(-{build})?-{python}-{abi}-{platform}.whl` (PEP 427, PEP 491), e.g.
 * `torch-2.6.0%2Bcu124-cp310-cp310-linux_x86_64.whl`. Returns undefined for anything else.
 */
export function parseWheelFilename(filename: string): WheelName | undefined {
  const file = basename(filename);
  if (!file?.endsWith('.whl')) return undefined;
  const parts = file.slice(0, -'.whl'.length).split('-');
  if (parts.length !== 5 && parts.length !== 6) return undefined;
  const [distribution, versionText] = parts;
  const build = parts.length === 6 ? parts[2] : undefined;
  const [pythonTag, abiTag, platformTag] = parts.slice(-3);
  if (!DISTRIBUTION.test(distribution)) return undefined;
  if (build !== undefined && !BUILD_TAG.test(build)) return undefined;
  if (![pythonTag, abiTag, platformTag].every((t) => TAG_SET.test(t))) return undefined;
  const v = versionFields(versionText);
  if (!v) return undefined;
  return {
    kind: 'wheel',
    filename: file,
    name: normalizeName(distribution),
    ...v,
    distribution,
    ...(build !== undefined && { build }),
    pythonTag,
    abiTag,
    platformTag,
    pythonTags: pythonTag.split('.'),
    abiTags: abiTag.split('.'),
    platformTags: platformTag.split('.'),
  };
}

/**
 * The wheel file name for these fields. The distribution is escaped as PEP 427 asks (runs of `-`, `_`
 * and `.` become `_`); a `-` in the version becomes `_`; the `+` of a local version stays literal.
 */
export function formatWheelFilename(w: WheelFields): string {
  const distribution = w.distribution ?? w.name;
  if (distribution === undefined || !PROJECT_NAME.test(distribution)) {
    throw new Error(`cannot name a wheel for distribution ${JSON.stringify(distribution)}`);
  }
  const version = w.version.replace(/-/g, '_');
  if (!tryParseVersion(version) || !/^[0-9]/.test(version)) {
    throw new Error(`cannot name a wheel for version ${JSON.stringify(w.version)}`);
  }
  if (w.build !== undefined && !BUILD_TAG.test(w.build)) {
    throw new Error(`a wheel build tag must start with a digit and hold no "-", got ${JSON.stringify(w.build)}`);
  }
  for (const tag of [w.pythonTag, w.abiTag, w.platformTag]) {
    if (!TAG_SET.test(tag)) throw new Error(`not a wheel tag: ${JSON.stringify(tag)}`);
  }
  const fields = [distribution.replace(/[-_.]+/g, '_'), version];
  if (w.build !== undefined) fields.push(w.build);
  fields.push(w.pythonTag, w.abiTag, w.platformTag);
  return `${fields.join('-')}.whl`;
}

// The first `-` after which the rest is a version (starting with a digit) separates the flavor:
// flavors are words (`cxx11`, `x86_64`, `debug`), never a dash-led number.
function splitAtVersion(parts: readonly string[], from: number): [string[], VersionFields] | undefined {
  for (let i = from; i < parts.length; i++) {
    const v = versionFields(parts.slice(i).join('-'));
    if (v) return [parts.slice(0, i), v];
  }
  return undefined;
}

/**
 * `libtorch-{flavor}-{version}.zip`: `libtorch-cxx11-abi-shared-with-deps-2.6.0+cu126.zip`,
 * `libtorch-macos-arm64-2.6.0.zip`. Names without a version (`...-latest.zip`) return undefined.
 */
export function parseLibtorchFilename(filename: string): LibtorchName | undefined {
  const file = basename(filename);
  if (!file?.startsWith('libtorch-') || !file.endsWith('.zip')) return undefined;
  const parts = file.slice(0, -'.zip'.length).split('-');
  const split = splitAtVersion(parts, 1);
  if (!split) return undefined;
  const [head, v] = split;
  const flavorParts = head.slice(1);
  if (flavorParts.some((p) => !/^[A-Za-z0-9_.]+$/.test(p))) return undefined;
  return {
    kind: 'libtorch',
    filename: file,
    name: 'libtorch',
    ...v,
    flavor: flavorParts.join('-'),
    extension: 'zip',
  };
}

const CONDA_BUILD = /^[A-Za-z0-9_.]+$/;

/**
 * `{name}-{version}-{build}.tar.bz2` or `.conda`: `pytorch-2.1.0-py3.10_cuda12.1_cudnn8.9.2_0.tar.bz2`.
 * Conda names may hold dashes, versions and build strings never do.
 */
export function parseCondaFilename(filename: string): CondaName | undefined {
  const file = basename(filename);
  if (!file) return undefined;
  const extension = file.endsWith('.tar.bz2') ? 'tar.bz2' : file.endsWith('.conda') ? 'conda' : undefined;
  if (!extension) return undefined;
  const parts = file.slice(0, -(extension.length + 1)).split('-');
  if (parts.length < 3) return undefined;
  const build = parts[parts.length - 1];
  const versionText = parts[parts.length - 2];
  const name = parts.slice(0, -2).join('-');
  if (!PROJECT_NAME.test(name) || !CONDA_BUILD.test(build)) return undefined;
  const v = versionFields(versionText);
  if (!v) return undefined;
  return { kind: 'conda', filename: file, name: normalizeName(name), ...v, build, extension };
}

/**
 * `{name}-{version}.tar.gz` (PEP 625): `torch-2.6.0.tar.gz`, `torchdata-0.7.1.tar.gz`. As in wheel names,
 * the name has its dashes escaped, so exactly one `-` separates name and version.
 */
export function parseSdistFilename(filename: string): SdistName | undefined {
  const file = basename(filename);
  if (!file?.endsWith('.tar.gz')) return undefined;
  const parts = file.slice(0, -'.tar.gz'.length).split('-');
  if (parts.length !== 2) return undefined;
  const [name, versionText] = parts;
  if (!DISTRIBUTION.test(name)) return undefined;
  const v = versionFields(versionText);
  if (!v) return undefined;
  return { kind: 'sdist', filename: file, name: normalizeName(name), ...v, extension: 'tar.gz' };
}

/**
 * Any artifact the release publishes, recognised by its grammar; undefined for anything else
 * (`index.html`, `torch-2.6.0.whl`, checksum files, a `-latest` libtorch).
 */
export function parseArtifactName(filename: string): Artifact | undefined {
  return (
    parseWheelFilename(filename) ??
    parseLibtorchFilename(filename) ??
    parseCondaFilename(filename) ??
    parseSdistFilename(filename)
  );
}

/**
 * True when the artifact is this release of this project: normalised names equal and public versions
 * equal by PEP 440 (`torch 2.6.0` matches `2.6.0+cu124`, never `2.6.0rc1`, `2.6.0.dev20250101` or `2.6.1`).
 * A requested version that carries a local label (`2.6.0+cu124`) matches only that label.
 */
export function matchesRelease(
  artifact: Pick<Artifact, 'name' | 'parsed'>,
  name: string,
  version: Version | string,
): boolean {
  if (name !== artifact.name && normalizeName(name) !== artifact.name) return false;
  const wanted = typeof version === 'string' ? tryParseVersion(version) : version;
  if (!wanted) throw new ConfigurationError(`${JSON.stringify(version)} is not a PEP 440 version`);
  if (wanted.local !== undefined) return compareVersions(artifact.parsed, wanted) === 0;
  return compareVersions({ ...artifact.parsed, local: undefined }, wanted) === 0;
}
