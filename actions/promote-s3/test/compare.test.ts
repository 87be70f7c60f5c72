import { CopyObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { compareObjects, type ObjectRef } from '@release-actions/core/s3/copy';
import { copySource, createS3Client, listAll } from '@release-actions/core/s3/client';
import { seedBody, startS3Server, type S3Server } from '@release-actions/testkit/s3/index';

process.env['AWS_ACCESS_KEY_ID'] = 'S3RVER';
process.env['AWS_SECRET_ACCESS_KEY'] = 'S3RVER';

const MiB = 1024 * 1024;
let server: S3Server;
let s3: S3Client;

beforeAll(async () => {
  server = await startS3Server({
    seed: {
      cmp: [
        { key: 'single/a', size: 11 * MiB },
        { key: 'single/b', size: 11 * MiB, contentSeed: 'other' },
        { key: 'sha/a', size: 1000, metadata: { 'checksum-sha256': 'f'.repeat(64) } },
        { key: 'sha/b', size: 1000, contentSeed: 'x', metadata: { 'checksum-sha256': 'f'.repeat(64) } },
      ],
    },
  });
  s3 = createS3Client({ endpointUrl: server.endpoint });
  // Multipart uploads (6 MiB parts) of the same bytes as single/a and single/b, without any marker,
  // and two more whose user metadata claims the same sha256 for different bytes.
  for (const [key, seed, metadata] of [
    ['multi/a', 'single/a', undefined],
    ['multi/b', 'other', undefined],
    ['multi/claims-a', 'single/a', { 'checksum-sha256': 'f'.repeat(64) }],
    ['multi/claims-b', 'other', { 'checksum-sha256': 'f'.repeat(64) }],
  ] as const) {
    await new Upload({
      client: s3,
      partSize: 6 * MiB,
      params: { Bucket: 'cmp', Key: key, Body: seedBody({ key: seed, size: 11 * MiB }), Metadata: metadata },
    }).done();
  }
});

afterAll(async () => {
  s3.destroy();
  await server.stop();
});

async function facts(key: string): Promise<ObjectRef & { size: number; etag: string }> {
  const o = (await listAll(s3, 'cmp', key)).find((x) => x.key === key)!;
  return { bucket: 'cmp', key, size: o.size, etag: o.etag };
}

describe('whether a destination holds the same bytes as the source', () => {
  test('a multipart copy of the same bytes is the same (sha256 of content), of other bytes different', async () => {
    expect((await facts('multi/a')).etag).toMatch(/-2$/);
    expect(await compareObjects(s3, await facts('single/a'), await facts('multi/a'))).toEqual({
      result: 'same',
      how: 'sha256 of content',
    });
    expect(await compareObjects(s3, await facts('single/a'), await facts('multi/b'))).toEqual({
      result: 'different',
      how: 'sha256 of content differs',
    });
  });

  test('two single-part objects with different MD5 ETags differ; a CopyObject copy is the same by ETag', async () => {
    expect((await compareObjects(s3, await facts('single/a'), await facts('single/b'))).result).toBe('different');
    await s3.send(new CopyObjectCommand({ Bucket: 'cmp', Key: 'copy/a', CopySource: copySource('cmp', 'single/a') }));
    expect(await compareObjects(s3, await facts('single/a'), await facts('copy/a'))).toEqual({
      result: 'same',
      how: 'size and ETag',
    });
  });

  test('user metadata is no proof: different bytes claiming the same checksum-sha256 are different', async () => {
    expect(await compareObjects(s3, await facts('sha/a'), await facts('sha/b'))).toEqual({
      result: 'different',
      how: 'MD5 ETag differs',
    });
    expect(await compareObjects(s3, await facts('multi/claims-a'), await facts('multi/claims-b'))).toEqual({
      result: 'different',
      how: 'sha256 of content differs',
    });
  });

  test('a full-object checksum S3 computed on both sides decides', async () => {
    for (const [key, from] of [
      ['sum/a', 'single/a'],
      ['sum/b', 'single/b'],
    ] as const)
      await s3.send(
        new CopyObjectCommand({
          Bucket: 'cmp',
          Key: key,
          CopySource: copySource('cmp', from),
          ChecksumAlgorithm: 'SHA256',
        }),
      );
    expect(await compareObjects(s3, await facts('sum/a'), await facts('sum/b'))).toEqual({
      result: 'different',
      how: 'S3 SHA256 checksum differs',
    });
  });
});
