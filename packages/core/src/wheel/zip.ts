import { blake2b } from '@noble/hashes/blake2.js';
import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import * as zlib from 'node:zlib';

/**
 * A zip reader over a random-access file and a zip writer to a stream, made for rewriting wheels of
 * several GB: the central directory is read from the end of the file, entries are read in bounded
 * chunks, and unchanged entries are copied as their compressed bytes (no recompression, same CRC).
 * Zip64 is supported both ways (offsets past 4 GiB, sizes past 4 GiB, more than 65,535 entries).
 */

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflated; other methods are refused when the data is read. */
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  /** MS-DOS time and date fields, kept as they are on copy. */
  dosTime: number;
  dosDate: number;
  versionMadeBy: number;
  externalAttributes: number;
  internalAttributes: number;
  comment: string;
  isDirectory: boolean;
}

export class ZipFormatError extends Error {
  override readonly name = 'ZipFormatError';
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const U32_MAX = 0xffffffff;
const U16_MAX = 0xffff;
const FLAG_ENCRYPTED = 0x1;
const FLAG_DATA_DESCRIPTOR = 0x8;
const FLAG_UTF8 = 0x800;
const CHUNK = 1 << 20;

// zlib.crc32 exists from Node 20.15 / 22.2; the table is the fallback for older runtimes.
const nativeCrc = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
let crcTable: Uint32Array | undefined;
export function crc32(data: Uint8Array, previous = 0): number {
  if (nativeCrc) return nativeCrc(data, previous);
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = ~previous >>> 0;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
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
export async function* readRange(fh: FileHandle, position: number, length: number): AsyncGenerator<Buffer> {
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

function decodeName(raw: Buffer, flags: number): string {
  // Names without the UTF-8 flag are CP437 in theory; wheels are written by Python's zipfile, which
  // sets the flag for any non-ASCII name, so latin1 is only reached for plain ASCII.
  return flags & FLAG_UTF8 ? raw.toString('utf8') : raw.toString('latin1');
}

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
      const entries = await readCentralDirectory(fh, size);
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
    const header = await readAt(this.fh, entry.localHeaderOffset, 30);
    if (header.readUInt32LE(0) !== SIG_LOCAL) {
      throw new ZipFormatError(`no local header for ${entry.name} at ${entry.localHeaderOffset}`);
    }
    return entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
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
    if (entry.uncompressedSize > limit) {
      throw new ZipFormatError(`${entry.name} is ${entry.uncompressedSize} bytes, more than ${limit} allowed here`);
    }
    const parts: Buffer[] = [];
    for await (const chunk of this.data(entry)) parts.push(chunk);
    return Buffer.concat(parts);
  }
}

/** Verifies uncompressed data against the central directory's CRC-32 and size. */
export class EntryCheck {
  private crc = 0;
  private size = 0;
  constructor(private readonly entry: ZipEntry) {}
  update(chunk: Buffer): void {
    this.crc = crc32(chunk, this.crc);
    this.size += chunk.length;
  }
  finish(): void {
    if (this.size !== this.entry.uncompressedSize) {
      throw new ZipFormatError(
        `${this.entry.name}: ${this.size} bytes, the directory says ${this.entry.uncompressedSize}`,
      );
    }
    if (this.crc >>> 0 !== this.entry.crc32 >>> 0) throw new ZipFormatError(`${this.entry.name}: CRC-32 mismatch`);
  }
}

/** Turns compressed chunks into uncompressed ones, with bounded buffering. */
export async function* inflateChunks(entry: ZipEntry, raw: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  if (entry.method === 0) {
    yield* raw;
    return;
  }
  if (entry.method !== 8)
    throw new ZipFormatError(`${entry.name}: compression method ${entry.method} is not supported`);
  const inflater = zlib.createInflateRaw();
  const out: Buffer[] = [];
  let error: Error | undefined;
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  inflater.on('data', (d: Buffer) => {
    out.push(d);
    notify();
  });
  inflater.on('error', (e: Error) => {
    error = e;
    notify();
  });
  inflater.on('end', () => {
    ended = true;
    notify();
  });
  const wait = (): Promise<void> => new Promise((resolve) => (wake = resolve));
  const feed = (async () => {
    for await (const chunk of raw) {
      if (error) return;
      if (!inflater.write(chunk)) await new Promise<void>((resolve) => inflater.once('drain', resolve));
    }
    inflater.end();
  })();
  feed.catch((e: Error) => {
    error ??= e;
    notify();
  });
  while (true) {
    while (out.length > 0) yield out.shift()!;
    if (error) {
      inflater.destroy();
      throw new ZipFormatError(`${entry.name}: ${error.message}`);
    }
    if (ended) break;
    await wait();
  }
  await feed;
}

/** Random access to an archive's bytes: a local file, or ranged GETs of an object in S3. */
export interface RandomAccess {
  size: number;
  read(position: number, length: number): Promise<Buffer>;
  range(position: number, length: number): AsyncIterable<Buffer>;
}

function fileAccess(fh: FileHandle, size: number): RandomAccess {
  return { size, read: (p, l) => readAt(fh, p, l), range: (p, l) => readRange(fh, p, l) };
}

async function readCentralDirectory(fh: FileHandle, size: number): Promise<ZipEntry[]> {
  return readCentralDirectoryFrom(fileAccess(fh, size));
}

/** The archive's entries, from its end records and central directory (a few reads at the end). */
export async function readCentralDirectoryFrom(src: RandomAccess): Promise<ZipEntry[]> {
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

/** What the writer needs to know of an entry; sizes and CRC are those of the data being written. */
export interface EntryHeader {
  name: string;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  dosTime?: number;
  dosDate?: number;
  versionMadeBy?: number;
  externalAttributes?: number;
  internalAttributes?: number;
  flags?: number;
}

interface WrittenEntry extends Required<Omit<EntryHeader, 'flags'>> {
  flags: number;
  offset: number;
  nameBytes: Buffer;
}

/** 1980-01-01 00:00, the earliest time a zip can hold; used for entries with no source time. */
export const DOS_EPOCH = { dosTime: 0, dosDate: (0 << 9) | (1 << 5) | 1 };

/**
 * Writes a zip sequentially to a stream. Local headers carry the final CRC and sizes (no data
 * descriptors), which is why new entries are given whole and copied entries come with their
 * central-directory facts. Backpressure is honoured, and every byte written can be observed
 * (`onData`) to hash the archive while it is written.
 */
export class ZipWriter {
  private offset = 0;
  private readonly written: WrittenEntry[] = [];
  private readonly names = new Set<string>();
  private finished = false;

  constructor(
    private readonly out: Writable,
    private readonly onData?: (chunk: Buffer) => void,
  ) {}

  get bytesWritten(): number {
    return this.offset;
  }

  private async write(chunk: Buffer): Promise<void> {
    this.onData?.(chunk);
    this.offset += chunk.length;
    if (!this.out.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = (): void => {
          this.out.off('error', onError);
          resolve();
        };
        const onError = (e: Error): void => {
          this.out.off('drain', onDrain);
          reject(e);
        };
        this.out.once('drain', onDrain);
        this.out.once('error', onError);
      });
    }
  }

