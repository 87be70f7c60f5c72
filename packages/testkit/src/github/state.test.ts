import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGitHubClient } from '@release-actions/core/github/client';
import { startGitHubServer } from './server.js';
import { checkState, readStateFile, StateError, type StateFile } from './state.js';

const EXAMPLE = fileURLToPath(new URL('./examples/release-2.6.json', import.meta.url));
const README = fileURLToPath(new URL('../../README.md', import.meta.url));
const repo = { owner: 'pytorch', repo: 'pytorch' };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gh-state-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the README shows the example state file verbatim', () => {
  expect(readFileSync(README, 'utf8')).toContain('```json\n' + readFileSync(EXAMPLE, 'utf8') + '```');
});

test("the README example serves every endpoint within GitHub's schemas", async () => {
  const server = await startGitHubServer({ state: EXAMPLE });
  const client = createGitHubClient({
    token: 'ghp_rehearsal',
    apiUrl: server.url,
    retryBaseMs: 0,
    sleep: async () => {},
  });
  const items = await client.paginate(client.rest.issues.listForRepo, {
    ...repo,
    milestone: '47',
    state: 'all',
    per_page: 2,
  });
  expect(items.map((i) => [i.number, i.state, Boolean(i.pull_request)]).sort()).toEqual([
    [101, 'closed', true],
    [103, 'open', true],
    [90, 'open', false],
    [91, 'closed', false],
    [92, 'closed', false],
  ]);
  const milestones = await client.rest.issues.listMilestones({ ...repo, state: 'all' });
  expect(milestones.data.map((m) => [m.title, m.open_issues, m.closed_issues])).toEqual([
    ['2.5.1', 0, 0],
    ['2.6.0', 2, 3],
  ]);
  const pr = await client.rest.pulls.get({ ...repo, pull_number: 103 });
  expect([pr.data.base.ref, pr.data.base.sha, pr.data.merged]).toEqual(['release/2.5', '5'.repeat(40), false]);
  await client.rest.pulls.list({ ...repo, state: 'all' });
  await client.rest.issues.get({ ...repo, issue_number: 90 });
  await client.rest.issues.listLabelsForRepo(repo);
  await client.rest.repos.get(repo);
  await client.rest.git.listMatchingRefs({ ...repo, ref: 'heads/' });
  await client.rest.git.getRef({ ...repo, ref: 'tags/v2.5.0-rc1' });
  const version = await client.rest.repos.getContent({ ...repo, path: 'version.txt', ref: 'release/2.5' });
  expect(
    !Array.isArray(version.data) &&
      version.data.type === 'file' &&
      Buffer.from(version.data.content, 'base64').toString(),
  ).toBe('2.5.0\n');
  await client.rest.repos.getContent({ ...repo, path: '.github/workflows' });
  const runs = await client.paginate(client.rest.actions.listWorkflowRunsForRepo, {
    ...repo,
    branch: 'nightly',
    per_page: 2,
  });
  expect(runs.map((r) => [r.id, r.conclusion])).toEqual([
    [9003, 'failure'],
    [9002, 'success'],
    [9001, 'cancelled'],
  ]);
  expect(runs[1]!.display_title).toBe('Speed up the other thing (#102)');
  const jobs = await client.rest.actions.listJobsForWorkflowRun({ ...repo, run_id: 9003 });
  expect(jobs.data.jobs.map((j) => [j.status, j.conclusion])).toEqual([
    ['completed', 'success'],
    ['completed', 'failure'],
    ['completed', 'success'],
    ['in_progress', null],
  ]);
  await client.rest.actions.getWorkflowRun({ ...repo, run_id: 9001 });
  const unchecked = server.requests.filter((r) => r.operationId && !r.validated);
  expect(unchecked).toEqual([]);
  await server.stop();
});

test('persist writes changes back to the state file, and faults armed in JSON fire', async () => {
  const file = join(dir, 'state.json');
  const state = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as StateFile;
  state.faults = [{ method: 'GET', pathPattern: '^/repos/pytorch/pytorch$', status: 502, times: 1 }];
  writeFileSync(file, JSON.stringify(state));
  const server = await startGitHubServer({ state: file, persist: true });
  const client = createGitHubClient({
    token: 'ghp_rehearsal',
    apiUrl: server.url,
    retryBaseMs: 0,
    sleep: async () => {},
  });
  await client.rest.repos.get(repo);
  expect(server.requests.map((r) => r.status)).toEqual([502, 200]);
  await client.rest.git.createRef({ ...repo, ref: 'refs/heads/release/2.6', sha: '2'.repeat(40) });
  await server.stop();
  const saved = readStateFile(file);
  expect(saved.repos[0]!.branches!['release/2.6']).toBe('2'.repeat(40));
  expect(saved.faults).toBeUndefined(); // spent
});

test('a bad state file is refused with a message naming the entry at fault', () => {
  const base = (): StateFile => ({ repos: [{ owner: 'o', name: 'r', milestones: [{ number: 1, title: 'm' }] }] });
  const cases: [(s: StateFile) => void, string][] = [
    [(s) => s.repos.push({ owner: 'O', name: 'R' }), 'repository o/r appears twice'],
    [
      (s) => (s.repos[0]!.issues = [{ number: 3, title: 'x', milestone: 9 }]),
      'o/r #3 names milestone 9, which is not in "milestones"',
    ],
    [
      (s) => {
        s.repos[0]!.issues = [{ number: 3, title: 'x' }];
        s.repos[0]!.pulls = [{ number: 3, title: 'y', head: 'b' }];
      },
      'o/r #3 is used by both issues and pulls (issues and pulls share numbers)',
    ],
    [(s) => (s.repos[0]!.pulls = [{ number: 4, title: 'y' } as never]), 'o/r pull #4 needs a "head" branch'],
    [
      (s) => (s.repos[0]!.workflowRuns = [{ id: 1, name: 'nightly', headBranch: 'nightly' } as never]),
      'o/r workflowRuns[0] needs "id", "name", "headBranch" and "headSha"',
    ],
  ];
  for (const [edit, message] of cases) {
    const s = base();
    edit(s);
    expect(() => checkState(s)).toThrow(new StateError(`GitHub state: ${message}`));
  }
  expect(() => checkState({ repo: [] })).toThrow('GitHub state: expected an object with a "repos" array');
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{ "repos": [');
  expect(() => readStateFile(broken)).toThrow(`GitHub state file ${broken}:`);
});
