import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCorsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketCorsCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { copySource, createS3Client } from '@release-actions/core/s3/client';
import { startS3Server, type S3Server } from './server.js';

/**
 * The AWS semantics of the stand-in's fast paths: CopyObject copies the file and reuses the stored
 * MD5 and metadata (and computes a SHA-256 when asked), CompleteMultipartUpload joins the parts without hashing them again, and bucket
 * CORS/website configurations are remembered between requests, listings read no metadata files; PutObject
 * honours If-Match and If-None-Match, one write of a key at a time.
 */

process.env['AWS_ACCESS_KEY_ID'] = 'S3RVER';
process.env['AWS_SECRET_ACCESS_KEY'] = 'S3RVER';

const MiB = 1024 * 1024;
let server: S3Server;
let s3: S3Client;

beforeAll(async () => {
  server = await startS3Server({ seed: { b: [] } });
  s3 = createS3Client({ endpointUrl: server.endpoint, maxAttempts: 1 });
});

afterAll(async () => {
  s3.destroy();
  await server.stop();
});

const md5 = (b: Buffer | string): string => createHash('md5').update(b).digest('hex');

async function body(key: string): Promise<Buffer> {
  const r = await s3.send(new GetObjectCommand({ Bucket: 'b', Key: key }));
  return Buffer.from(await r.Body!.transformToByteArray());
}

async function put(key: string, content: string, contentType: string, metadata: Record<string, string>): Promise<void> {
  await s3.send(
    new PutObjectCommand({ Bucket: 'b', Key: key, Body: content, ContentType: contentType, Metadata: metadata }),
  );
}

