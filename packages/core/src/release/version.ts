import { ConfigurationError } from '../runtime/errors.js';

/**
 * Versions as the release process meets them: PEP 440 for Python artifacts (`2.6.0rc3`, `2.6.0+cu124`,
 * `2.7.0.dev20250101`, `2.7.0a0` in version.txt) and the project's git grammar (`v2.6.0`, `v2.6.0-rc3`,
 * `release/2.6`). The git forms are PEP 440 spellings too, so one parser serves both; tags and branches
 * have their own small helpers on top of it.
 */

export type PreReleaseLabel = 'a' | 'b' | 'rc';

export interface PreRelease {
  readonly label: PreReleaseLabel;
  readonly n: number;
}

export interface Version {
  readonly epoch: number;
  /** Every release segment as written: `2.6` -> [2, 6], `2.6.0` -> [2, 6, 0]. */
  readonly release: readonly number[];
  readonly major: number;
  /** 0 when the release segment has fewer parts. */
  readonly minor: number;
  readonly patch: number;
  readonly pre?: PreRelease;
  readonly post?: number;
  readonly dev?: number;
  /** Normalised local label (`cu124`, `cpu.cxx11.abi`), without the `+`. */
  readonly local?: string;
}

export interface ReleaseBranch {
  /** `release/2.6` */
  readonly name: string;
  readonly major: number;
  readonly minor: number;
}

export interface Tag {
  /** The final version the tag belongs to: `v2.6.0-rc3` -> 2.6.0. */
  readonly version: Version;
  /** Release-candidate number; absent for the final tag. */
  readonly rc?: number;
}

// The regular expression given in PEP 440, Appendix B (case-insensitive, surrounding whitespace allowed).
const PEP440 = new RegExp(
  '^\\s*v?' +
    '(?:(?<epoch>[0-9]+)!)?' +
    '(?<release>[0-9]+(?:\\.[0-9]+)*)' +
    '(?<pre>[-_.]?(?<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<pre_n>[0-9]+)?)?' +
    '(?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_.]?(?<post_l>post|rev|r)[-_.]?(?<post_n2>[0-9]+)?))?' +
    '(?<dev>[-_.]?(?<dev_l>dev)[-_.]?(?<dev_n>[0-9]+)?)?' +
    '(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?' +
    '\\s*$',
  'i',
);

const PRE_LABELS: Record<string, PreReleaseLabel> = {
  a: 'a',
  alpha: 'a',
  b: 'b',
  beta: 'b',
  c: 'rc',
  rc: 'rc',
  pre: 'rc',
  preview: 'rc',
};

// Longer inputs are never versions; the bound keeps a hostile input from costing anything.
const MAX_LENGTH = 256;

function toInt(digits: string | undefined): number | undefined {
  if (digits === undefined) return undefined;
  const n = Number(digits);
  // Numbers past 2^53 would compare wrongly; no real version has them.
  return Number.isSafeInteger(n) ? n : Number.NaN;
}

/** Parses any PEP 440 version (with an optional `v`), or returns undefined. */
export function tryParseVersion(s: string): Version | undefined {
  if (typeof s !== 'string' || s.length > MAX_LENGTH) return undefined;
  const m = PEP440.exec(s);
  if (!m?.groups) return undefined;
  const g = m.groups;
  const epoch = toInt(g.epoch) ?? 0;
  const release = g.release.split('.').map((x) => toInt(x) as number);
  const numbers = [epoch, ...release];

  let pre: PreRelease | undefined;
  if (g.pre_l !== undefined) {
    pre = { label: PRE_LABELS[g.pre_l.toLowerCase()], n: toInt(g.pre_n) ?? 0 };
    numbers.push(pre.n);
  }
  let post: number | undefined;
  if (g.post !== undefined) {
    post = toInt(g.post_n1 ?? g.post_n2) ?? 0;
    numbers.push(post);
  }
  let dev: number | undefined;
  if (g.dev !== undefined) {
    dev = toInt(g.dev_n) ?? 0;
    numbers.push(dev);
  }
  if (numbers.some((n) => Number.isNaN(n))) return undefined;
  const local = g.local?.toLowerCase().replace(/[-_]/g, '.');

  return {
    epoch,
    release,
    major: release[0],
    minor: release[1] ?? 0,
    patch: release[2] ?? 0,
    ...(pre && { pre }),
    ...(post !== undefined && { post }),
    ...(dev !== undefined && { dev }),
    ...(local !== undefined && { local }),
  };
}

