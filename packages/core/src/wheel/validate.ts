import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseWheelFilename, type WheelName } from '../release/artifact-name.js';
import {
  expandTags,
  headerValue,
  headerValues,
  parseHeaders,
  parseRecord,
  recordHash,
  type Headers,
} from './metadata.js';
import { ZipReader } from './zip-reader.js';

/**
 * Checks a wheel the way an index and an installer would, before anything irreversible happens: the
 * file name grammar, the `.dist-info` folder and METADATA agreeing with it, WHEEL tags agreeing with
 * it, every RECORD hash and size, and the metadata the release expects. Returns every problem found,
 * not only the first, so one run shows all that is wrong.
 */

export interface WheelExpectations {
  /** Requires-Python, compared with blanks removed (`>=3.9.0`). */
  requiresPython?: string;
  /** Requirements that must all appear in Requires-Dist (compared with blanks removed, names normalised). */
  requiresDist?: readonly string[];
  /** Largest accepted file, in bytes. */
  maxFileSize?: number;
  /** Refuse local versions (`+cu126`), which PyPI does not accept. Default true. */
  publicOnly?: boolean;
  /** The classifiers the index accepts (PyPI refuses an upload naming any other). */
  classifiers?: ReadonlySet<string>;
}

export interface ValidateOptions {
  /** The file's name when `path` is a temporary file. */
  filename?: string;
  /** The file's sha256 when the caller hashed it while writing it (saves a pass over the file). */
  sha256?: string;
}

export interface WheelMetadata {
  name: string;
  version: string;
  metadataVersion?: string;
  requiresPython?: string;
  requiresDist: string[];
  headers: Headers;
  /** METADATA's raw text, for the upload form. */
  text: string;
}

export interface ValidationResult {
  filename: string;
  wheel?: WheelName;
  size: number;
  sha256: string;
  problems: string[];
  metadata?: WheelMetadata;
}

const squash = (s: string): string => s.replace(/\s+/g, '');

function normalizeRequirement(r: string): string {
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)(.*)$/s.exec(r.trim());
  return m ? `${m[1]!.replace(/[-_.]+/g, '-').toLowerCase()}${squash(m[2]!)}` : squash(r);
}

export function metadataFromText(text: string): WheelMetadata {
  const headers = parseHeaders(text);
  return {
    name: headerValue(headers, 'Name') ?? '',
    version: headerValue(headers, 'Version') ?? '',
    metadataVersion: headerValue(headers, 'Metadata-Version'),
    requiresPython: headerValue(headers, 'Requires-Python'),
    requiresDist: headerValues(headers, 'Requires-Dist'),
    headers,
    text,
  };
}