describe('CopyObject', () => {
  test('ChecksumAlgorithm SHA256 answers the SHA-256 of the copy, kept with it until it is replaced', async () => {
    await put('sum/src.whl', 'checksummed bytes', 'application/zip', {});
    const sha = createHash('sha256').update('checksummed bytes').digest('base64');
    const r = await s3.send(
      new CopyObjectCommand({
        Bucket: 'b',
        Key: 'sum/dst.whl',
        CopySource: copySource('b', 'sum/src.whl'),
        ChecksumAlgorithm: 'SHA256',
      }),
    );
    expect(r.CopyObjectResult!.ChecksumSHA256).toBe(sha);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'b', Key: 'sum/dst.whl', ChecksumMode: 'ENABLED' }));
    expect(head.ChecksumSHA256).toBe(sha);
    // A copy of the copy keeps it; an object written again forgets it; a plain copy answers none.
    await s3.send(
      new CopyObjectCommand({ Bucket: 'b', Key: 'sum/again.whl', CopySource: copySource('b', 'sum/dst.whl') }),
    );
    const again = await s3.send(new HeadObjectCommand({ Bucket: 'b', Key: 'sum/again.whl', ChecksumMode: 'ENABLED' }));
    expect(again.ChecksumSHA256).toBe(sha);
    await put('sum/dst.whl', 'other bytes', 'application/zip', {});
    const replaced = await s3.send(new HeadObjectCommand({ Bucket: 'b', Key: 'sum/dst.whl', ChecksumMode: 'ENABLED' }));
    expect(replaced.ChecksumSHA256).toBeUndefined();
    const plain = await s3.send(
      new CopyObjectCommand({ Bucket: 'b', Key: 'sum/plain.whl', CopySource: copySource('b', 'sum/src.whl') }),
    );
    expect(plain.CopyObjectResult!.ChecksumSHA256).toBeUndefined();
  });

  test('COPY keeps content type and user metadata, and answers the source ETag in CopyObjectResult', async () => {
    await put('src/a.whl', 'wheel bytes', 'application/zip', { sha256: 'abc' });
    const r = await s3.send(
      new CopyObjectCommand({ Bucket: 'b', Key: 'deep/er/dst/a.whl', CopySource: copySource('b', 'src/a.whl') }),
    );
    expect(r.CopyObjectResult!.ETag).toBe(`"${md5('wheel bytes')}"`);
    expect(r.CopyObjectResult!.LastModified).toBeInstanceOf(Date);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'b', Key: 'deep/er/dst/a.whl' }));
    expect(head).toMatchObject({
      ETag: `"${md5('wheel bytes')}"`,
      ContentType: 'application/zip',
      ContentLength: 11,
      Metadata: { sha256: 'abc' },
    });
    expect((await body('deep/er/dst/a.whl')).toString()).toBe('wheel bytes');
  });

  test('REPLACE takes content type and metadata from the request and keeps the content ETag', async () => {
    await put('src/b.whl', 'b', 'application/zip', { old: '1' });
    const r = await s3.send(
      new CopyObjectCommand({
        Bucket: 'b',
        Key: 'dst/b.whl',
        CopySource: copySource('b', 'src/b.whl'),
        MetadataDirective: 'REPLACE',
        ContentType: 'application/x-wheel+zip',
        Metadata: { new: '2' },
      }),
    );
    expect(r.CopyObjectResult!.ETag).toBe(`"${md5('b')}"`);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'b', Key: 'dst/b.whl' }));
    expect(head).toMatchObject({
      ContentType: 'application/x-wheel+zip',
      Metadata: { new: '2' },
      ETag: `"${md5('b')}"`,
    });
  });

  test('a copy over an existing key replaces its content, ETag and metadata', async () => {
    await put('src/c.whl', 'new content', 'application/zip', { v: 'new' });
    await put('dst/c.whl', 'old', 'text/plain', { v: 'old', extra: 'x' });
    await s3.send(new CopyObjectCommand({ Bucket: 'b', Key: 'dst/c.whl', CopySource: copySource('b', 'src/c.whl') }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'b', Key: 'dst/c.whl' }));
    expect(head).toMatchObject({
      ETag: `"${md5('new content')}"`,
      ContentType: 'application/zip',
      Metadata: { v: 'new' },
    });
    expect((await body('dst/c.whl')).toString()).toBe('new content');
  });

  test('a copy onto itself with REPLACE changes the metadata only; without REPLACE it is refused', async () => {
    await put('self.whl', 'self', 'application/zip', { a: '1' });
    await s3.send(
      new CopyObjectCommand({
        Bucket: 'b',
        Key: 'self.whl',
        CopySource: copySource('b', 'self.whl'),
        MetadataDirective: 'REPLACE',
        ContentType: 'text/plain',
        Metadata: { b: '2' },
      }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'b', Key: 'self.whl' }));
    expect(head).toMatchObject({ ETag: `"${md5('self')}"`, ContentType: 'text/plain', Metadata: { b: '2' } });
    await expect(
      s3.send(new CopyObjectCommand({ Bucket: 'b', Key: 'self.whl', CopySource: copySource('b', 'self.whl') })),
    ).rejects.toMatchObject({ name: 'InvalidRequest' });
  });

  test('a missing source is NoSuchKey and creates nothing', async () => {
    await expect(
      s3.send(new CopyObjectCommand({ Bucket: 'b', Key: 'dst/none.whl', CopySource: copySource('b', 'src/none.whl') })),
    ).rejects.toMatchObject({ name: 'NoSuchKey' });
    await expect(s3.send(new HeadObjectCommand({ Bucket: 'b', Key: 'dst/none.whl' }))).rejects.toMatchObject({
      name: 'NotFound',
    });
  });
});

