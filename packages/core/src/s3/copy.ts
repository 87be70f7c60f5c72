import { cleanUpAfterFailure } from '../runtime/cleanup.js';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  UploadPartCopyCommand,
  type HeadObjectCommandOutput,
  type ObjectCannedACL,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pool } from '../runtime/pool.js';
import { copySource, isNotFound, s3ErrorCode, unquoteEtag, UPLOAD_CHECKSUM } from './client.js';

/**
 * Server-side copies of S3 objects that keep content type and metadata, with a multipart path for
 * large objects and a streaming path for stores without UploadPartCopy, and the content comparison
 * that makes promotion idempotent.
 *
 * What "same content" can be decided from, cheapest first:
 * - sizes differ: different.
 * - equal ETags: same. A single-part ETag is the MD5 of the content; a multipart ETag
 *   (`md5(part md5s)-N`) is equal only for the same bytes cut into the same parts.
 * - two single-part ETags that differ: different, unless both objects store the same sha256.
 * - a multipart ETag on either side (CopyObject of a multipart object makes a single-part copy with a
 *   new ETag; a multipart copy makes a `-N` ETag): the destination's `source-etag` metadata, which the
 *   multipart and streaming copies here write, naming the source ETag they copied; else a stored
 *   sha256 on both (`x-amz-meta-checksum-sha256`, or the S3 full-object ChecksumSHA256); else the
 *   sha256 of both bodies, streamed.
 */

export const SHA256_METADATA = 'checksum-sha256';
export const SOURCE_ETAG_METADATA = 'source-etag';
const MiB = 1024 * 1024;

export interface ObjectRef {
  bucket: string;
  key: string;
}

export interface ObjectFacts {
  size: number;
  etag: string;
}

export type Sameness = 'same' | 'different';

export function isMultipartEtag(etag: string): boolean {
  return /-\d+$/.test(etag);
}

export async function headObject(client: S3Client, ref: ObjectRef): Promise<HeadObjectCommandOutput | undefined> {
  try {
    return await client.send(new HeadObjectCommand({ Bucket: ref.bucket, Key: ref.key, ChecksumMode: 'ENABLED' }));
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** sha256 hex the object states about itself: our metadata, or S3's full-object SHA256 checksum. */
export function storedSha256(head: HeadObjectCommandOutput): string | undefined {
  const meta = head.Metadata?.[SHA256_METADATA]?.toLowerCase();
  if (meta && /^[0-9a-f]{64}$/.test(meta)) return meta;
  return (head.ChecksumType ?? 'FULL_OBJECT') === 'FULL_OBJECT' ? sha256Hex(head.ChecksumSHA256) : undefined;
}

/** An S3 full-object ChecksumSHA256 (base64) as hex; a composite one (`...-N`, per part) is not. */
function sha256Hex(checksum: string | undefined): string | undefined {
  if (!checksum || checksum.includes('-')) return undefined;
  const hex = Buffer.from(checksum, 'base64').toString('hex');
  return hex.length === 64 ? hex : undefined;
}

/** Streams the object through sha256 (bounded memory whatever its size). */
export async function streamSha256(client: S3Client, ref: ObjectRef): Promise<string> {
  const r = await client.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key }));
  const hash = createHash('sha256');
  for await (const chunk of r.Body as Readable) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The sha256 of an object: the one it states if any, else its body streamed through sha256. One GET
 * either way: a stated checksum arrives with the response headers, and the body is then dropped.
 */
export async function objectSha256(client: S3Client, ref: ObjectRef, head?: HeadObjectCommandOutput): Promise<string> {
  const known = head ? storedSha256(head) : undefined;
  if (known) return known;
  const r = await client.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key, ChecksumMode: 'ENABLED' }));
  const body = r.Body as Readable;
  const stated = storedSha256(r as HeadObjectCommandOutput);
  if (stated) {
    body.destroy();
    return stated;
  }
  const hash = createHash('sha256');
  for await (const chunk of body) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Whether `dst` holds the same bytes as `src` (see the module comment for the rules). Only the
 * uncommon cases cost more than the listing: HEADs, and a streamed read when nothing else decides.
 */