export async function validateWheel(
  path: string,
  expect: WheelExpectations = {},
  opts: ValidateOptions | string = {},
): Promise<ValidationResult> {
  const { filename = basename(path), sha256 } = typeof opts === 'string' ? { filename: opts } : opts;
  const problems: string[] = [];
  const { size } = await stat(path);
  const fileSha = createHash('sha256');
  const result: ValidationResult = { filename, size, sha256: '', problems };
  if (expect.maxFileSize !== undefined && size > expect.maxFileSize) {
    problems.push(`${size} bytes, more than max-file-size (${expect.maxFileSize} bytes)`);
  }
  const wheel = parseWheelFilename(filename);
  if (!wheel || wheel.filename !== filename) {
    problems.push('the file name is not a valid wheel file name (PEP 427)');
  } else {
    result.wheel = wheel;
    if (wheel.local !== undefined && expect.publicOnly !== false)
      problems.push(`local version ${wheel.version} cannot be published to PyPI`);
  }

  let reader: ZipReader;
  try {
    reader = await ZipReader.open(path);
  } catch (e) {
    problems.push(`not a readable zip: ${e instanceof Error ? e.message : String(e)}`);
    return result;
  }
  try {
    const folders = new Set(
      reader.entries
        .filter((e) => e.name.includes('/'))
        .map((e) => e.name.split('/')[0]!)
        .filter((t) => t.endsWith('.dist-info')),
    );
    const folder = [...folders][0];
    if (folders.size !== 1 || !folder) {
      problems.push(`expected exactly one .dist-info folder, found ${folders.size ? [...folders].join(', ') : 'none'}`);
      return result;
    }
    const stem = folder.slice(0, -'.dist-info'.length);
    const dash = stem.indexOf('-');
    if (
      wheel &&
      (dash < 0 ||
        stem
          .slice(0, dash)
          .replace(/[-_.]+/g, '-')
          .toLowerCase() !== wheel.name ||
        stem.slice(dash + 1) !== wheel.version)
    ) {
      problems.push(`${folder} does not match the file name's ${wheel.distribution} ${wheel.version}`);
    }
    const byName = new Map(reader.entries.map((e) => [e.name, e]));
    const metadataEntry = byName.get(`${folder}/METADATA`);
    const wheelEntry = byName.get(`${folder}/WHEEL`);
    const recordEntry = byName.get(`${folder}/RECORD`);
    if (!metadataEntry) problems.push(`${folder}/METADATA is missing`);
    if (!wheelEntry) problems.push(`${folder}/WHEEL is missing`);
    if (!recordEntry) problems.push(`${folder}/RECORD is missing`);

    if (metadataEntry) {
      const metadata = metadataFromText((await reader.read(metadataEntry)).toString('utf8'));
      result.metadata = metadata;
      if (wheel && metadata.name.replace(/[-_.]+/g, '-').toLowerCase() !== wheel.name) {
        problems.push(`METADATA Name is "${metadata.name}", the file name says ${wheel.distribution}`);
      }
      if (wheel && metadata.version !== wheel.version)
        problems.push(`METADATA Version is "${metadata.version}", the file name says ${wheel.version}`);
      if (
        expect.requiresPython !== undefined &&
        squash(metadata.requiresPython ?? '') !== squash(expect.requiresPython)
      ) {
        problems.push(`Requires-Python is "${metadata.requiresPython ?? ''}", expected "${expect.requiresPython}"`);
      }
      if (expect.requiresDist?.length) {
        const have = new Set(metadata.requiresDist.map(normalizeRequirement));
        const missing = expect.requiresDist.filter((r) => !have.has(normalizeRequirement(r)));
        if (missing.length) problems.push(`Requires-Dist lacks ${missing.map((m) => `"${m}"`).join(', ')}`);
      }
      const known = expect.classifiers;
      const unknown = known ? headerValues(metadata.headers, 'Classifier').filter((c) => !known.has(c)) : [];
      if (unknown.length) problems.push(`classifiers PyPI would refuse: ${unknown.map((c) => `"${c}"`).join(', ')}`);
    }
    if (wheelEntry && wheel) {
      const tags = headerValues(parseHeaders((await reader.read(wheelEntry)).toString('utf8')), 'Tag');
      const expected = expandTags(wheel.pythonTag, wheel.abiTag, wheel.platformTag);
      const same = tags.length === expected.length && expected.every((t) => tags.includes(t));
      if (!same)
        problems.push(
          `WHEEL tags (${tags.join(', ') || 'none'}) do not match the file name's (${expected.join(', ')})`,
        );
    }
    if (recordEntry) {
      const rows = parseRecord((await reader.read(recordEntry)).toString('utf8'));
      const listed = new Map(rows.map((r) => [r.path, r]));
      const bad: string[] = [];
      for (const entry of reader.entries) {
        if (entry.isDirectory || entry === recordEntry) continue;
        const row = listed.get(entry.name);
        listed.delete(entry.name);
        if (!row || !row.hash) {
          if (!entry.name.endsWith('.dist-info/RECORD.jws') && !entry.name.endsWith('.dist-info/RECORD.p7s'))
            bad.push(`${entry.name} (not in RECORD)`);
          continue;
        }
        const hash = createHash('sha256');
        let n = 0;
        try {
          for await (const chunk of reader.data(entry)) {
            hash.update(chunk);
            n += chunk.length;
          }
        } catch (e) {
          bad.push(`${entry.name} (${e instanceof Error ? e.message : String(e)})`);
          continue;
        }
        const algo = row.hash.slice(0, row.hash.indexOf('='));
        if (algo !== 'sha256') bad.push(`${entry.name} (RECORD uses ${algo || 'no'} hash, expected sha256)`);
        else if (recordHash(hash.digest()) !== row.hash) bad.push(`${entry.name} (hash differs from RECORD)`);
        else if (row.size !== String(n)) bad.push(`${entry.name} (size ${n}, RECORD says ${row.size})`);
      }
      listed.delete(recordEntry.name);
      for (const path of listed.keys()) bad.push(`${path} (in RECORD, not in the wheel)`);
      if (bad.length)
        problems.push(
          `RECORD check failed for ${bad.length} file(s): ${bad.slice(0, 5).join('; ')}${bad.length > 5 ? '; ...' : ''}`,
        );
    }
  } finally {
    await reader.close();
  }
  if (sha256) {
    result.sha256 = sha256;
  } else {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) fileSha.update(chunk as Buffer);
    result.sha256 = fileSha.digest('hex');
  }
  return result;
}