test('CompleteMultipartUpload joins parts in part-number order, keeps the upload metadata and answers the multipart ETag', async () => {
  const Key = 'mp/joined.bin';
  const { UploadId } = await s3.send(
    new CreateMultipartUploadCommand({ Bucket: 'b', Key, ContentType: 'application/zip', Metadata: { k: 'v' } }),
  );
  const contents = [Buffer.alloc(5 * MiB + 3, 1), Buffer.alloc(9 * MiB + 1, 2), Buffer.from('tail')];
  const parts = [];
  for (const n of [3, 1, 2]) {
    const r = await s3.send(
      new UploadPartCommand({ Bucket: 'b', Key, UploadId, PartNumber: n, Body: contents[n - 1] }),
    );
    expect(r.ETag).toBe(`"${md5(contents[n - 1]!)}"`);
    parts.push({ PartNumber: n, ETag: r.ETag });
  }
  parts.sort((x, y) => x.PartNumber - y.PartNumber);
  const done = await s3.send(
    new CompleteMultipartUploadCommand({ Bucket: 'b', Key, UploadId, MultipartUpload: { Parts: parts } }),
  );
  const expectedEtag = `"${createHash('md5')
    .update(Buffer.concat(contents.map((c) => createHash('md5').update(c).digest())))
    .digest('hex')}-3"`;
  expect(done.ETag).toBe(expectedEtag);
  const whole = Buffer.concat(contents);
  expect(md5(await body(Key))).toBe(md5(whole));
  const head = await s3.send(new HeadObjectCommand({ Bucket: 'b', Key }));
  expect(head).toMatchObject({
    ETag: expectedEtag,
    ContentLength: whole.length,
    ContentType: 'application/zip',
    Metadata: { k: 'v' },
  });
});

test('a bucket CORS configuration applies from the next request, and stops applying once deleted', async () => {
  await put('cors.txt', 'x', 'text/plain', {});
  const allowOrigin = async (): Promise<string | null> => {
    const r = await fetch(`${server.endpoint}/b/cors.txt`, { headers: { origin: 'https://example.org' } });
    await r.arrayBuffer();
    return r.headers.get('access-control-allow-origin');
  };
  expect(await allowOrigin()).toBeNull();
  await s3.send(
    new PutBucketCorsCommand({
      Bucket: 'b',
      CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['https://example.org'], AllowedMethods: ['GET'] }] },
    }),
  );
  expect(await allowOrigin()).toBe('https://example.org');
  await s3.send(new DeleteBucketCorsCommand({ Bucket: 'b' }));
  expect(await allowOrigin()).toBeNull();
});

test('a listing answers each object size, ETag and date without reading its metadata', async () => {
  await put('list/x/one.whl', 'one', 'application/zip', { m: '1' });
  await put('list/two.whl', 'second', 'application/zip', {});
  const r = await s3.send(new ListObjectsV2Command({ Bucket: 'b', Prefix: 'list/' }));
  expect(r.Contents!.map((o) => [o.Key, o.Size, o.ETag])).toEqual([
    ['list/two.whl', 6, `"${md5('second')}"`],
    ['list/x/one.whl', 3, `"${md5('one')}"`],
  ]);
  const head = await s3.send(new HeadObjectCommand({ Bucket: 'b', Key: 'list/x/one.whl' }));
  expect(r.Contents![1]!.LastModified).toEqual(head.LastModified);
});