export async function compareObjects(
  client: S3Client,
  src: ObjectRef & ObjectFacts,
  dst: ObjectRef & ObjectFacts,
): Promise<{ result: Sameness; how: string }> {
  if (src.size !== dst.size) return { result: 'different', how: `size ${dst.size} != ${src.size}` };
  if (src.etag === dst.etag) return { result: 'same', how: 'size and ETag' };
  const [sh, dh] = await Promise.all([headObject(client, src), headObject(client, dst)]);
  if (!sh || !dh) return { result: 'different', how: 'object vanished while comparing' };
  const marker = unquoteEtag(dh.Metadata?.[SOURCE_ETAG_METADATA]);
  if (marker && marker === src.etag) return { result: 'same', how: 'size and source-etag' };
  const [ss, ds] = [storedSha256(sh), storedSha256(dh)];
  if (ss && ds)
    return ss === ds ? { result: 'same', how: 'stored sha256' } : { result: 'different', how: 'stored sha256 differs' };
  if (!isMultipartEtag(src.etag) && !isMultipartEtag(dst.etag)) return { result: 'different', how: 'MD5 ETag differs' };
  const [a, b] = await Promise.all([ss ?? streamSha256(client, src), ds ?? streamSha256(client, dst)]);
  return a === b
    ? { result: 'same', how: 'sha256 of content' }
    : { result: 'different', how: 'sha256 of content differs' };
}

export interface CopyOptions {
  acl?: ObjectCannedACL;
  /** Objects larger than this are copied in parts (CopyObject's own limit is 5 GiB). */
  multipartThreshold: number;
  /** Part size for multipart copies; raised as needed to stay within 10,000 parts. */
  partSize?: number;
  /** Parts of one object copied at once. */
  partConcurrency?: number;
  /** Called once when the store answers UploadPartCopy with NotImplemented. */
  onFallback?: (key: string) => void;
  /** Ask the store to compute the copy's SHA-256 (CopyObject), e.g. for index pages. */
  sha256?: boolean;
}

export type CopyMethod = 'copy-object' | 'multipart-copy' | 'stream';

export interface CopyResult {
  method: CopyMethod;
  /** ETag the destination must have (unquoted), when it can be known. */
  expectedEtag?: string;
  /** ETag the store answered for the new object (CopyObject), unquoted. */
  etag?: string;
  /** sha256 (hex) of the copy, computed by the store while copying, when it answered one. */
  sha256?: string;
}

/** Remembers that a store lacks UploadPartCopy, so later copies go straight to streaming. */
const noPartCopy = new WeakSet<S3Client>();

export function partSizeFor(size: number, wanted: number): number {
  const min = Math.max(5 * MiB, Math.ceil(size / 10_000));
  return Math.max(min, Math.min(wanted, 5 * 1024 * MiB));
}

/**
 * Copies `src` to `dst` keeping content type and metadata (MetadataDirective COPY, or the source's
 * headers carried into the multipart upload), with the canned ACL if given. A copy above the
 * threshold sends `partConcurrency` requests at once, and where it has to be streamed holds about
 * three 8 MiB parts in memory: callers run such copies a few at a time.
 */
export async function copyObject(
  client: S3Client,
  src: ObjectRef & ObjectFacts,
  dst: ObjectRef,
  opts: CopyOptions,
): Promise<CopyResult> {
  if (src.size <= opts.multipartThreshold) {
    const r = await client.send(
      new CopyObjectCommand({
        Bucket: dst.bucket,
        Key: dst.key,
        CopySource: copySource(src.bucket, src.key),
        MetadataDirective: 'COPY',
        // S3 computes the copy's SHA-256 from the bytes it copies, where otherwise whoever needs it
        // (the index pages) would read the object back to hash it.
        ...(opts.sha256 ? { ChecksumAlgorithm: 'SHA256' as const } : {}),
        ...(opts.acl ? { ACL: opts.acl } : {}),
      }),
    );
    const etag = unquoteEtag(r.CopyObjectResult?.ETag);
    const sha256 = sha256Hex(r.CopyObjectResult?.ChecksumSHA256);
    // A single-part source keeps its ETag (the MD5 of the content); a multipart source's copy gets a
    // new single-part ETag that cannot be predicted.
    const expectedEtag = isMultipartEtag(src.etag) ? undefined : src.etag;
    if (expectedEtag && etag !== expectedEtag) {
      throw new Error(
        `verification failed: the copy to s3://${dst.bucket}/${dst.key} has ETag ${etag || '(none)'}, the source ${src.etag}`,
      );
    }
    return { method: 'copy-object', expectedEtag, etag, ...(sha256 ? { sha256 } : {}) };
  }
  const head = await headObject(client, src);
  if (!head) throw new Error(`s3://${src.bucket}/${src.key} disappeared before it could be copied`);
  if (!noPartCopy.has(client)) {
    try {
      return await multipartCopy(client, src, dst, head, opts);
    } catch (e) {
      if (s3ErrorCode(e) !== 'NotImplemented') throw e;
      noPartCopy.add(client);
      opts.onFallback?.(src.key);
    }
  }
  return streamCopy(client, src, dst, head, opts);
}

