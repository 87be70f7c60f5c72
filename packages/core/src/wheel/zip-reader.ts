import { open, type FileHandle } from 'node:fs/promises';
import { EntryCheck, inflateChunks, readWhole } from './zip-inflate.js';
import {
  CHUNK,
  dataOffsetFrom,
  FLAG_ENCRYPTED,
  FLAG_UTF8,
  SIG_CENTRAL,
  SIG_EOCD,
  SIG_LOCAL,
  SIG_ZIP64_EOCD,
  SIG_ZIP64_LOCATOR,
  U16_MAX,
  U32_MAX,
  ZipFormatError,
  type ZipEntry,
} from './zip-format.js';

/**
 * Reading zips of several GB: the central directory from the end of the archive (a local file or
 * ranged reads of an object in S3), small entries by random access, and every entry once, front to
 * back, from one stream. Zip64 is supported (offsets and sizes past 4 GiB, more than 65,535 entries).
 */

/** Random access to an archive's bytes: a local file, or ranged GETs of an object in S3. */
export interface RandomAccess {
  size: number;
  read(position: number, length: number): Promise<Buffer>;
  range(position: number, length: number): AsyncIterable<Buffer>;
}

/** An archive read once front to back, with random access for the few small entries read first. */
export interface ZipSource {
  entries: ZipEntry[];
  /** A whole (small) entry, uncompressed and checked, by random access. */
  read(entry: ZipEntry, limit?: number): Promise<Buffer>;
  /** Every entry once, in stored order, with its compressed bytes. */
  sequential(): AsyncGenerator<{ entry: ZipEntry; raw: AsyncIterable<Buffer> }>;
  close(): Promise<void>;
}

function readU64(buf: Buffer, at: number): number {
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError('zip64 value too large');
  return Number(v);
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) throw new ZipFormatError(`unexpected end of file at ${position + done}`);
    done += bytesRead;
  }
  return buf;
}

/** Reads `length` bytes from `position` in chunks of at most 1 MiB; each chunk is a fresh buffer. */
async function* readRange(fh: FileHandle, position: number, length: number): AsyncGenerator<Buffer> {
  let at = position;
  const end = position + length;
  while (at < end) {
    const n = Math.min(CHUNK, end - at);
    const buf = Buffer.allocUnsafe(n);
    const { bytesRead } = await fh.read(buf, 0, n, at);
    if (bytesRead === 0) throw new ZipFormatError(`unexpected end of file at ${at}`);
    at += bytesRead;
    yield bytesRead === n ? buf : buf.subarray(0, bytesRead);
  }
}

function fileAccess(fh: FileHandle, size: number): RandomAccess {
  return { size, read: (p, l) => readAt(fh, p, l), range: (p, l) => readRange(fh, p, l) };
}

function decodeName(raw: Buffer, flags: number): string {
  // Names without the UTF-8 flag are CP437 in theory; wheels are written by Python's zipfile, which
  // sets the flag for any non-ASCII name, so latin1 is only reached for plain ASCII.
  return flags & FLAG_UTF8 ? raw.toString('utf8') : raw.toString('latin1');
}

