import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCopyCommand,
  type HeadObjectCommandOutput,
  type ObjectCannedACL,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pool } from '../runtime/pool.js';
import { withRetry } from '../runtime/retry.js';
import {
  copySource,
  isNotFound,
  isRetryableS3Error,
  s3ErrorCode,
  s3HttpStatus,
  unquoteEtag,
  UPLOAD_CHECKSUM,
} from './client.js';

/**
 * Server-side copies of S3 objects that keep content type and metadata, with a multipart path for
 * large objects and a streaming path for stores without UploadPartCopy, and the content comparison
 * that makes promotion idempotent. Every copy is conditional on the source's ETag as the plan saw
 * it (x-amz-copy-source-if-match): an object replaced since is never copied.
 *
 * Same content means the same size and the same content-derived value computed by S3, cheapest first:
 * - sizes differ: different.
 * - equal ETags: same. A single-part ETag is the MD5 of the content; a multipart ETag
 *   (`md5(part md5s)-N`) is equal only for the same bytes cut into the same parts.
 * - a full-object checksum S3 computed on both sides with the same algorithm (HEAD, ChecksumMode):
 *   equal is the same, different is different.
 * - two single-part ETags that differ: different.
 * - otherwise (a multipart ETag on either side): the sha256 of both bodies, streamed.
 * User metadata (`checksum-sha256`, `source-etag`) is written by whoever writes the object, so it
 * never decides.
 */

export const SHA256_METADATA = 'checksum-sha256';
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

/**
 * sha256 hex the object states about itself: S3's full-object SHA256 checksum, else our
 * `checksum-sha256` metadata (a hint for readers such as index pages, never proof of content).
 */
export function storedSha256(head: HeadObjectCommandOutput): string | undefined {
  const s3 = s3Sha256(head);
  if (s3) return s3;
  const meta = head.Metadata?.[SHA256_METADATA]?.toLowerCase();
  return meta && /^[0-9a-f]{64}$/.test(meta) ? meta : undefined;
}

/** The sha256 (hex) S3 computed over the whole object, when it has one. */
export function s3Sha256(head: HeadObjectCommandOutput): string | undefined {
  return (head.ChecksumType ?? 'FULL_OBJECT') === 'FULL_OBJECT' ? sha256Hex(head.ChecksumSHA256) : undefined;
}

const CHECKSUMS = ['ChecksumCRC64NVME', 'ChecksumCRC32', 'ChecksumCRC32C', 'ChecksumSHA1', 'ChecksumSHA256'] as const;

/** The first full-object checksum S3 computed for both objects with the same algorithm, if any. */
function commonChecksum(a: HeadObjectCommandOutput, b: HeadObjectCommandOutput) {
  const whole = (h: HeadObjectCommandOutput): boolean => (h.ChecksumType ?? 'FULL_OBJECT') === 'FULL_OBJECT';
  if (!whole(a) || !whole(b)) return undefined;
  for (const name of CHECKSUMS) {
    const [x, y] = [a[name], b[name]];
    // A composite checksum (`...-N`) depends on how the object was cut into parts.
    if (x && y && !x.includes('-') && !y.includes('-')) return { name, same: x === y };
  }
  return undefined;
}

/** An S3 full-object ChecksumSHA256 (base64) as hex; a composite one (`...-N`, per part) is not. */
function sha256Hex(checksum: string | undefined): string | undefined {
  if (!checksum || checksum.includes('-')) return undefined;
  const hex = Buffer.from(checksum, 'base64').toString('hex');
  return hex.length === 64 ? hex : undefined;
}

/** Streams the object through sha256 (bounded memory whatever its size); with an ETag, only that version. */
export async function streamSha256(client: S3Client, ref: ObjectRef & { etag?: string }): Promise<string> {
  const r = await client.send(
    new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key, ...(ref.etag ? { IfMatch: `"${ref.etag}"` } : {}) }),
  );
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
 * Whether `dst` (in another store when `dstClient` is given) holds the same bytes as `src` (see the
 * module comment for the rules). Only the
 * uncommon cases cost more than the listing: HEADs, and a streamed read when nothing else decides.
 */