function carriedHeaders(head: HeadObjectCommandOutput, src: ObjectFacts, acl?: ObjectCannedACL) {
  return {
    ContentType: head.ContentType,
    ContentEncoding: head.ContentEncoding,
    ContentDisposition: head.ContentDisposition,
    ContentLanguage: head.ContentLanguage,
    CacheControl: head.CacheControl,
    Metadata: { ...(head.Metadata ?? {}), [SOURCE_ETAG_METADATA]: src.etag },
    ...(acl ? { ACL: acl } : {}),
  };
}

function multipartEtag(partMd5s: Buffer[]): string {
  return `${createHash('md5').update(Buffer.concat(partMd5s)).digest('hex')}-${partMd5s.length}`;
}

async function multipartCopy(
  client: S3Client,
  src: ObjectRef & ObjectFacts,
  dst: ObjectRef,
  head: HeadObjectCommandOutput,
  opts: CopyOptions,
): Promise<CopyResult> {
  // Parts of at most 512 MiB copy in parallel; a lowered threshold lowers them too.
  const partSize = partSizeFor(src.size, opts.partSize ?? Math.min(opts.multipartThreshold, 512 * MiB));
  const count = Math.max(1, Math.ceil(src.size / partSize));
  const { UploadId } = await client.send(
    new CreateMultipartUploadCommand({ Bucket: dst.bucket, Key: dst.key, ...carriedHeaders(head, src, opts.acl) }),
  );
  try {
    const etags: string[] = new Array<string>(count);
    const parts = Array.from({ length: count }, (_, i) => i);
    await pool(parts, opts.partConcurrency ?? 8, async (i) => {
      const first = i * partSize;
      const last = Math.min(src.size, first + partSize) - 1;
      const r = await client.send(
        new UploadPartCopyCommand({
          Bucket: dst.bucket,
          Key: dst.key,
          UploadId,
          PartNumber: i + 1,
          CopySource: copySource(src.bucket, src.key),
          CopySourceRange: `bytes=${first}-${last}`,
          CopySourceIfMatch: `"${src.etag}"`,
        }),
      );
      etags[i] = unquoteEtag(r.CopyPartResult?.ETag);
    });
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: dst.bucket,
        Key: dst.key,
        UploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ PartNumber: i + 1, ETag: `"${ETag}"` })) },
      }),
    );
    const md5s = etags.map((e) => Buffer.from(e, 'hex'));
    return {
      method: 'multipart-copy',
      expectedEtag: md5s.every((b) => b.length === 16) ? multipartEtag(md5s) : undefined,
    };
  } catch (e) {
    await cleanUpAfterFailure(`abort multipart upload ${UploadId} of s3://${dst.bucket}/${dst.key}`, () =>
      client.send(new AbortMultipartUploadCommand({ Bucket: dst.bucket, Key: dst.key, UploadId })),
    );
    throw e;
  }
}

/**
 * Ranged GETs piped into a multipart upload (lib-storage), for stores without UploadPartCopy. Memory
 * stays near (queueSize + 1) x partSize per copy; the streamed bytes are hashed on the way so the
 * destination's multipart ETag can be checked.
 */