function inStoredOrder(entries: readonly ZipEntry[]): ZipEntry[] {
  return [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
}

/** A zip file on disk, read by random access. */
export class ZipReader {
  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
    readonly size: number,
    readonly entries: ZipEntry[],
  ) {}

  static async open(path: string): Promise<ZipReader> {
    const fh = await open(path, 'r');
    try {
      const { size } = await fh.stat();
      const entries = await readCentralDirectoryFrom(fileAccess(fh, size));
      return new ZipReader(path, fh, size, entries);
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  async close(): Promise<void> {
    await this.fh.close();
  }

  /** Where an entry's compressed bytes start: after its local header, whose extra field may differ. */
  async dataOffset(entry: ZipEntry): Promise<number> {
    return dataOffsetFrom(entry, await readAt(this.fh, entry.localHeaderOffset, 30));
  }

  /** The entry's bytes as stored in the archive (compressed), in chunks. */
  async *raw(entry: ZipEntry): AsyncGenerator<Buffer> {
    if (entry.flags & FLAG_ENCRYPTED) throw new ZipFormatError(`${entry.name} is encrypted`);
    yield* readRange(this.fh, await this.dataOffset(entry), entry.compressedSize);
  }

  /** The entry's uncompressed bytes, in chunks, checked against its CRC-32 and size. */
  async *data(entry: ZipEntry): AsyncGenerator<Buffer> {
    const check = new EntryCheck(entry);
    for await (const chunk of inflateChunks(entry, this.raw(entry))) {
      check.update(chunk);
      yield chunk;
    }
    check.finish();
  }

  /** The whole uncompressed entry; only for small entries (metadata files). */
  async read(entry: ZipEntry, limit = 64 << 20): Promise<Buffer> {
    return readWhole(entry, this.raw(entry), limit);
  }
}

/** The archive's entries, from its end records and central directory (a few reads at the end). */
export async function readCentralDirectoryFrom(src: RandomAccess): Promise<ZipEntry[]> {
  const { count, cdOffset, cdSize } = await readEndRecords(src);
  const entries: ZipEntry[] = [];
  let pending: Buffer = Buffer.alloc(0);
  let at = 0;
  for await (const chunk of src.range(cdOffset, cdSize)) {
    pending = pending.length === at ? chunk : Buffer.concat([pending.subarray(at), chunk]);
    at = 0;
    while (pending.length - at >= 46) {
      if (pending.readUInt32LE(at) !== SIG_CENTRAL) throw new ZipFormatError('bad central directory header');
      const nameLen = pending.readUInt16LE(at + 28);
      const extraLen = pending.readUInt16LE(at + 30);
      const commentLen = pending.readUInt16LE(at + 32);
      const total = 46 + nameLen + extraLen + commentLen;
      if (pending.length - at < total) break;
      entries.push(parseCentral(pending.subarray(at, at + total), nameLen, extraLen, commentLen));
      at += total;
    }
  }
  if (at !== pending.length) throw new ZipFormatError('truncated central directory');
  if (entries.length !== count)
    throw new ZipFormatError(`central directory has ${entries.length} entries, expected ${count}`);
  return entries;
}

/** Where the central directory is and how many entries it holds, zip64 records included. */
async function readEndRecords(src: RandomAccess): Promise<{ count: number; cdOffset: number; cdSize: number }> {
  const size = src.size;
  if (size < 22) throw new ZipFormatError('not a zip file (too small)');
  const tailLength = Math.min(size, 22 + U16_MAX + 20);
  const tail = await src.read(size - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === SIG_EOCD && i + 22 + tail.readUInt16LE(i + 20) === tail.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipFormatError('not a zip file (no end of central directory record)');
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  const locator = eocd - 20;
  if (locator >= 0 && tail.readUInt32LE(locator) === SIG_ZIP64_LOCATOR) {
    const z64At = readU64(tail, locator + 8);
    const z64 = await src.read(z64At, 56);
    if (z64.readUInt32LE(0) !== SIG_ZIP64_EOCD) throw new ZipFormatError('bad zip64 end of central directory record');
    count = readU64(z64, 32);
    cdSize = readU64(z64, 40);
    cdOffset = readU64(z64, 48);
  } else if (count === U16_MAX || cdSize === U32_MAX || cdOffset === U32_MAX) {
    throw new ZipFormatError('zip64 locator missing');
  }
  if (cdOffset + cdSize > size) throw new ZipFormatError('central directory lies outside the file');
  return { count, cdOffset, cdSize };
}

function parseCentral(h: Buffer, nameLen: number, extraLen: number, commentLen: number): ZipEntry {
  const flags = h.readUInt16LE(8);
  let uncompressedSize = h.readUInt32LE(24);
  let compressedSize = h.readUInt32LE(20);
  let localHeaderOffset = h.readUInt32LE(42);
  const name = decodeName(h.subarray(46, 46 + nameLen), flags);
  const extra = h.subarray(46 + nameLen, 46 + nameLen + extraLen);
  for (let p = 0; p + 4 <= extra.length;) {
    const id = extra.readUInt16LE(p);
    const len = extra.readUInt16LE(p + 2);
    if (id === 0x0001) {
      let q = p + 4;
      // Only the fields saturated in the fixed header are present, in this order.
      const next = (): number => {
        const v = readU64(extra, q);
        q += 8;
        return v;
      };
      if (uncompressedSize === U32_MAX) uncompressedSize = next();
      if (compressedSize === U32_MAX) compressedSize = next();
      if (localHeaderOffset === U32_MAX) localHeaderOffset = next();
    }
    p += 4 + len;
  }
  return {
    name,
    method: h.readUInt16LE(10),
    flags,
    dosTime: h.readUInt16LE(12),
    dosDate: h.readUInt16LE(14),
    crc32: h.readUInt32LE(16),
    compressedSize,
    uncompressedSize,
    localHeaderOffset,
    versionMadeBy: h.readUInt16LE(4),
    internalAttributes: h.readUInt16LE(36),
    externalAttributes: h.readUInt32LE(38),
    comment: decodeName(h.subarray(46 + nameLen + extraLen, 46 + nameLen + extraLen + commentLen), flags),
    isDirectory: name.endsWith('/'),
  };
}

/** Exact reads over a stream of chunks, for reading an archive front to back in one pass. */
class ByteReader {
  private readonly it: AsyncIterator<Buffer>;
  private buf: Buffer = Buffer.alloc(0);
  constructor(
    source: AsyncIterable<Buffer>,
    public position = 0,
  ) {
    this.it = source[Symbol.asyncIterator]();
  }

  private async more(): Promise<void> {
    const next = await this.it.next();
    if (next.done) throw new ZipFormatError(`unexpected end of stream at ${this.position + this.buf.length}`);
    this.buf = this.buf.length ? Buffer.concat([this.buf, next.value]) : next.value;
  }

  async read(n: number): Promise<Buffer> {
    while (this.buf.length < n) await this.more();
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    this.position += n;
    return out;
  }

  /** Yields exactly `n` bytes in chunks as they arrive. */
  async *take(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.buf.length === 0) await this.more();
      const k = Math.min(left, this.buf.length);
      const out = this.buf.subarray(0, k);
      this.buf = this.buf.subarray(k);
      this.position += k;
      left -= k;
      yield out;
    }
  }

  async skipTo(position: number): Promise<void> {
    if (position < this.position) throw new ZipFormatError(`entries overlap at ${position}`);
    for await (const _ of this.take(position - this.position)) void _;
  }
}

/**
 * Entries in the order they are stored, read from one front-to-back stream of the archive (one GET
 * of an object in S3). Each entry's compressed bytes must be consumed before asking for the next;
 * whatever is left is skipped.
 */
async function* sequentialEntries(
  entries: readonly ZipEntry[],
  stream: AsyncIterable<Buffer>,
): AsyncGenerator<{ entry: ZipEntry; raw: AsyncIterable<Buffer> }> {
  const reader = new ByteReader(stream);
  for (const entry of inStoredOrder(entries)) {
    await reader.skipTo(entry.localHeaderOffset);
    const header = await reader.read(30);
    if (header.readUInt32LE(0) !== SIG_LOCAL)
      throw new ZipFormatError(`no local header for ${entry.name} at ${entry.localHeaderOffset}`);
    if (entry.flags & FLAG_ENCRYPTED) throw new ZipFormatError(`${entry.name} is encrypted`);
    await reader.read(header.readUInt16LE(26) + header.readUInt16LE(28));
    const end = reader.position + entry.compressedSize;
    yield { entry, raw: reader.take(entry.compressedSize) };
    await reader.skipTo(end);
  }
}

export function fileZipSource(reader: ZipReader): ZipSource {
  return {
    entries: reader.entries,
    read: (entry, limit) => reader.read(entry, limit),
    async *sequential() {
      for (const entry of inStoredOrder(reader.entries)) yield { entry, raw: reader.raw(entry) };
    },
    close: () => reader.close(),
  };
}

/**
 * A zip that is not on disk (an object in S3): the central directory and small entries come from
 * ranged reads, everything else from one front-to-back stream, so nothing is written locally.
 */
export async function remoteZipSource(access: RandomAccess, stream: () => AsyncIterable<Buffer>): Promise<ZipSource> {
  const entries = await readCentralDirectoryFrom(access);
  return {
    entries,
    async read(entry, limit) {
      const at = dataOffsetFrom(entry, await access.read(entry.localHeaderOffset, 30));
      return readWhole(entry, access.range(at, entry.compressedSize), limit);
    },
    sequential: () => sequentialEntries(entries, stream()),
    close: async () => undefined,
  };
}
