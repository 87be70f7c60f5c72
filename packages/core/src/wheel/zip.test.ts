import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { crc32 } from './zip-format.js';
import { readWhole } from './zip-inflate.js';
import { remoteZipSource, ZipReader } from './zip-reader.js';
import { ZipWriter } from './zip-writer.js';

const PY = '/usr/bin/python3';
const dir = mkdtempSync(join(tmpdir(), 'zip-stream-'));

async function writeZip(path: string, build: (z: ZipWriter) => Promise<void>): Promise<void> {
  const out = createWriteStream(path);
  const z = new ZipWriter(out);
  await build(z);
  await z.finish();
  out.end();
  await finished(out);
}

/** A file writer that leaves holes for all-zero chunks, so a 4+ GiB zip costs no disk. */
class SparseFile extends Writable {
  private position = 0;
  private static readonly zeros = Buffer.alloc(1 << 24);
  constructor(private readonly fh: import('node:fs/promises').FileHandle) {
    super();
  }
  override _write(chunk: Buffer, _enc: string, cb: (e?: Error | null) => void): void {
    const at = this.position;
    this.position += chunk.length;
    if (chunk.length <= SparseFile.zeros.length && chunk.equals(SparseFile.zeros.subarray(0, chunk.length)))
      return cb();
    this.fh.write(chunk, 0, chunk.length, at).then(() => cb(), cb);
  }
  override _final(cb: (e?: Error | null) => void): void {
    this.fh
      .truncate(this.position)
      .then(() => this.fh.close())
      .then(() => cb(), cb);
  }
}

test('crc32 matches the zip standard check value', () => {
  expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  expect(crc32(Buffer.from('6789'), crc32(Buffer.from('12345')))).toBe(0xcbf43926);
});

test('entries written are read back by Python zipfile and by the reader, stored and deflated', async () => {
  const path = join(dir, 'small.zip');
  const text = Buffer.from('hello wheel\n'.repeat(1000));
  await writeZip(path, async (z) => {
    await z.addBuffer('pkg/', Buffer.alloc(0));
    await z.addBuffer('pkg/a.txt', text);
    await z.addBuffer('pkg/b.bin', Buffer.from([1, 2, 3]), { store: true });
    await z.addBuffer('pkg/ünï.txt', Buffer.from('utf-8 name'));
  });
  const listing = execFileSync(PY, [
    '-c',
    'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print("\\n".join(f"{i.filename} {i.compress_type} {i.file_size}" for i in z.infolist()))',
    path,
  ]).toString();
  expect(listing.trim().split('\n')).toEqual([
    'pkg/ 0 0',
    `pkg/a.txt 8 ${text.length}`,
    'pkg/b.bin 0 3',
    'pkg/ünï.txt 0 10',
  ]);
  const r = await ZipReader.open(path);
  expect(r.entries.map((e) => e.name)).toEqual(['pkg/', 'pkg/a.txt', 'pkg/b.bin', 'pkg/ünï.txt']);
  expect((await r.read(r.entries[1]!)).equals(text)).toBe(true);
  await r.close();
});

test('raw copy keeps the compressed bytes and CRC of a zip written by Python', async () => {
  const src = join(dir, 'py.zip');
  execFileSync(PY, [
    '-c',
    'import sys,zipfile\nwith zipfile.ZipFile(sys.argv[1],"w",zipfile.ZIP_DEFLATED) as z:\n  z.writestr("x/data.txt", "abc"*5000)\n  z.writestr("x/empty", "")',
    src,
  ]);
  const r = await ZipReader.open(src);
  const dst = join(dir, 'copy.zip');
  await writeZip(dst, async (z) => {
    for (const e of r.entries) await z.addRaw({ ...e, name: `renamed/${e.name}` }, r.raw(e));
  });
  const copied = await ZipReader.open(dst);
  expect(copied.entries.map((e) => [e.name, e.crc32, e.compressedSize])).toEqual(
    r.entries.map((e) => [`renamed/${e.name}`, e.crc32, e.compressedSize]),
  );
  expect((await copied.read(copied.entries[0]!)).toString()).toBe('abc'.repeat(5000));
  await Promise.all([r.close(), copied.close()]);
  execFileSync(PY, ['-c', 'import sys,zipfile; assert zipfile.ZipFile(sys.argv[1]).testzip() is None', dst]);
});

test('a corrupted entry fails its CRC check when read', async () => {
  const path = join(dir, 'corrupt.zip');
  await writeZip(path, (z) => z.addBuffer('a.bin', Buffer.alloc(100, 7), { store: true }));
  const fh = await open(path, 'r+');
  await fh.write(Buffer.from([8]), 0, 1, 30 + 'a.bin'.length + 10);
  await fh.close();
  const r = await ZipReader.open(path);
  await expect(r.read(r.entries[0]!)).rejects.toThrow(/CRC-32 mismatch/);
  await r.close();
});

