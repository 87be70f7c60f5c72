import type { CommitIndex, CommitRefs } from './commit-index.js';
import type { MilestoneItem } from './milestone.js';

/**
 * The verdict on each milestone item, the reverts the release branch still needs, and the release
 * commits no item accounts for. References, trailers and cherry-pick shas decide first; patch ids are
 * asked for only the commits those could not place.
 */

export type Status = 'open' | 'landed-before-cut' | 'cherry-picked' | 'missing' | 'skipped';
export type MatchedBy = 'trailer' | 'reference' | 'cherry-pick' | 'patch-id';

export interface Verdict {
  item: MilestoneItem;
  status: Status;
  matchedBy?: MatchedBy;
  /** Commits on main after the cut that land or fix the item. */
  mainCommits: string[];
  /** Release-branch commits that carry it. */
  releaseCommits: string[];
  reason: string;
}

export interface MissedRevert {
  /** The revert commit on main, to cherry-pick with `-x`. */
  revert: string;
  title: string;
  /** The reverted commit. */
  reverted: string;
  /** The pull request that was reverted, if the revert names it. */
  revertedPr?: number;
  /** How the reverted commit is on the release branch. */
  on: 'ancestor' | 'cherry-pick' | 'trailer' | 'reference' | 'patch-id';
}

export interface Unreviewed {
  sha: string;
  subject: string;
  note: string;
}

export interface Verification {
  verdicts: Verdict[];
  missedReverts: MissedRevert[];
  unreviewed: Unreviewed[];
  /** How many commits needed a patch id. */
  patchIdCommits: number;
}

/** What only git can answer, asked in batches. */
export interface Evidence {
  patchIds(shas: string[]): Promise<Map<string, string>>;
  /** Whether each commit is an ancestor of the release branch; undefined when it cannot be found. */
  onReleaseBranch(shas: string[]): Promise<Map<string, boolean | undefined>>;
}

export interface VerifyOptions {
  skipLabels: string[];
  releaseBranch: string;
}

interface Pending {
  verdict: Verdict;
}

export async function verify(
  items: MilestoneItem[],
  main: CommitIndex,
  release: CommitIndex,
  opts: VerifyOptions,
  evidence: Evidence,
): Promise<Verification> {
  const claimed = new Map<string, string>();
  const pending: Pending[] = [];
  const verdicts = items.map((item) => {
    const verdict = placeByMessage(item, main, release, opts);
    for (const sha of verdict.releaseCommits) claimed.set(sha, `#${item.number}`);
    if (verdict.status === 'missing') pending.push({ verdict });
    return verdict;
  });

  const reverts = [...main.commits].reverse().filter((c) => c.reverts !== undefined || c.revertedSubject !== undefined);
  const revertChecks = await checkReverts(reverts, main, release, evidence);

  // Patch ids: the main commits of items still unplaced, the reverts and reverted commits still
  // unplaced, against the release commits nothing else has claimed.
  const unclaimedRelease = release.commits.filter((c) => !claimed.has(c.sha) && c.parents.length === 1);
  const mainSide = [...pending.flatMap((p) => p.verdict.mainCommits), ...revertChecks.needPatchId];
  let patchIdCommits = 0;
  if (mainSide.length > 0 && unclaimedRelease.length > 0) {
    const shas = [...new Set([...mainSide, ...unclaimedRelease.map((c) => c.sha)])];
    patchIdCommits = shas.length;
    const ids = await evidence.patchIds(shas);
    const releaseByPatch = new Map<string, string>();
    for (const c of unclaimedRelease) {
      const id = ids.get(c.sha);
      if (id && !releaseByPatch.has(id)) releaseByPatch.set(id, c.sha);
    }
    for (const { verdict } of pending) {
      const hits = verdict.mainCommits.map((s) => releaseByPatch.get(ids.get(s) ?? '')).filter((s) => s !== undefined);
      if (hits.length === 0) continue;
      verdict.status = 'cherry-picked';
      verdict.matchedBy = 'patch-id';
      verdict.releaseCommits = hits;
      verdict.reason = `${short(hits[0]!)} on ${opts.releaseBranch} has the same patch id as ${short(verdict.mainCommits[0]!)}`;
      for (const sha of hits) claimed.set(sha, `#${verdict.item.number}`);
    }
    revertChecks.resolveByPatchId((sha) => releaseByPatch.get(ids.get(sha) ?? ''));
  }

  const missedReverts = revertChecks.missed();
  for (const [sha, note] of revertChecks.releaseCommits) if (!claimed.has(sha)) claimed.set(sha, note);
  const unreviewed = [...release.commits]
    .reverse()
    .filter((c) => !claimed.get(c.sha)?.startsWith('#'))
    .map((c) => ({ sha: c.sha, subject: c.subject, note: claimed.get(c.sha) ?? noteFor(c) }));
  return { verdicts, missedReverts, unreviewed, patchIdCommits };
}

