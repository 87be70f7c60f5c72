import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { Writable } from 'node:stream';
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
import { ZipFormatError, type ZipEntry } from './zip-format.js';
import { EntryCheck, inflateAlongside, readWhole } from './zip-inflate.js';
import { fileZipSource, ZipReader, type ZipSource } from './zip-reader.js';
import { ZipWriter, type EntryHeader } from './zip-writer.js';

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

/** What one rewrite knows about its wheel, shared by the editors. */
interface RewriteContext {
  /** The source file name, for messages. */
  file: string;
  source: WheelName;
  publicVersion: string;
  renames: ReadonlyArray<readonly [string, string]>;
  /** The source's `.dist-info` folder and the one it becomes. */
  folder: string;
  newFolder: string;
  /** Source path -> its RECORD row. */
  sourceRecord: Map<string, RecordRow>;
  isExcluded: (path: string) => string | undefined;
  isVersionFile: (path: string) => string | undefined;
}

/** An edited entry's new content, or undefined to copy the entry unchanged. */
type Editor = (data: Buffer, entry: ZipEntry) => Buffer | undefined;

/** Each kind of entry and what the rewrite does with it. */
type EntryPlan =
  | { kind: 'dropped' }
  | { kind: 'excluded' }
  | { kind: 'directory' }
  | { kind: 'edited'; edit: Editor; onChange?: (name: string) => void }
  | { kind: 'copied' };

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

/** METADATA: `Version:` becomes the public version; it must be the file name's version first. */
function metadataEditor(ctx: RewriteContext): Editor {
  return (data) => {
    let seen: string | undefined;
    const r = replaceHeader(data.toString('utf8'), 'Version', (old) => ((seen = old), ctx.publicVersion));
    if (r.count !== 1 || seen !== ctx.source.version) {
      throw new ConfigurationError(
        `${ctx.file}: METADATA Version is ${seen ?? 'missing'}, the file name says ${ctx.source.version}`,
      );
    }
    return Buffer.from(r.text, 'utf8');
  };
}

/** WHEEL: the platform of every `Tag:` line renamed as the file name's is, duplicates dropped. */
function wheelFileEditor(ctx: RewriteContext): Editor {
  return (data) => {
    const text = data.toString('utf8');
    const r = replaceHeader(text, 'Tag', (tag) => {
      const parts = tag.split('-');
      if (parts.length !== 3) return tag;
      return `${parts[0]}-${parts[1]}-${renamePlatform(parts[2]!, ctx.renames)}`;
    });
    const renamed = ctx.renames.length ? dedupeHeaderLines(r.text, 'Tag') : r.text;
    return renamed === text ? undefined : Buffer.from(renamed, 'utf8');
  };
}

/** A version file: the full local version replaced by the public one; its RECORD hash checked first. */
function versionFileEditor(ctx: RewriteContext): Editor {
  return (data, entry) => {
    if (sha256Record(data) !== ctx.sourceRecord.get(entry.name)?.hash)
      throw new ConfigurationError(`${ctx.file}: ${entry.name} does not match its RECORD hash`);
    const { version } = ctx.source;
    const text = data.toString('utf8');
    if (!text.includes(version) || version === ctx.publicVersion) return undefined;
    return Buffer.from(text.split(version).join(ctx.publicVersion), 'utf8');
  };
}

function planEntry(entry: ZipEntry, ctx: RewriteContext, result: RewriteResult): EntryPlan {
  const inDistInfo = entry.name.startsWith(`${ctx.folder}/`);
  const local = inDistInfo ? entry.name.slice(ctx.folder.length + 1) : '';
  if (inDistInfo && (local === 'RECORD' || SIGNATURES.has(local))) return { kind: 'dropped' };
  const pattern = ctx.isExcluded(entry.name);
  if (pattern !== undefined) {
    if (inDistInfo)
      throw new ConfigurationError(`input "exclude-files": "${pattern}" would drop ${entry.name}, which a wheel needs`);
    return { kind: 'excluded' };
  }
  if (entry.isDirectory) return { kind: 'directory' };
  const listed = ctx.sourceRecord.get(entry.name);
  if (!listed || !listed.hash)
    throw new ConfigurationError(`${ctx.file}: ${entry.name} is not listed with a hash in RECORD`);
  if (inDistInfo && local === 'METADATA') return { kind: 'edited', edit: metadataEditor(ctx) };
  if (inDistInfo && local === 'WHEEL') return { kind: 'edited', edit: wheelFileEditor(ctx) };
  if (!inDistInfo && ctx.isVersionFile(entry.name) !== undefined)
    return { kind: 'edited', edit: versionFileEditor(ctx), onChange: (name) => result.versionFiles.push(name) };
  return { kind: 'copied' };
}

