/**
 * A local GitHub: the REST endpoints and GraphQL queries the actions use, served from a JSON state
 * (see packages/testkit/README.md), answering and paginating the way api.github.com does, with
 * injectable faults and every REST response checked against GitHub's OpenAPI schemas.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { executeGraphQL, type GraphQLRequest } from './graphql.js';
import * as render from './objects.js';
import { issueRoutes } from './issues.js';
import { gitDataOf } from './refs.js';
import { matchOperation, validateRequest, validateResponse, type MatchedOperation, type Violation } from './openapi.js';
import {
  checkState,
  readStateFile,
  type FaultSpec,
  type IssueState,
  type PullState,
  type RepoState,
  type StateFile,
} from './state.js';

export type { Violation } from './openapi.js';

export interface GitHubServerOptions {
  /** The state itself, or the path of a JSON state file. It is used (and mutated) in place. */
  state: StateFile | string;
  port?: number;
  host?: string;
  /** Check every REST response against GitHub's response schemas (default true). */
  validate?: boolean;
  /** Web root for html_url fields (default https://github.com, which commit messages link to). */
  htmlUrl?: string;
  /** Write the state back after every change: `true` (to the file it came from) or a path. */
  persist?: boolean | string;
  /** How long an issue created through the API stays out of search results, as GitHub's index lags (default 0). */
  searchIndexLagMs?: number;
  /** Changes a response body before it is validated and sent (to break a response on purpose). */
  transformResponse?: (ctx: ResponseContext, body: unknown) => unknown;
}

export interface ResponseContext {
  method: string;
  path: string;
  status: number;
  operationId?: string;
}

export interface RecordedRequest {
  method: string;
  /** path and query, e.g. /repos/o/r/issues?milestone=3&state=all&page=2 */
  url: string;
  status: number;
  operationId?: string;
  /** parsed JSON request body, for writes */
  body?: unknown;
  /** whether an Authorization header came with it (the token itself is never recorded) */
  authenticated: boolean;
  /** whether the response body was checked against GitHub's schema for that operation and status */
  validated?: boolean;
}

export interface GitHubServer {
  /** Base URL to pass as `api-url` (e.g. http://127.0.0.1:41234); GHES-style `/api/v3` paths work too. */
  url: string;
  /** The live state: mutations (new refs, PRs, issues) appear here. */
  state: StateFile;
  requests: RecordedRequest[];
  /** Schema violations seen so far (see takeViolations). */
  violations: Violation[];
  injectFault(fault: FaultSpec): void;
  clearFaults(): void;
  /** Returns the violations seen so far and forgets them. */
  takeViolations(): Violation[];
  /** Writes the state as JSON (to `file`, or where `persist` says). */
  save(file?: string): void;
  /** Stops the server; rejects if schema violations were left unclaimed, so no test passes over one. */
  stop(): Promise<void>;
}

export class SchemaViolationError extends Error {
  override readonly name = 'SchemaViolationError';
  constructor(readonly violations: Violation[]) {
    super(
      `the GitHub stand-in served ${violations.length} response(s) that break GitHub's OpenAPI schema:\n` +
        violations
          .map((v) => `  ${v.method} ${v.path} (${v.operationId}, ${v.status}): ${v.errors.join('; ')}`)
          .join('\n'),
    );
  }
}

const DOCS = 'https://docs.github.com/rest';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (): HttpError => new HttpError(404, 'Not Found');
export const validationFailed = (errors: Record<string, unknown>[], message = 'Validation Failed'): HttpError =>
  new HttpError(422, message, { errors });

function errorBody(status: number, message: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { message, ...extra, documentation_url: DOCS, status: String(status) };
}

