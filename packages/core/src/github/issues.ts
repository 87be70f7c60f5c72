/**
 * Issues found by their exact title, created once, and edited in place: what makes "open the Colab
 * issue" or "open the release tracker" safe to run again.
 *
 * Finding an issue by title uses two reads, because neither is enough alone:
 * - the search API (`repo:o/r is:issue in:title "..."`) covers the whole history, open and closed, in one
 *   or a few requests, where listing every issue of pytorch/pytorch would take over a thousand; but its
 *   terms match words, not strings (results are filtered here to the exact title), and its index lags
 *   behind writes by seconds to minutes;
 * - so the newest issues are also listed (one page, newest first), which is where an issue that this or a
 *   previous run created moments ago is, before search can see it.
 */
import { ConfigurationError } from '../runtime/errors.js';
import type { GitHubClient } from './client.js';
import { fullName, type RepositoryRef } from './repository.js';

export interface IssueRef {
  number: number;
  /** the issue's page, e.g. https://github.com/googlecolab/colabtools/issues/4879 */
  url: string;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  createdAt: string;
}

export interface NewIssue {
  title: string;
  body: string;
  labels?: string[];
}

export interface SearchOptions {
  state?: 'open' | 'closed';
  /** At most this many results are read (search never returns more than 1,000). */
  limit?: number;
}

/** How many of the newest issues are read to cover the search index's lag. */
const NEWEST_WINDOW = 100;
/** GitHub refuses longer search queries. */
const MAX_QUERY_LENGTH = 256;
/** A create whose answer was lost is looked up and tried again at most this many times. */
const CREATE_ATTEMPTS = 3;

type ApiIssue = {
  number: number;
  html_url: string;
  title: string;
  body?: string | null;
  state: string;
  labels: Array<string | { name?: string }>;
  created_at: string;
  pull_request?: unknown;
};

function toIssueRef(i: ApiIssue): IssueRef {
  return {
    number: i.number,
    url: i.html_url,
    title: i.title,
    body: i.body ?? '',
    state: i.state === 'closed' ? 'closed' : 'open',
    labels: i.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
    createdAt: i.created_at,
  };
}

/** GitHub trims titles it stores; two titles are the same when they are equal after that. */
export function sameTitle(a: string, b: string): boolean {
  return a.trim() === b.trim();
}

