import { ConfigurationError } from '@release-actions/core/runtime/errors';
import type { Git, Identity } from '@release-actions/core/git/runner';
import type { GitHubClient } from '@release-actions/core/github/client';
import { compareVersions, nextMinorDev, parseVersionTxt } from '@release-actions/core/release/version';
import { findOpenPullRequest, openPullRequestOnce } from '@release-actions/core/github/pulls';
import { parseRepository } from '@release-actions/core/github/repository';

/**
 * After a branch cut, `main` moves to the next minor's development version through a pull request
 * from a fixed branch, so re-running finds the same branch and the same PR instead of adding more.
 */

export interface VersionBumpRequest {
  remoteUrl: string;
  /** `owner/name` on GitHub, where the PR is opened. */
  repository: string;
  /** The version just cut (its major and minor). */
  cut: { major: number; minor: number };
  /** Head branch of the PR, e.g. `automated/version-bump-2.6`. */
  branch: string;
  committer: Identity;
  workDir: string;
}

export type VersionBumpState =
  /** The default branch already has the new version (or a later one): nothing to do. */
  | 'already-bumped'
  /** The bump branch exists with the new version: only the PR may be missing. */
  | 'branch-ready'
  /** The bump branch is created (or moved forward) with a new commit. */
  | 'push';

export interface VersionBumpPlan {
  base: string;
  baseSha: string;
  branch: string;
  current: string;
  target: string;
  state: VersionBumpState;
  /** Where the bump branch is on the remote now, if it exists. */
  branchSha?: string;
  /** The commit to push (state `push`). */
  commitSha?: string;
  detail: string;
}

export async function planVersionBump(git: Git, req: VersionBumpRequest): Promise<VersionBumpPlan> {
  const base = await git.remoteDefaultBranch(req.remoteUrl);
  if (!base)
    throw new ConfigurationError(`cannot tell the default branch of ${req.remoteUrl} (its HEAD is not a branch)`);
  const ref = `refs/heads/${req.branch}`;
  const refs = await git.lsRemote(req.remoteUrl, [`refs/heads/${base}`, ref]);
  const baseSha = refs.get(`refs/heads/${base}`)!;
  const branchSha = refs.get(ref);
  const target = nextMinorDev(`${req.cut.major}.${req.cut.minor}.0`);

  const repo = git.in(req.workDir);
  await repo.partialFetch(req.remoteUrl, branchSha ? [baseSha, branchSha] : [baseSha]);
  const read = async (sha: string): Promise<string> => {
    const text = await repo.readFile(sha, 'version.txt');
    if (text === undefined) throw new ConfigurationError(`bump-main: ${base} has no version.txt to bump`);
    return text;
  };
  const currentText = await read(baseSha);
  const current = parseVersionTxt(currentText, `version.txt on ${base}`);
  const common = { base, baseSha, branch: req.branch, current: currentText.trim(), target, branchSha };
  if (compareVersions(current, target) >= 0) {
    return { ...common, state: 'already-bumped', detail: `${base} already has version ${currentText.trim()}` };
  }
  if (branchSha && (await read(branchSha)).trim() === target) {
    return { ...common, state: 'branch-ready', detail: `${req.branch} already moves version.txt to ${target}` };
  }
  // A new branch starts from the default branch; an existing one moves forward, never rewritten.
  const parent = branchSha ?? baseSha;
  const tree = await repo.editTree(parent, [{ path: 'version.txt', content: `${target}\n` }]);
  const commitSha = await repo.commitTree(
    tree,
    [parent],
    `Bump version to ${target} after the release/${req.cut.major}.${req.cut.minor} branch cut`,
    req.committer,
  );
  return {
    ...common,
    state: 'push',
    commitSha,
    detail: `${branchSha ? 'add to' : 'create'} ${req.branch}: version.txt ${currentText.trim()} -> ${target}`,
  };
}

/**
 * Pushes the bump branch if the plan says so (from the repository in `workDir`): created only if still
 * absent, else moved forward only.
 */
export async function pushVersionBump(git: Git, url: string, plan: VersionBumpPlan, workDir: string): Promise<void> {
  if (plan.state !== 'push' || !plan.commitSha) return;
  const ref = `refs/heads/${plan.branch}`;
  await git.in(workDir).push(url, [`${plan.commitSha}:${ref}`], plan.branchSha ? {} : { createOnly: [ref] });
  const after = await git.lsRemote(url, [ref]);
  if (after.get(ref) !== plan.commitSha)
    throw new Error(`pushed ${ref} but the remote has ${after.get(ref) ?? 'nothing'}`);
}

export interface BumpPullRequest {
  number: number;
  url: string;
  created: boolean;
}

/** The open PR from the bump branch into the default branch, if there is one. */
export async function findBumpPullRequest(
  client: GitHubClient,
  plan: VersionBumpPlan,
  repository: string,
): Promise<BumpPullRequest | undefined> {
  const pr = await findOpenPullRequest(client, parseRepository('repository', repository), plan.branch, plan.base);
  return pr ? { number: pr.number, url: pr.url, created: false } : undefined;
}

/** Opens the PR from the bump branch, or returns the one already open for it. */
export async function ensureBumpPullRequest(
  client: GitHubClient,
  plan: VersionBumpPlan,
  repository: string,
): Promise<BumpPullRequest> {
  const title = `Bump version to ${plan.target}`;
  const body = [
    `The release branch for ${plan.target.replace(/^(\d+)\.(\d+).*$/, (_m, a: string, b: string) => `${a}.${Number(b) - 1}`)} has been cut, so \`${plan.base}\` now develops ${plan.target.replace(/a0$/, '')}.`,
    '',
    `This moves \`version.txt\` from \`${plan.current}\` to \`${plan.target}\`. Opened by the cut-branch action; running it again reuses this pull request.`,
  ].join('\n');
  const { pr, created } = await openPullRequestOnce(client, parseRepository('repository', repository), {
    head: plan.branch,
    base: plan.base,
    title,
    body,
  });
  return { number: pr.number, url: pr.url, created };
}
