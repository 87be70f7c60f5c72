/**
 * Benchmark: verify-milestone-fixes against the way github_analyze.py --missing-in-branch works.
 *
 *   npx tsx bench/verify-milestone-fixes/run.ts [--items 500] [--after 20000] [--before 1000]
 *
 * One repository (built with fast-import): `--before` commits, the cut (orig/release/2.6 and
 * release/2.6 with its release-only commit), `--after` merge-bot commits on main, and on the release
 * branch the cherry-picks of 250 of the milestone's 300 pull requests (150 keep the original message,
 * 50 are reworded with `-x`, 50 are reworded without it), plus 10 reverts on main of picked fixes.
 * The milestone (`--items`, 500 by default) is served by the GitHub stand-in; in the same run:
 *   - the action (its real main, in process): GraphQL calls, wall time, and the time of its matching
 *     (commit index + classification) with the patch-id step timed apart;
 *   - github_analyze_way.py: REST pages of 30, `git log` of a full clone, and a substring search of every
 *     commit message per item.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Git } from '../../packages/core/src/git/runner.js';
import { runActionMain } from '../../packages/testkit/src/action-run.js';
import { FastImportWriter } from '../../packages/testkit/src/git/fast-import.js';
import { initBareRepo, mergeBotMessage, type GitRepo } from '../../packages/testkit/src/git/repos.js';
import {
  startGitHubServer,
  type IssueState,
  type PullState,
  type StateFile,
} from '../../packages/testkit/src/github/index.js';
import { readRanges } from '../../actions/verify-milestone-fixes/src/branches.js';
import { verify } from '../../actions/verify-milestone-fixes/src/classify.js';
import { CommitIndex } from '../../actions/verify-milestone-fixes/src/commit-index.js';
import { main } from '../../actions/verify-milestone-fixes/src/main.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ACTION_DIR = join(HERE, '..', '..', 'actions', 'verify-milestone-fixes');
const REPO = 'pytorch/pytorch';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const ITEMS = arg('items', 500);
const AFTER = arg('after', 20000);
const BEFORE = arg('before', 1000);
const PICKED = 300; // milestone pull requests landed after the cut
const FIRST_AFTER = 120000;
const STEP = Math.floor(AFTER / PICKED);

const fileOf = (i: number) => `torch/m${Math.floor(i / 100)}/f${i}.py`;
const contentOf = (n: number) => `# pull request ${n}\nvalue = ${n}\n`;

interface Built {
  repo: GitRepo;
  milestonePrs: number[];
}

async function buildRepository(dir: string): Promise<Built> {
  const repo = initBareRepo(dir, REPO);
  const w = new FastImportWriter(repo.path);
  let from = w.commit('refs/heads/main', undefined, { message: 'Initial import\n', files: { 'README.md': 'torch\n' } });
  for (let i = 0; i < BEFORE; i++) {
    const n = 100000 + i;
    from = w.commit('refs/heads/main', from, {
      message: mergeBotMessage(REPO, { number: n, title: `[pre] Change ${i}` }),
      files: { [`old/m${Math.floor(i / 100)}/f${i}.py`]: contentOf(n) },
    });
  }
  const cut = from;
  w.reset('refs/heads/orig/release/2.6', cut);
  let release = w.commit('refs/heads/release/2.6', cut, {
    message: '[RELEASE-ONLY CHANGES] Branch Cut for Release 2.6\n',
    files: { 'README.md': 'torch 2.6\n' },
  });
  const marks: string[] = [];
  for (let i = 0; i < AFTER; i++) {
    const n = FIRST_AFTER + i;
    from = w.commit('refs/heads/main', from, {
      message: mergeBotMessage(REPO, { number: n, title: `[area] Fix ${i}`, fixes: i % 97 === 5 ? [n - 1] : [] }),
      files: { [fileOf(i)]: contentOf(n) },
    });
    marks.push(from);
  }
  await w.flush();
  const shas = await w.finish();
  const sha = (i: number) => shas.get(marks[i]!)!;
  const milestonePrs = Array.from({ length: PICKED }, (_, k) => FIRST_AFTER + k * STEP);

  // Second pass: the cherry-picks (they name the main commits' shas) and the reverts.
  const w2 = new FastImportWriter(repo.path);
  release = execFileSync('git', ['rev-parse', 'refs/heads/release/2.6'], { cwd: repo.path, encoding: 'utf8' }).trim();
  let mainTip = sha(AFTER - 1);
  milestonePrs.forEach((n, k) => {
    if (k >= 250) return;
    const i = n - FIRST_AFTER;
    const original = mergeBotMessage(REPO, { number: n, title: `[area] Fix ${i}` });
    const message =
      k < 150
        ? `[release/2.6] ${original}\n(cherry picked from commit ${sha(i)})\n`
        : k < 200
          ? `Backport fix ${i}\n\n(cherry picked from commit ${sha(i)})\n`
          : `Backport fix ${i} for 2.6\n`;
    release = w2.commit('refs/heads/release/2.6', release, { message, files: { [fileOf(i)]: contentOf(n) } });
  });
  for (let k = 0; k < 10; k++) {
    const i = milestonePrs[k]! - FIRST_AFTER;
    mainTip = w2.commit('refs/heads/main', mainTip, {
      message: `Revert "[area] Fix ${i} (#${FIRST_AFTER + i})"\n\nThis reverts commit ${sha(i)}.\n\nReverted https://github.com/${REPO}/pull/${FIRST_AFTER + i} on behalf of https://github.com/malfet due to breaks trunk\n`,
      files: { [fileOf(i)]: null },
    });
  }
  await w2.finish();
  execFileSync('git', ['repack', '-adq', '--write-bitmap-index'], { cwd: repo.path });
  return { repo, milestonePrs };
}

function milestoneState(milestonePrs: number[]): StateFile {
  const pulls: PullState[] = milestonePrs.map((n) => ({
    number: n,
    title: `[area] Fix ${n - FIRST_AFTER}`,
    state: 'closed',
    head: `gh/dev/${n}/head`,
    headSha: '0'.repeat(40),
    milestone: 1,
  }));
  const rest = ITEMS - pulls.length;
  const issues: IssueState[] = Array.from({ length: Math.max(0, rest) }, (_, j) => ({
    number: 90000 + j,
    title: `Issue ${j}`,
    state: j % 4 === 3 ? 'open' : 'closed',
    milestone: 1,
    labels: j % 10 === 9 ? ['release-feature-request'] : [],
  }));
  return {
    repos: [
      {
        owner: 'pytorch',
        name: 'pytorch',
        labels: [{ name: 'release-feature-request' }],
        milestones: [{ number: 1, title: '2.6.0', state: 'open' }],
        issues,
        pulls,
      },
    ],
  };
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}

async function run(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'bench-verify-milestone-fixes-'));
  try {
    let t = Date.now();
    const { repo, milestonePrs } = await buildRepository(join(root, 'pytorch.git'));
    console.log(
      `repository: ${BEFORE} commits before the cut, ${AFTER + 10} after on main, built in ${seconds(Date.now() - t)} s`,
    );
    const github = await startGitHubServer({ state: milestoneState(milestonePrs), validate: true });
    try {
      // The action, end to end.
      t = Date.now();
      const result = await runActionMain(
        'verify-milestone-fixes',
        ACTION_DIR,
        main,
        { 'remote-url': repo.url, 'release-branch': 'release/2.6', milestone: '1', 'fail-on': 'none' },
        { repository: REPO, api_url: github.url, token: 'bench' },
      );
      const actionMs = Date.now() - t;
      if (result.error) throw new Error(result.error);
      const calls = github.requests.length;

      // Its matching alone, on the same ranges, with the patch-id step timed apart.
      const scratch = join(root, 'ours');
      mkdirSync(scratch);
      const ranges = await readRanges(new Git({ cwd: scratch }), {
        url: repo.url,
        mainBranch: 'main',
        releaseBranch: 'release/2.6',
        cutPoint: '',
      });
      let patchMs = 0;
      let ancestryMs = 0;
      const evidence = {
        patchIds: async (shas: string[]) => {
          const s = Date.now();
          const ids = await ranges.evidence.patchIds(shas);
          patchMs += Date.now() - s;
          return ids;
        },
        onReleaseBranch: async (shas: string[]) => {
          const s = Date.now();
          const answers = await ranges.evidence.onReleaseBranch(shas);
          ancestryMs += Date.now() - s;
          return answers;
        },
      };
      const items = (await github.state.repos[0]!.pulls!).map((p) => ({
        number: p.number,
        title: p.title,
        url: `https://github.com/${REPO}/pull/${p.number}`,
        kind: 'pull' as const,
        state: 'closed' as const,
        labels: [],
      }));
      const allItems = [
        ...items,
        ...github.state.repos[0]!.issues!.map((i) => ({
          number: i.number,
          title: i.title,
          url: `https://github.com/${REPO}/issues/${i.number}`,
          kind: 'issue' as const,
          state: i.state === 'open' ? ('open' as const) : ('closed' as const),
          labels: i.labels ?? [],
        })),
      ];
      // The matching runs three times (the git steps once): the median is reported.
      const indexTimes: number[] = [];
      const matchTimes: number[] = [];
      let verification!: Awaited<ReturnType<typeof verify>>;
      for (let run = 0; run < 3; run++) {
        patchMs = 0;
        ancestryMs = 0;
        t = Date.now();
        const mainIndex = new CommitIndex(ranges.main, REPO);
        const releaseIndex = new CommitIndex(ranges.release, REPO);
        indexTimes.push(Date.now() - t);
        verification = await verify(
          allItems,
          mainIndex,
          releaseIndex,
          { skipLabels: ['release-feature-request'], releaseBranch: 'release/2.6' },
          evidence,
        );
        matchTimes.push(Date.now() - t - patchMs - ancestryMs);
      }
      const indexMs = median(indexTimes);
      const matchMs = median(matchTimes);

      // The way github_analyze.py works: a full clone, REST pages of 30, substring search per item.
      t = Date.now();
      const clone = join(root, 'full-clone');
      execFileSync('git', ['clone', '-q', '--bare', repo.url, clone]);
      const cloneMs = Date.now() - t;
      const before = github.requests.length;
      // Asynchronously: the stand-in answering the script runs in this process.
      const way = JSON.parse(
        (
          await promisify(execFile)(
            'python3',
            [join(HERE, 'github_analyze_way.py'), github.url, REPO, '1', clone, 'orig/release/2.6', 'release/2.6'],
            { encoding: 'utf8', maxBuffer: 1 << 26 },
          )
        ).stdout,
      ) as { api_calls: number; api_seconds: number; git_seconds: number; match_seconds: number; missing: number[] };
      const restCalls = github.requests.length - before;

      const target = Math.ceil(ITEMS / 100) + 5;
      const missing = Number(result.outputs['missing-count']);
      console.log(
        `\n=== results\nmilestone of ${ITEMS} items; ${ranges.main.length} commits on main and ${ranges.release.length} on release/2.6 after the cut\n`,
      );
      console.log('                                   verify-milestone-fixes   github_analyze.py way');
      console.log(
        `API calls                          ${String(calls).padEnd(25)}${restCalls} (REST pages of 30; target for ours <= ${target})`,
      );
      console.log(
        `matching (s)                       ${seconds(matchMs).padEnd(25)}${way.match_seconds.toFixed(2)}  (${(way.match_seconds / (matchMs / 1000)).toFixed(0)}x)`,
      );
      console.log(`  of which the commit index (s)    ${seconds(indexMs)}`);
      console.log(
        `git patch-id step (s)              ${seconds(patchMs).padEnd(25)}-  (${verification.patchIdCommits} commits)`,
      );
      console.log(
        `git merge-base --is-ancestor (s)   ${seconds(ancestryMs).padEnd(25)}-  (${verification.missedReverts.length} missed reverts among the reverts checked)`,
      );
      console.log(
        `git: fetch / clone + log (s)       ${'(in the action)'.padEnd(25)}${(cloneMs / 1000 + way.git_seconds).toFixed(2)}`,
      );
      console.log(
        `action end to end (s)              ${seconds(actionMs).padEnd(25)}${(cloneMs / 1000 + way.api_seconds + way.git_seconds + way.match_seconds).toFixed(2)}`,
      );
      console.log(`missing found                      ${String(missing).padEnd(25)}${way.missing.length}`);
      console.log(`missed reverts found               ${String(verification.missedReverts.length).padEnd(25)}-`);
      const calm = calls <= target && way.match_seconds / (matchMs / 1000) >= 10;
      console.log(`\ntargets (calls <= ${target}, matching >= 10x faster): ${calm ? 'met' : 'NOT met'}`);
    } finally {
      await github.stop();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await run();
