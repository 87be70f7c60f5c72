import { matchesRelease, normalizeName, parseArtifactName, type Artifact } from './artifact-name.js';
import { ConfigurationError } from '../runtime/errors.js';
import { parseKeyValues } from '../runtime/inputs.js';
import { formatVersion, parseReleaseVersion, type Version } from './version.js';

/**
 * Which objects under a release-candidate prefix belong to the requested release: each key's file
 * name is parsed by its grammar and compared field by field (normalised name, public version), never
 * by substring, so `torch=2.6.0` cannot take `torchvision`, `2.6.0rc1`, `2.6.0.dev...` or `2.6.1`.
 */

export interface RequestedPackage {
  /** PEP 503 normalised. */
  name: string;
  /** As the user wrote it, for messages. */
  spelled: string;
  version: Version;
  /** `2.6.0` */
  versionText: string;
}

export interface ListedKey {
  key: string;
  size: number;
  etag: string;
}

export interface SelectedObject extends ListedKey {
  /** The key below the source prefix: `cu124/torch-2.6.0+cu124-...whl` or `torch-...whl` at the root. */
  relative: string;
  /** First path segment below the prefix; '' for files at the prefix root. */
  sub: string;
  artifact: Artifact;
  /** The requested package it was selected for. */
  package: string;
}

export interface Selection {
  selected: SelectedObject[];
  /** Keys whose names no artifact grammar parses: reported, never silently dropped. */
  ignored: string[];
  /** Parsed artifacts of other packages or versions (not reported one by one). */
  otherCount: number;
  /** Artifacts of a requested release left out by include/exclude-variants. */
  filteredOut: string[];
}

export interface VariantFilter {
  /** Sub-folder names or local-version labels; empty = every variant. */
  include: string[];
  exclude: string[];
}

/**
 * `packages` input: `name=version` pairs (comma or newline separated). Versions must be final
 * releases; a bare version (`2.6`, `v2.6.0-rc1`) is an error naming the input.
 */
export function parseRequestedPackages(input: string, value: string): RequestedPackage[] {
  if (value.trim() === '')
    throw new ConfigurationError(`input "${input}" is required: name=version pairs such as torch=2.6.0`);
  for (const item of value.split(/[,\n]/).map((s) => s.trim())) {
    if (item !== '' && !item.includes('=')) {
      throw new ConfigurationError(`input "${input}" expects name=version pairs such as torch=2.6.0, got "${item}"`);
    }
  }
  const seen = new Map<string, RequestedPackage>();
  for (const [spelled, versionText] of parseKeyValues(input, value)) {
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(spelled)) {
      throw new ConfigurationError(`input "${input}": "${spelled}" is not a package name`);
    }
    const version = parseReleaseVersion(`${input}: ${spelled}`, versionText);
    const name = normalizeName(spelled);
    if (seen.has(name)) throw new ConfigurationError(`input "${input}" names ${spelled} twice`);
    seen.set(name, { name, spelled, version, versionText: formatVersion(version) });
  }
  return [...seen.values()];
}

/** `prefix/` with exactly one trailing slash ('' stays the bucket root). */
export function normalizePrefix(prefix: string): string {
  const p = prefix.trim().replace(/^\/+/, '');
  return p === '' || p.endsWith('/') ? p : `${p}/`;
}

function variantOf(o: { sub: string; artifact: Artifact }): string[] {
  const out = o.sub === '' ? [] : [o.sub];
  if (o.artifact.local) out.push(o.artifact.local);
  return out;
}

export function passesVariants(o: { sub: string; artifact: Artifact }, filter: VariantFilter): boolean {
  const v = variantOf(o);
  if (filter.include.length > 0 && !v.some((x) => filter.include.includes(x))) return false;
  return !v.some((x) => filter.exclude.includes(x));
}

const METADATA = '.metadata';

/**
 * The artifact a file is, or describes: a distribution's PEP 658 metadata (`<file>.metadata`) goes
 * wherever the file goes, since index pages announce it (data-dist-info-metadata) only where it is.
 */
function artifactOf(filename: string): Artifact | undefined {
  if (!filename.endsWith(METADATA)) return parseArtifactName(filename);
  const described = parseArtifactName(filename.slice(0, -METADATA.length));
  return described?.kind === 'wheel' || described?.kind === 'sdist' ? described : undefined;
}

export function selectRelease(
  objects: ListedKey[],
  prefix: string,
  packages: RequestedPackage[],
  filter: VariantFilter = { include: [], exclude: [] },
): Selection {
  const selection: Selection = { selected: [], ignored: [], otherCount: 0, filteredOut: [] };
  for (const o of objects) {
    if (!o.key.startsWith(prefix) || o.key.endsWith('/')) continue;
    const relative = o.key.slice(prefix.length);
    const slash = relative.indexOf('/');
    const sub = slash < 0 ? '' : relative.slice(0, slash);
    const filename = relative.slice(relative.lastIndexOf('/') + 1);
    if (filename === 'index.html' || filename === '') continue; // index pages are regenerated, not promoted
    const artifact = artifactOf(filename);
    if (!artifact) {
      selection.ignored.push(o.key);
      continue;
    }
    const pkg = packages.find((p) => matchesRelease(artifact, p.name, p.version));
    if (!pkg) {
      selection.otherCount++;
      continue;
    }
    if (!passesVariants({ sub, artifact }, filter)) {
      selection.filteredOut.push(o.key);
      continue;
    }
    selection.selected.push({ ...o, relative, sub, artifact, package: pkg.name });
  }
  return selection;
}
