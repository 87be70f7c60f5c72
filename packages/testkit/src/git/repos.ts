import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isPinnedPath, releaseEdits } from '@release-actions/core/release/pins';
import { BASE_TIME, FastImportWriter, MERGE_BOT, type CommitSpec, type Person } from './fast-import.js';
import {
  AREAS,
  CORE_ACTIONS,
  CORE_OTHER_FILES,
  CORE_WORKFLOWS,
  DOMAIN_OTHER_FILES,
  DOMAIN_WORKFLOWS,
  FILES_TOUCHED,
  REVIEWERS,
  SUBJECTS,
} from './fixtures.js';

/**
 * Bare repositories shaped like the real ones, for tests and the rehearsal: pytorch/pytorch (a
 * `viable/strict` behind `main`, merge-bot history, workflows pinned to test-infra `@main`) and a
 * domain library (cut from `main`). Served over file://, with partial-clone filters allowed as GitHub
 * allows them.
 */

export interface GitRepo {
  /** The bare repository's directory. */
  path: string;
  /** file:// URL to clone, fetch and push with. */
  url: string;
  /** `owner/name` it stands for. */
  name: string;
}

export interface LandedPr {
  number: number;
  title: string;
  sha: string;
  /** Issues the commit says it fixes (`Fixes #N`). */
  fixes: number[];
}

export interface PrSpec {
  number: number;
  /** Title without the `(#N)` suffix, which is added. */
  title: string;
  body?: string;
  fixes?: number[];
  files?: Record<string, string | null>;
  author?: Person;
}

export interface CoreRepo extends GitRepo {
  main: string;
  viableStrict: string;
  /** Pull requests landed on main, oldest first. */
  prs: LandedPr[];
}

export interface CoreRepoOptions {
  /** Merge-bot commits on main after the initial import (default 24). */
  commits?: number;
  /** How many commits `viable/strict` is behind `main` (default 3). */
  behind?: number;
  version?: string;
  /** First pull-request number (default 140000). */
  firstPr?: number;
  name?: string;
}

export interface DomainRepoOptions {
  commits?: number;
  version?: string;
  firstPr?: number;
  name?: string;
}

export interface DomainRepo extends GitRepo {
  main: string;
  prs: LandedPr[];
}

/** git in `cwd` as the merge bot, with no system configuration. */
export function git(cwd: string, args: string[], input?: string): string {
  return execFileSync('git', args, {
    cwd,
    input,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: MERGE_BOT.name,
      GIT_AUTHOR_EMAIL: MERGE_BOT.email,
      GIT_COMMITTER_NAME: MERGE_BOT.name,
      GIT_COMMITTER_EMAIL: MERGE_BOT.email,
      GIT_CONFIG_NOSYSTEM: '1',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  }).trim();
}

/** An empty bare repository configured like GitHub's side: filters and fetch-by-sha allowed, HEAD on `main`. */
export function initBareRepo(dir: string, name: string): GitRepo {
  const path = resolve(dir);
  mkdirSync(path, { recursive: true });
  git(path, ['init', '-q', '--bare', '--initial-branch=main']);
  git(path, ['config', 'uploadpack.allowFilter', 'true']);
  git(path, ['config', 'uploadpack.allowAnySHA1InWant', 'true']);
  git(path, ['config', 'receive.denyNonFastForwards', 'true']);
  return { path, url: pathToFileURL(path).href, name };
}

/** The message the merge bot writes: title `(#N)`, body, `Pull Request resolved:` and `Approved by:`. */
export function mergeBotMessage(repo: string, pr: PrSpec): string {
  const reviewer = REVIEWERS[pr.number % REVIEWERS.length];
  const lines = [`${pr.title} (#${pr.number})`, ''];
  lines.push(pr.body ?? `${pr.title}.`, '');
  for (const issue of pr.fixes ?? []) lines.push(`Fixes #${issue}`);
  if (pr.fixes?.length) lines.push('');
  lines.push(`Pull Request resolved: https://github.com/${repo}/pull/${pr.number}`);
  lines.push(`Approved by: https://github.com/${reviewer}`);
  return lines.join('\n') + '\n';
}

