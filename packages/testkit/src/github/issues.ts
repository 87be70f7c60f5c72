/**
 * Issue search (`GET /search/issues`) and issue edits (`PATCH /repos/{owner}/{repo}/issues/{n}`) for the
 * GitHub stand-in.
 *
 * Search is modelled on what makes GitHub's search awkward to rely on: terms match words, not exact
 * strings (a quoted phrase matches any title that contains it, case and punctuation ignored), and its
 * index lags behind writes (`searchIndexLagMs`: an issue created through the API is not found until
 * then). Qualifiers the stand-in does not know are refused with 422, so a test cannot pass on a query
 * that was silently half-understood.
 */
import { HttpError, notFound, paginate, validationFailed, type Handled } from './server.js';
import * as render from './objects.js';
import type { IssueState, PullState, RepoState, StateFile } from './state.js';

export interface IssueRoutesContext {
  state: StateFile;
  urls: render.Urls;
  viewer: string;
  findRepo(owner: string, name: string): RepoState;
  changed(): void;
  now(): string;
  /** How long an issue created through the API stays out of search results. */
  searchIndexLagMs: number;
}

export type Route = (params: Record<string, string>, reqUrl: URL, body: Record<string, unknown>) => Promise<Handled>;

interface Query {
  repos: string[];
  type?: 'issue' | 'pr';
  state?: 'open' | 'closed';
  inTitle: boolean;
  inBody: boolean;
  labels: string[];
  author?: string;
  /** each term as its word sequence (a quoted phrase is one term) */
  terms: string[][];
}

const words = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

function containsSequence(haystack: string[], needle: string[]): boolean {
  if (needle.length === 0) return true;
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (needle.every((w, j) => haystack[i + j] === w)) return true;
  }
  return false;
}

function unsupported(token: string): HttpError {
  return validationFailed(
    [{ resource: 'Search', field: 'q', code: 'invalid', message: `the stand-in does not understand "${token}"` }],
    'Validation Failed',
  );
}

/** `repo:o/r is:issue in:title "a phrase" label:"x y" word` -> a Query. */
export function parseSearchQuery(q: string): Query {
  const query: Query = { repos: [], inTitle: false, inBody: false, labels: [], terms: [] };
  const tokens = q.match(/(?:[\w-]+:)?"[^"]*"|\S+/g) ?? [];
  for (const token of tokens) {
    const m = /^([\w-]+):(.*)$/s.exec(token);
    if (!m) {
      const phrase = words(token.replace(/^"|"$/g, ''));
      if (phrase.length) query.terms.push(phrase);
      continue;
    }
    const key = m[1]!.toLowerCase();
    const value = m[2]!.replace(/^"|"$/g, '');
    const lower = value.toLowerCase();
    if (key === 'repo') query.repos.push(lower);
    else if ((key === 'is' || key === 'type') && (lower === 'issue' || lower === 'pr' || lower === 'pull-request'))
      query.type = lower === 'issue' ? 'issue' : 'pr';
    else if ((key === 'is' || key === 'state') && (lower === 'open' || lower === 'closed')) query.state = lower;
    else if (key === 'in' && lower.split(',').every((f) => f === 'title' || f === 'body')) {
      query.inTitle ||= lower.includes('title');
      query.inBody ||= lower.includes('body');
    } else if (key === 'label') query.labels.push(value);
    else if (key === 'author') query.author = lower;
    else throw unsupported(token);
  }
  if (!query.inTitle && !query.inBody) query.inTitle = query.inBody = true;
  return query;
}

