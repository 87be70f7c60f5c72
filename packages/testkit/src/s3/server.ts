import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import AWSAccount from 's3rver/lib/models/account.js';
import S3Object from 's3rver/lib/models/object.js';
import { seedBody, type S3Seed, type SeedObject } from './seed.js';

/**
 * A real S3-protocol server on loopback: s3rver 3.7.1, patched (patches/s3rver@3.7.1.patch) to follow
 * AWS where the actions depend on it, behind a thin HTTP front that records requests and injects
 * faults. Credentials: any access key the SDK signs with (tests use S3RVER/S3RVER).
 */

export type S3Operation =
  | 'ListBuckets'
  | 'ListObjectsV2'
  | 'ListObjects'
  | 'HeadObject'
  | 'GetObject'
  | 'PutObject'
  | 'CopyObject'
  | 'DeleteObject'
  | 'CreateMultipartUpload'
  | 'UploadPart'
  | 'UploadPartCopy'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'Other';

export interface S3Request {
  operation: S3Operation;
  method: string;
  bucket: string;
  /** Decoded object key ('' for bucket-level requests). */
  key: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** HTTP status answered by the fault injector, when it answered instead of the server. */
  injected?: number;
  /** HTTP status of the answer, once it was sent. */
  status?: number;
  /** When the request arrived and when its answer was sent (`performance.now()`, ms). */
  receivedAt: number;
  answeredAt?: number;
}

export type RequestMatcher = (r: S3Request) => boolean;

export interface S3ServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Where objects live. Given: kept on stop (restart a server on it). Default: a temp dir removed on stop. */
  directory?: string;
  seed?: S3Seed;
  /**
   * `supported` (default): UploadPartCopy works. `not-implemented`: answered 501 NotImplemented,
   * as some S3-compatible stores do, to exercise a client's streaming fallback.
   */
  uploadPartCopy?: 'supported' | 'not-implemented';
  /** Delay before answering each request, to stand for a store across a network (loopback answers in microseconds). */
  latencyMs?: number;
  /**
   * Access key ids accepted besides `S3RVER`, with any secret (signatures are not checked), so that a
   * test can tell from each request's `Credential=` which keys signed it. s3rver keeps one registry
   * per process: every stand-in of the process accepts them.
   */
  accessKeyIds?: string[];
}

export interface S3Server {
  /** `http://127.0.0.1:<port>`, for the SDK's `endpoint` with path-style addressing. */
  endpoint: string;
  port: number;
  directory: string;
  /** Every request received, in order (faults included). */
  readonly requests: S3Request[];
  /** TCP connections accepted so far (clients that do not keep connections alive open many). */
  connections: number;
  uploadPartCopy: 'supported' | 'not-implemented';
  /** Delay before answering each request (ms); may be changed while running. */
  latencyMs: number;
  /** Count of recorded requests of one operation. */
  count(operation: S3Operation): number;
  /** Answer the next `n` matching requests with an error (default 503 SlowDown). */
  failNext(n: number, opts?: { status?: number; code?: string; match?: RequestMatcher }): void;
  /** Stop the server (dropping open connections) once `n` matching requests have been answered. */
  stopAfter(n: number, match?: RequestMatcher): void;
  /** Runs `fn` once, before the first matching request reaches the store: changes between a plan and its writes. */
  onceBefore(match: RequestMatcher, fn: () => Promise<void>): void;
  /** The canned ACL last sent with a write of this key (x-amz-acl), if any. */
  aclOf(bucket: string, key: string): string | undefined;
  /** Adds objects (creating the bucket), writing straight to the store, not through HTTP. */
  seed(bucket: string, objects: SeedObject[], concurrency?: number): Promise<void>;
  /** Closes the listener and drops every open connection, as a crashed server would. */
  stop(): Promise<void>;
  readonly stopped: Promise<void>;
}

function classify(req: IncomingMessage, bucket: string, key: string, query: URLSearchParams): S3Operation {
  const m = req.method ?? 'GET';
  const copy = req.headers['x-amz-copy-source'] !== undefined;
  if (!bucket) return 'ListBuckets';
  if (!key) {
    if (m === 'GET') return query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
    return 'Other';
  }
  if (m === 'HEAD') return 'HeadObject';
  if (m === 'GET') return 'GetObject';
  if (m === 'DELETE') return query.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
  if (m === 'POST')
    return query.has('uploads') ? 'CreateMultipartUpload' : query.has('uploadId') ? 'CompleteMultipartUpload' : 'Other';
  if (m === 'PUT') {
    if (query.has('uploadId')) return copy ? 'UploadPartCopy' : 'UploadPart';
    const subresource = [...query.keys()].some((k) => k !== 'x-id');
    return copy ? 'CopyObject' : subresource ? 'Other' : 'PutObject';
  }
  return 'Other';
}

function errorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>testkit</RequestId></Error>`;
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  const body = errorXml(code, message);
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export async function startS3Server(opts: S3ServerOptions = {}): Promise<S3Server> {
  const ownDirectory = opts.directory === undefined;
  const directory = opts.directory ?? mkdtempSync(join(tmpdir(), 'testkit-s3-'));
  const s3rver = new S3rver({ directory, silent: true, vhostBuckets: false, allowMismatchedSignatures: true });
  for (const id of opts.accessKeyIds ?? []) AWSAccount.DUMMY_ACCOUNT.createKeyPair(id, id);
  const handle = s3rver.callback();

  const requests: S3Request[] = [];
  const acls = new Map<string, string>();
  const faults: Array<{ left: number; status: number; code: string; match: RequestMatcher }> = [];
  let stopRule: { left: number; match: RequestMatcher } | undefined;
  const hooks: Array<{ match: RequestMatcher; fn: () => Promise<void> }> = [];
  const sockets = new Set<Socket>();

  const api: S3Server = {
    endpoint: '',
    port: 0,
    directory,
    requests,
    connections: 0,
    uploadPartCopy: opts.uploadPartCopy ?? 'supported',
    latencyMs: opts.latencyMs ?? 0,
    count: (operation) => requests.filter((r) => r.operation === operation && r.injected === undefined).length,
    failNext(n, o = {}) {
      faults.push({ left: n, status: o.status ?? 503, code: o.code ?? 'SlowDown', match: o.match ?? (() => true) });
    },
    stopAfter(n, match = () => true) {
      stopRule = { left: n, match };
    },
    onceBefore(match, fn) {
      hooks.push({ match, fn });
    },
    aclOf: (bucket, key) => acls.get(`${bucket}/${key}`),
    async seed(bucket, objects, concurrency = 16) {
      await s3rver.store.putBucket(bucket);
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < objects.length) {
          const o = objects[next++]!;
          const meta: Record<string, string> = { 'content-type': o.contentType ?? 'binary/octet-stream' };
          for (const [k, v] of Object.entries(o.metadata ?? {})) meta[`x-amz-meta-${k.toLowerCase()}`] = v;
          await s3rver.store.putObject(new S3Object(bucket, o.key, seedBody(o), meta));
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, objects.length) }, worker));
    },
    stop: () => stopServer(),
    stopped: undefined as unknown as Promise<void>,
  };

  let stopping: Promise<void> | undefined;
  const stopServer = (): Promise<void> => {
    stopping ??= new Promise<void>((resolve) => {
      server.close(() => {
        if (ownDirectory) rmSync(directory, { recursive: true, force: true });
        resolve();
      });
      for (const s of sockets) s.destroy();
    });
    return stopping;
  };

  const server: Server = createServer((req, res) => {
    const receivedAt = performance.now();
    if (api.latencyMs > 0) setTimeout(() => front(req, res, receivedAt), api.latencyMs);
    else front(req, res, receivedAt);
  });
  const front = (req: IncomingMessage, res: ServerResponse, receivedAt: number): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [, bucket = '', ...rest] = url.pathname.split('/');
    let key = rest.join('/');
    try {
      key = decodeURIComponent(key);
    } catch {
      /* left as sent; the server answers the error */
    }
    const query = Object.fromEntries(url.searchParams);
    const record: S3Request = {
      operation: classify(req, decodeURIComponent(bucket), key, url.searchParams),
      method: req.method ?? 'GET',
      bucket: decodeURIComponent(bucket),
      key,
      query,
      headers: req.headers,
      receivedAt,
    };
    requests.push(record);
    res.on('finish', () => {
      record.status = res.statusCode;
      record.answeredAt = performance.now();
    });

    const fault = faults.find((f) => f.left > 0 && f.match(record));
    if (fault) {
      fault.left--;
      record.injected = fault.status;
      req.resume();
      sendError(res, fault.status, fault.code, 'Injected by testkit: please reduce your request rate.');
      return;
    }
    if (record.operation === 'UploadPartCopy' && api.uploadPartCopy === 'not-implemented') {
      record.injected = 501;
      sendError(res, 501, 'NotImplemented', 'A header you provided implies functionality that is not implemented');
      return;
    }
    if (record.operation === 'AbortMultipartUpload') {
      // s3rver has no AbortMultipartUpload; drop the parts like S3 does.
      const uploads = s3rver.store.getResourcePath(record.bucket, undefined, 'uploads');
      rmSync(join(uploads, query['uploadId'] ?? 'none'), { recursive: true, force: true });
      res.writeHead(204).end();
      return;
    }
    const acl = req.headers['x-amz-acl'];
    if (typeof acl === 'string' && ['PutObject', 'CopyObject', 'CreateMultipartUpload'].includes(record.operation)) {
      acls.set(`${record.bucket}/${key}`, acl);
    }
    if (stopRule && stopRule.match(record)) {
      const rule = stopRule;
      res.on('finish', () => {
        if (--rule.left === 0) void stopServer();
      });
    }
    const hook = hooks.findIndex((h) => h.match(record));
    if (hook === -1) return void handle(req, res);
    const { fn } = hooks.splice(hook, 1)[0]!;
    req.pause();
    fn().then(
      () => handle(req, res),
      (e: unknown) => sendError(res, 500, 'InternalError', `testkit hook failed: ${String(e)}`),
    );
  };
  server.keepAliveTimeout = 30_000;
  server.on('connection', (s) => {
    api.connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  api.port = port;
  api.endpoint = `http://127.0.0.1:${port}`;
  (api as { stopped: Promise<void> }).stopped = new Promise((resolve) => server.once('close', () => resolve()));
  for (const [bucket, objects] of Object.entries(opts.seed ?? {})) await api.seed(bucket, objects);
  return api;
}
