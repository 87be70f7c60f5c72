import { parseWheelFilename } from '@release-actions/core/release/artifact-name';
import { TROVE_CLASSIFIERS } from '@release-actions/core/pypi/trove-classifiers';
import { blake2b } from '@noble/hashes/blake2.js';
import busboy from 'busboy';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A local stand-in for PyPI on loopback: the legacy upload API (`POST /legacy/`, multipart as twine
 * sends it, HTTP basic auth with `__token__`), the JSON API (`/pypi/<name>/<version>/json`), the
 * simple index (`/simple/<name>/`) and Trusted Publishing (`/_/oidc/audience`, `/_/oidc/mint-token`),
 * plus a fake GitHub OIDC token endpoint (`/_actions/id-token`) that tests point
 * ACTIONS_ID_TOKEN_REQUEST_URL at. It answers like Warehouse where clients depend on it: 403 for bad
 * credentials, 400 `File already exists` for a file name reused with other content (an identical
 * re-upload is accepted silently, as Warehouse does), 400 on a digest mismatch, 400 for a classifier
 * not on PyPI's list (core/pypi/trove-classifiers.ts). Tests make it fail
 * the ways a network and a CDN do: a response dropped (before or after the upload is stored), a
 * request never answered, a stale answer from the JSON API.
 */

export interface StoredFile {
  /** PEP 503 normalised project name. */
  project: string;
  version: string;
  filename: string;
  size: number;
  sha256: string;
  md5: string;
  blake2_256: string;
  packagetype: string;
  pythonVersion: string;
  requiresPython?: string;
  content: Buffer;
  uploadedAt: string;
}

export interface ReceivedUpload {
  /** Form fields as received, repeated fields in order; `content` is described by the other members. */
  fields: Record<string, string[]>;
  filename?: string;
  contentType?: string;
  size: number;
  sha256: string;
  status: number;
  message: string;
  /** The user name from basic auth (`__token__`). */
  user?: string;
}

export interface InjectedResponse {
  status: number;
  message?: string;
  /** Close the connection without answering, as a dropped network would. */
  drop?: boolean;
  /** With `drop`: store the upload first, so it landed although its response is lost. */
  afterStoring?: boolean;
  /** Never answer (the connection stays open until the client gives up). */
  stall?: boolean;
}

export interface PyPIServerOptions {
  port?: number;
  /** API tokens accepted for user `__token__`. */
  tokens?: string[];
  /** Largest file accepted, in bytes (PyPI's default is 100 MB; torch's limit was raised to 1000 MB). */
  maxFileSize?: number;
  /**
   * Audience answered by `/_/oidc/audience`: the stand-in's own by default. PyPI answers `pypi`, and a
   * client must never ask for PyPI's audience from another server, the stand-in included.
   */
  audience?: string;
  /** Bearer token the fake runner OIDC endpoint demands (ACTIONS_ID_TOKEN_REQUEST_TOKEN). */
  idTokenRequestToken?: string;
}

export interface PyPIServer {
  url: string;
  /** `<url>/legacy/` */
  uploadUrl: string;
  /** Value for ACTIONS_ID_TOKEN_REQUEST_URL (already holds a query string, as the runner's does). */
  idTokenRequestUrl: string;
  idTokenRequestToken: string;
  files: Map<string, StoredFile>;
  uploads: ReceivedUpload[];
  /** API tokens issued through Trusted Publishing. */
  mintedTokens: string[];
  /** OIDC tokens given to the runner side (valid for mint-token when their audience matches). */
  issuedIdTokens: Map<string, string>;
  /** Lets a test answer an upload itself (an outage, a dropped connection). */
  injectUpload?: (upload: { filename?: string; count: number }) => InjectedResponse | undefined;
  /** Lets a test answer any other request itself (a stale JSON API, a silent server), counted per path. */
  injectRequest?: (request: { method: string; path: string; count: number }) => InjectedResponse | undefined;
  /** Puts a file in the index as if it had been uploaded earlier. */
  addFile(filename: string, content: Buffer, opts?: { requiresPython?: string }): StoredFile;
  stop(): Promise<void>;
}

const normalize = (n: string): string => n.replace(/[-_.]+/g, '-').toLowerCase();