/** Entries under the `.dist-info` and `.data` folders move to the public version's folders. */
function renamer(ctx: RewriteContext, distribution: string): (name: string) => string {
  const dataFolder = `${distribution}-${ctx.source.version}.data`;
  const newDataFolder = `${distribution}-${ctx.publicVersion}.data`;
  return (name) => {
    const top = name.split('/')[0];
    if (top === ctx.folder) return ctx.newFolder + name.slice(ctx.folder.length);
    if (top === dataFolder) return newDataFolder + name.slice(dataFolder.length);
    return name;
  };
}

/** What an entry keeps whatever happens to its content: times and attributes. */
function attributesOf(entry: ZipEntry): Partial<EntryHeader> {
  return {
    dosTime: entry.dosTime,
    dosDate: entry.dosDate,
    versionMadeBy: entry.versionMadeBy,
    externalAttributes: entry.externalAttributes,
    internalAttributes: entry.internalAttributes,
  };
}

/** An entry copied as its compressed bytes: the same method, CRC and sizes. */
function copiedHeader(entry: ZipEntry, name: string): EntryHeader {
  return {
    ...attributesOf(entry),
    name,
    method: entry.method,
    crc32: entry.crc32,
    compressedSize: entry.compressedSize,
    uncompressedSize: entry.uncompressedSize,
  };
}

/** A small entry's compressed bytes held in memory, so they can be read and still copied as they are. */
async function buffered(entry: ZipEntry, raw: AsyncIterable<Buffer>, file: string): Promise<AsyncIterable<Buffer>> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of raw) {
    n += c.length;
    if (n > SMALL_FILE_LIMIT) throw new ConfigurationError(`${file}: ${entry.name} is too large to edit`);
    chunks.push(c);
  }
  return {
    async *[Symbol.asyncIterator]() {
      yield* chunks;
    },
  };
}

/** Copies the compressed bytes while checking the content against the source's RECORD and CRC. */
async function copyVerified(
  writer: ZipWriter,
  entry: ZipEntry,
  name: string,
  raw: AsyncIterable<Buffer>,
  ctx: RewriteContext,
): Promise<RecordRow> {
  const listed = ctx.sourceRecord.get(entry.name)!;
  const hash = createHash('sha256');
  const check = new EntryCheck(entry);
  await writer.addRaw(
    { ...copiedHeader(entry, name), flags: entry.flags },
    inflateAlongside(entry, raw, (chunk) => {
      hash.update(chunk);
      check.update(chunk);
    }),
  );
  check.finish();
  const actual = recordHash(hash.digest());
  if (actual !== listed.hash || (listed.size !== '' && Number(listed.size) !== entry.uncompressedSize)) {
    throw new ConfigurationError(
      `${ctx.file}: ${entry.name} does not match its RECORD entry (${listed.hash}, ${listed.size} bytes)`,
    );
  }
  return { path: name, hash: actual, size: String(entry.uncompressedSize) };
}

/** Edits a small entry; an entry its editor leaves alone is copied as it was. */
async function writeEdited(
  writer: ZipWriter,
  entry: ZipEntry,
  name: string,
  raw: AsyncIterable<Buffer>,
  plan: Extract<EntryPlan, { kind: 'edited' }>,
  ctx: RewriteContext,
  result: RewriteResult,
): Promise<RecordRow> {
  const held = await buffered(entry, raw, ctx.file);
  const edited = plan.edit(await readWhole(entry, held, SMALL_FILE_LIMIT), entry);
  if (!edited) {
    result.copiedRaw++;
    return copyVerified(writer, entry, name, held, ctx);
  }
  await writer.addBuffer(name, edited, attributesOf(entry));
  result.changed.push(name);
  plan.onChange?.(name);
  return { path: name, hash: sha256Record(edited), size: String(edited.length) };
}