export function issueRoutes(ctx: IssueRoutesContext): Record<string, Route> {
  const indexed = (item: IssueState): boolean =>
    ctx.searchIndexLagMs <= 0 || !item.createdAt || Date.parse(item.createdAt) <= Date.now() - ctx.searchIndexLagMs;

  const matches = (query: Query, item: IssueState | PullState): boolean => {
    const isPull = 'head' in item;
    if (query.type && (query.type === 'pr') !== isPull) return false;
    if (query.state && (item.state ?? 'open') !== query.state) return false;
    if (query.author && (item.user ?? ctx.viewer).toLowerCase() !== query.author) return false;
    if (!query.labels.every((l) => item.labels?.some((x) => x.toLowerCase() === l.toLowerCase()))) return false;
    const title = query.inTitle ? words(item.title) : [];
    const body = query.inBody ? words(item.body ?? '') : [];
    return query.terms.every((t) => containsSequence(title, t) || containsSequence(body, t));
  };

  const searchItem = (repo: RepoState, item: IssueState): Record<string, unknown> => {
    const { body, ...rest } = render.issue(ctx.urls, repo, item, ctx.viewer);
    // the search schema has no null body: an empty one is left out
    return { ...rest, ...(body == null ? {} : { body }), score: 1 };
  };

  const searchIssues: Route = async (_params, reqUrl) => {
    const q = reqUrl.searchParams.get('q') ?? '';
    if (!q.trim()) throw validationFailed([{ resource: 'Search', field: 'q', code: 'missing' }]);
    if (q.length > 256) throw validationFailed([{ message: 'The search is longer than 256 characters.' }]);
    const query = parseSearchQuery(q);
    if (!query.type) {
      // GitHub refuses issue searches that do not say whether they want issues or pull requests.
      throw validationFailed([
        {
          message: 'Query must include "is:issue" or "is:pull-request"',
          resource: 'Search',
          field: 'q',
          code: 'invalid',
        },
      ]);
    }
    const repos = query.repos.length
      ? ctx.state.repos.filter((r) => query.repos.includes(`${r.owner}/${r.name}`.toLowerCase()))
      : ctx.state.repos;
    const found = repos.flatMap((repo) =>
      [...(repo.issues ?? []), ...(repo.pulls ?? [])]
        .filter((item) => indexed(item) && matches(query, item))
        .map((item) => ({ repo, item })),
    );
    const sort = reqUrl.searchParams.get('sort');
    const dir = reqUrl.searchParams.get('order') === 'asc' ? 1 : -1;
    const time = (i: IssueState) =>
      Date.parse(
        (sort === 'updated' ? i.updatedAt : undefined) ??
          i.createdAt ??
          new Date(Date.parse(render.EPOCH) + i.number * 60_000).toISOString(),
      );
    if (sort === 'created' || sort === 'updated') found.sort((a, b) => dir * (time(a.item) - time(b.item)));
    const page = paginate(found, reqUrl);
    return {
      status: 200,
      body: {
        total_count: found.length,
        incomplete_results: false,
        items: page.items.map(({ repo, item }) => searchItem(repo, item)),
        search_type: 'lexical',
      },
      link: page.link,
    };
  };

  const updateIssue: Route = async (params, _reqUrl, b) => {
    const repo = ctx.findRepo(params['owner']!, params['repo']!);
    const n = Number(params['issue_number']);
    const item = [...(repo.issues ?? []), ...(repo.pulls ?? [])].find((i) => i.number === n);
    if (!item) throw notFound();
    if (b['state'] !== undefined && b['state'] !== 'open' && b['state'] !== 'closed') {
      throw validationFailed([{ resource: 'Issue', field: 'state', code: 'invalid' }]);
    }
    if (typeof b['title'] === 'string' || typeof b['title'] === 'number') item.title = String(b['title']);
    if (typeof b['body'] === 'string' || b['body'] === null) item.body = b['body'] as string | null;
    if (Array.isArray(b['labels'])) {
      item.labels = b['labels'].map((l) => (typeof l === 'string' ? l : String((l as { name?: unknown }).name)));
      for (const l of item.labels) if (!repo.labels?.some((x) => x.name === l)) (repo.labels ??= []).push({ name: l });
    }
    if (b['state'] === 'closed' && item.state !== 'closed') item.closedAt = ctx.now();
    if (b['state'] === 'open') item.closedAt = null;
    if (typeof b['state'] === 'string') item.state = b['state'] as 'open' | 'closed';
    item.updatedAt = ctx.now();
    ctx.changed();
    return { status: 200, body: render.issue(ctx.urls, repo, item, ctx.viewer) };
  };

  return {
    'search/issues-and-pull-requests': searchIssues,
    'issues/update': updateIssue,
  };
}
