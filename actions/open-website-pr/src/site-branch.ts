import type { Git, Identity } from '@release-actions/core/git/runner';
import { ConfigurationError } from '@release-actions/core/runtime/errors';
import {
  changedCells,
  checkMatrix,
  fillEntry,
  parsePublishedVersions,
  testEntry,
  withRelease,
  type ReleaseMatrix,
  type VersionEntry,
} from './site-entry.js';

/**
 * The release-day branch: one commit on the website's base branch that writes the versions file. The
 * branch is the action's own and is re-derived from the base on every run, so a re-run finds it as it
 * left it; it only ever moves forward (a base that moved on is merged in), never rewritten.
 */

export interface SiteChangeRequest {
  remoteUrl: string;
  base: string;
  branch: string;
  versionsFile: string;
  version: string;
  matrix: ReleaseMatrix;
  test: boolean;
  committer: Identity;
  message: string;
}

export type SiteChangeState =
  /** The base branch already has this entry and latest_stable: nothing to propose. */
  | 'on-base'
  /** The branch already holds exactly the wanted file: only the PR may be missing. */
  | 'branch-ready'
  /** A commit to push (creating the branch or moving it forward). */
  | 'push';

export interface SiteChange {
  state: SiteChangeState;
  base: string;
  baseSha: string;
  branch: string;
  /** Where the branch is on the remote now, if it exists. */
  branchSha?: string;
  /** The commit to push (state `push`). */
  commitSha?: string;
  entry: VersionEntry;
  /** Selector cells (os/package/accelerator) the PR changes on the base. */
  cells: string[];
  movesLatestStable: boolean;
  previousStable: string;
  /** `git diff` of the versions file, base -> branch as it will be. */
  diff: string;
}

export async function planSiteChange(repo: Git, req: SiteChangeRequest): Promise<SiteChange> {
  const baseRef = `refs/heads/${req.base}`;
  const ref = `refs/heads/${req.branch}`;
  const refs = await repo.lsRemote(req.remoteUrl, [baseRef, ref]);
  const baseSha = refs.get(baseRef);
  if (!baseSha) throw new ConfigurationError(`input "base": no branch "${req.base}" on ${req.remoteUrl}`);
  const branchSha = refs.get(ref);
  await repo.partialFetch(req.remoteUrl, branchSha ? [baseSha, branchSha] : [baseSha]);

  const before = await repo.readFile(baseSha, req.versionsFile);
  if (before === undefined)
    throw new ConfigurationError(`input "versions-file": ${req.base} has no ${req.versionsFile}`);
  const file = parsePublishedVersions(before, `${req.versionsFile} on ${req.base}`);
  // The release's own entry when the site has one (a re-run after merging), else the previous stable's shape.
  const template = file.versions[req.version] ?? file.versions[file.latest_stable];
  if (!template)
    throw new ConfigurationError(
      `input "versions-file": ${req.versionsFile} on ${req.base} has no entry for latest_stable "${file.latest_stable}" to copy`,
    );
  checkMatrix(req.matrix, req.version, req.test);
  let { entry } = fillEntry(template, req.matrix);
  if (req.test) entry = testEntry(entry, req.matrix);
  const after = withRelease(file, req.version, entry, before);
  const common = {
    base: req.base,
    baseSha,
    branch: req.branch,
    branchSha,
    entry,
    cells: changedCells(file.versions[req.version], entry),
    movesLatestStable: file.latest_stable !== req.version,
    previousStable: file.latest_stable,
  };
  // Judged on content, not text: a file formatted by hand is not reformatted for nothing.
  if (common.cells.length === 0 && !common.movesLatestStable) return { ...common, state: 'on-base', diff: '' };

  const diffTo = (sha: string): Promise<string> => repo.out(['diff', baseSha, sha, '--', req.versionsFile]);
  if (branchSha && (await repo.readFile(branchSha, req.versionsFile)) === after)
    return { ...common, state: 'branch-ready', diff: await diffTo(branchSha) };

  const tree = await repo.editTree(baseSha, [{ path: req.versionsFile, content: after }]);
  const parents = !branchSha
    ? [baseSha]
    : (await parentsOf(repo, branchSha)).includes(baseSha)
      ? [branchSha]
      : [branchSha, baseSha];
  const commitSha = await repo.commitTree(tree, parents, req.message, req.committer);
  return { ...common, state: 'push', commitSha, diff: await diffTo(commitSha) };
}

/** A commit's parents, read from the commit itself (a shallow fetch hides them from rev-parse). */
async function parentsOf(repo: Git, sha: string): Promise<string[]> {
  const text = await repo.out(['cat-file', 'commit', sha]);
  return [...text.split('\n\n')[0]!.matchAll(/^parent ([0-9a-f]+)$/gm)].map((m) => m[1]!);
}

/** Pushes the planned commit: creates the branch only if still absent, else moves it only from where it was seen. */
export async function pushSiteChange(repo: Git, remoteUrl: string, change: SiteChange): Promise<void> {
  if (change.state !== 'push' || !change.commitSha) return;
  const ref = `refs/heads/${change.branch}`;
  await repo.push(
    remoteUrl,
    [`${change.commitSha}:${ref}`],
    change.branchSha ? { lease: [[ref, change.branchSha]] } : { createOnly: [ref] },
  );
  const after = await repo.lsRemote(remoteUrl, [ref]);
  if (after.get(ref) !== change.commitSha)
    throw new Error(`pushed ${ref} but the remote has ${after.get(ref) ?? 'nothing'}`);
}
