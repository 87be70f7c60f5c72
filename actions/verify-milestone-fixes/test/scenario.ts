import {
  buildCoreRepo,
  cherryPick,
  cutReleaseBranch,
  landPullRequests,
  revertCommit,
  type CoreRepo,
  type PrSpec,
} from '@release-actions/testkit/git/index';
import type { IssueState, PullState, StateFile } from '@release-actions/testkit/github/index';

/**
 * A release of pytorch/pytorch in miniature: release/2.6 cut from viable/strict (with
 * orig/release/2.6), fixes landed on main by the merge bot after the cut, cherry-picked in every way
 * the release process meets, reverts on main, and the milestone that lists the fixes.
 */

export const MILESTONE = 7;

export interface Scenario {
  repo: CoreRepo;
  state: StateFile;
  cutPoint: string;
  /** main-branch commit of each pull request landed after the cut. */
  landed: Map<number, string>;
  reverts: { ofCherryPicked: string; ofPreCut: string; alreadyPicked: string; ofMainOnly: string };
}

const pr = (number: number, title: string, extra: Partial<PrSpec> = {}): PrSpec => ({
  number,
  title,
  files: { [`torch/fix_${number}.py`]: `# fix from pull request ${number}\nvalue = ${number}\n` },
  ...extra,
});

export async function buildScenario(dir: string): Promise<Scenario> {
  // 140000, 140007, ... 140077: viable/strict is three behind main, so 140063, 140070 and 140077 land after the cut.
  const repo = await buildCoreRepo(dir, { commits: 12, behind: 3 });
  const cut = await cutReleaseBranch(repo, { version: '2.6' });
  const prs = await landPullRequests(repo, 'main', [
    pr(150001, '[inductor] Fix crash in lowering'),
    pr(150008, '[cuda] Fix stream sync'),
    pr(150015, '[mps] Fix matmul on large inputs'),
    pr(150022, '[dynamo] Fix guard on dict keys'),
    pr(150029, '[nn] Fix padding in Conv3d', { fixes: [150030] }),
    pr(150060, '[feature] New optimizer option'),
    pr(150070, '[autograd] Fix double backward'),
  ]);
  const landed = new Map(prs.map((p) => [p.number, p.sha]));
  const sha = (n: number) => landed.get(n)!;
  const shaOf = (n: number) => repo.prs.find((p) => p.number === n)!.sha;

  // Cherry-picks onto release/2.6, each through its own PR as the release process asks.
  await cherryPick(repo, 'release/2.6', [sha(150001)], { pr: 151001 });
  await cherryPick(repo, 'release/2.6', [sha(150008)], {
    pr: 151008,
    reword: () => 'Sync the stream before the copy',
    body: 'Same fix as on main.',
  });
  await cherryPick(repo, 'release/2.6', [sha(150015)], {
    pr: 151015,
    reword: () => 'MPS: large matmul fix for 2.6',
    body: 'Backport.',
    trailer: false,
  });
  await cherryPick(repo, 'release/2.6', [sha(150029)], { pr: 151029 });
  await cherryPick(repo, 'release/2.6', [sha(150070)], { pr: 151070 });
  await landPullRequests(repo, 'release/2.6', [pr(151090, '[release/2.6] Update the docs theme')]);

  // Reverts on main after the cut.
  const ofCherryPicked = revertCommit(repo, 'main', sha(150070), { pr: 150070 });
  const ofPreCut = revertCommit(repo, 'main', shaOf(140049), { pr: 140049 });
  const alreadyPicked = revertCommit(repo, 'main', shaOf(140056), { pr: 140056 });
  const ofMainOnly = revertCommit(repo, 'main', sha(150022), { pr: 150022 });
  await cherryPick(repo, 'release/2.6', [alreadyPicked], { pr: 151100 });

  return {
    repo,
    state: githubState(),
    cutPoint: cut.cutPoint,
    landed,
    reverts: { ofCherryPicked, ofPreCut, alreadyPicked, ofMainOnly },
  };
}

/** The milestone as GitHub shows it: merge-bot PRs closed, not merged; issues closed by the fixes. */
export function githubState(extra: { issues?: IssueState[]; pulls?: PullState[] } = {}): StateFile {
  const closedPr = (number: number, title: string, labels: string[] = []): PullState => ({
    number,
    title,
    state: 'closed',
    merged: false,
    head: `gh/dev/${number}/head`,
    headSha: '0'.repeat(40),
    milestone: MILESTONE,
    labels,
  });
  return {
    repos: [
      {
        owner: 'pytorch',
        name: 'pytorch',
        defaultBranch: 'main',
        labels: [{ name: 'release-feature-request' }, { name: 'triaged' }],
        milestones: [
          { number: 5, title: '2.5.0', state: 'closed' },
          { number: 6, title: '2.5.1', state: 'closed' },
          { number: MILESTONE, title: '2.6.0', state: 'closed' },
          { number: 8, title: '2.7.0', state: 'open' },
        ],
        issues: [
          { number: 140011, title: 'Crash in export before the cut', state: 'closed', milestone: MILESTONE },
          { number: 150030, title: 'Conv3d pads the wrong side', state: 'closed', milestone: MILESTONE },
          { number: 150040, title: 'Regression in torch.compile startup', state: 'open', milestone: MILESTONE },
          ...(extra.issues ?? []),
        ],
        pulls: [
          closedPr(140063, '[export] Tidy the graph signature'),
          closedPr(150001, '[inductor] Fix crash in lowering'),
          closedPr(150008, '[cuda] Fix stream sync'),
          closedPr(150015, '[mps] Fix matmul on large inputs'),
          closedPr(150022, '[dynamo] Fix guard on dict keys'),
          closedPr(150060, '[feature] New optimizer option', ['release-feature-request']),
          closedPr(150070, '[autograd] Fix double backward'),
          ...(extra.pulls ?? []),
        ],
      },
    ],
  };
}