  private begin(header: EntryHeader): WrittenEntry {
    if (this.finished) throw new Error('zip already finished');
    if (this.names.has(header.name)) throw new ZipFormatError(`duplicate entry ${header.name}`);
    this.names.add(header.name);
    const nameBytes = Buffer.from(header.name, 'utf8');
    const ascii = nameBytes.length === header.name.length;
    // Data descriptors and encryption never survive: the local header carries the final values.
    const flags =
      ((header.flags ?? 0) & ~(FLAG_DATA_DESCRIPTOR | FLAG_ENCRYPTED) & ~FLAG_UTF8) | (ascii ? 0 : FLAG_UTF8);
    return {
      name: header.name,
      method: header.method,
      crc32: header.crc32 >>> 0,
      compressedSize: header.compressedSize,
      uncompressedSize: header.uncompressedSize,
      dosTime: header.dosTime ?? DOS_EPOCH.dosTime,
      dosDate: header.dosDate ?? DOS_EPOCH.dosDate,
      versionMadeBy: header.versionMadeBy ?? 0x031e,
      externalAttributes:
        header.externalAttributes ?? (header.name.endsWith('/') ? 0o40755 << 16 : 0o100644 << 16) >>> 0,
      internalAttributes: header.internalAttributes ?? 0,
      flags,
      offset: this.offset,
      nameBytes,
    };
  }

