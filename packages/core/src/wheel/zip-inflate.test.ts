import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { crc32, type ZipEntry } from './zip-format.js';
import { inflateAlongside, inflateChunks, readWhole } from './zip-inflate.js';

function entryFor(content: Buffer, compressed: Buffer): ZipEntry {
  return {
    name: 'pkg/data.bin',
    method: 8,
    flags: 0,
    crc32: crc32(content),
    compressedSize: compressed.length,
    uncompressedSize: content.length,
    localHeaderOffset: 0,
    dosTime: 0,
    dosDate: 0,
    versionMadeBy: 0,
    externalAttributes: 0,
    internalAttributes: 0,
    comment: '',
    isDirectory: false,
  };
}

async function* chunks(b: Buffer, size = 64 << 10): AsyncGenerator<Buffer> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

async function drain(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(c);
  return Buffer.concat(parts);
}

// Half compressible, half random: many output chunks per input chunk, so backpressure is exercised.
const content = Buffer.concat([Buffer.alloc(8 << 20, 'abc'), randomBytes(2 << 20)]);
const compressed = deflateRawSync(content);
const corrupt = Buffer.from(compressed);
corrupt.fill(0xff, 100, 200);

test('inflating gives back the content, and a corrupt stream is an error naming the entry', async () => {
  const entry = entryFor(content, compressed);
  expect((await drain(inflateChunks(entry, chunks(compressed)))).equals(content)).toBe(true);
  expect((await readWhole(entry, chunks(compressed), 64 << 20)).equals(content)).toBe(true);
  await expect(drain(inflateChunks(entry, chunks(corrupt)))).rejects.toThrow(/^pkg\/data\.bin: invalid/);
});

test('inflating alongside passes the compressed bytes through and sees the whole content', async () => {
  const entry = entryFor(content, compressed);
  const seen: Buffer[] = [];
  const passed = await drain(inflateAlongside(entry, chunks(compressed), (c) => seen.push(c)));
  expect(passed.equals(compressed)).toBe(true);
  expect(Buffer.concat(seen).equals(content)).toBe(true);
  await expect(drain(inflateAlongside(entry, chunks(corrupt), () => undefined))).rejects.toThrow(
    /^pkg\/data\.bin: invalid/,
  );
});

test('a failing source is reported as the entry failing, not as a hang', async () => {
  const entry = entryFor(content, compressed);
  async function* broken(): AsyncGenerator<Buffer> {
    yield compressed.subarray(0, 1000);
    throw new Error('connection reset');
  }
  await expect(drain(inflateChunks(entry, broken()))).rejects.toThrow('pkg/data.bin: connection reset');
  await expect(drain(inflateAlongside(entry, broken(), () => undefined))).rejects.toThrow(
    'pkg/data.bin: connection reset',
  );
});