/** Generated pull requests: an area-tagged title, one source file changed, now and then a `Fixes #N`. */
export function generatedPrs(first: number, count: number): PrSpec[] {
  return Array.from({ length: count }, (_, i) => {
    const number = first + i * 7;
    const file = FILES_TOUCHED[i % FILES_TOUCHED.length]!;
    return {
      number,
      title: `[${AREAS[i % AREAS.length]}] ${SUBJECTS[i % SUBJECTS.length]}`,
      fixes: i % 5 === 2 ? [number - 3] : [],
      files: { [file]: `# change from pull request ${number}\n`.repeat(1 + (i % 4)) + `value = ${i}\n` },
    };
  });
}

/**
 * Lands pull requests on `branch` the way the merge bot does (one commit each, no merge commits) and
 * moves the branch. Returns the commits, oldest first.
 */
export async function landPullRequests(repo: GitRepo, branch: string, prs: PrSpec[]): Promise<LandedPr[]> {
  const parent = git(repo.path, ['rev-parse', '--verify', `refs/heads/${branch}`]);
  const time = Number(git(repo.path, ['log', '-1', '--format=%ct', parent]));
  const w = new FastImportWriter(repo.path);
  let from: string = parent;
  const marks: string[] = [];
  prs.forEach((pr, i) => {
    const spec: CommitSpec = {
      message: mergeBotMessage(repo.name, pr),
      files: pr.files,
      author: pr.author,
      committer: MERGE_BOT,
      time: time + 60 * (i + 1),
    };
    from = w.commit(`refs/heads/${branch}`, from, spec);
    marks.push(from);
  });
  const shas = await w.finish();
  return prs.map((pr, i) => ({
    number: pr.number,
    title: `${pr.title} (#${pr.number})`,
    sha: shas.get(marks[i]!)!,
    fixes: pr.fixes ?? [],
  }));
}

/**
 * pytorch/pytorch in miniature: an initial import with workflows, actions, pins and `version.txt`,
 * then merge-bot commits on `main`; `viable/strict` a few commits behind.
 */
export async function buildCoreRepo(dir: string, opts: CoreRepoOptions = {}): Promise<CoreRepo> {
  const name = opts.name ?? 'pytorch/pytorch';
  const repo = initBareRepo(dir, name);
  const count = opts.commits ?? 24;
  const behind = Math.min(opts.behind ?? 3, count);
  const w = new FastImportWriter(repo.path);
  const root = w.commit('refs/heads/main', undefined, {
    message: 'Initial import\n',
    time: BASE_TIME,
    files: { ...CORE_WORKFLOWS, ...CORE_ACTIONS, ...CORE_OTHER_FILES, 'version.txt': `${opts.version ?? '2.6.0a0'}\n` },
  });
  const rootSha = (await w.finish()).get(root)!;
  const prs = await landPullRequests(repo, 'main', generatedPrs(opts.firstPr ?? 140000, count));
  const viable = prs.length > behind ? prs[prs.length - 1 - behind]!.sha : rootSha;
  git(repo.path, ['update-ref', 'refs/heads/viable/strict', viable]);
  git(repo.path, ['update-ref', 'refs/heads/nightly', viable]);
  return { ...repo, main: git(repo.path, ['rev-parse', 'refs/heads/main']), viableStrict: viable, prs };
}

/** A domain library (torchvision-like) that cuts its release branch from `main`. */
export async function buildDomainRepo(dir: string, opts: DomainRepoOptions = {}): Promise<DomainRepo> {
  const name = opts.name ?? 'pytorch/vision';
  const repo = initBareRepo(dir, name);
  const w = new FastImportWriter(repo.path);
  w.commit('refs/heads/main', undefined, {
    message: 'Initial import\n',
    time: BASE_TIME,
    files: { ...DOMAIN_WORKFLOWS, ...DOMAIN_OTHER_FILES, 'version.txt': `${opts.version ?? '0.21.0a0'}\n` },
  });
  await w.finish();
  const prs = await landPullRequests(
    repo,
    'main',
    generatedPrs(opts.firstPr ?? 8600, opts.commits ?? 8).map((pr, i) => ({
      ...pr,
      files: { [`torchvision/ops/boxes.py`]: `# change ${pr.number}\nvalue = ${i}\n` },
    })),
  );
  return { ...repo, main: git(repo.path, ['rev-parse', 'refs/heads/main']), prs };
}

