import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copySource, createS3Client, listAll, listTree, s3ErrorCode } from '@release-actions/core/s3/client';
import { seedBuffer, seedDigest, type SeedObject } from './seed.js';
import { startS3Server, type S3Server } from './server.js';

process.env['AWS_ACCESS_KEY_ID'] = 'S3RVER';
process.env['AWS_SECRET_ACCESS_KEY'] = 'S3RVER';

const MiB = 1024 * 1024;
let server: S3Server;
let s3: S3Client;

beforeAll(async () => {
  server = await startS3Server({
    seed: {
      pytorch: [
        {
          key: 'whl/test/cu124/torch-2.6.0+cu124-cp310-cp310-linux_x86_64.whl',
          size: 3000,
          metadata: { 'checksum-sha256': 'abc' },
        },
        { key: 'whl/test/odd name+plus (1).whl', body: 'odd' },
        { key: 'big/libtorch-shared-with-deps-2.6.0+cu124.zip', size: 12 * MiB },
      ],
      backup: [],
    },
  });
  s3 = createS3Client({ endpointUrl: server.endpoint, maxAttempts: 4 });
});

afterAll(async () => {
  s3.destroy();
  await server.stop();
});

async function body(bucket: string, key: string): Promise<Buffer> {
  const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await r.Body!.transformToByteArray());
}

describe('CopyObject follows AWS decoding of x-amz-copy-source', () => {
  test('a key with + and spaces, percent-encoded, is copied to the right key with its metadata', async () => {
    const src = 'whl/test/cu124/torch-2.6.0+cu124-cp310-cp310-linux_x86_64.whl';
    const dst = 'whl/cu124/torch-2.6.0+cu124-cp310-cp310-linux_x86_64.whl';
    await s3.send(
      new CopyObjectCommand({
        Bucket: 'pytorch',
        Key: dst,
        CopySource: copySource('pytorch', src),
        MetadataDirective: 'COPY',
      }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'pytorch', Key: dst }));
    expect(head.ContentLength).toBe(3000);
    expect(head.Metadata).toEqual({ 'checksum-sha256': 'abc' });
    expect(await body('pytorch', dst)).toEqual(await seedBuffer({ key: src, size: 3000 }));

    await s3.send(
      new CopyObjectCommand({
        Bucket: 'backup',
        Key: 'odd name+plus (1).whl',
        CopySource: copySource('pytorch', 'whl/test/odd name+plus (1).whl'),
      }),
    );
    expect((await body('backup', 'odd name+plus (1).whl')).toString()).toBe('odd');
  });

  test('a literal + in the copy source is read as a space, as AWS does (so clients must encode it)', async () => {
    const raw = 'pytorch/whl/test/cu124/torch-2.6.0+cu124-cp310-cp310-linux_x86_64.whl';
    await expect(
      s3.send(new CopyObjectCommand({ Bucket: 'pytorch', Key: 'x.whl', CopySource: raw })),
    ).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
  });
});

test('listing 2,500 keys paginates 1,000 at a time with continuation tokens', async () => {
  const objects: SeedObject[] = Array.from({ length: 2500 }, (_, i) => ({
    key: `many/${String(i).padStart(5, '0')}.txt`,
    body: `${i}`,
  }));
  await server.seed('listing', objects, 64);
  const before = server.count('ListObjectsV2');
  const listed = await listAll(s3, 'listing', 'many/');
  expect(listed.map((o) => o.key)).toEqual(objects.map((o) => o.key));
  expect(server.count('ListObjectsV2') - before).toBe(3);
});

test('pages follow key order across folders whose names sort apart from their paths (cpu/ and cpu-cxx11-abi/)', async () => {
  // `cpu-cxx11-abi/...` sorts before `cpu/...` ('-' < '/'), though a directory walk meets `cpu` first:
  // pages cut in walk order repeated every `cpu/` key on the next page.
  const keys = ['cpu', 'cpu-cxx11-abi', 'cu126', 'cu126-full']
    .flatMap((folder) => Array.from({ length: 700 }, (_, i) => `whl/${folder}/torch-${String(i).padStart(3, '0')}.whl`))
    .reverse();
  await server.seed(
    'folders',
    keys.map((key) => ({ key, body: key })),
    64,
  );
  const listed = (await listAll(s3, 'folders', 'whl/')).map((o) => o.key);
  expect(listed).toEqual([...keys].sort());
});