  private async writeLocalHeader(e: WrittenEntry): Promise<void> {
    const zip64 = e.compressedSize >= U32_MAX || e.uncompressedSize >= U32_MAX;
    const extra = zip64 ? Buffer.alloc(20) : Buffer.alloc(0);
    if (zip64) {
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(16, 2);
      extra.writeBigUInt64LE(BigInt(e.uncompressedSize), 4);
      extra.writeBigUInt64LE(BigInt(e.compressedSize), 12);
    }
    const h = Buffer.alloc(30);
    h.writeUInt32LE(SIG_LOCAL, 0);
    h.writeUInt16LE(zip64 ? 45 : 20, 4);
    h.writeUInt16LE(e.flags, 6);
    h.writeUInt16LE(e.method, 8);
    h.writeUInt16LE(e.dosTime, 10);
    h.writeUInt16LE(e.dosDate, 12);
    h.writeUInt32LE(e.crc32, 14);
    h.writeUInt32LE(zip64 ? U32_MAX : e.compressedSize, 18);
    h.writeUInt32LE(zip64 ? U32_MAX : e.uncompressedSize, 22);
    h.writeUInt16LE(e.nameBytes.length, 26);
    h.writeUInt16LE(extra.length, 28);
    await this.write(Buffer.concat([h, e.nameBytes, extra]));
  }

  /** Copies an entry's compressed bytes as they are; the header's CRC and sizes must describe them. */
  async addRaw(header: EntryHeader, raw: AsyncIterable<Buffer>): Promise<void> {
    const e = this.begin(header);
    await this.writeLocalHeader(e);
    let n = 0;
    for await (const chunk of raw) {
      n += chunk.length;
      await this.write(chunk);
    }
    if (n !== e.compressedSize) throw new ZipFormatError(`${e.name}: copied ${n} bytes, expected ${e.compressedSize}`);
    this.written.push(e);
  }

  /** Adds a whole entry from memory, deflated unless `store` (or unless deflating does not help). */
  async addBuffer(name: string, data: Buffer, opts: Partial<EntryHeader> & { store?: boolean } = {}): Promise<void> {
    let method = 0;
    let body = data;
    if (!opts.store && !name.endsWith('/') && data.length > 0) {
      const deflated = zlib.deflateRawSync(data, { level: 6 });
      if (deflated.length < data.length) {
        method = 8;
        body = deflated;
      }
    }
    const e = this.begin({
      ...opts,
      name,
      method,
      crc32: crc32(data),
      compressedSize: body.length,
      uncompressedSize: data.length,
    });
    await this.writeLocalHeader(e);
    await this.write(body);
    this.written.push(e);
  }