/** ref -> sha for every branch and tag: compare two snapshots to prove nothing moved. */
export function listRefs(repo: GitRepo): Map<string, string> {
  const out = git(repo.path, ['for-each-ref', '--format=%(refname) %(objectname)']);
  return new Map(
    out
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' ') as [string, string]),
  );
}

export function readBlob(repo: GitRepo, rev: string, path: string): string | undefined {
  try {
    return execFileSync('git', ['cat-file', 'blob', `${rev}:${path}`], {
      cwd: repo.path,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return undefined;
  }
}

/** Runs any git command in the bare repository (for assertions: `log`, `diff`, `merge-base`). */
export function gitIn(repo: GitRepo, args: string[]): string {
  return git(repo.path, args);
}

/** Creates or moves a branch in the bare repository directly (e.g. a diverged or unrelated branch). */
export function setRef(repo: GitRepo, ref: string, sha: string): void {
  git(repo.path, ['update-ref', ref, sha]);
}

/** A commit with no parent (history unrelated to everything else), e.g. to plant an unrelated branch. */
export async function createOrphanCommit(
  repo: GitRepo,
  ref: string,
  files: Record<string, string>,
  message = 'Unrelated history\n',
): Promise<string> {
  const w = new FastImportWriter(repo.path);
  w.commit(ref, undefined, { message, files, time: BASE_TIME - 86400 });
  await w.finish();
  return git(repo.path, ['rev-parse', ref]);
}

export interface ReleaseBranchOptions {
  /** `2.6` */
  version: string;
  /** Where to cut (default `viable/strict` if present, else `main`). */
  from?: string;
  /** Also create `orig/release/X.Y` at the cut point (default true). */
  orig?: boolean;
}

export interface ReleaseBranches {
  release: string;
  orig?: string;
  cutPoint: string;
}

/**
 * Cuts `release/X.Y` the way the release process does (one `[RELEASE-ONLY CHANGES]` commit pinning
 * test-infra to the branch) and `orig/release/X.Y` at the cut point, for tests of later steps.
 */
export async function cutReleaseBranch(repo: GitRepo, opts: ReleaseBranchOptions): Promise<ReleaseBranches> {
  const branch = `release/${opts.version}`;
  const hasViable = git(repo.path, ['for-each-ref', '--format=%(refname)', 'refs/heads/viable/strict']) !== '';
  const cutPoint = git(repo.path, [
    'rev-parse',
    '--verify',
    `${opts.from ?? (hasViable ? 'refs/heads/viable/strict' : 'refs/heads/main')}^{commit}`,
  ]);
  // The same release-only edits the cut-branch action makes.
  const current = new Map<string, string>();
  for (const path of git(repo.path, ['ls-tree', '-r', '--name-only', cutPoint, '.github/workflows', '.github/actions'])
    .split('\n')
    .filter((p) => isPinnedPath(p))) {
    current.set(path, readBlob(repo, cutPoint, path) ?? '');
  }
  const edits = releaseEdits({ branch, repositories: ['pytorch/test-infra', repo.name], files: current });
  const files = Object.fromEntries(edits.map((e) => [e.path, e.after]));
  const w = new FastImportWriter(repo.path);
  const time = Number(git(repo.path, ['log', '-1', '--format=%ct', cutPoint])) + 3600;
  w.commit(`refs/heads/${branch}`, cutPoint, {
    message: `[RELEASE-ONLY CHANGES] Branch Cut for Release ${opts.version}\n`,
    files,
    time,
  });
  if (opts.orig ?? true) w.reset(`refs/heads/orig/${branch}`, cutPoint);
  await w.finish();
  return {
    release: git(repo.path, ['rev-parse', `refs/heads/${branch}`]),
    orig: (opts.orig ?? true) ? cutPoint : undefined,
    cutPoint,
  };
}

export interface CherryPickOptions {
  /** Title of the cherry-pick PR's commit; default `[release/X.Y] <original title>`. */
  reword?: (originalTitle: string) => string;
  /** Number of the cherry-pick pull request, recorded like the merge bot does. */
  pr?: number;
  /** Add git's `(cherry picked from commit <sha>)` line (`-x`); default true. */
  trailer?: boolean;
  /**
   * Replace the original body (its `Pull Request resolved:` URL included) with this text: with
   * `trailer: false` the result is a cherry-pick only a patch-id comparison can recognise.
   */
  body?: string;
}

/**
 * Cherry-picks commits onto a branch with `git cherry-pick -x` (adding `(cherry picked from commit
 * <sha>)`), in a throwaway clone, and pushes the branch. Returns the new commits, oldest first.
 */
export async function cherryPick(
  repo: GitRepo,
  branch: string,
  shas: string[],
  opts: CherryPickOptions = {},
): Promise<string[]> {
  const work = mkdtempSync(join(tmpdir(), 'testkit-cherry-pick-'));
  try {
    git(work, ['init', '-q', '--initial-branch=work']);
    git(work, ['fetch', '-q', repo.path, `refs/heads/${branch}`, ...shas]);
    git(work, ['checkout', '-q', '-B', 'work', git(repo.path, ['rev-parse', `refs/heads/${branch}`])]);
    const picked: string[] = [];
    for (const sha of shas) {
      const trailer = opts.trailer ?? true;
      git(work, [
        '-c',
        'core.editor=true',
        'cherry-pick',
        ...(trailer ? ['-x'] : []),
        '--allow-empty',
        '--keep-redundant-commits',
        sha,
      ]);
      const original = git(work, ['log', '-1', '--format=%B', 'HEAD']);
      const [title, ...body] = original.split('\n');
      const rest =
        opts.body === undefined
          ? body
          : ['', opts.body, ...(trailer ? ['', `(cherry picked from commit ${sha})`] : [])];
      const newTitle = opts.reword ? opts.reword(title!) : `[${branch}] ${title}`;
      const prLines = opts.pr ? `\nPull Request resolved: https://github.com/${repo.name}/pull/${opts.pr}\n` : '';
      writeFileSync(join(work, '.msg'), [newTitle, ...rest].join('\n') + '\n' + prLines);
      git(work, ['commit', '-q', '--amend', '-F', join(work, '.msg')]);
      picked.push(git(work, ['rev-parse', 'HEAD']));
    }
    git(work, ['push', '-q', repo.path, `HEAD:refs/heads/${branch}`]);
    return picked;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * A live `branch -> sha` view of a bare repository's branches. Used as a GitHub stand-in repository's
 * `branches`, the API then sees exactly what git pushed (a PR's head branch, a new release branch).
 */
export function liveBranches(repo: GitRepo): Record<string, string> {
  const read = (): Record<string, string> =>
    Object.fromEntries(
      [...listRefs(repo)]
        .filter(([ref]) => ref.startsWith('refs/heads/'))
        .map(([ref, sha]) => [ref.slice('refs/heads/'.length), sha]),
    );
  return new Proxy({} as Record<string, string>, {
    get: (_t, key) => (typeof key === 'string' ? read()[key] : undefined),
    has: (_t, key) => typeof key === 'string' && key in read(),
    ownKeys: () => Object.keys(read()),
    getOwnPropertyDescriptor: (_t, key) => {
      const value = typeof key === 'string' ? read()[key] : undefined;
      return value === undefined ? undefined : { value, enumerable: true, configurable: true, writable: true };
    },
    set: (_t, key, value) => {
      if (typeof key !== 'string' || typeof value !== 'string') return false;
      git(repo.path, ['update-ref', `refs/heads/${key}`, value]);
      return true;
    },
    deleteProperty: (_t, key) => {
      if (typeof key === 'string') git(repo.path, ['update-ref', '-d', `refs/heads/${key}`]);
      return true;
    },
  });
}