async function streamCopy(
  client: S3Client,
  src: ObjectRef & ObjectFacts,
  dst: ObjectRef,
  head: HeadObjectCommandOutput,
  opts: CopyOptions,
): Promise<CopyResult> {
  const partSize = partSizeFor(src.size, 8 * MiB);
  const partMd5s: Buffer[] = [];
  let partHash = createHash('md5');
  let inPart = 0;
  const feed = (chunk: Buffer): void => {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(partSize - inPart, chunk.length - offset);
      partHash.update(chunk.subarray(offset, offset + take));
      inPart += take;
      offset += take;
      if (inPart === partSize) {
        partMd5s.push(partHash.digest());
        partHash = createHash('md5');
        inPart = 0;
      }
    }
  };
  async function* ranges(): AsyncGenerator<Buffer> {
    for (let first = 0; first < src.size; first += partSize) {
      const last = Math.min(src.size, first + partSize) - 1;
      const r = await client.send(
        new GetObjectCommand({
          Bucket: src.bucket,
          Key: src.key,
          Range: `bytes=${first}-${last}`,
          IfMatch: `"${src.etag}"`,
        }),
      );
      for await (const chunk of r.Body as Readable) {
        const b = chunk as Buffer;
        feed(b);
        yield b;
      }
    }
  }
  const upload = new Upload({
    client,
    partSize,
    queueSize: 2,
    leavePartsOnError: false,
    params: {
      Bucket: dst.bucket,
      Key: dst.key,
      Body: Readable.from(ranges()),
      ...carriedHeaders(head, src, opts.acl),
      ...UPLOAD_CHECKSUM,
    },
  });
  await upload.done();
  if (inPart > 0) partMd5s.push(partHash.digest());
  const expectedEtag = partMd5s.length === 1 ? partMd5s[0]!.toString('hex') : multipartEtag(partMd5s);
  return { method: 'stream', expectedEtag };
}

/**
 * Checks the destination after a copy: size always; the ETag when it can be predicted; for a copy
 * whose ETag cannot be (a multipart source copied whole) the stored sha256 carried with the metadata.
 * Throws with what differs.
 */
export async function verifyCopy(
  client: S3Client,
  src: ObjectRef & ObjectFacts,
  dst: ObjectRef,
  result: CopyResult,
): Promise<Record<string, string | number>> {
  const head = await headObject(client, dst);
  const where = `s3://${dst.bucket}/${dst.key}`;
  if (!head) throw new Error(`verification failed: ${where} is missing after the copy`);
  const size = head.ContentLength ?? -1;
  const etag = unquoteEtag(head.ETag);
  if (size !== src.size) throw new Error(`verification failed: ${where} has ${size} bytes, the source ${src.size}`);
  if (result.expectedEtag && etag !== result.expectedEtag) {
    throw new Error(`verification failed: ${where} has ETag ${etag}, expected ${result.expectedEtag}`);
  }
  const out: Record<string, string | number> = { size, etag, method: result.method };
  const sha = storedSha256(head);
  if (sha) out['sha256'] = sha;
  return out;
}

/**
 * Checks many copies at once against a listing of their destination folder (one request per 1,000
 * keys instead of a HEAD per object): each must be there with the source's size and, when it could be
 * predicted, the expected ETag. Returns the facts found per key; throws naming what differs.
 */
export function verifyListed(
  copies: Array<{ dst: ObjectRef; size: number; expectedEtag?: string }>,
  listed: Map<string, { size: number; etag: string }>,
): Map<string, Record<string, string | number>> {
  const facts = new Map<string, Record<string, string | number>>();
  const problems: string[] = [];
  for (const c of copies) {
    const where = `s3://${c.dst.bucket}/${c.dst.key}`;
    const o = listed.get(c.dst.key);
    if (!o) problems.push(`${where} is missing`);
    else if (o.size !== c.size) problems.push(`${where} has ${o.size} bytes, the source ${c.size}`);
    else if (c.expectedEtag && o.etag !== c.expectedEtag)
      problems.push(`${where} has ETag ${o.etag}, expected ${c.expectedEtag}`);
    else facts.set(c.dst.key, { size: o.size, etag: o.etag, verifiedBy: 'listing' });
  }
  if (problems.length > 0) {
    const more = problems.length > 3 ? ` and ${problems.length - 3} more` : '';
    throw new Error(`verification failed after copying: ${problems.slice(0, 3).join('; ')}${more}`);
  }
  return facts;
}