test('a listing reads back every key, size and ETag exactly, XML escapes and blanks included', async () => {
  // The SDK's XML parser is patched (patches/@aws-sdk__xml-builder@3.972.43.patch) to take names and
  // text as slices of the document: what it reads must not change.
  const keys = [
    'odd/a&b <c> "d" \'e\'.whl',
    'odd/ leading and trailing .whl',
    'odd/torch-2.6.0+cu126-cp313-cp313t-manylinux_2_28_x86_64.whl',
    'odd/ünïcödé-1.0-py3-none-any.whl',
    'odd/&amp;-already-escaped.whl',
  ];
  await server.seed(
    'escapes',
    keys.map((key, i) => ({ key, body: 'x'.repeat(i + 1) })),
  );
  const listed = await listAll(s3, 'escapes', 'odd/');
  expect(listed.map((o) => o.key)).toEqual([...keys].sort());
  for (const o of listed) {
    const i = keys.indexOf(o.key);
    expect(o.size).toBe(i + 1);
    expect(o.etag).toBe(
      createHash('md5')
        .update('x'.repeat(i + 1))
        .digest('hex'),
    );
  }
});

test('listTree hands over what listAll lists, a level and then each folder as it is listed', async () => {
  await server.seed('tree', [
    { key: 'whl/test/torch-2.6.0-cp311-none-macosx_11_0_arm64.whl', body: 'root' },
    ...['cpu', 'cu126', 'cu126/nested'].flatMap((f) =>
      Array.from({ length: 1200 }, (_, i) => ({ key: `whl/test/${f}/w-${i}.whl`, body: `${f}${i}` })),
    ),
  ]);
  const before = server.requests.length;
  const batches: string[][] = [];
  await listTree(s3, 'tree', 'whl/test/', 8, (objects) => batches.push(objects.map((o) => o.key)));
  const requests = server.requests.slice(before);
  const listed = (await listAll(s3, 'tree', 'whl/test/')).map((o) => o.key);
  expect(batches.flat().sort()).toEqual(listed);
  expect(listed).toHaveLength(3601);
  // the level's own object, then cpu/ and cu126/ (its nested folder included), each whole
  expect(batches.map((b) => b.length).sort()).toEqual([1, 1200, 2400]);
  // one level, then cpu/ (2 pages) and cu126/ (3 pages, its nested folder included)
  expect(requests.map((r) => r.query['prefix'])).toEqual(
    expect.arrayContaining(['whl/test/', 'whl/test/cpu/', 'whl/test/cu126/']),
  );
  expect(requests).toHaveLength(6);
});

describe('multipart', () => {
  const src = 'big/libtorch-shared-with-deps-2.6.0+cu124.zip';

  async function partCopy(dstKey: string): Promise<string | undefined> {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'pytorch', Key: dstKey }));
    const ranges = [`bytes=0-${6 * MiB - 1}`, `bytes=${6 * MiB}-${12 * MiB - 1}`];
    const parts = [];
    for (const [i, range] of ranges.entries()) {
      const r = await s3.send(
        new UploadPartCopyCommand({
          Bucket: 'pytorch',
          Key: dstKey,
          UploadId,
          PartNumber: i + 1,
          CopySource: copySource('pytorch', src),
          CopySourceRange: range,
        }),
      );
      parts.push({ PartNumber: i + 1, ETag: r.CopyPartResult!.ETag });
    }
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'pytorch',
        Key: dstKey,
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
    return done.ETag;
  }

  test('UploadPartCopy copies byte ranges, and the object gets an AWS-style multipart ETag', async () => {
    const dst = 'big/copy/libtorch-shared-with-deps-2.6.0+cu124.zip';
    const etag = await partCopy(dst);
    const expected = await seedBuffer({ key: src, size: 12 * MiB });
    const partMd5 = (b: Buffer): Buffer => createHash('md5').update(b).digest();
    const multipartEtag = createHash('md5')
      .update(Buffer.concat([partMd5(expected.subarray(0, 6 * MiB)), partMd5(expected.subarray(6 * MiB))]))
      .digest('hex');
    expect(etag).toBe(`"${multipartEtag}-2"`);
    expect(
      createHash('sha256')
        .update(await body('pytorch', dst))
        .digest('hex'),
    ).toBe(await seedDigest({ key: src, size: 12 * MiB }));

    // A CopyObject of a multipart object is a new single-part object: its ETag is the content's MD5.
    const copied = await s3.send(
      new CopyObjectCommand({ Bucket: 'pytorch', Key: 'big/copy2.zip', CopySource: copySource('pytorch', dst) }),
    );
    expect(copied.CopyObjectResult!.ETag).toBe(`"${createHash('md5').update(expected).digest('hex')}"`);
  });

  test('UploadPartCopy can be answered NotImplemented, like some S3-compatible stores', async () => {
    server.uploadPartCopy = 'not-implemented';
    try {
      await expect(partCopy('big/never.zip')).rejects.toMatchObject({ name: 'NotImplemented' });
    } finally {
      server.uploadPartCopy = 'supported';
    }
  });

  test('a part other than the last smaller than 5 MiB is refused with EntityTooSmall', async () => {
    const Key = 'big/small-parts.bin';
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'pytorch', Key }));
    const parts = [];
    for (const n of [1, 2]) {
      const r = await s3.send(
        new UploadPartCommand({ Bucket: 'pytorch', Key, UploadId, PartNumber: n, Body: Buffer.alloc(1024, n) }),
      );
      parts.push({ PartNumber: n, ETag: r.ETag });
    }
    const err = await s3
      .send(new CompleteMultipartUploadCommand({ Bucket: 'pytorch', Key, UploadId, MultipartUpload: { Parts: parts } }))
      .catch((e: unknown) => e);
    expect(s3ErrorCode(err)).toBe('EntityTooSmall');
  });
});

