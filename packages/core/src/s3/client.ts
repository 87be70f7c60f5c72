import { ListObjectsV2Command, S3Client, type _Object } from '@aws-sdk/client-s3';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { ConfigurationError } from '../runtime/errors.js';
import { pool } from '../runtime/pool.js';

export interface S3ClientOptions {
  /** An S3-compatible endpoint (MinIO, R2, a local test server). Implies path-style addressing. */
  endpointUrl?: string;
  /** Defaults to AWS_REGION / AWS_DEFAULT_REGION, then us-east-1. */
  region?: string;
  /** Attempts per request, the first included (SDK retry strategy with backoff). */
  maxAttempts?: number;
  /** `adaptive` also rate-limits the client itself after throttling answers (503 SlowDown). */
  retryMode?: 'standard' | 'adaptive';
  /** Sockets kept per host; at least the number of requests run at once. */
  maxSockets?: number;
  /** A request whose connection stays silent this long fails (and is retried). */
  idleTimeoutMs?: number;
  /** Keys for this endpoint; the SDK's default chain (AWS_* variables, profile, role) when not given. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

const CONNECTION_TIMEOUT_MS = 10_000;
// A silent connection, not a long request, is what fails: a CopyObject of a large object takes
// minutes, and S3 keeps its connection busy meanwhile.
const IDLE_TIMEOUT_MS = 120_000;

export interface ListedObject {
  key: string;
  size: number;
  /** Without the surrounding quotes. */
  etag: string;
}

/**
 * The one way actions make an S3 client. Credentials come from the SDK's default chain (the AWS_*
 * variables that aws-actions/configure-aws-credentials exports). Checksums are computed and validated
 * only when an operation requires them: the SDK's default CRC32 trailers (aws-chunked bodies) are
 * refused by several S3-compatible stores.
 */
export function createS3Client(opts: S3ClientOptions = {}): S3Client {
  const maxSockets = Math.max(16, opts.maxSockets ?? 64);
  const agentOptions = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets };
  const client = new S3Client({
    region: opts.region || process.env['AWS_REGION'] || process.env['AWS_DEFAULT_REGION'] || 'us-east-1',
    ...(opts.endpointUrl ? { endpoint: opts.endpointUrl, forcePathStyle: true } : {}),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
    // AWS_MAX_ATTEMPTS, when set, wins over the default, as in every AWS tool.
    maxAttempts: opts.maxAttempts ?? (Number(process.env['AWS_MAX_ATTEMPTS']) || 8),
    retryMode: opts.retryMode ?? (process.env['AWS_RETRY_MODE'] === 'standard' ? 'standard' : 'adaptive'),
    // Resolve each command's middleware stack once, not on every send: thousands of copies.
    cacheMiddleware: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: {
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      // `requestTimeout` only logs a warning unless throwOnRequestTimeout is set; the socket
      // timeout fails the request.
      socketTimeout: opts.idleTimeoutMs ?? IDLE_TIMEOUT_MS,
    },
  });
  client.middlewareStack.add(timeoutNamesHost(opts.idleTimeoutMs ?? IDLE_TIMEOUT_MS), {
    step: 'build',
    name: 'timeoutNamesHost',
  });
  client.middlewareStack.addRelativeTo(checksumCoversPayload, {
    relation: 'before',
    toMiddleware: 'httpSigningMiddleware',
    name: 'checksumCoversPayload',
  });
  return client;
}

/**
 * The SDK's timeout errors ("Connection timed out after 300000 ms") name no host; the last one, after
 * the retries, is replaced by one that does. Placed at the build step: outside the retries, where the
 * request already knows its host.
 */
function timeoutNamesHost(idleTimeoutMs: number) {
  return <T>(next: (args: { input: object; request: unknown }) => Promise<T>) =>
    async (args: { input: object; request: unknown }): Promise<T> => {
      try {
        return await next(args);
      } catch (e) {
        if ((e as { name?: string } | null)?.name !== 'TimeoutError') throw e;
        const r = args.request as { hostname?: string; port?: number };
        const host = `${r.hostname ?? 'the S3 endpoint'}${r.port ? `:${r.port}` : ''}`;
        const limits = `silent for ${idleTimeoutMs / 1000} s, or no connection within ${CONNECTION_TIMEOUT_MS / 1000} s`;
        throw new Error(`S3 request to ${host} timed out (${limits}): ${(e as Error).message}`, {
          cause: e,
        });
      }
    };
}

