import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runActionMain, type ActionResult } from '@release-actions/testkit/action-run';
import {
  startGitHubServer,
  type GitHubServer,
  type PullState,
  type StateFile,
} from '@release-actions/testkit/github/index';
import { main } from '../src/main.js';

const ACTION_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const TITLE = '[v.2.6.1] Release Tracker';

/** A patch milestone 2.6.1 and the pull requests to release/2.6, as the release process leaves them. */
function patchState(): StateFile {
  const pull = (number: number, extra: Partial<PullState>): PullState => ({
    number,
    title: `Pull request ${number}`,
    state: 'closed',
    head: `cherry-pick-${number}`,
    headSha: '0'.repeat(40),
    ...extra,
  });
  return {
    repos: [
      {
        owner: 'pytorch',
        name: 'pytorch',
        milestones: [
          { number: 8, title: '2.6.0', state: 'closed' },
          { number: 9, title: '2.6.1', state: 'open' },
          { number: 10, title: 'Backlog', state: 'open' },
        ],
        issues: [
          { number: 160001, title: 'Segfault in torch.load', state: 'closed', milestone: 9 },
          { number: 160030, title: 'Wrong result in cumsum on MPS', state: 'open', milestone: 9 },
        ],
        pulls: [
          pull(160002, { title: '[serialization] Guard torch.load (#160002)' }),
          pull(160010, { title: '[cuda] Fix stream sync', milestone: 9 }),
          pull(160020, { title: '[dynamo] Fix guard on dict keys', milestone: 9 }),
          pull(160100, { title: '[release/2.6] [cuda] Fix stream sync (#160010)', base: 'release/2.6', merged: true }),
          pull(160101, {
            title: '[release/2.6] Guard torch.load',
            base: 'release/2.6',
            state: 'open',
            body: 'Cherry pick of #160002\n\nFixes #160001',
          }),
          pull(160102, {
            title: '[release/2.6] Fix guard',
            base: 'release/2.6',
            body: 'cherry-pick of https://github.com/pytorch/pytorch/pull/160020',
          }),
          pull(160103, { title: '[release/2.6] An old 2.6.0 pick (#150001)', base: 'release/2.6', merged: true }),
        ],
      },
    ],
  };
}

let github: GitHubServer;
beforeEach(async () => {
  github = await startGitHubServer({ state: patchState() });
});
afterEach(async () => {
  await github.stop();
});

const track = (inputs: Record<string, string> = {}): Promise<ActionResult> =>
  runActionMain(
    'verify-milestone-fixes',
    ACTION_DIR,
    main,
    { mode: 'cherry-picks', milestone: '2.6.1', 'release-branch': 'release/2.6', 'fail-on': 'none', ...inputs },
    { repository: 'pytorch/pytorch', api_url: github.url, token: 'ghs_test' },
  );

/** REST writes (GraphQL reads are POSTs too). */
const writes = () => github.requests.filter((r) => r.method !== 'GET' && r.url !== '/graphql');
const trackers = () => github.state.repos[0]!.issues!.filter((i) => i.title === TITLE);

test('the cherry-pick PRs to the release branch with their state and the PR each picks; the items with none yet', async () => {
  const result = await track();
  expect(result.error).toBeUndefined();
  const table = result.receipt!.tables.find((t) => t.title.startsWith('Cherry-picks to release/2.6'))!;
  expect(table.rows.map((r) => r.slice(0, 3))).toEqual([
    ['#160100', 'merged', '#160010'],
    ['#160101', 'open', '#160002 #160001'],
    ['#160102', 'closed unmerged', '#160020'],
  ]);
  // The closed-unmerged pick was given up: its item still has none.
  expect(JSON.parse(result.outputs['missing']!).map((m: { number: number }) => m.number)).toEqual([160020, 160030]);
  expect(result.outputs).toMatchObject({ 'missing-count': '2', 'open-count': '1', 'present-count': '1' });
  // One request for the milestone by title, one for the milestone's items, one for the pull requests.
  expect(github.requests.filter((r) => r.url === '/graphql')).toHaveLength(3);
});