function describe(filename: string, content: Buffer, extra: Partial<StoredFile> = {}): StoredFile {
  const wheel = parseWheelFilename(filename);
  return {
    project: wheel?.name ?? normalize(filename.split('-')[0] ?? ''),
    version: wheel?.version ?? filename.split('-')[1] ?? '',
    filename,
    size: content.length,
    sha256: createHash('sha256').update(content).digest('hex'),
    md5: createHash('md5').update(content).digest('hex'),
    blake2_256: Buffer.from(blake2b(content, { dkLen: 32 })).toString('hex'),
    packagetype: wheel ? 'bdist_wheel' : 'sdist',
    pythonVersion: wheel?.pythonTag ?? 'source',
    content,
    uploadedAt: new Date().toISOString(),
    ...extra,
  };
}

function send(res: ServerResponse, status: number, body: string | object, message?: string, type?: string): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  // Warehouse puts the error in the status line too; twine prints `response.reason`.
  if (message) res.statusMessage = message.replace(/[^\x20-\x7e]/g, '?');
  res.writeHead(status, {
    'content-type': type ?? (typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json'),
  });
  res.end(text);
}

function readBody(req: IncomingMessage, limit = 1 << 20): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n > limit) req.destroy(new Error('body too large'));
      else parts.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

function basicUser(req: IncomingMessage): { user: string; password: string } | undefined {
  const m = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export async function startPyPIServer(opts: PyPIServerOptions = {}): Promise<PyPIServer> {
  const tokens = new Set(opts.tokens ?? []);
  const maxFileSize = opts.maxFileSize ?? 100 * 1000 * 1000;
  const audience = opts.audience ?? 'pypi-stand-in';
  const idTokenRequestToken = opts.idTokenRequestToken ?? `runner-${randomBytes(8).toString('hex')}`;
  const sockets = new Set<Socket>();
  let uploadCount = 0;

  const state: PyPIServer = {
    url: '',
    uploadUrl: '',
    idTokenRequestUrl: '',
    idTokenRequestToken,
    files: new Map(),
    uploads: [],
    mintedTokens: [],
    issuedIdTokens: new Map(),
    addFile(filename, content, extra = {}) {
      const file = describe(filename, content, extra);
      state.files.set(filename, file);
      return file;
    },
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const upload = (req: IncomingMessage, res: ServerResponse): void => {
    const auth = basicUser(req);
    const record: ReceivedUpload = { fields: {}, size: 0, sha256: '', status: 0, message: '', user: auth?.user };
    const finish = (status: number, message: string): void => {
      record.status = status;
      record.message = message;
      state.uploads.push(record);
      send(res, status, status === 200 ? 'OK' : `${status} ${message}`, message);
    };
    if (!auth || (auth.user === '__token__' ? !tokens.has(auth.password) : true)) {
      req.resume();
      return finish(
        403,
        'Invalid or non-existent authentication information. See https://pypi.org/help/#invalid-auth for more information.',
      );
    }
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fileSize: maxFileSize, fieldSize: 16 << 20 } });
    } catch {
      req.resume();
      return finish(400, 'Invalid multipart request.');
    }
    const chunks: Buffer[] = [];
    const sha = createHash('sha256');
    let tooLarge = false;
    parser.on('field', (name, value) => (record.fields[name] ??= []).push(value));
    parser.on('file', (name, stream, info) => {
      if (name !== 'content') return void stream.resume();
      record.filename = info.filename;
      record.contentType = info.mimeType;
      stream.on('data', (c: Buffer) => {
        chunks.push(c);
        sha.update(c);
        record.size += c.length;
      });
      stream.on('limit', () => (tooLarge = true));
    });
    parser.on('error', () => finish(400, 'Invalid multipart request.'));
    parser.on('close', () => {
      record.sha256 = sha.digest('hex');
      const field = (n: string): string | undefined => record.fields[n]?.[0];
      const injected = state.injectUpload?.({ filename: record.filename, count: ++uploadCount });
      if (injected?.stall) return;
      if (injected?.drop && !injected.afterStoring) {
        record.status = 0;
        record.message = 'dropped';
        state.uploads.push(record);
        res.socket?.destroy();
        return;
      }
      if (injected && !injected.drop) return finish(injected.status, injected.message ?? 'Injected failure');
      if (field(':action') !== 'file_upload')
        return finish(400, `Invalid value for :action: ${field(':action') ?? 'missing'}.`);
      if (field('protocol_version') !== '1') return finish(400, 'Unknown protocol version.');
      const filename = record.filename;
      if (!filename) return finish(400, 'Upload payload does not have a file.');
      if (tooLarge)
        return finish(
          400,
          `File too large. Limit for project '${field('name') ?? ''}' is ${Math.floor(maxFileSize / 1e6)} MB. See https://pypi.org/help/#file-size-limit for more information.`,
        );
      const wheel = parseWheelFilename(filename);
      if (!wheel || wheel.filename !== filename)
        return finish(400, `Invalid wheel filename (wrong number of parts): ${filename}`);
      if (field('filetype') !== 'bdist_wheel')
        return finish(400, `Invalid value for filetype. Error: Use a known file type.`);
      if (normalize(field('name') ?? '') !== wheel.name)
        return finish(400, `Start filename for '${field('name') ?? ''}' with '${wheel.distribution}'.`);
      if (field('version') !== wheel.version)
        return finish(400, `Version in filename should be '${field('version') ?? ''}' not '${wheel.version}'.`);
      if (wheel.local !== undefined)
        return finish(
          400,
          `The use of local versions in '${wheel.version}' is not allowed. See https://packaging.python.org/specifications/core-metadata for more information.`,
        );
      const unlisted = (record.fields['classifiers'] ?? []).find((c) => !TROVE_CLASSIFIERS.has(c));
      if (unlisted !== undefined)
        return finish(400, `Invalid value for classifiers. Error: '${unlisted}' is not a valid classifier.`);
      const content = Buffer.concat(chunks);
      const file = describe(filename, content, { requiresPython: field('requires_python') || undefined });
      const expected: Array<[string, string]> = [
        ['sha256_digest', file.sha256],
        ['md5_digest', file.md5],
        ['blake2_256_digest', file.blake2_256],
      ];
      if (!field('sha256_digest') && !field('md5_digest') && !field('blake2_256_digest'))
        return finish(400, 'Include at least one message digest.');
      for (const [name, value] of expected) {
        const sent = field(name);
        if (sent && sent.toLowerCase() !== value)
          return finish(400, 'The digest supplied does not match a digest calculated from the uploaded file.');
      }
      const existing = state.files.get(filename);
      if (existing) {
        if (existing.sha256 === file.sha256) return finish(200, 'OK');
        return finish(
          400,
          `File already exists ('${filename}', with blake2_256 hash '${file.blake2_256}'). See https://pypi.org/help/#file-name-reuse for more information.`,
        );
      }
      state.files.set(filename, file);
      if (injected?.afterStoring) {
        record.status = 0;
        record.message = 'stored, response dropped';
        state.uploads.push(record);
        res.socket?.destroy();
        return;
      }
      finish(200, 'OK');
    });
    req.pipe(parser);
  };

  const jsonRelease = (project: string, version: string | undefined, res: ServerResponse): void => {
    const files = [...state.files.values()].filter((f) => f.project === normalize(project));
    if (files.length === 0) return send(res, 404, { message: 'Not Found' }, 'Not Found');
    const versions = [...new Set(files.map((f) => f.version))];
    const chosen = version ?? versions[versions.length - 1]!;
    const inRelease = files.filter((f) => f.version === chosen);
    if (inRelease.length === 0) return send(res, 404, { message: 'Not Found' }, 'Not Found');
    const url = (f: StoredFile) => ({
      filename: f.filename,
      digests: { sha256: f.sha256, md5: f.md5, blake2b_256: f.blake2_256 },
      md5_digest: f.md5,
      size: f.size,
      packagetype: f.packagetype,
      python_version: f.pythonVersion,
      requires_python: f.requiresPython ?? null,
      upload_time_iso_8601: f.uploadedAt,
      url: `${state.url}/files/${encodeURIComponent(f.filename)}`,
      yanked: false,
    });
    send(res, 200, {
      info: { name: project, version: chosen, requires_python: inRelease[0]?.requiresPython ?? null },
      urls: inRelease.map(url),
      releases: version
        ? undefined
        : Object.fromEntries(versions.map((v) => [v, files.filter((f) => f.version === v).map(url)])),
    });
  };

  const requestCounts = new Map<string, number>();
  const answerInjected = (method: string, path: string, res: ServerResponse): boolean => {
    if (!state.injectRequest) return false;
    const count = (requestCounts.get(path) ?? 0) + 1;
    requestCounts.set(path, count);
    const answer = state.injectRequest({ method, path, count });
    if (!answer) return false;
    if (answer.stall) return true;
    if (answer.drop) res.socket?.destroy();
    else send(res, answer.status, { message: answer.message ?? 'Injected failure' }, answer.message);
    return true;
  };

  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://localhost');
    const path = u.pathname;
    const handle = async (): Promise<void> => {
      if (req.method === 'POST' && (path === '/legacy/' || path === '/legacy')) return upload(req, res);
      if (answerInjected(req.method ?? 'GET', path, res)) return;
      let m: RegExpExecArray | null;
      if (req.method === 'GET' && (m = /^\/pypi\/([^/]+)\/([^/]+)\/json\/?$/.exec(path)))
        return jsonRelease(decodeURIComponent(m[1]!), decodeURIComponent(m[2]!), res);
      if (req.method === 'GET' && (m = /^\/pypi\/([^/]+)\/json\/?$/.exec(path)))
        return jsonRelease(decodeURIComponent(m[1]!), undefined, res);
      if (req.method === 'GET' && (m = /^\/simple\/([^/]+)\/?$/.exec(path))) {
        const project = normalize(decodeURIComponent(m[1]!));
        const files = [...state.files.values()].filter((f) => f.project === project);
        if (files.length === 0) return send(res, 404, 'Not Found', 'Not Found');
        const links = files.map((f) => {
          const rp = f.requiresPython ? ` data-requires-python="${escapeHtml(f.requiresPython)}"` : '';
          return `    <a href="../../files/${encodeURIComponent(f.filename)}#sha256=${f.sha256}"${rp}>${escapeHtml(f.filename)}</a><br />`;
        });
        return send(
          res,
          200,
          `<!DOCTYPE html>\n<html>\n  <head><meta name="pypi:repository-version" content="1.0"><title>Links for ${project}</title></head>\n  <body>\n    <h1>Links for ${project}</h1>\n${links.join('\n')}\n  </body>\n</html>\n`,
          undefined,
          'text/html',
        );
      }
      if (req.method === 'GET' && (m = /^\/files\/([^/]+)$/.exec(path))) {
        const f = state.files.get(decodeURIComponent(m[1]!));
        if (!f) return send(res, 404, 'Not Found', 'Not Found');
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': f.size });
        return void res.end(f.content);
      }
      if (req.method === 'GET' && path === '/_/oidc/audience') return send(res, 200, { audience });
      if (req.method === 'GET' && path === '/_actions/id-token') {
        if (req.headers.authorization !== `Bearer ${idTokenRequestToken}`)
          return send(res, 401, { message: 'Bad credentials' }, 'Unauthorized');
        const token = `oidc.${randomBytes(12).toString('hex')}`;
        state.issuedIdTokens.set(token, u.searchParams.get('audience') ?? '');
        return send(res, 200, { count: 1, value: token });
      }
      if (req.method === 'POST' && path === '/_/oidc/mint-token') {
        let body: { token?: unknown } = {};
        try {
          body = JSON.parse((await readBody(req)).toString('utf8')) as { token?: unknown };
        } catch {
          /* answered below */
        }
        const token = typeof body.token === 'string' ? body.token : '';
        if (state.issuedIdTokens.get(token) !== audience) {
          return send(res, 422, {
            message: 'Token request failed',
            errors: [
              {
                code: 'invalid-publisher',
                description: 'valid token, but no corresponding publisher (All lookup strategies exhausted)',
              },
            ],
          });
        }
        state.issuedIdTokens.delete(token);
        const minted = `pypi-${randomBytes(24).toString('base64url')}`;
        tokens.add(minted);
        state.mintedTokens.push(minted);
        return send(res, 200, { success: true, token: minted, expires: Math.floor(Date.now() / 1000) + 900 });
      }
      send(res, 404, 'Not Found', 'Not Found');
    };
    handle().catch((e: unknown) => send(res, 500, String(e), 'Internal Server Error'));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.url = `http://127.0.0.1:${port}`;
  state.uploadUrl = `${state.url}/legacy/`;
  state.idTokenRequestUrl = `${state.url}/_actions/id-token?api-version=2.0`;
  return state;
}