test('each request records when it arrived and when it was answered, the added latency between them', async () => {
  server.latencyMs = 40;
  const sent = performance.now();
  try {
    await s3.send(new HeadObjectCommand({ Bucket: 'pytorch', Key: 'whl/test/odd name+plus (1).whl' }));
  } finally {
    server.latencyMs = 0;
  }
  const answered = performance.now();
  const head = server.requests.findLast((r) => r.operation === 'HeadObject')!;
  expect(head.receivedAt).toBeGreaterThanOrEqual(sent);
  expect(head.answeredAt! - head.receivedAt).toBeGreaterThanOrEqual(39);
  expect(head.answeredAt).toBeLessThanOrEqual(answered);
});

describe('fault injection', () => {
  test('503 SlowDown for the next N requests is retried by the client', async () => {
    server.failNext(2, { match: (r) => r.operation === 'PutObject' });
    await s3.send(new PutObjectCommand({ Bucket: 'backup', Key: 'retried.txt', Body: 'ok' }));
    const puts = server.requests.filter((r) => r.operation === 'PutObject' && r.key === 'retried.txt');
    expect(puts.map((r) => r.injected)).toEqual([503, 503, undefined]);
    expect((await body('backup', 'retried.txt')).toString()).toBe('ok');
  });

  test('a server stopped after N requests drops the rest; a new one on the same directory keeps the objects', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's3-restart-'));
    try {
      const first = await startS3Server({ directory: dir, seed: { b1: [{ key: 'a.txt', body: 'A' }] } });
      const client = createS3Client({ endpointUrl: first.endpoint, maxAttempts: 1 });
      first.stopAfter(1, (r) => r.operation === 'PutObject');
      await client.send(new PutObjectCommand({ Bucket: 'b1', Key: 'b.txt', Body: 'B' }));
      await first.stopped;
      await expect(client.send(new PutObjectCommand({ Bucket: 'b1', Key: 'c.txt', Body: 'C' }))).rejects.toThrow();
      client.destroy();

      const second = await startS3Server({ directory: dir });
      const again = createS3Client({ endpointUrl: second.endpoint });
      expect((await listAll(again, 'b1', '')).map((o) => o.key)).toEqual(['a.txt', 'b.txt']);
      again.destroy();
      await second.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('seeded bodies are deterministic per key or contentSeed and match what the server stores', async () => {
  const a = { key: 'x/a', size: 100_000 };
  expect(await seedDigest(a)).toBe(await seedDigest({ ...a }));
  expect(await seedDigest(a)).not.toBe(await seedDigest({ key: 'x/b', size: 100_000 }));
  expect(await seedDigest({ key: 'x/b', size: 100_000, contentSeed: 'x/a' })).toBe(await seedDigest(a));
  const head = await s3.send(
    new HeadObjectCommand({ Bucket: 'pytorch', Key: 'whl/test/cu124/torch-2.6.0+cu124-cp310-cp310-linux_x86_64.whl' }),
  );
  expect(head.ETag).toBe(
    `"${await seedDigest({ key: 'whl/test/cu124/torch-2.6.0+cu124-cp310-cp310-linux_x86_64.whl', size: 3000 }, 'md5')}"`,
  );
});