/**
 * Uploads name their checksum (`ChecksumAlgorithm: CRC32`, see UPLOAD_CHECKSUM), which S3 verifies
 * against the body it receives. Such a request is signed with `UNSIGNED-PAYLOAD` (allowed by SigV4
 * for S3, and what the AWS CLI sends), instead of the SDK hashing every part with sha256 on the
 * event loop as well: a 2.5 GB wheel costs one CRC32 pass rather than a CRC32 and a sha256 pass. A
 * streamed body (a copy to a mirror) names its sha256, known beforehand, for the same reason: a
 * stream cannot be hashed before it is sent.
 */
function checksumCoversPayload<T>(next: (args: { input: object; request: unknown }) => Promise<T>) {
  return (args: { input: object; request: unknown }): Promise<T> => {
    const request = args.request as { headers?: Record<string, string>; body?: unknown };
    const headers = request.headers;
    if (headers && request.body !== undefined && Object.keys(headers).some((h) => /^x-amz-checksum-/i.test(h)))
      headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    return next(args);
  };
}

/** What every upload of ours passes, so that S3 checks the bytes it stores (see checksumCoversPayload). */
export const UPLOAD_CHECKSUM = { ChecksumAlgorithm: 'CRC32' } as const;

export function unquoteEtag(etag: string | undefined): string {
  return (etag ?? '').replace(/"/g, '');
}

function toListed(o: _Object): ListedObject {
  return { key: o.Key!, size: o.Size ?? 0, etag: unquoteEtag(o.ETag) };
}

/**
 * Every object under `prefix`, in key order: ListObjectsV2, 1,000 keys per page. Called once per
 * prefix, so a 5,000-object prefix costs five requests rather than one listing per package.
 */
export async function listAll(
  client: S3Client,
  bucket: string,
  prefix: string,
  opts: { delimiter?: string } = {},
): Promise<ListedObject[]> {
  return (await listPages(client, bucket, prefix, opts.delimiter)).objects;
}

/**
 * Every object under `prefix`, listed as one level and then its sub-folders `width` at a time: pages
 * follow one another, so a prefix of many folders (PyTorch's `whl/test/` has dozens) costs the pages of
 * its largest folder in sequence rather than all of them. Each folder's objects (the level's own
 * first) go to `take` as soon as they are listed, so that the caller's work on one folder overlaps the
 * listing of the others; together they are what listAll gives, in no particular order.
 */
export async function listTree(
  client: S3Client,
  bucket: string,
  prefix: string,
  width: number,
  take: (objects: ListedObject[]) => void,
): Promise<void> {
  const top = await listLevel(client, bucket, prefix);
  take(top.objects);
  await pool(top.folders, width, async (folder) => take(await listAll(client, bucket, folder)));
}

/** One level of a folder: the objects directly in `prefix`, and its sub-folders (`prefix` + `name/`). */
export async function listLevel(
  client: S3Client,
  bucket: string,
  prefix: string,
): Promise<{ objects: ListedObject[]; folders: string[] }> {
  return listPages(client, bucket, prefix, '/');
}

async function listPages(client: S3Client, bucket: string, prefix: string, delimiter: string | undefined) {
  const objects: ListedObject[] = [];
  const folders: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        ContinuationToken: token,
        MaxKeys: 1000,
        ...(delimiter ? { Delimiter: delimiter } : {}),
      }),
    );
    for (const o of page.Contents ?? []) if (o.Key !== undefined) objects.push(toListed(o));
    for (const p of page.CommonPrefixes ?? []) if (p.Prefix !== undefined) folders.push(p.Prefix);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return { objects, folders };
}

/**
 * The `x-amz-copy-source` value for an object: `bucket/key` percent-encoded per path segment.
 * The SDK sends CopySource verbatim, and S3 percent-decodes it and reads a literal `+` as a space,
 * so `torch-2.6.0+cu124-...whl` must travel as `torch-2.6.0%2Bcu124-...whl`.
 */
export function copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split('/').map(encodeRfc3986).join('/')}`;
}

export function encodeRfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** S3 error name, whichever way the SDK surfaced it. */
export function s3ErrorCode(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const err = e as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return err.Code ?? err.name;
}

export function s3HttpStatus(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

/** What the SDK itself tries again: throttling, a 5xx answer, a connection dropped or timed out. */
export function isRetryableS3Error(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const err = e as Parameters<typeof isTransientError>[0];
  return isThrottlingError(err) || isTransientError(err) || isServerError(err);
}

export function isNotFound(e: unknown): boolean {
  const code = s3ErrorCode(e);
  return code === 'NotFound' || code === 'NoSuchKey' || s3HttpStatus(e) === 404;
}

/** S3's bucket naming rules (lower case, 3-63 characters), checked before any request is made. */
export function parseBucketName(input: string, value: string): string {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(value)) {
    throw new ConfigurationError(`input "${input}": "${value}" is not an S3 bucket name`);
  }
  return value;
}
