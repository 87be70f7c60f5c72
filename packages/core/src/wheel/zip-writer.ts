import type { Writable } from 'node:stream';
import * as zlib from 'node:zlib';
import {
  CHUNK,
  crc32,
  FLAG_DATA_DESCRIPTOR,
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
} from './zip-format.js';

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
