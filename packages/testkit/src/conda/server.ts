/**
 * A local anaconda.org: the part of its HTTP API (api.anaconda.org) that `anaconda copy` and
 * `anaconda show` use, modelled on anaconda-client's binstar_client:
 *
 * - `GET /release/{owner}/{package}/{version}`: the release with its `distributions` (binstar_client
 *   `Binstar.release`); 404 when the owner has no such release;
 * - `GET /dist/{owner}/{package}/{version}/{basename}`: one file (`Binstar.distribution`); the
 *   basename holds the platform folder, `linux-64/pkg-1.0-py310_0.tar.bz2`;
 * - `POST /copy/package/{owner}/{package}/{version}/{basename}` with JSON
 *   `{ to_owner, from_channel, to_channel }` (`PackageMixin.copy`, what `anaconda copy --to-owner` sends):
 *   the files copied, as a list; 409 when the destination already has a file of that name (the client
 *   says "File conflict while copying!"), 403 when the token may not write to `to_owner`.
 *
 * Errors carry `{ "error": message }`, as `_check_response` reads them. Tokens come as
 * `Authorization: token <t>`; reads of public channels need none.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CondaFile {
  /** `<subdir>/<file name>`, e.g. `linux-64/torchfoo-1.0.0-py310_0.conda` */
  basename: string;
  sha256: string;
  md5: string;
  size: number;
  /** labels the file is on (default `["main"]`) */
  labels?: string[];
}

export interface CondaState {
  /** token -> owners it may write to */
  tokens: Record<string, string[]>;
  /** owner -> package -> version -> files */
  owners: Record<string, Record<string, Record<string, CondaFile[]>>>;
}

export interface CondaFault {
  method?: string;
  /** substring of the request path */
  path?: string;
  status: number;
  times?: number;
  /** the request takes effect, only its answer is replaced (an answer lost on the way back) */
  lostResponse?: boolean;
}

export interface CondaRequest {
  method: string;
  url: string;
  status: number;
  body?: unknown;
  authenticated: boolean;
}

export interface CondaServer {
  url: string;
  state: CondaState;
  requests: CondaRequest[];
  injectFault(fault: CondaFault): void;
  stop(): Promise<void>;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const subdirOf = (basename: string): string => basename.split('/')[0] ?? '';

function fileJson(owner: string, pkg: string, version: string, f: CondaFile): Record<string, unknown> {
  return {
    basename: f.basename,
    version,
    full_name: `${owner}/${pkg}/${version}/${f.basename}`,
    owner,
    type: 'conda',
    distribution_type: 'conda',
    md5: f.md5,
    sha256: f.sha256,
    size: f.size,
    labels: f.labels ?? ['main'],
    attrs: { subdir: subdirOf(f.basename), platform: subdirOf(f.basename).split('-')[0] },
    download_url: `//api.anaconda.org/download/${owner}/${pkg}/${version}/${f.basename}`,
    upload_time: '2026-01-01 00:00:00.000000+00:00',
  };
}

export async function startCondaServer(initial: CondaState, opts: { port?: number } = {}): Promise<CondaServer> {
  const state = initial;
  const requests: CondaRequest[] = [];
  const faults: CondaFault[] = [];

  const filesOf = (owner: string, pkg: string, version: string): CondaFile[] | undefined =>
    state.owners[owner]?.[pkg]?.[version];

  function release(owner: string, pkg: string, version: string): unknown {
    const files = filesOf(owner, pkg, version);
    if (!files) throw new ApiError(404, `release ${owner}/${pkg}/${version} not found`);
    return {
      owner,
      package: pkg,
      version,
      full_name: `${owner}/${pkg}/${version}`,
      distributions: files.map((f) => fileJson(owner, pkg, version, f)),
    };
  }

  function dist(owner: string, pkg: string, version: string, basename: string): unknown {
    const f = filesOf(owner, pkg, version)?.find((x) => x.basename === basename);
    if (!f) throw new ApiError(404, `file ${owner}/${pkg}/${version}/${basename} not found`);
    return fileJson(owner, pkg, version, f);
  }

  function copy(
    token: string | undefined,
    owner: string,
    pkg: string,
    version: string,
    basename: string,
    body: unknown,
  ) {
    const b = (body ?? {}) as { to_owner?: string; from_channel?: string; to_channel?: string };
    if (!token) throw new ApiError(401, 'authentication required');
    const writable = state.tokens[token];
    if (!writable) throw new ApiError(401, 'invalid token');
    const toOwner = b.to_owner;
    if (!toOwner) throw new ApiError(400, 'to_owner is required');
    if (!writable.includes(toOwner)) throw new ApiError(403, `you do not have write access to ${toOwner}`);
    const fromLabel = b.from_channel ?? 'main';
    const toLabel = b.to_channel ?? 'main';
    const sources = (filesOf(owner, pkg, version) ?? []).filter(
      (f) => (basename === '' || f.basename === basename) && (f.labels ?? ['main']).includes(fromLabel),
    );
    if (!sources.length) throw new ApiError(404, `file ${owner}/${pkg}/${version}/${basename} not found`);
    const dest = (((state.owners[toOwner] ??= {})[pkg] ??= {})[version] ??= []);
    const clash = sources.find((s) => dest.some((d) => d.basename === s.basename));
    if (clash) throw new ApiError(409, `file ${toOwner}/${pkg}/${version}/${clash.basename} already exists`);
    const copied = sources.map((s) => ({ ...s, labels: [toLabel] }));
    dest.push(...copied);
    return copied.map((f) => fileJson(toOwner, pkg, version, f));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const record: CondaRequest = { method, url: url.pathname, status: 0, authenticated: !!req.headers.authorization };
    requests.push(record);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let lost: CondaFault | undefined;
    const send = (status: number, body: unknown) => {
      if (lost) [status, body] = [lost.status, { error: 'upstream error' }];
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    try {
      let body: unknown;
      if (text) {
        try {
          body = JSON.parse(text);
        } catch {
          throw new ApiError(400, 'request body is not JSON');
        }
        record.body = body;
      }
      const fault = faults.find(
        (f) => (f.times ?? 1) > 0 && (!f.method || f.method === method) && (!f.path || url.pathname.includes(f.path)),
      );
      if (fault) {
        fault.times = (fault.times ?? 1) - 1;
        if (!fault.lostResponse) throw new ApiError(fault.status, 'upstream error');
        lost = fault;
      }
      const token = /^token\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (token !== undefined && !state.tokens[token]) throw new ApiError(401, 'invalid token');
      const parts = url.pathname.split('/').slice(1).map(decodeURIComponent);
      const [kind, ...rest] = parts;
      if (method === 'GET' && kind === 'release' && rest.length === 3)
        return send(200, release(rest[0]!, rest[1]!, rest[2]!));
      if (method === 'GET' && kind === 'dist' && rest.length >= 5)
        return send(200, dist(rest[0]!, rest[1]!, rest[2]!, rest.slice(3).join('/')));
      if (method === 'POST' && kind === 'copy' && rest[0] === 'package' && rest.length >= 4) {
        return send(200, copy(token, rest[1]!, rest[2]!, rest[3]!, rest.slice(4).join('/'), body));
      }
      throw new ApiError(404, `no route for ${method} ${url.pathname}`);
    } catch (e) {
      if (e instanceof ApiError) send(e.status, { error: e.message });
      else send(500, { error: e instanceof Error ? e.message : String(e) });
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    requests,
    injectFault: (f) => void faults.push({ ...f }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