async function readContext(reader: ZipSource, opts: RewriteOptions, file: string): Promise<RewriteContext> {
  const source = parseWheelFilename(file);
  if (!source) throw new ConfigurationError(`${file} is not a wheel file name`);
  const { folder, distribution } = distInfoOf(reader.entries, source, file);
  const recordEntry = reader.entries.find((e) => e.name === `${folder}/RECORD`);
  if (!recordEntry) throw new ConfigurationError(`${file}: ${folder}/RECORD is missing`);
  const sourceRecord = new Map(parseRecord((await reader.read(recordEntry)).toString('utf8')).map((r) => [r.path, r]));
  return {
    file,
    source,
    publicVersion: source.publicVersion,
    renames: opts.platformTags ?? [],
    folder,
    newFolder: `${distribution}-${source.publicVersion}.dist-info`,
    sourceRecord,
    isExcluded: compileGlobs(opts.excludeFiles ?? []),
    isVersionFile: compileGlobs(opts.versionFiles ?? []),
  };
}

function targetFilename(ctx: RewriteContext): string {
  const { source } = ctx;
  return formatWheelFilename({
    distribution: source.distribution,
    version: ctx.publicVersion,
    build: source.build,
    pythonTag: source.pythonTag,
    abiTag: source.abiTag,
    platformTag: renamePlatform(source.platformTag, ctx.renames),
  });
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
  if (!parseWheelFilename(file)) throw new ConfigurationError(`${file} is not a wheel file name`);
  const reader = typeof sourcePath === 'string' ? fileZipSource(await ZipReader.open(sourcePath)) : sourcePath;
  try {
    const ctx = await readContext(reader, opts, file);
    const rename = renamer(ctx, ctx.newFolder.slice(0, ctx.newFolder.indexOf('-')));
    const sha = createHash('sha256');
    const hashOutput = opts.hashOutput ?? true;
    let size = 0;
    const writer = new ZipWriter(out, (chunk) => {
      if (hashOutput) sha.update(chunk);
      size += chunk.length;
    });
    const result: RewriteResult = {
      source: ctx.source,
      filename: targetFilename(ctx),
      sha256: '',
      size: 0,
      entries: 0,
      copiedRaw: 0,
      changed: [],
      excluded: [],
      versionFiles: [],
    };
    const rows: RecordRow[] = [];

    for await (const { entry, raw } of reader.sequential()) {
      const plan = planEntry(entry, ctx, result);
      const name = rename(entry.name);
      switch (plan.kind) {
        case 'dropped':
          break;
        case 'excluded':
          result.excluded.push(entry.name);
          break;
        case 'directory':
          await writer.addRaw(copiedHeader(entry, name), raw);
          break;
        case 'edited':
          rows.push(await writeEdited(writer, entry, name, raw, plan, ctx, result));
          break;
        case 'copied':
          rows.push(await copyVerified(writer, entry, name, raw, ctx));
          result.copiedRaw++;
          break;
      }
    }
    await writeRecord(writer, rows, reader, ctx, result);
    await writer.finish();
    return { ...result, sha256: hashOutput ? sha.digest('hex') : '', size, entries: rows.length };
  } catch (e) {
    if (e instanceof ZipFormatError) throw new ConfigurationError(`${file}: not a valid wheel: ${e.message}`);
    throw e;
  } finally {
    await reader.close();
  }
}

/** RECORD regenerated from the rows written, with the source RECORD's time and attributes. */
async function writeRecord(
  writer: ZipWriter,
  rows: RecordRow[],
  reader: ZipSource,
  ctx: RewriteContext,
  result: RewriteResult,
): Promise<void> {
  const recordEntry = reader.entries.find((e) => e.name === `${ctx.folder}/RECORD`)!;
  const recordPath = `${ctx.newFolder}/RECORD`;
  rows.push({ path: recordPath, hash: '', size: '' });
  await writer.addBuffer(recordPath, Buffer.from(formatRecord(rows), 'utf8'), {
    dosTime: recordEntry.dosTime,
    dosDate: recordEntry.dosDate,
    externalAttributes: recordEntry.externalAttributes,
    versionMadeBy: recordEntry.versionMadeBy,
  });
  result.changed.push(recordPath);
}
