import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

/**
 * One object to create in a bucket. Either `body` (literal content) or `size` (bytes generated
 * deterministically from `contentSeed`, the key by default), so a 2 GB object or 5,000 small ones
 * are described without holding their bytes anywhere: the same entry always yields the same bytes.
 */
export interface SeedObject {
  key: string;
  size?: number;
  body?: string | Buffer;
  /** Objects with the same contentSeed and size have identical bytes (an already promoted copy). */
  contentSeed?: string;
  contentType?: string;
  /** User metadata, without the `x-amz-meta-` prefix. */
  metadata?: Record<string, string>;
}

/** Bucket name -> objects. Buckets are created even when their list is empty. */
export type S3Seed = Record<string, SeedObject[]>;

const CHUNK = 64 * 1024;

function seedWord(seed: string): number {
  return createHash('sha256').update(seed).digest().readUInt32LE(0) || 0x9e3779b9;
}

/** Chunk `index` of the generated content: xorshift32 seeded by (seed, index); fast and stable. */
function generatedChunk(seed: number, index: number, length: number): Buffer {
  const words = new Uint32Array(Math.ceil(length / 4));
  let x = (seed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    words[i] = x;
  }
  return Buffer.from(words.buffer, 0, length);
}

export function seedSize(entry: SeedObject): number {
  if (entry.body !== undefined) return Buffer.byteLength(entry.body);
  return entry.size ?? 0;
}

/** The entry's bytes as a stream of 64 KiB chunks. */
export function seedBody(entry: SeedObject): Readable {
  if (entry.body !== undefined) return Readable.from([Buffer.from(entry.body)]);
  const size = entry.size ?? 0;
  const seed = seedWord(entry.contentSeed ?? entry.key);
  let index = 0;
  return new Readable({
    read() {
      const offset = index * CHUNK;
      if (offset >= size) {
        this.push(null);
        return;
      }
      this.push(generatedChunk(seed, index++, Math.min(CHUNK, size - offset)));
    },
  });
}

/** Hex digests of the entry's bytes, computed by streaming them. */
export async function seedDigest(entry: SeedObject, algorithm: 'sha256' | 'md5' = 'sha256'): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of seedBody(entry)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function seedBuffer(entry: SeedObject): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of seedBody(entry)) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

/** Like seedDigest, without a stream: for building fixtures whose metadata must state true checksums. */
export function seedDigestSync(entry: SeedObject, algorithm: 'sha256' | 'md5' = 'sha256'): string {
  const hash = createHash(algorithm);
  if (entry.body !== undefined) return hash.update(Buffer.from(entry.body)).digest('hex');
  const size = entry.size ?? 0;
  const seed = seedWord(entry.contentSeed ?? entry.key);
  for (let i = 0, offset = 0; offset < size; i++, offset += CHUNK)
    hash.update(generatedChunk(seed, i, Math.min(CHUNK, size - offset)));
  return hash.digest('hex');
}