function defaultFaultMessage(f: FaultSpec): string {
  const h = Object.fromEntries(Object.entries(f.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  if ((f.status === 403 || f.status === 429) && h['x-ratelimit-remaining'] === '0')
    return 'API rate limit exceeded for user ID 1.';
  if (f.status === 403 || f.status === 429) {
    return 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';
  }
  if (f.status === 401) return 'Bad credentials';
  if (f.status === 404) return 'Not Found';
  if (f.status === 502) return 'Server Error: Bad Gateway';
  if (f.status === 503) return 'Service Unavailable';
  return 'Server Error';
}

function faultMatches(f: FaultSpec, method: string, url: string): boolean {
  if (f.method && f.method.toUpperCase() !== method) return false;
  if (f.pathPattern !== undefined && !new RegExp(f.pathPattern).test(url)) return false;
  if (f.path === undefined) return true;
  return f.path instanceof RegExp ? f.path.test(url) : url.includes(f.path);
}

interface Page<T> {
  items: T[];
  link?: string;
}

/** GitHub's page-number pagination: `per_page` (default 30, max 100), `page`, and a Link header. */
export function paginate<T>(items: T[], reqUrl: URL): Page<T> {
  const perPage = Math.min(100, Math.max(1, Number(reqUrl.searchParams.get('per_page')) || 30));
  const page = Math.max(1, Number(reqUrl.searchParams.get('page')) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const at = (p: number) => {
    const u = new URL(reqUrl);
    u.searchParams.set('per_page', String(perPage));
    u.searchParams.set('page', String(p));
    return u.toString();
  };
  const links: string[] = [];
  if (page > 1) links.push(`<${at(page - 1)}>; rel="prev"`);
  if (page < last) links.push(`<${at(page + 1)}>; rel="next"`, `<${at(last)}>; rel="last"`);
  if (page > 1) links.push(`<${at(1)}>; rel="first"`);
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    ...(links.length ? { link: links.join(', ') } : {}),
  };
}

export interface Handled {
  status: number;
  body: unknown;
  link?: string;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  if (!chunks.length) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'Problems parsing JSON');
  }
}

function isSha(s: string): boolean {
  return /^[0-9a-f]{40}$/.test(s);
}