export async function compareObjects(
  client: S3Client,
  src: ObjectRef & ObjectFacts,
  dst: ObjectRef & ObjectFacts,
  dstClient: S3Client = client,
): Promise<{ result: Sameness; how: string }> {
  if (src.size !== dst.size) return { result: 'different', how: `size ${dst.size} != ${src.size}` };
  if (src.etag === dst.etag) return { result: 'same', how: 'size and ETag' };
  const [sh, dh] = await Promise.all([headObject(client, src), headObject(dstClient, dst)]);
  if (!sh || !dh) return { result: 'different', how: 'object vanished while comparing' };
  const checksum = commonChecksum(sh, dh);
  if (checksum) {
    const name = checksum.name.replace('Checksum', '');
    return checksum.same
      ? { result: 'same', how: `size and S3 ${name} checksum` }
      : { result: 'different', how: `S3 ${name} checksum differs` };
  }
  if (!isMultipartEtag(src.etag) && !isMultipartEtag(dst.etag)) return { result: 'different', how: 'MD5 ETag differs' };
  const [a, b] = await Promise.all([streamSha256(client, src), streamSha256(dstClient, dst)]);
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
  /**
   * The copy gets its SHA-256: computed by the store from the bytes it copies (CopyObject); for a copy
   * in parts, which S3 keeps no full-object SHA-256 for, `checksum-sha256` metadata from the source's
   * S3 checksum, or else from one read of the source.
   */
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
  try {
    return src.size <= opts.multipartThreshold
      ? await copyWhole(client, src, dst, opts)
      : await copyInParts(client, src, dst, opts);
  } catch (e) {
    if (s3HttpStatus(e) === 412 || s3ErrorCode(e) === 'PreconditionFailed') throw sourceChanged(src);
    throw e;
  }
}

function sourceChanged(src: ObjectRef & ObjectFacts): Error {
  return new Error(
    `s3://${src.bucket}/${src.key} changed after the plan was made (its ETag is no longer ${src.etag}): ` +
      'it was not copied; run again to plan from what is there now',
  );
}