  /** Writes the central directory and the end records (zip64 ones when any limit is exceeded). */
  async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    const cdOffset = this.offset;
    const parts: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async (): Promise<void> => {
      if (parts.length) await this.write(Buffer.concat(parts.splice(0)));
      pendingBytes = 0;
    };
    for (const e of this.written) {
      const fields: bigint[] = [];
      if (e.uncompressedSize >= U32_MAX) fields.push(BigInt(e.uncompressedSize));
      if (e.compressedSize >= U32_MAX) fields.push(BigInt(e.compressedSize));
      if (e.offset >= U32_MAX) fields.push(BigInt(e.offset));
      const extra = Buffer.alloc(fields.length ? 4 + 8 * fields.length : 0);
      if (fields.length) {
        extra.writeUInt16LE(0x0001, 0);
        extra.writeUInt16LE(8 * fields.length, 2);
        fields.forEach((v, i) => extra.writeBigUInt64LE(v, 4 + 8 * i));
      }
      const h = Buffer.alloc(46);
      h.writeUInt32LE(SIG_CENTRAL, 0);
      h.writeUInt16LE(e.versionMadeBy, 4);
      h.writeUInt16LE(fields.length ? 45 : 20, 6);
      h.writeUInt16LE(e.flags, 8);
      h.writeUInt16LE(e.method, 10);
      h.writeUInt16LE(e.dosTime, 12);
      h.writeUInt16LE(e.dosDate, 14);
      h.writeUInt32LE(e.crc32, 16);
      h.writeUInt32LE(Math.min(e.compressedSize, U32_MAX), 20);
      h.writeUInt32LE(Math.min(e.uncompressedSize, U32_MAX), 24);
      h.writeUInt16LE(e.nameBytes.length, 28);
      h.writeUInt16LE(extra.length, 30);
      h.writeUInt16LE(0, 32);
      h.writeUInt16LE(0, 34);
      h.writeUInt16LE(e.internalAttributes, 36);
      h.writeUInt32LE(e.externalAttributes >>> 0, 38);
      h.writeUInt32LE(Math.min(e.offset, U32_MAX), 42);
      parts.push(h, e.nameBytes, extra);
      pendingBytes += h.length + e.nameBytes.length + extra.length;
      if (pendingBytes >= CHUNK) await flush();
    }
    await flush();
    const cdSize = this.offset - cdOffset;
    const count = this.written.length;
    const needZip64 = count >= U16_MAX || cdOffset >= U32_MAX || cdSize >= U32_MAX;
    if (needZip64) {
      const z = Buffer.alloc(56);
      z.writeUInt32LE(SIG_ZIP64_EOCD, 0);
      z.writeBigUInt64LE(44n, 4);
      z.writeUInt16LE(0x032d, 12);
      z.writeUInt16LE(45, 14);
      z.writeBigUInt64LE(BigInt(count), 24);
      z.writeBigUInt64LE(BigInt(count), 32);
      z.writeBigUInt64LE(BigInt(cdSize), 40);
      z.writeBigUInt64LE(BigInt(cdOffset), 48);
      const loc = Buffer.alloc(20);
      loc.writeUInt32LE(SIG_ZIP64_LOCATOR, 0);
      loc.writeBigUInt64LE(BigInt(this.offset), 8);
      loc.writeUInt32LE(1, 16);
      await this.write(Buffer.concat([z, loc]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(SIG_EOCD, 0);
    end.writeUInt16LE(Math.min(count, U16_MAX), 8);
    end.writeUInt16LE(Math.min(count, U16_MAX), 10);
    end.writeUInt32LE(Math.min(cdSize, U32_MAX), 12);
    end.writeUInt32LE(Math.min(cdOffset, U32_MAX), 16);
    await this.write(end);
  }
}

export interface FileDigests {
  md5: string;
  sha256: string;
  blake2_256: string;
  size: number;
}

/** Hashes bytes as they go, for the digests PyPI asks for. */
export class Digests {
  private readonly md5: Hash = createHash('md5');
  private readonly sha256: Hash = createHash('sha256');
  // BLAKE2b with a 32-byte digest (what PyPI calls blake2_256) is not a truncated BLAKE2b-512, and
  // Node's OpenSSL binding cannot set the digest length, hence a JavaScript implementation.
  private readonly blake2 = blake2b.create({ dkLen: 32 });
  size = 0;
  update(chunk: Buffer): void {
    this.size += chunk.length;
    this.md5.update(chunk);
    this.sha256.update(chunk);
    this.blake2.update(chunk);
  }
  digest(): FileDigests {
    return {
      md5: this.md5.digest('hex'),
      sha256: this.sha256.digest('hex'),
      blake2_256: Buffer.from(this.blake2.digest()).toString('hex'),
      size: this.size,
    };
  }
}

/** Exact reads over a stream of chunks, for reading an archive front to back in one pass. */
export class ByteReader {
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
export async function* sequentialEntries(
  entries: readonly ZipEntry[],
  stream: AsyncIterable<Buffer>,
): AsyncGenerator<{ entry: ZipEntry; raw: AsyncIterable<Buffer> }> {
  const reader = new ByteReader(stream);
  for (const entry of [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset)) {
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

/** An archive read once front to back, with random access for the few small entries read first. */
export interface ZipSource {
  entries: ZipEntry[];
  /** A whole (small) entry, uncompressed and checked, by random access. */
  read(entry: ZipEntry, limit?: number): Promise<Buffer>;
  /** Every entry once, in stored order, with its compressed bytes. */
  sequential(): AsyncGenerator<{ entry: ZipEntry; raw: AsyncIterable<Buffer> }>;
  close(): Promise<void>;
}

/** Uncompresses and checks a whole small entry from its compressed bytes. */
export async function readWhole(entry: ZipEntry, raw: AsyncIterable<Buffer>, limit = 64 << 20): Promise<Buffer> {
  if (entry.uncompressedSize > limit) {
    throw new ZipFormatError(`${entry.name} is ${entry.uncompressedSize} bytes, more than ${limit} allowed here`);
  }
  const check = new EntryCheck(entry);
  const parts: Buffer[] = [];
  for await (const chunk of inflateChunks(entry, raw)) {
    check.update(chunk);
    parts.push(chunk);
  }
  check.finish();
  return Buffer.concat(parts);
}

export function fileZipSource(reader: ZipReader): ZipSource {
  return {
    entries: reader.entries,
    read: (entry, limit) => reader.read(entry, limit),
    async *sequential() {
      for (const entry of [...reader.entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset))
        yield { entry, raw: reader.raw(entry) };
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
      const header = await access.read(entry.localHeaderOffset, 30);
      if (header.readUInt32LE(0) !== SIG_LOCAL) throw new ZipFormatError(`no local header for ${entry.name}`);
      const at = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
      return readWhole(entry, access.range(at, entry.compressedSize), limit);
    },
    sequential: () => sequentialEntries(entries, stream()),
    close: async () => undefined,
  };
}
