import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Digests, type FileDigests } from '@release-actions/core/wheel/digests';
import type { RandomAccess } from '@release-actions/core/wheel/zip-reader';
import { isNotFound, UPLOAD_CHECKSUM } from '@release-actions/core/s3/client';
import { createReadStream, createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** The object reads and writes promote-pypi makes: wheels in S3 read by range or whole, files staged. */

export async function head(s3: S3Client, bucket: string, key: string) {
  try {
    return await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** Ranged GETs of an object, for reading a zip's central directory and small entries. */
export function s3Access(s3: S3Client, bucket: string, key: string, size: number): RandomAccess {
  const get = async (start: number, length: number): Promise<Readable> => {
    const res = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${start + length - 1}` }),
    );
    return res.Body as Readable;
  };
  return {
    size,
    async read(position, length) {
      if (length === 0) return Buffer.alloc(0);
      const parts: Buffer[] = [];
      for await (const c of await get(position, length)) parts.push(c as Buffer);
      const b = Buffer.concat(parts);
      if (b.length !== length)
        throw new Error(`s3://${bucket}/${key}: asked ${length} bytes at ${position}, got ${b.length}`);
      return b;
    },
    range: (position, length) => ({
      async *[Symbol.asyncIterator]() {
        if (length > 0) for await (const c of await get(position, length)) yield c as Buffer;
      },
    }),
  };
}

/** The whole object, front to back. */
export async function* s3Stream(s3: S3Client, bucket: string, key: string): AsyncGenerator<Buffer> {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  for await (const c of res.Body as Readable) yield c as Buffer;
}

/** Streams an object to a file. */
export async function downloadObject(s3: S3Client, bucket: string, key: string, path: string): Promise<void> {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  await pipeline(res.Body as Readable, createWriteStream(path, { highWaterMark: 1 << 20 }));
}

/** Streams a file to an object (multipart above 16 MiB, at most 4 parts in flight). */
export async function uploadFile(
  s3: S3Client,
  bucket: string,
  key: string,
  path: string,
  metadata: Record<string, string> = {},
): Promise<void> {
  await new Upload({
    client: s3,
    params: {
      Bucket: bucket,
      Key: key,
      Body: createReadStream(path, { highWaterMark: 1 << 20 }),
      Metadata: metadata,
      ContentType: 'application/zip',
      ...UPLOAD_CHECKSUM,
    },
    partSize: 16 << 20,
    queueSize: 4,
  }).done();
}

export async function fileDigests(path: string): Promise<FileDigests> {
  const d = new Digests();
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) d.update(chunk as Buffer);
  return d.digest();
}