function statusOf(e: unknown): number | undefined {
  const status = (e as { status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * A 403 or 404 from a repository the token cannot reach, as one line that says which token is needed
 * (GitHub answers 404 rather than 403 for what a token may not even see). Anything else is returned as is.
 */
export function explainAccessError(e: unknown, repo: RepositoryRef, need: string): unknown {
  const status = statusOf(e);
  if (status !== 403 && status !== 404) return e;
  const message = (e as { response?: { data?: { message?: string } } }).response?.data?.message ?? '';
  return new ConfigurationError(
    `GitHub answered ${status}${message ? ` (${message})` : ''} for ${fullName(repo)}: github-token needs ${need}`,
  );
}

/** A search query for a phrase in titles, cut at a word boundary to fit GitHub's query length limit. */
export function titleQuery(repo: RepositoryRef, phrase: string, qualifiers = ''): string {
  const head = `repo:${fullName(repo)} is:issue ${qualifiers ? `${qualifiers} ` : ''}in:title `;
  const words = phrase.replace(/"/g, ' ').split(/\s+/).filter(Boolean);
  while (words.length > 1 && head.length + words.join(' ').length + 2 > MAX_QUERY_LENGTH) words.pop();
  return `${head}"${words.join(' ')}"`;
}

/** Issues (never pull requests) whose title contains `phrase` as words, newest first. */
export async function searchIssueTitles(
  client: GitHubClient,
  repo: RepositoryRef,
  phrase: string,
  opts: SearchOptions = {},
): Promise<IssueRef[]> {
  const q = titleQuery(repo, phrase, opts.state ? `is:${opts.state}` : '');
  const limit = opts.limit ?? 1000;
  const perPage = Math.min(100, limit);
  const found: IssueRef[] = [];
  // paged by hand: Octokit's paginator takes the first key after total_count for the items, and newer
  // search answers carry other keys (search_type) that may come first
  for (let page = 1; found.length < limit; page++) {
    const { data } = await client.rest.search.issuesAndPullRequests({
      q,
      sort: 'created',
      order: 'desc',
      per_page: perPage,
      page,
    });
    for (const item of data.items as ApiIssue[]) if (!item.pull_request) found.push(toIssueRef(item));
    if (data.items.length < perPage || page * perPage >= Math.min(data.total_count, 1000)) break;
  }
  return found.slice(0, limit);
}

async function newestIssues(client: GitHubClient, repo: RepositoryRef): Promise<IssueRef[]> {
  const { data } = await client.rest.issues.listForRepo({
    ...repo,
    state: 'all',
    sort: 'created',
    direction: 'desc',
    per_page: NEWEST_WINDOW,
  });
  return (data as ApiIssue[]).filter((i) => !i.pull_request).map(toIssueRef);
}

/** Every issue, open or closed, whose title is exactly `title`, oldest first. */
export async function findIssuesByTitle(client: GitHubClient, repo: RepositoryRef, title: string): Promise<IssueRef[]> {
  const [searched, newest] = await Promise.all([searchIssueTitles(client, repo, title), newestIssues(client, repo)]);
  const byNumber = new Map<number, IssueRef>();
  for (const issue of [...searched, ...newest]) if (sameTitle(issue.title, title)) byNumber.set(issue.number, issue);
  return [...byNumber.values()].sort((a, b) => a.number - b.number);
}

/** The issue with exactly this title (the oldest, if several), open or closed. */
export async function findIssueByTitle(
  client: GitHubClient,
  repo: RepositoryRef,
  title: string,
): Promise<IssueRef | undefined> {
  return (await findIssuesByTitle(client, repo, title))[0];
}

function isLostAnswer(e: unknown): boolean {
  const status = statusOf(e);
  // no status: the connection failed; 5xx: GitHub may have created the issue and failed to say so
  return status === undefined || status >= 500;
}

/**
 * Opens the issue unless one with the same title exists. The create is never retried blindly: after
 * an answer that may have been lost (a 5xx or a dropped connection), the issue is looked up first.
 */
export async function createIssueOnce(
  client: GitHubClient,
  repo: RepositoryRef,
  issue: NewIssue,
): Promise<{ issue: IssueRef; created: boolean }> {
  const existing = await findIssueByTitle(client, repo, issue.title);
  if (existing) return { issue: existing, created: false };
  for (let attempt = 1; ; attempt++) {
    try {
      const { data } = await client.rest.issues.create({
        ...repo,
        title: issue.title,
        body: issue.body,
        ...(issue.labels?.length ? { labels: issue.labels } : {}),
        // the client's own retry would repeat a create whose answer was lost
        request: { retries: 0 },
      });
      return { issue: await verifiedIssue(client, repo, (data as ApiIssue).number, issue), created: true };
    } catch (e) {
      if (!isLostAnswer(e) || attempt >= CREATE_ATTEMPTS) throw e;
      const landed = await findIssueByTitle(client, repo, issue.title);
      if (landed) return { issue: landed, created: true };
    }
  }
}

/** Replaces an issue's body; the issue is read back to check that the body is the one sent. */
export async function editIssueBody(
  client: GitHubClient,
  repo: RepositoryRef,
  number: number,
  body: string,
): Promise<IssueRef> {
  await client.rest.issues.update({ ...repo, issue_number: number, body });
  return verifiedIssue(client, repo, number, { body });
}

async function verifiedIssue(
  client: GitHubClient,
  repo: RepositoryRef,
  number: number,
  want: Partial<NewIssue>,
): Promise<IssueRef> {
  const { data } = await client.rest.issues.get({ ...repo, issue_number: number });
  const issue = toIssueRef(data as ApiIssue);
  if (want.title !== undefined && !sameTitle(issue.title, want.title))
    throw new Error(`${fullName(repo)}#${number} reads back with title "${issue.title}", not "${want.title}"`);
  if (want.body !== undefined && issue.body !== want.body)
    throw new Error(`${fullName(repo)}#${number} reads back with a body other than the one sent`);
  return issue;
}

/** What a run does about an issue that should read `wanted`: open it, rewrite its body, or nothing. */
export function issueAction(existing: IssueRef | undefined, wanted: NewIssue): 'create' | 'update' | 'skip' {
  if (!existing) return 'create';
  return existing.body === wanted.body ? 'skip' : 'update';
}
