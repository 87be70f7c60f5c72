import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Bare repositories over smart HTTP on loopback, through git's own `git http-backend` (run as a CGI
 * per request), optionally behind token authentication the way GitHub checks it: HTTP basic auth
 * whose password is the token. Records every request's path and credentials so tests can prove how
 * the token travelled.
 */

export interface GitHttpRequest {
  method: string;
  /** Path and query, e.g. `/pytorch.git/info/refs?service=git-upload-pack`. */
  url: string;
  status: number;
  /** The basic-auth user and password sent, if any. */
  user?: string;
  password?: string;
}

export interface GitHttpServer {
  /** Base URL; a repository `<root>/pytorch.git` is at `${url}/pytorch.git`. */
  url: string;
  requests: GitHttpRequest[];
  stop(): Promise<void>;
}

export interface GitHttpServerOptions {
  /** Directory holding the bare repositories. */
  root: string;
  /** When set, every request must carry this token as the basic-auth password. */
  token?: string;
  /** Tokens that may fetch but not push (like a GITHUB_TOKEN with `contents: read`): pushes get 403. */
  readTokens?: string[];
  port?: number;
}

function credentials(req: IncomingMessage): { user?: string; password?: string } {
  const m = /^basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!m) return {};
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function cgi(req: IncomingMessage, res: ServerResponse, root: string, done: (status: number) => void): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_USER: 'x-access-token',
    REMOTE_ADDR: '127.0.0.1',
  };
  if (req.headers['content-length']) env['CONTENT_LENGTH'] = req.headers['content-length'];
  if (req.headers['git-protocol']) env['GIT_PROTOCOL'] = String(req.headers['git-protocol']);
  if (req.headers['content-encoding']) env['HTTP_CONTENT_ENCODING'] = String(req.headers['content-encoding']);
  const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  req.pipe(child.stdin);
  let head = Buffer.alloc(0);
  let headersDone = false;
  let status = 200;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    headersDone = true;
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else res.setHeader(name, value);
    }
    res.writeHead(status);
    res.write(head.subarray(end + 4));
  });
  child.stderr.resume();
  child.on('close', () => {
    if (!headersDone) res.writeHead(500);
    res.end();
    done(status);
  });
}

export async function startGitHttpServer(opts: GitHttpServerOptions): Promise<GitHttpServer> {
  const requests: GitHttpRequest[] = [];
  const server = createServer((req, res) => {
    const creds = credentials(req);
    const record = (status: number): void => {
      requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', status, ...creds });
    };
    const reader = creds.password !== undefined && (opts.readTokens ?? []).includes(creds.password);
    if (reader && /git-receive-pack/.test(req.url ?? '')) {
      res.writeHead(403, { 'Content-Type': 'text/plain' });
      res.end('Permission to push denied: the token may only read.\n');
      record(403);
      return;
    }
    if (opts.token !== undefined && creds.password !== opts.token && !reader) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="GitHub"', 'Content-Type': 'text/plain' });
      res.end('Invalid username or token.\n');
      record(401);
      return;
    }
    cgi(req, res, opts.root, record);
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () => new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
