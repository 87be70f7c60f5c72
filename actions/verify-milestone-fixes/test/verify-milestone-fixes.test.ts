import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runActionBundle, runActionMain, type ActionResult } from '@release-actions/testkit/action-run';
import { gitIn, setRef } from '@release-actions/testkit/git/index';
import { startGitHubServer, type GitHubServer, type StateFile } from '@release-actions/testkit/github/index';
import { main } from '../src/main.js';
import { buildScenario, githubState, MILESTONE, type Scenario } from './scenario.js';

const ACTION_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

let root: string;
let scenario: Scenario;
let github: GitHubServer;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'verify-milestone-fixes-test-'));
  scenario = await buildScenario(join(root, 'pytorch.git'));
  github = await startGitHubServer({ state: scenario.state });
}, 60_000);
afterAll(async () => {
  await github.stop();
  rmSync(root, { recursive: true, force: true });
});

const verifyWith = (server: GitHubServer, inputs: Record<string, string>): Promise<ActionResult> =>
  runActionMain(
    'verify-milestone-fixes',
    ACTION_DIR,
    main,
    { 'remote-url': scenario.repo.url, 'release-branch': 'release/2.6', milestone: String(MILESTONE), ...inputs },
    { repository: 'pytorch/pytorch', api_url: server.url, token: 'ghs_test' },
  );
const verify = (inputs: Record<string, string> = {}) => verifyWith(github, inputs);

const numbers = (json: string | undefined): number[] =>
  (JSON.parse(json ?? '[]') as Array<{ number: number }>).map((m) => m.number);

describe('a release milestone against release/2.6', () => {
  let result: ActionResult;
  beforeAll(async () => {
    result = await verify();
  }, 60_000);

  test('the fixes landed on main after the cut and never picked are missing, each with its reason', () => {
    expect(JSON.parse(result.outputs['missing']!)).toEqual([
      {
        number: 140063,
        url: 'https://github.com/pytorch/pytorch/pull/140063',
        title: '[export] Tidy the graph signature',
        kind: 'pull',
        reason: expect.stringMatching(
          /^landed on the main branch after the cut as [0-9a-f]{12}; nothing on release\/2.6 matches$/,
        ),
      },
      {
        number: 150022,
        url: 'https://github.com/pytorch/pytorch/pull/150022',
        title: '[dynamo] Fix guard on dict keys',
        kind: 'pull',
        reason: `landed on the main branch after the cut as ${scenario.landed.get(150022)!.slice(0, 12)}; nothing on release/2.6 matches`,
      },
    ]);
    expect(result.outputs['missing-count']).toBe('2');
  });

  test('the open issue is reported open; five fixes are present; the labelled item is skipped', () => {
    expect(result.outputs['open-count']).toBe('1');
    expect(result.outputs['present-count']).toBe('5');
    const cherry = result.receipt!.tables.find((t) => t.title === 'Cherry-picked')!;
    expect(cherry.rows.map((r) => [r[0], r[2]])).toEqual([
      ['#150001', 'trailer'],
      ['#150008', 'cherry-pick'],
      ['#150015', 'patch-id'],
      ['#150030', 'reference'],
      ['#150070', 'trailer'],
    ]);
    const counts = Object.fromEntries(result.receipt!.tables[0]!.rows.map((r) => [r[0], r[1]]));
    expect(counts).toMatchObject({
      'milestone items': 10,
      'landed before the cut': 1,
      skipped: 1,
      'missed reverts': 2,
      'GitHub API calls': 1,
    });
  });

  test('the reverts of a cherry-picked fix and of a commit from before the cut are missed; a picked revert and a main-only revert are not', () => {
    const missed = JSON.parse(result.outputs['missed-reverts']!) as Array<Record<string, unknown>>;
    expect(missed).toEqual([
      expect.objectContaining({
        revert: scenario.reverts.ofCherryPicked,
        reverted: scenario.landed.get(150070),
        revertedPr: 150070,
        on: 'cherry-pick',
        url: `https://github.com/pytorch/pytorch/commit/${scenario.reverts.ofCherryPicked}`,
      }),
      expect.objectContaining({ revert: scenario.reverts.ofPreCut, revertedPr: 140049, on: 'ancestor' }),
    ]);
    const reverts = missed.map((m) => m['revert']);
    expect(reverts).not.toContain(scenario.reverts.alreadyPicked);
    expect(reverts).not.toContain(scenario.reverts.ofMainOnly);
  });

  test('release-branch commits that no milestone item accounts for are listed', () => {
    const table = result.receipt!.tables.find((t) => t.title.includes('belong to no milestone item'))!;
    expect(table.rows.map((r) => [r[1], r[2]])).toEqual([
      ['[RELEASE-ONLY CHANGES] Branch Cut for Release 2.6', 'release-only change'],
      ['[release/2.6] Update the docs theme (#151090)', 'pull request #151090, not in the milestone'],
      [expect.stringContaining('[release/2.6] Revert'), `revert ${scenario.reverts.alreadyPicked.slice(0, 12)}`],
    ]);
  });

  test('the step fails per fail-on, naming the counts; the summary holds the tables with links', () => {
    expect(result.error).toBe(
      '2 missing, 1 open, 2 missed revert(s) (fail-on: missing,open,reverts); see the job summary',
    );
    expect(result.summary).toContain('Missing from the release branch');
    expect(result.summary).toContain('https://github.com/pytorch/pytorch/pull/150022');
    expect(result.summary).toContain('Open items');
    expect(result.summary).toContain('https://github.com/pytorch/pytorch/issues/150040');
    expect(result.summary).toContain(`https://github.com/pytorch/pytorch/commit/${scenario.reverts.ofPreCut}`);
  });
});

