import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { basename } from 'node:path';
import type { Writable } from 'node:stream';
import * as zlib from 'node:zlib';
import { formatWheelFilename, parseWheelFilename, type WheelName } from '../release/artifact-name.js';
import { ConfigurationError } from '../runtime/errors.js';
import {
  compileGlobs,
  dedupeHeaderLines,
  formatRecord,
  parseRecord,
  recordHash,
  renamePlatform,
  replaceHeader,
  sha256Record,
  type RecordRow,
} from './metadata.js';
import {
  EntryCheck,
  fileZipSource,
  readWhole,
  ZipFormatError,
  ZipReader,
  ZipWriter,
  type ZipEntry,
  type ZipSource,
} from './zip.js';

/**
 * Turns a wheel built for the download index (`torch-2.6.0+cu126-...-linux_x86_64.whl`) into the one
 * PyPI gets (`torch-2.6.0-...-manylinux_2_28_x86_64.whl`), streaming: only the few files that change
 * (METADATA, WHEEL, RECORD, version files) are held in memory; every other entry is copied as its
 * compressed bytes, while its content is hashed and checked against the source's RECORD and CRC.
 */

export interface RewriteOptions {
  /** `from=to` platform tag renames, applied to the file name and the WHEEL file's `Tag:` lines. */
  platformTags?: ReadonlyArray<readonly [string, string]>;
  /** Globs of entries to drop (`caffe2/**`, `torch/lib/libnvrtc*`). */
  excludeFiles?: readonly string[];
  /** Globs of entries in which the full local version (`2.6.0+cu126`) is replaced by the public one. */
  versionFiles?: readonly string[];
  /** The source file's name when `sourcePath` is a temporary file. */
  sourceFilename?: string;
  /**
   * Hash the whole output (default true). Staging turns it off: the staged bytes are hashed when
   * they are validated before publishing, and one pass less over a 2.5 GB wheel matters.
   */
  hashOutput?: boolean;
}

export interface RewriteResult {
  source: WheelName;
  /** The rewritten wheel's file name. */
  filename: string;
  /** sha256 of the output; '' when `hashOutput` is false. */
  sha256: string;
  size: number;
  entries: number;
  /** Entries copied without recompression. */
  copiedRaw: number;
  /** Paths (in the new wheel) whose content was rewritten. */
  changed: string[];
  /** Source paths dropped by `excludeFiles`. */
  excluded: string[];
  /** Paths in which the local version was replaced. */
  versionFiles: string[];
}

const SIGNATURES = new Set(['RECORD.jws', 'RECORD.p7s']);
const SMALL_FILE_LIMIT = 64 << 20;

function distInfoOf(entries: ZipEntry[], wheel: WheelName, file: string): { folder: string; distribution: string } {
  const folders = new Set<string>();
  for (const e of entries) {
    const top = e.name.split('/')[0]!;
    if (top.endsWith('.dist-info') && e.name.includes('/')) folders.add(top);
  }
  const matching = [...folders].filter((f) => {
    const stem = f.slice(0, -'.dist-info'.length);
    const dash = stem.indexOf('-');
    return (
      dash > 0 &&
      parseWheelFilename(`${stem}-py3-none-any.whl`)?.name === wheel.name &&
      stem.slice(dash + 1) === wheel.version
    );
  });
  if (matching.length !== 1) {
    throw new ConfigurationError(
      `${file}: expected one ${wheel.distribution}-${wheel.version}.dist-info folder, found ${folders.size ? [...folders].join(', ') : 'none'}`,
    );
  }
  const folder = matching[0]!;
  return { folder, distribution: folder.slice(0, folder.indexOf('-')) };
}

