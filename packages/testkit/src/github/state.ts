/**
 * The GitHub stand-in's world, as written in a JSON state file (see packages/testkit/README.md).
 * Everything optional gets a sensible default when the state is loaded, so a scenario only spells out
 * what it is about.
 */
import { readFileSync } from 'node:fs';

export interface StateFile {
  /** Tokens the server accepts. Absent or empty: any non-empty token is accepted. */
  tokens?: string[];
  /**
   * Tokens that may read but not write (like a GITHUB_TOKEN without `contents: write`): their REST
   * writes get 403 `Resource not accessible by integration`. They are accepted for reads even when
   * `tokens` does not list them.
   */
  readOnlyTokens?: string[];
  /** The login that owns the accepted token(s); it opens the PRs and issues created through the API. */
  viewer?: string;
  repos: RepoState[];
  /** Faults armed from the start (see FaultSpec). */
  faults?: FaultSpec[];
}

export interface RepoState {
  owner: string;
  name: string;
  id?: number;
  defaultBranch?: string;
  private?: boolean;
  description?: string | null;
  /**
   * A bare git repository that holds this repository's refs, history and files (what an action pushes
   * there, the API sees). When set, `branches`, `tags`, `commits` and `files` are not used.
   */
  gitDir?: string;
  /** branch name -> commit sha */
  branches?: Record<string, string>;
  /** tag name -> commit sha (lightweight tags) */
  tags?: Record<string, string>;
  commits?: CommitState[];
  /** ref (branch, tag or commit sha) -> path -> file text */
  files?: Record<string, Record<string, string>>;
  labels?: LabelState[];
  milestones?: MilestoneState[];
  issues?: IssueState[];
  pulls?: PullState[];
  workflowRuns?: WorkflowRunState[];
}

export interface CommitState {
  sha: string;
  message: string;
  parents?: string[];
  author?: string;
  email?: string;
  date?: string;
}

export interface LabelState {
  name: string;
  color?: string;
  description?: string | null;
  id?: number;
}

export interface MilestoneState {
  number: number;
  title: string;
  state?: 'open' | 'closed';
  description?: string | null;
  dueOn?: string | null;
  createdAt?: string;
  closedAt?: string | null;
  id?: number;
}

/** Fields shared by issues and pull requests (they share one number space, as on GitHub). */
interface ItemState {
  number: number;
  title: string;
  state?: 'open' | 'closed';
  body?: string | null;
  /** login of the author (default: the viewer) */
  user?: string;
  labels?: string[];
  /** milestone number */
  milestone?: number | null;
  createdAt?: string;
  updatedAt?: string;
  closedAt?: string | null;
  id?: number;
  /** Fields merged over the generated JSON object as-is (for odd cases, or to break a response on purpose). */
  raw?: Record<string, unknown>;
}

export type IssueState = ItemState;

export interface PullState extends ItemState {
  /** head branch (`branch`, or `owner:branch` for a fork) */
  head: string;
  /** base branch (default: the repository's default branch) */
  base?: string;
  headSha?: string;
  draft?: boolean;
  merged?: boolean;
  mergedAt?: string | null;
  mergeCommitSha?: string | null;
}

export interface WorkflowRunState {
  id: number;
  /** workflow name, e.g. "nightly" */
  name: string;
  /** workflow file (default .github/workflows/<name>.yml) */
  path?: string;
  workflowId?: number;
  event?: string;
  headBranch: string;
  headSha: string;
  /** first line is used as the run's display title (default: the workflow name) */
  title?: string;
  status?: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
  conclusion?: 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required' | null;
  runNumber?: number;
  runAttempt?: number;
  createdAt?: string;
  updatedAt?: string;
  jobs?: JobState[];
}

export interface JobState {
  id?: number;
  name: string;
  status?: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
  conclusion?: 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required' | null;
  startedAt?: string;
  completedAt?: string | null;
  labels?: string[];
  runnerName?: string | null;
}

/**
 * A fault: the next `times` (default 1) requests whose method and path match get `status` with
 * `headers` and a GitHub-shaped error body instead of their normal answer. `path` is a substring of the
 * request path with its query (or a RegExp, in code); `pathPattern` is a regular expression source (in JSON).
 */
export interface FaultSpec {
  method?: string;
  path?: string | RegExp;
  pathPattern?: string;
  status: number;
  times?: number;
  headers?: Record<string, string>;
  message?: string;
  /** The request takes effect, but its answer is replaced by the fault's (a response lost on the way back). */
  lostResponse?: boolean;
}

export class StateError extends Error {
  override readonly name = 'StateError';
}

export function readStateFile(file: string): StateFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new StateError(`GitHub state file ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return checkState(parsed, file);
}

/** Structural checks with messages that point at the entry at fault. */
export function checkState(value: unknown, where = 'state'): StateFile {
  const fail = (msg: string): never => {
    throw new StateError(`GitHub ${where}: ${msg}`);
  };
  if (typeof value !== 'object' || value === null || !Array.isArray((value as StateFile).repos)) {
    fail('expected an object with a "repos" array');
  }
  const state = value as StateFile;
  const seen = new Set<string>();
  state.repos.forEach((repo, i) => {
    if (!repo || typeof repo.owner !== 'string' || typeof repo.name !== 'string')
      fail(`repos[${i}] needs "owner" and "name"`);
    const full = `${repo.owner}/${repo.name}`.toLowerCase();
    if (seen.has(full)) fail(`repository ${full} appears twice`);
    seen.add(full);
    const numbers = new Map<number, string>();
    for (const [kind, items] of [
      ['issues', repo.issues ?? []],
      ['pulls', repo.pulls ?? []],
    ] as const) {
      items.forEach((item, j) => {
        if (!Number.isInteger(item.number) || item.number < 1)
          fail(`${full} ${kind}[${j}] needs a positive integer "number"`);
        if (typeof item.title !== 'string') fail(`${full} ${kind}[${j}] (#${item.number}) needs a "title"`);
        const other = numbers.get(item.number);
        if (other)
          fail(`${full} #${item.number} is used by both ${other} and ${kind} (issues and pulls share numbers)`);
        numbers.set(item.number, kind);
      });
    }
    (repo.pulls ?? []).forEach((p) => {
      if (typeof p.head !== 'string' || !p.head) fail(`${full} pull #${p.number} needs a "head" branch`);
    });
    const milestones = new Set<number>();
    (repo.milestones ?? []).forEach((m, j) => {
      if (!Number.isInteger(m.number) || typeof m.title !== 'string')
        fail(`${full} milestones[${j}] needs "number" and "title"`);
      if (milestones.has(m.number)) fail(`${full} milestone ${m.number} appears twice`);
      milestones.add(m.number);
    });
    for (const item of [...(repo.issues ?? []), ...(repo.pulls ?? [])]) {
      if (item.milestone != null && !milestones.has(item.milestone)) {
        fail(`${full} #${item.number} names milestone ${item.milestone}, which is not in "milestones"`);
      }
    }
    const runIds = new Set<number>();
    (repo.workflowRuns ?? []).forEach((r, j) => {
      if (
        !Number.isInteger(r.id) ||
        typeof r.name !== 'string' ||
        typeof r.headBranch !== 'string' ||
        typeof r.headSha !== 'string'
      ) {
        fail(`${full} workflowRuns[${j}] needs "id", "name", "headBranch" and "headSha"`);
      }
      if (runIds.has(r.id)) fail(`${full} workflow run ${r.id} appears twice`);
      runIds.add(r.id);
    });
  });
  return state;
}