test('fail-on none passes with the same outputs; fail-on open fails on the open item only', async () => {
  const none = await verify({ 'fail-on': 'none' });
  expect(none.error).toBeUndefined();
  expect(none.outputs['missing-count']).toBe('2');
  const open = await verify({ 'fail-on': 'open' });
  expect(open.error).toBe('1 open (fail-on: open); see the job summary');
}, 60_000);

test('a milestone given by the title of a closed milestone is found; an unknown title names the closest ones', async () => {
  const byTitle = await verify({ milestone: '2.6.0', 'fail-on': 'none' });
  expect(byTitle.error).toBeUndefined();
  expect(byTitle.outputs['missing-count']).toBe('2');
  const unknown = await verify({ milestone: '2.6' });
  expect(unknown.error).toBe(
    'input "milestone": no milestone titled "2.6" in pytorch/pytorch; closest: "2.6.0", "2.5.0", "2.5.1"',
  );
}, 60_000);

test('bad input is one line naming the input, before anything is read', async () => {
  const before = github.requests.length;
  expect((await verify({ 'fail-on': 'missing,sometimes' })).error).toBe(
    'input "fail-on": "sometimes" is not one of missing, open, reverts, none',
  );
  expect((await verify({ 'release-branch': 'release 2.6' })).error).toBe(
    'input "release-branch": "release 2.6" is not a branch name such as release/2.6',
  );
  expect(github.requests.length).toBe(before);
  expect((await verify({ 'release-branch': 'release/2.5' })).error).toMatch(
    /^input "release-branch": no branch "release\/2.5" on file:\/\//,
  );
});