test('fail-on open fails while a cherry-pick PR is open', async () => {
  expect((await track({ 'fail-on': 'open' })).error).toBe('1 open (fail-on: open); see the job summary');
});

test('dry run: the tracker body it would write is shown, nothing is written', async () => {
  const result = await track({ 'tracker-issue': 'create' });
  expect(result.error).toBeUndefined();
  const body = result.receipt!.tables.find((t) => t.title === 'Tracker issue body that would be written')!;
  const text = body.rows.map((r) => r[0]).join('\n');
  expect(text).toContain('| #160101 | open | #160002 #160001 | [release/2.6] Guard torch.load |');
  expect(text).toContain('- [ ] #160030 Wrong result in cumsum on MPS');
  expect(result.receipt!.outcomes).toEqual([expect.objectContaining({ kind: 'open-issue', result: 'planned' })]);
  expect(writes()).toEqual([]);
  expect(trackers()).toEqual([]);
});

test('the tracker is opened once, left alone when nothing changed, and its section rewritten in place when a PR merges', async () => {
  const first = await track({ 'tracker-issue': 'create', 'dry-run': 'false' });
  expect(first.error).toBeUndefined();
  expect(trackers()).toHaveLength(1);
  const issue = trackers()[0]!;
  expect(issue.labels).toEqual(['release tracker']);
  expect(first.outputs['tracker-issue-url']).toBe(`https://github.com/pytorch/pytorch/issues/${issue.number}`);

  // A release manager adds the criteria above the section by hand.
  issue.body = `Cherry-pick criteria: regressions only.\n\n${issue.body}`;
  const again = await track({ 'tracker-issue': 'create', 'dry-run': 'false' });
  expect(again.receipt!.outcomes).toEqual([expect.objectContaining({ action: 'skip' })]);

  github.state.repos[0]!.pulls!.find((p) => p.number === 160101)!.merged = true;
  github.state.repos[0]!.pulls!.find((p) => p.number === 160101)!.state = 'closed';
  const before = writes().length;
  const third = await track({ 'tracker-issue': 'create', 'dry-run': 'false' });
  expect(third.error).toBeUndefined();
  expect(trackers()).toHaveLength(1);
  expect(
    writes()
      .slice(before)
      .map((r) => r.method),
  ).toEqual(['PATCH']);
  expect(issue.body).toMatch(/^Cherry-pick criteria: regressions only\.\n\n/);
  expect(issue.body).toContain('| #160101 | merged | #160002 #160001 |');
  expect(issue.body).not.toContain('| #160101 | open |');
});

test('a closed tracker is found again by its title; a tracker given by number is edited', async () => {
  const repo = github.state.repos[0]!;
  repo.issues!.push({ number: 170000, title: TITLE, state: 'closed', body: 'Old notes.' });
  const byTitle = await track({ 'tracker-issue': 'create', 'dry-run': 'false' });
  expect(byTitle.error).toBeUndefined();
  expect(trackers()).toHaveLength(1);
  expect(repo.issues!.find((i) => i.number === 170000)!.body).toMatch(/^Old notes\.\n\n<!-- verify-milestone-fixes/);

  repo.issues!.push({ number: 170001, title: 'Release 2.6.1 notes', state: 'open', body: '' });
  const byNumber = await track({ 'tracker-issue': '170001', 'dry-run': 'false' });
  expect(byNumber.outputs['tracker-issue-url']).toBe('https://github.com/pytorch/pytorch/issues/170001');
  expect(repo.issues!.find((i) => i.number === 170001)!.body).toContain('| #160100 | merged | #160010 |');
});

test('a tracker for a milestone that is not a release version, or without cherry-picks mode, is refused in one line', async () => {
  expect((await track({ milestone: 'Backlog', 'tracker-issue': 'create' })).error).toBe(
    'input "tracker-issue": milestone "Backlog" is not a release version such as 2.6.1, so the tracker has no title',
  );
  expect((await track({ mode: 'fixes', 'tracker-issue': 'create' })).error).toBe(
    'input "tracker-issue" needs "mode: cherry-picks"',
  );
});