async function copyWhole(
  client: S3Client,
  src: ObjectRef & ObjectFacts,
  dst: ObjectRef,
  opts: CopyOptions,
): Promise<CopyResult> {
  const r = await client.send(
    new CopyObjectCommand({
      Bucket: dst.bucket,
      Key: dst.key,
      CopySource: copySource(src.bucket, src.key),
      CopySourceIfMatch: `"${src.etag}"`,
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

async function copyInParts(
  client: S3Client,
  src: ObjectRef & ObjectFacts,
  dst: ObjectRef,
  opts: CopyOptions,
): Promise<CopyResult> {
  const head = await headObject(client, src);
  if (!head) throw new Error(`s3://${src.bucket}/${src.key} disappeared before it could be copied`);
  if (unquoteEtag(head.ETag) !== src.etag) throw sourceChanged(src);
  // Written when the upload is created, so known before any part is copied.
  const sha256 = opts.sha256 ? (s3Sha256(head) ?? (await streamSha256(client, src))) : undefined;
  const metadata: Record<string, string> = sha256 ? { [SHA256_METADATA]: sha256 } : {};
  const copied = async (): Promise<CopyResult> => {
    if (!noPartCopy.has(client)) {
      try {
        return await multipartCopy(client, src, dst, head, opts, metadata);
      } catch (e) {
        if (s3ErrorCode(e) !== 'NotImplemented') throw e;
        noPartCopy.add(client);
        opts.onFallback?.(src.key);
      }
    }
    return streamCopy(client, src, dst, head, opts, client, metadata);
  };
  return { ...(await copied()), ...(sha256 ? { sha256 } : {}) };
}

function carriedHeaders(head: HeadObjectCommandOutput, acl?: ObjectCannedACL, metadata: Record<string, string> = {}) {
  return {
    ContentType: head.ContentType,
    ContentEncoding: head.ContentEncoding,
    ContentDisposition: head.ContentDisposition,
    ContentLanguage: head.ContentLanguage,
    CacheControl: head.CacheControl,
    Metadata: { ...head.Metadata, ...metadata },
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
  metadata: Record<string, string>,
): Promise<CopyResult> {
  // Parts of at most 512 MiB copy in parallel; a lowered threshold lowers them too.
  const partSize = partSizeFor(src.size, opts.partSize ?? Math.min(opts.multipartThreshold, 512 * MiB));
  const count = Math.max(1, Math.ceil(src.size / partSize));
  const { UploadId } = await client.send(
    new CreateMultipartUploadCommand({
      Bucket: dst.bucket,
      Key: dst.key,
      ...carriedHeaders(head, opts.acl, metadata),
    }),
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
    await abortUpload(client, dst, UploadId, e);
    throw e;
  }
}

/** Aborts a multipart upload after `cause`; an abort that fails too is added to the cause's message. */
async function abortUpload(client: S3Client, dst: ObjectRef, uploadId: string | undefined, cause: unknown) {
  try {
    await client.send(new AbortMultipartUploadCommand({ Bucket: dst.bucket, Key: dst.key, UploadId: uploadId }));
  } catch (abortError) {
    if (cause instanceof Error)
      cause.message += `; aborting the upload ${uploadId} to s3://${dst.bucket}/${dst.key} failed too (${
        abortError instanceof Error ? abortError.message : String(abortError)
      }): its parts stay until it is aborted or a lifecycle rule removes them`;
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
  dstClient: S3Client = client,
  metadata: Record<string, string> = {},
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
    client: dstClient,
    partSize,
    queueSize: 2,
    leavePartsOnError: false,
    params: {
      Bucket: dst.bucket,
      Key: dst.key,
      Body: Readable.from(ranges()),
      ...carriedHeaders(head, opts.acl, metadata),
      ...UPLOAD_CHECKSUM,
    },
  });
  await upload.done();
  if (inPart > 0) partMd5s.push(partHash.digest());
  const expectedEtag = partMd5s.length === 1 ? partMd5s[0]!.toString('hex') : multipartEtag(partMd5s);
  return { method: 'stream', expectedEtag };
}

/**
 * Copies `src` to another store (a mirror on its own endpoint, with its own credentials), streamed
 * through this process and never held whole in memory: one GET piped into one PutObject up to the
 * threshold, ranged GETs into a multipart upload above it. Content type and metadata are kept, and
 * the object's sha256 (known from the source store's checksum, so nothing is read twice) is written
 * as `checksum-sha256` metadata in hex and, on a single PUT, given to the store to check the body
 * against. Every GET is conditional on the source's ETag. The SDK cannot send a streamed body twice,
 * so a copy that fails as the SDK would retry (throttled, a 5xx, a dropped connection) is started
 * again here, reading the source again, with the client's number of attempts.
 */
export async function copyAcross(
  srcClient: S3Client,
  src: ObjectRef & ObjectFacts,
  dstClient: S3Client,
  dst: ObjectRef,
  opts: Pick<CopyOptions, 'acl' | 'multipartThreshold'>,
  sha256: string,
): Promise<CopyResult> {
  const metadata = { [SHA256_METADATA]: sha256 };
  const once = async (): Promise<CopyResult> => {
    if (src.size > opts.multipartThreshold) {
      const head = await headObject(srcClient, src);
      if (!head) throw new Error(`s3://${src.bucket}/${src.key} disappeared before it could be copied`);
      if (unquoteEtag(head.ETag) !== src.etag) throw sourceChanged(src);
      return streamCopy(srcClient, src, dst, head, opts, dstClient, metadata);
    }
    const r = await srcClient.send(
      new GetObjectCommand({ Bucket: src.bucket, Key: src.key, IfMatch: `"${src.etag}"` }),
    );
    const body = r.Body as Readable;
    const put = await dstClient
      .send(
        new PutObjectCommand({
          Bucket: dst.bucket,
          Key: dst.key,
          Body: body,
          ContentLength: src.size,
          ...carriedHeaders(r as HeadObjectCommandOutput, opts.acl, metadata),
          ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'),
        }),
      )
      .finally(() => body.destroy());
    // A single-part source's ETag is the MD5 of its bytes, and so is the ETag of their single PUT.
    const expectedEtag = isMultipartEtag(src.etag) ? undefined : src.etag;
    const etag = unquoteEtag(put.ETag);
    if (expectedEtag && etag !== expectedEtag)
      throw new Error(`verification failed: s3://${dst.bucket}/${dst.key} has ETag ${etag}, the source ${src.etag}`);
    return { method: 'stream', expectedEtag, etag };
  };
  try {
    return await withRetry(once, {
      attempts: await dstClient.config.maxAttempts(),
      // The SDK's own first delay.
      baseMs: 100,
      retryable: isRetryableS3Error,
    });
  } catch (e) {
    if (s3HttpStatus(e) === 412 || s3ErrorCode(e) === 'PreconditionFailed') throw sourceChanged(src);
    throw e;
  }
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