test('a cut point given as a sha, or (without orig/release/2.6) the merge base, gives the same verdicts', async () => {
  const bySha = await verify({ 'cut-point': scenario.cutPoint, 'fail-on': 'none' });
  gitIn(scenario.repo, ['update-ref', '-d', 'refs/heads/orig/release/2.6']);
  try {
    const byMergeBase = await verify({ 'fail-on': 'none' });
    for (const result of [bySha, byMergeBase]) {
      expect(result.error).toBeUndefined();
      expect(numbers(result.outputs['missing'])).toEqual([140063, 150022]);
      expect(result.outputs['present-count']).toBe('5');
      expect(numbers(result.outputs['missed-reverts']?.replace(/"revertedPr"/g, '"number"'))).toEqual([150070, 140049]);
    }
    expect(byMergeBase.receipt!.tables[0]!.rows).toContainEqual([
      'cut point (merge base of release/2.6 and main)',
      scenario.cutPoint.slice(0, 12),
    ]);
  } finally {
    setRef(scenario.repo, 'refs/heads/orig/release/2.6', scenario.cutPoint);
  }
}, 60_000);

test('a milestone of 350 items is read in pages of 100 issues and 100 pull requests per request', async () => {
  const extra = bigMilestone(200, 150);
  const server = await startGitHubServer({ state: githubState(extra) });
  try {
    const result = await verifyWith(server, { 'fail-on': 'none' });
    expect(result.error).toBeUndefined();
    const counts = Object.fromEntries(result.receipt!.tables[0]!.rows.map((r) => [r[0], r[1]]));
    expect(counts['milestone items']).toBe(360);
    expect(counts['landed before the cut']).toBe(351);
    // 203 issues and 157 pull requests: three requests carry both connections.
    expect(server.requests.filter((r) => r.url === '/graphql')).toHaveLength(3);
    expect(counts['GitHub API calls']).toBe(3);
  } finally {
    await server.stop();
  }
}, 60_000);

test('rate limits and 5xx answers are retried and give the same result', async () => {
  const calm = await verify({ 'fail-on': 'none' });
  const server = await startGitHubServer({ state: githubState() });
  try {
    server.injectFault({ path: '/graphql', status: 502 });
    server.injectFault({ path: '/graphql', status: 403, headers: { 'retry-after': '1' } });
    const stormy = await verifyWith(server, { 'fail-on': 'none' });
    expect(stormy.error).toBeUndefined();
    expect(server.requests.filter((r) => r.url === '/graphql').map((r) => r.status)).toEqual([502, 403, 200]);
    for (const key of ['missing', 'missing-count', 'open-count', 'present-count', 'missed-reverts']) {
      expect(stormy.outputs[key]).toBe(calm.outputs[key]);
    }
  } finally {
    await server.stop();
  }
}, 60_000);

test('the bundled dist/index.js gives the same outputs through INPUT_* variables', async () => {
  const sources = await verify({ 'fail-on': 'reverts' });
  const bundle = await runActionBundle(
    ACTION_DIR,
    { 'remote-url': scenario.repo.url, 'release-branch': 'release/2.6', milestone: '2.6.0', 'fail-on': 'reverts' },
    { repository: 'pytorch/pytorch', api_url: github.url, token: 'ghs_test' },
  );
  expect(bundle.exitCode).toBe(1);
  expect(bundle.error).toBe('2 missed revert(s) (fail-on: reverts); see the job summary');
  for (const key of ['missing', 'missing-count', 'open-count', 'present-count', 'missed-reverts']) {
    expect(bundle.outputs[key]).toBe(sources.outputs[key]);
  }
  const report = JSON.parse(readFileSync(bundle.outputs['report']!, 'utf8'));
  expect(report).toMatchObject({ action: 'verify-milestone-fixes', status: 'failure' });
}, 60_000);

function bigMilestone(issues: number, pulls: number): Pick<StateFile['repos'][number], 'issues' | 'pulls'> {
  return {
    issues: Array.from({ length: issues }, (_, i) => ({
      number: 100000 + i,
      title: `Old issue ${i}`,
      state: 'closed' as const,
      milestone: MILESTONE,
    })),
    pulls: Array.from({ length: pulls }, (_, i) => ({
      number: 110000 + i,
      title: `Old pull request ${i}`,
      state: 'closed' as const,
      head: `gh/dev/${i}/head`,
      headSha: '0'.repeat(40),
      milestone: MILESTONE,
    })),
  };
}