test('more than 65,535 entries use zip64 end records that Python reads', async () => {
  const path = join(dir, 'many.zip');
  const n = 70_000;
  await writeZip(path, async (z) => {
    for (let i = 0; i < n; i++) await z.addBuffer(`f/${i}`, Buffer.from(String(i)), { store: true });
  });
  const r = await ZipReader.open(path);
  expect(r.entries.length).toBe(n);
  expect((await r.read(r.entries[n - 1]!)).toString()).toBe(String(n - 1));
  await r.close();
  const out = execFileSync(PY, [
    '-c',
    'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); print(len(z.infolist()), z.read("f/69999").decode())',
    path,
  ]).toString();
  expect(out.trim()).toBe(`${n} 69999`);
});

test('an entry past 4 GiB and an offset past 4 GiB use zip64 fields that Python reads', async () => {
  const path = join(dir, 'big.zip');
  const big = 2 ** 32 + 4096;
  const zeros = Buffer.alloc(1 << 24);
  // CRC-32 of 2^32 zero bytes, then of 4096 more (computed once; the loop takes seconds).
  let crc = 0;
  for (let left = big; left > 0; left -= zeros.length)
    crc = crc32(left >= zeros.length ? zeros : zeros.subarray(0, left), crc);
  async function* body(): AsyncGenerator<Buffer> {
    for (let left = big; left > 0; left -= zeros.length) yield left >= zeros.length ? zeros : zeros.subarray(0, left);
  }
  const out = new SparseFile(await open(path, 'w'));
  const z = new ZipWriter(out);
  await z.addBuffer('first.txt', Buffer.from('first'));
  await z.addRaw({ name: 'huge.bin', method: 0, crc32: crc, compressedSize: big, uncompressedSize: big }, body());
  await z.addBuffer('after.txt', Buffer.from('after the 4 GiB mark'));
  await z.finish();
  out.end();
  await finished(out);

  const r = await ZipReader.open(path);
  expect(r.entries.map((e) => [e.name, e.uncompressedSize])).toEqual([
    ['first.txt', 5],
    ['huge.bin', big],
    ['after.txt', 20],
  ]);
  expect(r.entries[2]!.localHeaderOffset).toBeGreaterThan(2 ** 32);
  expect((await r.read(r.entries[2]!)).toString()).toBe('after the 4 GiB mark');
  await r.close();
  const py = execFileSync(PY, [
    '-c',
    'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); i=z.getinfo("huge.bin"); print(i.file_size, z.getinfo("after.txt").header_offset > 2**32, z.read("after.txt").decode())',
    path,
  ]).toString();
  expect(py.trim()).toBe(`${big} True after the 4 GiB mark`);
});

test('a file that is not a zip is refused with a clear error', async () => {
  const path = join(dir, 'not.zip');
  writeFileSync(path, 'this is not a zip file at all, just text');
  await expect(ZipReader.open(path)).rejects.toThrow(/not a zip file/);
});

test('an archive read in one front-to-back pass gives the same entries and bytes as random access', async () => {
  const path = join(dir, 'sequential.zip');
  await writeZip(path, async (z) => {
    await z.addBuffer('a/', Buffer.alloc(0));
    await z.addBuffer('a/text', Buffer.from('text '.repeat(3000)));
    await z.addBuffer('a/blob', Buffer.alloc(3 << 20, 1), { store: true });
    await z.addBuffer('a/last', Buffer.from('last'));
  });
  const fh = await open(path, 'r');
  const size = (await fh.stat()).size;
  const access = {
    size,
    read: async (p: number, l: number) => {
      const b = Buffer.alloc(l);
      await fh.read(b, 0, l, p);
      return b;
    },
    range: (p: number, l: number) => createReadStream(path, { start: p, end: p + l - 1 }),
  };
  // Small chunks make entries and headers straddle chunk boundaries.
  const source = await remoteZipSource(access, () => createReadStream(path, { highWaterMark: 1000 }));
  const seen: Array<[string, number]> = [];
  for await (const { entry, raw } of source.sequential()) {
    if (entry.name === 'a/text') {
      seen.push([entry.name, (await readWhole(entry, raw)).length]);
      continue;
    }
    let n = 0;
    if (entry.name !== 'a/blob') for await (const c of raw) n += c.length; // a/blob is left unread: skipped
    seen.push([entry.name, n]);
  }
  expect(seen).toEqual([
    ['a/', 0],
    ['a/text', 15000],
    ['a/blob', 0],
    ['a/last', 4],
  ]);
  expect((await source.read(source.entries[3]!)).toString()).toBe('last');
  await fh.close();
});
