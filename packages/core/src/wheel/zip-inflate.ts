import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { crc32, ZipFormatError, type ZipEntry } from './zip-format.js';

/**
 * An entry's compressed bytes made into its content, streaming with bounded buffering, and the
 * check of that content against the CRC-32 and size the central directory gives.
 */

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

function checkMethod(entry: ZipEntry): void {
  if (entry.method !== 0 && entry.method !== 8)
    throw new ZipFormatError(`${entry.name}: compression method ${entry.method} is not supported`);
}

function formatError(entry: ZipEntry, e: unknown): ZipFormatError {
  if (e instanceof ZipFormatError) return e;
  const message = typeof (e as Error | undefined)?.message === 'string' ? (e as Error).message : String(e);
  return new ZipFormatError(`${entry.name}: ${message}`);
}

/** Turns compressed chunks into uncompressed ones. */
export async function* inflateChunks(entry: ZipEntry, raw: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  checkMethod(entry);
  if (entry.method === 0) {
    yield* raw;
    return;
  }
  const inflater = zlib.createInflateRaw();
  const fed = pipeline(raw, inflater);
  fed.catch(() => undefined);
  try {
    for await (const chunk of inflater) yield chunk as Buffer;
    await fed;
  } catch (e) {
    throw formatError(entry, e);
  } finally {
    inflater.destroy();
  }
}

/**
 * Passes the compressed chunks through unchanged (to be copied as they are) and gives their
 * uncompressed content to `onData` on the way, so an entry is checked without being recompressed.
 */
export async function* inflateAlongside(
  entry: ZipEntry,
  raw: AsyncIterable<Buffer>,
  onData: (chunk: Buffer) => void,
): AsyncGenerator<Buffer> {
  checkMethod(entry);
  if (entry.method === 0) {
    for await (const chunk of raw) {
      onData(chunk);
      yield chunk;
    }
    return;
  }
  const inflater = zlib.createInflateRaw();
  const consumed = (async () => {
    for await (const chunk of inflater) onData(chunk as Buffer);
  })();
  consumed.catch(() => undefined);
  try {
    for await (const chunk of raw) {
      yield chunk;
      // A corrupt stream ends the inflater with an error that `consumed` carries; never wait on it for a drain.
      if (!inflater.write(chunk)) await Promise.race([once(inflater, 'drain'), consumed]);
    }
    inflater.end();
    await consumed;
  } catch (e) {
    throw formatError(entry, e);
  } finally {
    inflater.destroy();
  }
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
