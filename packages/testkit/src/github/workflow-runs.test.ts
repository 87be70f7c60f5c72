import { createGitHubClient } from '@release-actions/core/github/client';
import { startGitHubServer, type GitHubServer } from './server.js';
import { fakeSha, workflowRunsOf, type CiHistory } from './workflow-runs.js';

const history: CiHistory = {
  owner: 'pytorch',
  repo: 'pytorch',
  ref: 'nightly',
  commits: [
    {
      sha: fakeSha('new'),
      time: '2026-12-01T03:00:00Z',
      workflows: { 'linux-binary-manywheel': { 'a / build': 'queued', 'b / build': 'success' } },
    },
    {
      sha: fakeSha('old'),
      time: '2026-11-30T03:00:00Z',
      workflows: {
        'linux-binary-manywheel': { 'a / build': 'timed_out', 'b / build': 'success' },
        'windows-binary-wheel': Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`job ${i}`, 'skipped'])),
      },
    },
  ],
};

let server: GitHubServer;
beforeAll(async () => {
  server = await startGitHubServer({
    state: { repos: [{ owner: 'pytorch', name: 'pytorch', workflowRuns: workflowRunsOf(history) }] },
  });
});
afterAll(() => server.stop());

test('a history becomes workflow runs and jobs that GitHub-shaped responses carry, paginated', async () => {
  const client = createGitHubClient({ token: 't', apiUrl: server.url });
  const runs = await client.paginate(client.rest.actions.listWorkflowRunsForRepo, {
    owner: 'pytorch',
    repo: 'pytorch',
    branch: 'nightly',
    per_page: 2,
  });
  expect(runs.map((r) => [r.name, r.head_sha, r.status, r.conclusion])).toEqual([
    ['linux-binary-manywheel', fakeSha('new'), 'in_progress', null],
    // created at the same time: the higher id first
    ['windows-binary-wheel', fakeSha('old'), 'completed', 'success'],
    ['linux-binary-manywheel', fakeSha('old'), 'completed', 'failure'],
  ]);
  const jobs = await client.paginate(client.rest.actions.listJobsForWorkflowRun, {
    owner: 'pytorch',
    repo: 'pytorch',
    run_id: runs[1]!.id,
    per_page: 100,
  });
  expect(jobs).toHaveLength(150);
  const queued = (
    await client.rest.actions.listJobsForWorkflowRun({ owner: 'pytorch', repo: 'pytorch', run_id: runs[0]!.id })
  ).data.jobs;
  expect(queued.map((j) => [j.name, j.status, j.conclusion])).toEqual([
    ['a / build', 'queued', null],
    ['b / build', 'completed', 'success'],
  ]);
  expect(server.requests.every((r) => r.validated)).toBe(true);
  expect(server.takeViolations()).toEqual([]);
});

test('fake shas are 40 hex digits, stable and distinct', () => {
  expect(fakeSha('a')).toMatch(/^[0-9a-f]{40}$/);
  expect(fakeSha('a')).toBe(fakeSha('a'));
  expect(fakeSha('a')).not.toBe(fakeSha('b'));
});