describe('x-amz-copy-source-if-match and -if-none-match, on CopyObject and UploadPartCopy', () => {
  const src = 'cond/src.whl';
  const etag = `"${md5('the planned bytes')}"`;

  beforeAll(async () => {
    await put(src, 'the planned bytes', 'application/zip', {});
  });

  const copy = (Key: string, conditions: { CopySourceIfMatch?: string; CopySourceIfNoneMatch?: string }) =>
    s3.send(new CopyObjectCommand({ Bucket: 'b', Key, CopySource: copySource('b', src), ...conditions }));

  async function partCopy(Key: string, conditions: { CopySourceIfMatch?: string; CopySourceIfNoneMatch?: string }) {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'b', Key }));
    return s3.send(
      new UploadPartCopyCommand({
        Bucket: 'b',
        Key,
        UploadId,
        PartNumber: 1,
        CopySource: copySource('b', src),
        CopySourceRange: 'bytes=0-3',
        ...conditions,
      }),
    );
  }

  test('CopyObject copies when If-Match names the source ETag (or *), and answers 412 otherwise, writing nothing', async () => {
    expect((await copy('cond/a.whl', { CopySourceIfMatch: etag })).CopyObjectResult!.ETag).toBe(etag);
    expect((await copy('cond/star.whl', { CopySourceIfMatch: '*' })).CopyObjectResult!.ETag).toBe(etag);
    const failed = copy('cond/b.whl', { CopySourceIfMatch: `"${md5('what the plan saw before')}"` });
    await expect(failed).rejects.toMatchObject({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
    await expect(s3.send(new HeadObjectCommand({ Bucket: 'b', Key: 'cond/b.whl' }))).rejects.toMatchObject({
      name: 'NotFound',
    });
  });

  test('CopyObject answers 412 when If-None-Match names the source ETag', async () => {
    await expect(copy('cond/c.whl', { CopySourceIfNoneMatch: etag })).rejects.toMatchObject({
      name: 'PreconditionFailed',
    });
    expect((await copy('cond/d.whl', { CopySourceIfNoneMatch: '"0123"' })).CopyObjectResult!.ETag).toBe(etag);
  });

  test('UploadPartCopy copies the range when If-Match names the source ETag, and answers 412 otherwise', async () => {
    const r = await partCopy('cond/parts-a.bin', { CopySourceIfMatch: etag });
    expect(r.CopyPartResult!.ETag).toBe(`"${md5('the ')}"`);
    await expect(partCopy('cond/parts-b.bin', { CopySourceIfMatch: '"ffff"' })).rejects.toMatchObject({
      name: 'PreconditionFailed',
      $metadata: { httpStatusCode: 412 },
    });
    await expect(partCopy('cond/parts-c.bin', { CopySourceIfNoneMatch: etag })).rejects.toMatchObject({
      name: 'PreconditionFailed',
    });
  });
});

describe('conditional PutObject, as S3 answers it', () => {
  const etagOf = async (key: string): Promise<string> =>
    (await s3.send(new HeadObjectCommand({ Bucket: 'b', Key: key }))).ETag!;
  const failure = (e: unknown) => ({
    name: (e as Error).name,
    status: (e as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode,
  });

  test('If-None-Match * creates a missing key and is refused with 412 once the key exists', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'cond/new.html', Body: 'first', IfNoneMatch: '*' }));
    const second = await s3
      .send(new PutObjectCommand({ Bucket: 'b', Key: 'cond/new.html', Body: 'second', IfNoneMatch: '*' }))
      .catch(failure);
    expect(second).toEqual({ name: 'PreconditionFailed', status: 412 });
    expect((await body('cond/new.html')).toString()).toBe('first');
  });

  test('If-Match writes over the ETag it names, is refused with 412 once the key changed, and with 404 when it is gone', async () => {
    await put('cond/page.html', 'v1', 'text/html', {});
    const v1 = await etagOf('cond/page.html');
    expect(v1).toBe(`"${md5('v1')}"`);
    await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'cond/page.html', Body: 'v2', IfMatch: v1 }));
    const stale = await s3
      .send(new PutObjectCommand({ Bucket: 'b', Key: 'cond/page.html', Body: 'v3', IfMatch: v1 }))
      .catch(failure);
    expect(stale).toEqual({ name: 'PreconditionFailed', status: 412 });
    expect((await body('cond/page.html')).toString()).toBe('v2');
    const missing = await s3
      .send(new PutObjectCommand({ Bucket: 'b', Key: 'cond/never.html', Body: 'x', IfMatch: v1 }))
      .catch(failure);
    expect(missing).toEqual({ name: 'NoSuchKey', status: 404 });
  });

  test('of writes racing on one ETag, exactly one is stored', async () => {
    await put('cond/race.html', 'base', 'text/html', {});
    const base = await etagOf('cond/race.html');
    const bodies = Array.from({ length: 8 }, (_, i) => `writer ${i} `.repeat(20_000));
    const results = await Promise.allSettled(
      bodies.map((b) => s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'cond/race.html', Body: b, IfMatch: base }))),
    );
    const stored = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    expect(stored).toHaveLength(1);
    expect(
      results.filter((r) => r.status === 'rejected').map((r) => failure((r as PromiseRejectedResult).reason)),
    ).toEqual(Array(7).fill({ name: 'PreconditionFailed', status: 412 }));
    expect((await body('cond/race.html')).toString()).toBe(bodies[stored[0]!]);
  });
});