function quote(s: string): string {
  return JSON.stringify(s);
}

/** A PEP 440 version from input `input`; anything else is a one-line ConfigurationError naming it. */
export function parseVersion(input: string, s: string): Version {
  const v = tryParseVersion(s);
  if (v) return v;
  if (s.trim() === '') {
    throw new ConfigurationError(`input ${quote(input)} is empty; expected a version such as 2.6.0`);
  }
  throw new ConfigurationError(
    `input ${quote(input)}: ${quote(s)} is not a version; expected a PEP 440 version such as 2.6.0, 2.6.0rc3 or 2.6.0+cu124`,
  );
}

function finalReleaseProblem(v: Version): string | undefined {
  if (v.release.length !== 3) return '';
  if (v.epoch !== 0) return 'it has an epoch';
  if (v.pre) return 'it is a pre-release';
  if (v.dev !== undefined) return 'it is a development release';
  if (v.post !== undefined) return 'it is a post-release';
  if (v.local !== undefined) return 'it has a local label';
  return undefined;
}

/**
 * A final release `MAJOR.MINOR.PATCH` (a `v` prefix is allowed), as release inputs must be: what gets
 * tagged, promoted and published is never a pre-release, a dev build or a local variant.
 */
export function parseReleaseVersion(input: string, s: string): Version {
  const v = tryParseVersion(s);
  if (!v) {
    if (s.trim() === '') {
      throw new ConfigurationError(`input ${quote(input)} is empty; expected MAJOR.MINOR.PATCH such as 2.6.0`);
    }
    throw new ConfigurationError(
      `input ${quote(input)}: ${quote(s)} is not a version; expected MAJOR.MINOR.PATCH such as 2.6.0`,
    );
  }
  const problem = finalReleaseProblem(v);
  if (problem === undefined) return v;
  const example = v.release.length <= 3 ? [v.major, v.minor, v.patch].join('.') : v.release.slice(0, 3).join('.');
  const why = problem === '' ? '' : ` (${problem})`;
  throw new ConfigurationError(
    `input ${quote(input)}: ${quote(s.trim())} is not a full release version${why}; expected MAJOR.MINOR.PATCH such as ${example}`,
  );
}

function toVersion(v: Version | string): Version {
  if (typeof v !== 'string') return v;
  const parsed = tryParseVersion(v);
  if (!parsed) throw new ConfigurationError(`${quote(v)} is not a PEP 440 version`);
  return parsed;
}

/** The normalised PEP 440 form without the local label: `v2.6.0-RC3+cu124` -> `2.6.0rc3`. */
export function publicVersion(v: Version | string): string {
  const x = toVersion(v);
  let s = x.epoch !== 0 ? `${x.epoch}!` : '';
  s += x.release.join('.');
  if (x.pre) s += `${x.pre.label}${x.pre.n}`;
  if (x.post !== undefined) s += `.post${x.post}`;
  if (x.dev !== undefined) s += `.dev${x.dev}`;
  return s;
}

/** The normalised PEP 440 form: `2.6.0-rc3`, `2.6.0RC3` -> `2.6.0rc3`; `2.6.0+CPU-cxx11` -> `2.6.0+cpu.cxx11`. */
export function formatVersion(v: Version | string): string {
  const x = toVersion(v);
  return x.local === undefined ? publicVersion(x) : `${publicVersion(x)}+${x.local}`;
}

const PRE_RANK: Record<PreReleaseLabel, number> = { a: 0, b: 1, rc: 2 };

function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareRelease(a: readonly number[], b: readonly number[]): number {
  // Trailing zeros do not count: 2.6 == 2.6.0.
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareNumbers(a[i] ?? 0, b[i] ?? 0);
    if (c !== 0) return c;
  }
  return 0;
}

// Ranks of the pre-release position: a dev-only release (2.6.0.dev1) comes before every pre-release of
// 2.6.0, and a version without pre-release after all of them.
function preKey(v: Version): [number, number] {
  if (v.pre) return [PRE_RANK[v.pre.label], v.pre.n];
  if (v.post === undefined && v.dev !== undefined) return [-1, 0];
  return [3, 0];
}

