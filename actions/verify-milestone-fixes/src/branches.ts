import { ConfigurationError } from '@release-actions/core/runtime/errors';
import { areAncestors, fetchRanges, patchIds, readCommits, type CommitRecord } from '@release-actions/core/git/ranges';
import type { Git } from '@release-actions/core/git/runner';
import type { Evidence } from './classify.js';

/**
 * The two ranges after the cut, read from the remote with one blobless partial fetch: what landed on
 * the main branch, and what reached the release branch.
 */

export interface Ranges {
  /** Where the cut is: the ref or sha used, and how it was chosen. */
  cut: { rev: string; sha: string; how: string };
  main: CommitRecord[];
  release: CommitRecord[];
  evidence: Evidence;
}

export interface RangeRequest {
  url: string;
  mainBranch: string;
  releaseBranch: string;
  /** The cut-point input (empty for the default). */
  cutPoint: string;
}

const SHA = /^[0-9a-f]{40}$/;

export async function readRanges(git: Git, request: RangeRequest): Promise<Ranges> {
  const mainRef = `refs/heads/${request.mainBranch}`;
  const releaseRef = `refs/heads/${request.releaseBranch}`;
  const cutRef = await chooseCutRef(git, request);
  const [main, release] = await fetchRanges(git, request.url, { cut: cutRef.rev, tips: [mainRef, releaseRef] });
  let cutSha = cutRef.sha;
  if (cutSha === '') {
    cutSha = (await git.mergeBase(main!, release!)) ?? '';
    if (cutSha === '') {
      throw new ConfigurationError(
        `input "release-branch": ${request.releaseBranch} shares no history with ${request.mainBranch}; give "cut-point"`,
      );
    }
  }
  // After a `--shallow-exclude` fetch the cut itself is not here: each tip's whole history is its range.
  const range = (tip: string) => (cutRef.rev.startsWith('refs/') ? [tip] : [`${cutSha}..${tip}`]);
  return {
    cut: { rev: cutRef.rev, sha: cutSha, how: cutRef.how },
    main: await readCommits(git, range(main!)),
    release: await readCommits(git, range(release!)),
    evidence: {
      patchIds: (shas) => patchIds(git, shas),
      onReleaseBranch: (shas) => areAncestors(git, shas, release!, [mainRef, releaseRef]),
    },
  };
}

/**
 * The cut point as a remote ref when there is one (so the fetch can stop there), else a sha; an
 * empty sha means the merge base, computed after the fetch.
 */
async function chooseCutRef(git: Git, request: RangeRequest): Promise<{ rev: string; sha: string; how: string }> {
  const given = request.cutPoint;
  const candidates = given
    ? SHA.test(given)
      ? []
      : given.startsWith('refs/')
        ? [given]
        : [`refs/heads/${given}`, `refs/tags/${given}`]
    : [`refs/heads/orig/${request.releaseBranch}`];
  const wanted = [`refs/heads/${request.mainBranch}`, `refs/heads/${request.releaseBranch}`, ...candidates];
  const refs = await git.lsRemote(request.url, wanted);
  for (const [input, ref] of [
    ['main-branch', request.mainBranch],
    ['release-branch', request.releaseBranch],
  ] as const) {
    if (!refs.has(`refs/heads/${ref}`))
      throw new ConfigurationError(`input "${input}": no branch "${ref}" on ${request.url}`);
  }
  if (given && SHA.test(given)) return { rev: given, sha: given, how: 'cut-point' };
  for (const ref of candidates) {
    const sha = refs.get(`${ref}^{}`) ?? refs.get(ref);
    if (sha) return { rev: ref, sha, how: given ? 'cut-point' : `orig/${request.releaseBranch}` };
  }
  if (given) throw new ConfigurationError(`input "cut-point": no branch, tag or sha "${given}" on ${request.url}`);
  return { rev: '', sha: '', how: `merge base of ${request.releaseBranch} and ${request.mainBranch}` };
}