/** Copies the compressed bytes through, feeding the uncompressed content to `onData` on the way. */
async function* passThroughInflating(
  entry: ZipEntry,
  raw: AsyncIterable<Buffer>,
  onData: (b: Buffer) => void,
): AsyncGenerator<Buffer> {
  if (entry.method === 0) {
    for await (const chunk of raw) {
      onData(chunk);
      yield chunk;
    }
    return;
  }
  if (entry.method !== 8)
    throw new ZipFormatError(`${entry.name}: compression method ${entry.method} is not supported`);
  const inflater = zlib.createInflateRaw();
  inflater.on('data', onData);
  const ended = once(inflater, 'end');
  ended.catch(() => undefined);
  try {
    for await (const chunk of raw) {
      yield chunk;
      if (!inflater.write(chunk)) await once(inflater, 'drain');
    }
    inflater.end();
    await ended;
  } catch (e) {
    inflater.destroy();
    throw new ZipFormatError(`${entry.name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Rewrites the wheel at `sourcePath` (a local file, or a ZipSource such as an object in S3 read in one
 * pass) into `out` (a file or an upload stream); `out` is not ended.
 */
export async function rewriteWheel(
  sourcePath: string | ZipSource,
  out: Writable,
  opts: RewriteOptions = {},
): Promise<RewriteResult> {
  const file = opts.sourceFilename ?? (typeof sourcePath === 'string' ? basename(sourcePath) : '');
  const source = parseWheelFilename(file);
  if (!source) throw new ConfigurationError(`${file} is not a wheel file name`);
  const publicVersion = source.publicVersion;
  const renames = opts.platformTags ?? [];
  const excluded = compileGlobs(opts.excludeFiles ?? []);
  const isVersionFile = compileGlobs(opts.versionFiles ?? []);
  const filename = formatWheelFilename({
    distribution: source.distribution,
    version: publicVersion,
    build: source.build,
    pythonTag: source.pythonTag,
    abiTag: source.abiTag,
    platformTag: renamePlatform(source.platformTag, renames),
  });

  const reader = typeof sourcePath === 'string' ? fileZipSource(await ZipReader.open(sourcePath)) : sourcePath;
  try {
    const { folder, distribution } = distInfoOf(reader.entries, source, file);
    const newFolder = `${distribution}-${publicVersion}.dist-info`;
    const dataFolder = `${distribution}-${source.version}.data`;
    const newDataFolder = `${distribution}-${publicVersion}.data`;
    const rename = (name: string): string => {
      const top = name.split('/')[0];
      if (top === folder) return newFolder + name.slice(folder.length);
      if (top === dataFolder) return newDataFolder + name.slice(dataFolder.length);
      return name;
    };
    const recordEntry = reader.entries.find((e) => e.name === `${folder}/RECORD`);
    if (!recordEntry) throw new ConfigurationError(`${file}: ${folder}/RECORD is missing`);
    const sourceRecord = new Map(
      parseRecord((await reader.read(recordEntry)).toString('utf8')).map((r) => [r.path, r]),
    );

    const sha = createHash('sha256');
    const hashOutput = opts.hashOutput ?? true;
    let size = 0;
    const writer = new ZipWriter(out, (chunk) => {
      if (hashOutput) sha.update(chunk);
      size += chunk.length;
    });
    const rows: RecordRow[] = [];
    const result = { changed: [] as string[], excluded: [] as string[], versionFiles: [] as string[], copiedRaw: 0 };

    for await (const { entry, raw } of reader.sequential()) {
      const inDistInfo = entry.name.startsWith(`${folder}/`);
      const local = inDistInfo ? entry.name.slice(folder.length + 1) : '';
      if (inDistInfo && (local === 'RECORD' || SIGNATURES.has(local))) continue;
      const pattern = excluded(entry.name);
      if (pattern !== undefined) {
        if (inDistInfo)
          throw new ConfigurationError(
            `input "exclude-files": "${pattern}" would drop ${entry.name}, which a wheel needs`,
          );
        result.excluded.push(entry.name);
        continue;
      }
      const name = rename(entry.name);
      const attrs = {
        dosTime: entry.dosTime,
        dosDate: entry.dosDate,
        versionMadeBy: entry.versionMadeBy,
        externalAttributes: entry.externalAttributes,
        internalAttributes: entry.internalAttributes,
      };
      if (entry.isDirectory) {
        await writer.addRaw(
          {
            ...attrs,
            name,
            method: entry.method,
            crc32: entry.crc32,
            compressedSize: entry.compressedSize,
            uncompressedSize: entry.uncompressedSize,
          },
          raw,
        );
        continue;
      }
      const listed = sourceRecord.get(entry.name);
      if (!listed || !listed.hash)
        throw new ConfigurationError(`${file}: ${entry.name} is not listed with a hash in RECORD`);

      let edited: Buffer | undefined;
      let rawBytes: AsyncIterable<Buffer> = raw;
      const special = inDistInfo ? local === 'METADATA' || local === 'WHEEL' : isVersionFile(entry.name) !== undefined;
      if (special) {
        // Small files read before deciding: keep their compressed bytes to copy them if unchanged.
        const chunks: Buffer[] = [];
        let n = 0;
        for await (const c of raw) {
          n += c.length;
          if (n > SMALL_FILE_LIMIT) throw new ConfigurationError(`${file}: ${entry.name} is too large to edit`);
          chunks.push(c);
        }
        rawBytes = {
          async *[Symbol.asyncIterator]() {
            yield* chunks;
          },
        };
      }
      if (inDistInfo && local === 'METADATA') {
        const text = (await readWhole(entry, rawBytes, SMALL_FILE_LIMIT)).toString('utf8');
        let seen: string | undefined;
        const r = replaceHeader(text, 'Version', (old) => ((seen = old), publicVersion));
        if (r.count !== 1 || seen !== source.version) {
          throw new ConfigurationError(
            `${file}: METADATA Version is ${seen ?? 'missing'}, the file name says ${source.version}`,
          );
        }
        edited = Buffer.from(r.text, 'utf8');
      } else if (inDistInfo && local === 'WHEEL') {
        const text = (await readWhole(entry, rawBytes, SMALL_FILE_LIMIT)).toString('utf8');
        const r = replaceHeader(text, 'Tag', (tag) => {
          const parts = tag.split('-');
          if (parts.length !== 3) return tag;
          return `${parts[0]}-${parts[1]}-${renamePlatform(parts[2]!, renames)}`;
        });
        const renamed = renames.length ? dedupeHeaderLines(r.text, 'Tag') : r.text;
        if (renamed !== text) edited = Buffer.from(renamed, 'utf8');
      } else if (isVersionFile(entry.name) !== undefined) {
        const data = await readWhole(entry, rawBytes, SMALL_FILE_LIMIT);
        const text = data.toString('utf8');
        if (text.includes(source.version) && source.version !== publicVersion) {
          edited = Buffer.from(text.split(source.version).join(publicVersion), 'utf8');
          result.versionFiles.push(name);
        }
        if (sha256Record(data) !== listed.hash)
          throw new ConfigurationError(`${file}: ${entry.name} does not match its RECORD hash`);
      }

      if (edited) {
        await writer.addBuffer(name, edited, attrs);
        rows.push({ path: name, hash: sha256Record(edited), size: String(edited.length) });
        result.changed.push(name);
        continue;
      }
      const hash = createHash('sha256');
      const check = new EntryCheck(entry);
      await writer.addRaw(
        {
          ...attrs,
          name,
          method: entry.method,
          crc32: entry.crc32,
          compressedSize: entry.compressedSize,
          uncompressedSize: entry.uncompressedSize,
          flags: entry.flags,
        },
        passThroughInflating(entry, rawBytes, (chunk) => {
          hash.update(chunk);
          check.update(chunk);
        }),
      );
      check.finish();
      const actual = recordHash(hash.digest());
      if (actual !== listed.hash || (listed.size !== '' && Number(listed.size) !== entry.uncompressedSize)) {
        throw new ConfigurationError(
          `${file}: ${entry.name} does not match its RECORD entry (${listed.hash}, ${listed.size} bytes)`,
        );
      }
      rows.push({ path: name, hash: actual, size: String(entry.uncompressedSize) });
      result.copiedRaw++;
    }
    const recordPath = `${newFolder}/RECORD`;
    rows.push({ path: recordPath, hash: '', size: '' });
    await writer.addBuffer(recordPath, Buffer.from(formatRecord(rows), 'utf8'), {
      dosTime: recordEntry.dosTime,
      dosDate: recordEntry.dosDate,
      externalAttributes: recordEntry.externalAttributes,
      versionMadeBy: recordEntry.versionMadeBy,
    });
    result.changed.push(recordPath);
    await writer.finish();
    return { source, filename, sha256: hashOutput ? sha.digest('hex') : '', size, entries: rows.length, ...result };
  } catch (e) {
    if (e instanceof ZipFormatError) throw new ConfigurationError(`${file}: not a valid wheel: ${e.message}`);
    throw e;
  } finally {
    await reader.close();
  }
}