function compareLocal(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  const as = a.split('.');
  const bs = b.split('.');
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const x = as[i];
    const y = bs[i];
    const xn = /^[0-9]+$/.test(x);
    const yn = /^[0-9]+$/.test(y);
    // Numeric segments sort after alphanumeric ones, numerically among themselves.
    let c: number;
    if (xn && yn) c = compareNumbers(Number(x), Number(y));
    else if (xn) c = 1;
    else if (yn) c = -1;
    else c = x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return c;
  }
  return compareNumbers(as.length, bs.length);
}

/**
 * PEP 440 ordering, for sorting: dev < pre (a < b < rc) < final < post; a local version sorts after its
 * public version. Returns a negative number, zero or a positive number.
 */
export function compareVersions(a: Version | string, b: Version | string): number {
  const x = toVersion(a);
  const y = toVersion(b);
  const [xp, xpn] = preKey(x);
  const [yp, ypn] = preKey(y);
  return (
    compareNumbers(x.epoch, y.epoch) ||
    compareRelease(x.release, y.release) ||
    compareNumbers(xp, yp) ||
    compareNumbers(xpn, ypn) ||
    compareNumbers(x.post ?? -1, y.post ?? -1) ||
    compareNumbers(x.dev ?? Number.POSITIVE_INFINITY, y.dev ?? Number.POSITIVE_INFINITY) ||
    compareLocal(x.local, y.local)
  );
}

/** The release branch a version is released from: 2.6.0, 2.6.1, 2.6.0rc3 -> `release/2.6`. */
export function releaseBranch(v: Version | string): string {
  const x = toVersion(v);
  return `release/${x.major}.${x.minor}`;
}

const RELEASE_BRANCH = /^(?:refs\/heads\/)?release\/(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$/;

/** `release/2.6` (or `refs/heads/release/2.6`) -> {name: 'release/2.6', major: 2, minor: 6}. */
export function parseReleaseBranch(s: string): ReleaseBranch | undefined {
  const m = RELEASE_BRANCH.exec(s.trim());
  if (!m) return undefined;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  if (!Number.isSafeInteger(major) || !Number.isSafeInteger(minor)) return undefined;
  return { name: `release/${major}.${minor}`, major, minor };
}

function finalOf(v: Version | string, what: string): Version {
  const x = toVersion(v);
  if (finalReleaseProblem(x) !== undefined) {
    throw new ConfigurationError(`${what} needs a final MAJOR.MINOR.PATCH version, got ${quote(formatVersion(x))}`);
  }
  return x;
}

/** The tag of release candidate `n`: (2.6.0, 3) -> `v2.6.0-rc3`. */
export function rcTag(v: Version | string, n: number): string {
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new ConfigurationError(`a release-candidate number must be a positive integer, got ${n}`);
  }
  return `${finalTag(finalOf(v, 'an rc tag'))}-rc${n}`;
}

/** The tag of the final release: 2.6.0 -> `v2.6.0`. */
export function finalTag(v: Version | string): string {
  return `v${finalOf(v, 'a release tag').release.join('.')}`;
}

const TAG = /^(?:refs\/tags\/)?v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:-rc([1-9][0-9]*))?$/;

/**
 * The project's tag grammar, exactly: `v2.6.0` -> {version: 2.6.0}, `v2.6.0-rc3` -> {version: 2.6.0,
 * rc: 3}. Anything else (`2.6.0`, `v2.6.0rc3`, `v2.6`, `ciflow/...`) is not a release tag.
 */
export function parseTag(s: string): Tag | undefined {
  const m = TAG.exec(s.trim());
  if (!m) return undefined;
  const version = tryParseVersion(`${m[1]}.${m[2]}.${m[3]}`);
  if (!version) return undefined;
  if (m[4] === undefined) return { version };
  const rc = Number(m[4]);
  return Number.isSafeInteger(rc) ? { version, rc } : undefined;
}

/** The version `main` moves to once a release branch is cut: 2.6.0 (or 2.6.0a0) -> `2.7.0a0`. */
export function nextMinorDev(v: Version | string): string {
  const x = toVersion(v);
  return `${x.major}.${x.minor + 1}.0a0`;
}

/**
 * The version in a `version.txt` file (`2.6.0a0\n`): the first line that is not blank or a `#` comment.
 */
export function parseVersionTxt(content: string, source = 'version.txt'): Version {
  const line = content
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('#'));
  if (line === undefined) throw new ConfigurationError(`${source} holds no version`);
  const v = tryParseVersion(line);
  if (!v) {
    throw new ConfigurationError(
      `${source}: ${quote(line)} is not a version; expected a PEP 440 version such as 2.6.0a0`,
    );
  }
  return v;
}