export async function startGitHubServer(options: GitHubServerOptions): Promise<GitHubServer> {
  const stateFile = typeof options.state === 'string' ? options.state : undefined;
  const state = typeof options.state === 'string' ? readStateFile(options.state) : checkState(options.state);
  const validate = options.validate ?? true;
  const persistTo = options.persist === true ? stateFile : options.persist || undefined;
  if (options.persist === true && !stateFile) throw new Error('persist: true needs the state to come from a file');
  const viewer = state.viewer ?? 'release-bot';
  const faults: FaultSpec[] = [...(state.faults ?? [])];
  const requests: RecordedRequest[] = [];
  let violations: Violation[] = [];
  let remaining = 5000;
  const urls: render.Urls = { api: '', html: (options.htmlUrl ?? 'https://github.com').replace(/\/+$/, '') };

  const save = (file?: string) => {
    const to = file ?? persistTo;
    if (!to) throw new Error('save() needs a file (no persist path was given)');
    const { faults: _armed, ...rest } = state;
    // spent faults are dropped; RegExp paths are kept as their source
    const armed = faults
      .filter((f) => (f.times ?? 1) > 0)
      .map(({ path, ...f }) => (path instanceof RegExp ? { ...f, pathPattern: path.source } : { ...f, path }));
    writeFileSync(to, JSON.stringify({ ...rest, ...(armed.length ? { faults: armed } : {}) }, null, 2) + '\n');
  };
  const changed = () => {
    if (persistTo) save();
  };

  const findRepo = (owner: string, name: string): RepoState => {
    const repo = state.repos.find(
      (r) => r.owner.toLowerCase() === owner.toLowerCase() && r.name.toLowerCase() === name.toLowerCase(),
    );
    if (!repo) throw notFound();
    return repo;
  };

  const items = (repo: RepoState): (IssueState | PullState)[] => [...(repo.issues ?? []), ...(repo.pulls ?? [])];
  const nextNumber = (repo: RepoState): number => Math.max(0, ...items(repo).map((i) => i.number)) + 1;
  const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

  const sortItems = <T extends IssueState>(list: T[], q: URLSearchParams): T[] => {
    const key = q.get('sort') === 'updated' ? 'updated_at' : 'created_at';
    const dir = q.get('direction') === 'asc' ? 1 : -1;
    const time = (i: T) => {
      const created = i.createdAt ?? new Date(Date.parse(render.EPOCH) + i.number * 60_000).toISOString();
      return Date.parse(key === 'updated_at' ? (i.updatedAt ?? i.closedAt ?? created) : created);
    };
    return [...list].sort((a, b) => dir * (time(a) - time(b) || a.number - b.number));
  };

  const extraRoutes = {
    ...issueRoutes({
      state,
      urls,
      viewer,
      findRepo,
      changed,
      now,
      searchIndexLagMs: options.searchIndexLagMs ?? 0,
    }),
  };

  async function route(op: MatchedOperation, reqUrl: URL, body: unknown): Promise<Handled> {
    const extra = extraRoutes[op.operationId];
    if (extra) return extra(op.params, reqUrl, (body ?? {}) as Record<string, unknown>);
    const p = op.params;
    const q = reqUrl.searchParams;
    const repo = findRepo(p['owner']!, p['repo']!);
    const git = gitDataOf(repo);
    const b = (body ?? {}) as Record<string, unknown>;
    switch (op.operationId) {
      case 'repos/get':
        return { status: 200, body: render.fullRepo(urls, repo) };

      case 'git/get-ref': {
        const hit = git.refs().find((r) => r.ref === `refs/${p['ref']}`);
        if (!hit) throw notFound();
        return { status: 200, body: render.gitRef(urls, repo, hit.ref, hit.sha, hit.type) };
      }
      case 'git/list-matching-refs': {
        const prefix = `refs/${p['ref']}`;
        const refs = git
          .refs()
          .filter((r) => r.ref.startsWith(prefix))
          .sort((x, y) => x.ref.localeCompare(y.ref));
        return { status: 200, body: refs.map((r) => render.gitRef(urls, repo, r.ref, r.sha, r.type)) };
      }
      case 'git/create-ref': {
        const ref = b['ref'];
        const sha = b['sha'];
        if (typeof ref !== 'string') throw new HttpError(422, 'Invalid request.\n\n"ref" wasn\'t supplied.');
        if (typeof sha !== 'string') throw new HttpError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.');
        if (!/^refs\/(heads|tags)\/./.test(ref)) {
          throw new HttpError(422, "Reference name must start with 'refs/' and have at least two slashes.");
        }
        if (git.get(ref) !== undefined) throw new HttpError(422, 'Reference already exists');
        if (!isSha(sha) || !git.hasCommit(sha)) throw new HttpError(422, 'Object does not exist');
        git.set(ref, sha);
        changed();
        return { status: 201, body: render.gitRef(urls, repo, ref, sha) };
      }
      case 'git/update-ref': {
        const full = `refs/${p['ref']}`;
        const sha = b['sha'];
        if (typeof sha !== 'string') throw new HttpError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.');
        const current = /^refs\/(heads|tags)\/./.test(full) ? git.get(full) : undefined;
        if (current === undefined) throw new HttpError(422, 'Reference does not exist');
        if (!isSha(sha) || !git.hasCommit(sha)) throw new HttpError(422, 'Object does not exist');
        if (b['force'] !== true && !git.isAncestor(current, sha))
          throw new HttpError(422, 'Update is not a fast forward');
        git.set(full, sha);
        changed();
        return { status: 200, body: render.gitRef(urls, repo, full, sha) };
      }

      case 'repos/get-content': {
        const ref = q.get('ref') ?? render.defaultBranch(repo);
        const path = p['path']!.replace(/^\/+|\/+$/g, '');
        const content = git.content(ref, path);
        if (content.kind === 'no-ref') throw new HttpError(404, `No commit found for the ref ${ref}`);
        if (content.kind === 'missing') throw notFound();
        if (content.kind === 'file')
          return { status: 200, body: render.contentFile(urls, repo, path, ref, content.text) };
        return { status: 200, body: content.entries.map((e) => render.contentEntry(urls, repo, e.path, ref, e.text)) };
      }

      case 'issues/list-milestones': {
        const want = q.get('state') ?? 'open';
        const dir = q.get('direction') === 'desc' ? -1 : 1;
        const list = (repo.milestones ?? [])
          .filter((m) => want === 'all' || (m.state ?? 'open') === want)
          .sort((a, b) => dir * (a.number - b.number));
        const page = paginate(list, reqUrl);
        return { status: 200, body: page.items.map((m) => render.milestone(urls, repo, m, viewer)), link: page.link };
      }
      case 'issues/list-for-repo': {
        const want = q.get('state') ?? 'open';
        const milestone = q.get('milestone');
        if (
          milestone &&
          milestone !== '*' &&
          milestone !== 'none' &&
          !repo.milestones?.some((m) => String(m.number) === milestone)
        ) {
          // GitHub's answer for a milestone number that is not there (or a title passed instead)
          throw validationFailed([{ value: milestone, resource: 'Issue', field: 'milestone', code: 'invalid' }]);
        }
        const labels = (q.get('labels') ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const creator = q.get('creator');
        const list = sortItems(
          items(repo).filter(
            (i) =>
              (want === 'all' || (i.state ?? 'open') === want) &&
              (!milestone ||
                (milestone === '*'
                  ? i.milestone != null
                  : milestone === 'none'
                    ? i.milestone == null
                    : String(i.milestone) === milestone)) &&
              labels.every((l) => i.labels?.includes(l)) &&
              (!creator || (i.user ?? viewer).toLowerCase() === creator.toLowerCase()),
          ),
          q,
        );
        const page = paginate(list, reqUrl);
        return { status: 200, body: page.items.map((i) => render.issue(urls, repo, i, viewer)), link: page.link };
      }
      case 'issues/create': {
        // the schema lets a title be a number; GitHub stores it as text
        if (typeof b['title'] === 'number') b['title'] = String(b['title']);
        if (typeof b['title'] !== 'string' || !b['title']) {
          throw validationFailed([{ resource: 'Issue', field: 'title', code: 'missing_field' }]);
        }
        const milestone = b['milestone'] == null ? null : Number(b['milestone']);
        if (milestone != null && !repo.milestones?.some((m) => m.number === milestone)) {
          throw validationFailed([{ value: b['milestone'], resource: 'Issue', field: 'milestone', code: 'invalid' }]);
        }
        const labels = Array.isArray(b['labels'])
          ? b['labels'].map((l) => (typeof l === 'string' ? l : String((l as { name?: unknown }).name)))
          : [];
        for (const l of labels) if (!repo.labels?.some((x) => x.name === l)) (repo.labels ??= []).push({ name: l });
        const created: IssueState = {
          number: nextNumber(repo),
          title: b['title'],
          body: typeof b['body'] === 'string' ? b['body'] : null,
          state: 'open',
          user: viewer,
          labels,
          milestone,
          createdAt: now(),
        };
        (repo.issues ??= []).push(created);
        changed();
        return { status: 201, body: render.issue(urls, repo, created, viewer) };
      }
      case 'issues/get': {
        const n = Number(p['issue_number']);
        const hit = items(repo).find((i) => i.number === n);
        if (!hit) throw notFound();
        return { status: 200, body: render.issue(urls, repo, hit, viewer) };
      }
      case 'issues/list-labels-for-repo': {
        const page = paginate(repo.labels ?? [], reqUrl);
        return { status: 200, body: page.items.map((l) => render.label(urls, repo, l)), link: page.link };
      }

      case 'pulls/list': {
        const want = q.get('state') ?? 'open';
        const head = q.get('head');
        const base = q.get('base');
        const list = sortItems(
          (repo.pulls ?? []).filter((pr) => {
            if (want !== 'all' && (pr.state ?? 'open') !== want) return false;
            if (base && (pr.base ?? render.defaultBranch(repo)) !== base) return false;
            if (head) {
              const [owner, branch] = head.includes(':') ? head.split(/:(.*)/s) : [repo.owner, head];
              const prHead = pr.head.includes(':') ? pr.head : `${repo.owner}:${pr.head}`;
              if (prHead.toLowerCase() !== `${owner}:${branch}`.toLowerCase()) return false;
            }
            return true;
          }),
          q,
        );
        const page = paginate(list, reqUrl);
        return {
          status: 200,
          body: page.items.map((pr) => render.pull(urls, repo, pr, viewer, false)),
          link: page.link,
        };
      }
      case 'pulls/create': {
        const missing = ['title', 'head', 'base'].filter((k) => typeof b[k] !== 'string' || !b[k]);
        if (missing.length)
          throw validationFailed(missing.map((field) => ({ resource: 'PullRequest', field, code: 'missing_field' })));
        const head = b['head'] as string;
        const base = b['base'] as string;
        const headOwner = head.includes(':') ? head.slice(0, head.indexOf(':')) : repo.owner;
        const headBranch = head.includes(':') ? head.slice(head.indexOf(':') + 1) : head;
        const errors: Record<string, unknown>[] = [];
        if (git.get(`refs/heads/${base}`) === undefined)
          errors.push({ resource: 'PullRequest', field: 'base', code: 'invalid' });
        if (headOwner.toLowerCase() === repo.owner.toLowerCase() && git.get(`refs/heads/${headBranch}`) === undefined) {
          errors.push({ resource: 'PullRequest', field: 'head', code: 'invalid' });
        }
        if (errors.length) throw validationFailed(errors);
        const key = `${headOwner}:${headBranch}`.toLowerCase();
        if (
          (repo.pulls ?? []).some(
            (pr) =>
              (pr.state ?? 'open') === 'open' &&
              (pr.head.includes(':') ? pr.head : `${repo.owner}:${pr.head}`).toLowerCase() === key &&
              (pr.base ?? render.defaultBranch(repo)) === base,
          )
        ) {
          throw validationFailed([
            {
              resource: 'PullRequest',
              code: 'custom',
              message: `A pull request already exists for ${headOwner}:${headBranch}.`,
            },
          ]);
        }
        const created: PullState = {
          number: nextNumber(repo),
          title: b['title'] as string,
          body: typeof b['body'] === 'string' ? b['body'] : null,
          state: 'open',
          user: viewer,
          head: headOwner.toLowerCase() === repo.owner.toLowerCase() ? headBranch : `${headOwner}:${headBranch}`,
          base,
          draft: b['draft'] === true,
          createdAt: now(),
        };
        (repo.pulls ??= []).push(created);
        changed();
        return { status: 201, body: render.pull(urls, repo, created, viewer, true) };
      }
      case 'pulls/get': {
        const pr = repo.pulls?.find((x) => x.number === Number(p['pull_number']));
        if (!pr) throw notFound();
        return { status: 200, body: render.pull(urls, repo, pr, viewer, true) };
      }
      case 'pulls/update': {
        const pr = repo.pulls?.find((x) => x.number === Number(p['pull_number']));
        if (!pr) throw notFound();
        if (b['state'] !== undefined && b['state'] !== 'open' && b['state'] !== 'closed') {
          throw validationFailed([{ resource: 'PullRequest', field: 'state', code: 'invalid' }]);
        }
        if (typeof b['base'] === 'string' && git.get(`refs/heads/${b['base']}`) === undefined) {
          throw validationFailed([{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
        }
        if (typeof b['title'] === 'string') pr.title = b['title'];
        if (typeof b['body'] === 'string') pr.body = b['body'];
        if (typeof b['base'] === 'string') pr.base = b['base'];
        if (b['state'] === 'closed' && pr.state !== 'closed') pr.closedAt = now();
        if (b['state'] === 'open') pr.closedAt = null;
        if (typeof b['state'] === 'string') pr.state = b['state'] as 'open' | 'closed';
        pr.updatedAt = now();
        changed();
        return { status: 200, body: render.pull(urls, repo, pr, viewer, true) };
      }

      case 'actions/list-workflow-runs-for-repo': {
        const branch = q.get('branch');
        const event = q.get('event');
        const status = q.get('status');
        const headSha = q.get('head_sha');
        const runs = (repo.workflowRuns ?? [])
          .filter(
            (r) =>
              (!branch || r.headBranch === branch) &&
              (!event || (r.event ?? 'schedule') === event) &&
              (!headSha || r.headSha === headSha) &&
              (!status ||
                (r.status ?? 'completed') === status ||
                ((r.status ?? 'completed') === 'completed' && (r.conclusion ?? 'success') === status)),
          )
          .sort(
            (a, b) => Date.parse(b.createdAt ?? render.EPOCH) - Date.parse(a.createdAt ?? render.EPOCH) || b.id - a.id,
          );
        const page = paginate(runs, reqUrl);
        return {
          status: 200,
          body: { total_count: runs.length, workflow_runs: page.items.map((r) => render.workflowRun(urls, repo, r)) },
          link: page.link,
        };
      }
      case 'actions/get-workflow-run': {
        const run = repo.workflowRuns?.find((r) => r.id === Number(p['run_id']));
        if (!run) throw notFound();
        return { status: 200, body: render.workflowRun(urls, repo, run) };
      }
      case 'actions/list-jobs-for-workflow-run': {
        const run = repo.workflowRuns?.find((r) => r.id === Number(p['run_id']));
        if (!run) throw notFound();
        const jobs = (run.jobs ?? []).map((j, i) => render.job(urls, repo, run, j, i));
        const page = paginate(jobs, reqUrl);
        return { status: 200, body: { total_count: jobs.length, jobs: page.items }, link: page.link };
      }
      default:
        throw notFound();
    }
  }

  const tokenOf = (auth: string | undefined): string | undefined => /^(?:token|bearer)\s+(\S+)$/i.exec(auth ?? '')?.[1];
  const acceptedToken = (token: string | undefined): boolean =>
    token !== undefined &&
    (!state.tokens?.length || state.tokens.includes(token) || !!state.readOnlyTokens?.includes(token));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const reqUrl = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    // GHES serves REST under /api/v3 and GraphQL at /api/graphql.
    let pathname = reqUrl.pathname.replace(/^\/api\/v3(?=\/)/, '').replace(/^\/api\/graphql$/, '/graphql');
    pathname = pathname.replace(/\/{2,}/g, '/');
    const shownUrl = pathname + reqUrl.search;
    const record: RecordedRequest = {
      method,
      url: shownUrl,
      status: 0,
      authenticated: req.headers.authorization !== undefined,
    };
    requests.push(record);
    remaining = Math.max(1, remaining - 1);
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'x-github-api-version-selected': '2022-11-28',
      'x-github-request-id': `STANDIN:${requests.length}`,
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-used': String(5000 - remaining),
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-resource': pathname === '/graphql' ? 'graphql' : 'core',
    };
    // a fault with `lostResponse` lets the request take effect and replaces only the answer
    let lost: FaultSpec | undefined;
    const send = (status: number, body: unknown, extra: Record<string, string> = {}) => {
      if (lost) {
        [status, body, extra] = [
          lost.status,
          errorBody(lost.status, lost.message ?? defaultFaultMessage(lost)),
          lost.headers ?? {},
        ];
      }
      record.status = status;
      res.writeHead(status, { ...headers, ...extra });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };

    let op: MatchedOperation | undefined;
    try {
      const body = await readBody(req);
      if (method !== 'GET' && body !== undefined) record.body = body;
      const fault = faults.find((f) => (f.times ?? 1) > 0 && faultMatches(f, method, shownUrl));
      if (fault) {
        if (fault.times !== undefined) fault.times -= 1;
        else fault.times = 0;
        if (fault.lostResponse) lost = fault;
      }
      if (fault && !lost) {
        send(fault.status, errorBody(fault.status, fault.message ?? defaultFaultMessage(fault)), fault.headers ?? {});
        return;
      }
      const token = tokenOf(req.headers.authorization);
      if (!acceptedToken(token)) throw new HttpError(401, 'Bad credentials');
      const readOnly = token !== undefined && !!state.readOnlyTokens?.includes(token);

      if (pathname === '/graphql' && method === 'POST') {
        const gql = body as GraphQLRequest | undefined;
        if (!gql || typeof gql.query !== 'string')
          throw new HttpError(400, 'A query attribute must be specified and must be a string.');
        send(200, await executeGraphQL(state, urls, viewer, gql));
        return;
      }
      const raw = /^\/raw\/([^/]+)\/([^/]+)\/(.+)$/.exec(pathname);
      if (raw && method === 'GET') {
        const repo = findRepo(raw[1]!, raw[2]!);
        // ref names may hold slashes: take the longest ref that leaves a file behind it
        const parts = raw[3]!.split('/');
        for (let i = parts.length - 1; i >= 1; i--) {
          const content = gitDataOf(repo).content(parts.slice(0, i).join('/'), parts.slice(i).join('/'));
          if (content.kind === 'file') {
            const text = content.text;
            record.status = 200;
            res.writeHead(200, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
            res.end(text);
            return;
          }
        }
        throw notFound();
      }

      op = matchOperation(method, pathname);
      if (!op) throw notFound();
      record.operationId = op.operationId;
      if (readOnly && method !== 'GET') throw new HttpError(403, 'Resource not accessible by integration');
      if (method !== 'GET') {
        const invalid = validateRequest(op, body);
        if (invalid.length) throw new HttpError(422, `Invalid request.\n\n${invalid.join('\n')}`);
      }
      const handled = await route(op, reqUrl, body);
      respond(op, handled.status, handled.body, handled.link ? { link: handled.link } : {});
    } catch (e) {
      if (e instanceof HttpError) {
        respond(op, e.status, errorBody(e.status, e.message, e.extra), e.headers);
      } else {
        send(500, errorBody(500, `stand-in error: ${e instanceof Error ? e.message : String(e)}`));
      }
    }

    function respond(
      matched: MatchedOperation | undefined,
      status: number,
      body: unknown,
      extra: Record<string, string>,
    ) {
      const ctx: ResponseContext = {
        method,
        path: pathname,
        status,
        ...(matched ? { operationId: matched.operationId } : {}),
      };
      const out = options.transformResponse ? options.transformResponse(ctx, body) : body;
      if (validate && matched) {
        const { checked, errors } = validateResponse(matched, status, out);
        record.validated = checked;
        if (errors.length) {
          violations.push({ operationId: matched.operationId, method, path: shownUrl, status, errors });
          extra = { ...extra, 'x-stand-in-schema-violations': String(errors.length) };
        }
      }
      send(status, out, extra);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify(errorBody(500, `stand-in error: ${e instanceof Error ? e.message : String(e)}`)));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  urls.api = url;

  return {
    url,
    state,
    requests,
    get violations() {
      return violations;
    },
    injectFault(fault: FaultSpec) {
      faults.push({ ...fault });
    },
    clearFaults() {
      faults.length = 0;
    },
    takeViolations() {
      const taken = violations;
      violations = [];
      return taken;
    },
    save,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (violations.length) throw new SchemaViolationError(violations);
    },
  };
}