/** The verdict from commit messages alone; `missing` ones may still be found by patch id. */
function placeByMessage(item: MilestoneItem, main: CommitIndex, release: CommitIndex, opts: VerifyOptions): Verdict {
  const base = { item, mainCommits: [] as string[], releaseCommits: [] as string[] };
  const skip = item.labels.find((l) => opts.skipLabels.includes(l));
  if (skip) return { ...base, status: 'skipped', reason: `labelled ${skip}` };
  if (item.state === 'open') return { ...base, status: 'open', reason: `open ${item.kind}: resolve it before the RC` };
  const mainCommits = main.naming(item.number).map((h) => h.commit.sha);
  const named = release.naming(item.number);
  if (named.length > 0) {
    const how = named[0]!.kind;
    return {
      ...base,
      mainCommits,
      releaseCommits: named.map((h) => h.commit.sha),
      status: 'cherry-picked',
      matchedBy: how,
      reason: `${short(named[0]!.commit.sha)} on ${opts.releaseBranch} names it ${how === 'trailer' ? 'in its Pull Request resolved trailer' : 'in its message'}`,
    };
  }
  if (mainCommits.length === 0) {
    return { ...base, status: 'landed-before-cut', reason: 'no commit on the main branch after the cut names it' };
  }
  const picks = mainCommits.flatMap((sha) => release.picking(sha).map((c) => ({ c, sha })));
  if (picks.length > 0) {
    return {
      ...base,
      mainCommits,
      releaseCommits: picks.map((p) => p.c.sha),
      status: 'cherry-picked',
      matchedBy: 'cherry-pick',
      reason: `${short(picks[0]!.c.sha)} on ${opts.releaseBranch} was cherry-picked from ${short(picks[0]!.sha)}`,
    };
  }
  return {
    ...base,
    mainCommits,
    status: 'missing',
    reason: `landed on the main branch after the cut as ${mainCommits.map(short).join(', ')}; nothing on ${opts.releaseBranch} matches`,
  };
}

interface RevertState {
  revert: CommitRefs;
  reverted?: string;
  /** The revert is on the release branch already. */
  revertThere: boolean;
  revertedOn?: MissedRevert['on'];
}

/**
 * For each revert on main: is the revert on the release branch, and is what it reverts there
 * (an ancestor, a `-x` cherry-pick, a commit naming the same PR, or, after patch ids, the same patch)?
 */
async function checkReverts(reverts: CommitRefs[], main: CommitIndex, release: CommitIndex, evidence: Evidence) {
  const states: RevertState[] = reverts.map((r) => {
    const reverted = r.reverts ?? (r.revertedSubject ? main.withSubject(r.revertedSubject)[0]?.sha : undefined);
    const revertThere = release.picking(r.sha).length > 0 || release.withSubject(r.subject).length > 0;
    return { revert: r, reverted, revertThere };
  });
  const releaseCommits = new Map<string, string>();
  const open = states.filter((s) => !s.revertThere && s.reverted);
  const ancestry = await evidence.onReleaseBranch(open.map((s) => s.reverted!));
  for (const s of states) {
    for (const c of [...release.picking(s.revert.sha), ...release.withSubject(s.revert.subject)])
      releaseCommits.set(c.sha, `revert ${short(s.revert.sha)}`);
    if (s.revertThere || !s.reverted) continue;
    if (ancestry.get(s.reverted)) s.revertedOn = 'ancestor';
    else if (release.picking(s.reverted).length > 0) s.revertedOn = 'cherry-pick';
    else {
      const pr = main.bySha.get(s.reverted)?.pr ?? s.revert.revertedPr;
      const named = pr === undefined ? [] : release.naming(pr);
      if (named.length > 0) s.revertedOn = named[0]!.kind;
    }
  }
  const needPatchId = states
    .filter((s) => !s.revertThere && s.reverted)
    .flatMap((s) => [s.revert.sha, ...(s.revertedOn || !main.bySha.has(s.reverted!) ? [] : [s.reverted!])]);
  return {
    needPatchId,
    releaseCommits,
    resolveByPatchId(match: (sha: string) => string | undefined) {
      for (const s of states) {
        if (s.revertThere || !s.reverted) continue;
        const pickOfRevert = match(s.revert.sha);
        if (pickOfRevert) {
          s.revertThere = true;
          releaseCommits.set(pickOfRevert, `revert ${short(s.revert.sha)}`);
        } else if (!s.revertedOn && match(s.reverted)) s.revertedOn = 'patch-id';
      }
    },
    missed(): MissedRevert[] {
      return states
        .filter((s) => !s.revertThere && s.revertedOn)
        .map((s) => ({
          revert: s.revert.sha,
          title: s.revert.subject,
          reverted: s.reverted!,
          ...(s.revert.revertedPr !== undefined ? { revertedPr: s.revert.revertedPr } : {}),
          on: s.revertedOn!,
        }));
    },
  };
}

function noteFor(c: CommitRefs): string {
  if (c.subject.startsWith('[RELEASE-ONLY CHANGES]')) return 'release-only change';
  if (c.parents.length > 1) return 'merge commit';
  if (c.pr !== undefined) return `pull request #${c.pr}, not in the milestone`;
  return 'no pull request or milestone item named';
}

export function short(sha: string): string {
  return sha.slice(0, 12);
}
