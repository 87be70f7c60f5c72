import { execFileSync } from 'node:child_process';
import { createGitHubClient, type GitHubClient } from '@release-actions/core/github/client';
import { startGitHubServer, type GitHubServer } from './server.js';
import type { StateFile } from './state.js';

const sha = (n: number): string => n.toString(16).padStart(40, '0');
const TOKEN = 'ghs_standintoken123';

function scenario(): StateFile {
  const issues = Array.from({ length: 250 }, (_, i) => ({
    number: i + 1,
    title: `issue ${i + 1}`,
    state: (i % 3 === 0 ? 'open' : 'closed') as 'open' | 'closed',
    milestone: 1,
    labels: i % 10 === 0 ? ['release-feature-request'] : [],
  }));
  return {
    tokens: [TOKEN],
    viewer: 'pytorchbot',
    repos: [
      {
        owner: 'pytorch',
        name: 'pytorch',
        branches: { main: sha(3), 'viable/strict': sha(2), 'release/2.5': sha(1) },
        tags: { 'v2.5.0-rc1': sha(1) },
        commits: [
          { sha: sha(1), message: 'one', parents: [] },
          { sha: sha(2), message: 'two', parents: [sha(1)] },
          { sha: sha(3), message: 'three (#7)', parents: [sha(2)] },
          { sha: sha(4), message: 'elsewhere', parents: [sha(1)] },
        ],
        files: {
          main: {
            'version.txt': '2.6.0a0\n',
            '.github/workflows/lint.yml': 'name: lint\n',
            '.github/workflows/pull.yml': 'name: pull\n',
          },
        },
        labels: [{ name: 'release-feature-request', color: 'c2e0c6' }],
        milestones: [
          { number: 1, title: '2.6.0', state: 'open', dueOn: '2026-12-01T00:00:00Z' },
          { number: 2, title: '2.5.1', state: 'closed' },
        ],
        issues,
        pulls: [
          {
            number: 251,
            title: 'Fix the thing',
            head: 'fix-thing',
            state: 'closed',
            merged: false,
            milestone: 1,
            base: 'main',
          },
        ],
        workflowRuns: [
          {
            id: 100,
            name: 'nightly',
            headBranch: 'nightly',
            headSha: sha(3),
            event: 'schedule',
            conclusion: 'failure',
            createdAt: '2026-11-26T00:00:00Z',
            jobs: [
              { name: 'build (cpu, 1, 2, linux.2xlarge)', conclusion: 'success' },
              { name: 'build (cpu, 2, 2, linux.2xlarge)', conclusion: 'failure' },
            ],
          },
          {
            id: 99,
            name: 'nightly',
            headBranch: 'nightly',
            headSha: sha(2),
            createdAt: '2026-11-25T00:00:00Z',
            jobs: [{ name: 'build', conclusion: 'success' }],
          },
          {
            id: 98,
            name: 'pull',
            headBranch: 'main',
            headSha: sha(2),
            event: 'push',
            status: 'in_progress',
            createdAt: '2026-11-25T01:00:00Z',
          },
        ],
      },
    ],
  };
}

let server: GitHubServer;
let client: GitHubClient;
const noWait = async (): Promise<void> => {};

beforeEach(async () => {
  server = await startGitHubServer({ state: scenario() });
  client = createGitHubClient({ token: TOKEN, apiUrl: server.url, sleep: noWait, retryBaseMs: 0 });
});
afterEach(async () => {
  await server.stop(); // rejects if any response broke GitHub's schema
});

const repo = { owner: 'pytorch', repo: 'pytorch' };

test('the repository reads back with its default branch', async () => {
  const { data } = await client.rest.repos.get(repo);
  expect(data.full_name).toBe('pytorch/pytorch');
  expect(data.default_branch).toBe('main');
});

test('paginating a milestone of 250 items follows the Link header through three pages of 100', async () => {
  const items = await client.paginate(client.rest.issues.listForRepo, {
    ...repo,
    milestone: '1',
    state: 'all',
    per_page: 100,
  });
  expect(items).toHaveLength(251);
  expect(new Set(items.map((i) => i.number)).size).toBe(251);
  expect(items.filter((i) => i.pull_request)).toHaveLength(1);
  const pages = server.requests.filter((r) => r.operationId === 'issues/list-for-repo');
  expect(pages.map((r) => new URL(r.url, server.url).searchParams.get('page'))).toEqual([null, '2', '3']);
});

test('the Link header names next and last pages like GitHub', async () => {
  const res = await client.rest.issues.listForRepo({ ...repo, milestone: '1', state: 'all', per_page: 100, page: 2 });
  expect(res.data).toHaveLength(100);
  const link = res.headers.link ?? '';
  expect(link).toMatch(/page=3>; rel="next"/);
  expect(link).toMatch(/page=3>; rel="last"/);
  expect(link).toMatch(/page=1>; rel="prev"/);
});

test('per_page above 100 is capped at 100', async () => {
  const res = await client.rest.issues.listForRepo({ ...repo, state: 'all', per_page: 250 });
  expect(res.data).toHaveLength(100);
});

test('issues filter by state, label and creator', async () => {
  const open = await client.paginate(client.rest.issues.listForRepo, {
    ...repo,
    milestone: '1',
    state: 'open',
    per_page: 100,
  });
  expect(open).toHaveLength(84);
  const labelled = await client.paginate(client.rest.issues.listForRepo, {
    ...repo,
    state: 'all',
    labels: 'release-feature-request',
    per_page: 100,
  });
  expect(labelled).toHaveLength(25);
  expect(labelled[0]!.labels).toEqual([expect.objectContaining({ name: 'release-feature-request', color: 'c2e0c6' })]);
  const byBot = await client.rest.issues.listForRepo({ ...repo, state: 'all', creator: 'someone-else' });
  expect(byBot.data).toEqual([]);
});

test('milestones are listed open by default and all on request, with item counts', async () => {
  const open = await client.rest.issues.listMilestones(repo);
  expect(open.data.map((m) => m.title)).toEqual(['2.6.0']);
  expect(open.data[0]!.open_issues).toBe(84);
  expect(open.data[0]!.closed_issues).toBe(167);
  const all = await client.rest.issues.listMilestones({ ...repo, state: 'all' });
  expect(all.data.map((m) => m.title)).toEqual(['2.6.0', '2.5.1']);
});

test("an unknown repository answers 404 with GitHub's error body", async () => {
  const res = await fetch(`${server.url}/repos/pytorch/nope`, { headers: { authorization: `token ${TOKEN}` } });
  expect(res.status).toBe(404);
  expect(await res.json()).toEqual({
    message: 'Not Found',
    documentation_url: expect.stringContaining('docs.github.com'),
    status: '404',
  });
  await expect(client.rest.repos.get({ owner: 'pytorch', repo: 'nope' })).rejects.toMatchObject({ status: 404 });
});

test('a missing or wrong token answers 401 Bad credentials', async () => {
  for (const headers of [{}, { authorization: 'token wrong' }] as Record<string, string>[]) {
    const res = await fetch(`${server.url}/repos/pytorch/pytorch`, { headers });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ message: 'Bad credentials', status: '401' });
  }
});

test('refs: get, list matching, create, and refuse an existing one with 422', async () => {
  const main = await client.rest.git.getRef({ ...repo, ref: 'heads/main' });
  expect(main.data.object.sha).toBe(sha(3));
  await expect(client.rest.git.getRef({ ...repo, ref: 'heads/release/2.6' })).rejects.toMatchObject({ status: 404 });

  const created = await client.rest.git.createRef({ ...repo, ref: 'refs/heads/release/2.6', sha: sha(2) });
  expect(created.status).toBe(201);
  expect(server.state.repos[0]!.branches!['release/2.6']).toBe(sha(2));

  const matching = await client.rest.git.listMatchingRefs({ ...repo, ref: 'heads/release/' });
  expect(matching.data.map((r) => r.ref)).toEqual(['refs/heads/release/2.5', 'refs/heads/release/2.6']);

  const again = await client.rest.git
    .createRef({ ...repo, ref: 'refs/heads/release/2.6', sha: sha(2) })
    .catch((e: unknown) => e);
  expect(again).toMatchObject({
    status: 422,
    response: { data: { message: 'Reference already exists', status: '422' } },
  });
});

test('a ref only moves forward unless forced', async () => {
  await expect(client.rest.git.updateRef({ ...repo, ref: 'heads/viable/strict', sha: sha(4) })).rejects.toMatchObject({
    status: 422,
    response: { data: { message: 'Update is not a fast forward' } },
  });
  await client.rest.git.updateRef({ ...repo, ref: 'heads/viable/strict', sha: sha(3) });
  expect(server.state.repos[0]!.branches!['viable/strict']).toBe(sha(3));
});

test('file contents come back base64-encoded with the blob sha git would compute', async () => {
  const { data } = await client.rest.repos.getContent({ ...repo, path: 'version.txt', ref: 'main' });
  if (Array.isArray(data) || data.type !== 'file') throw new Error('expected a file');
  expect(Buffer.from(data.content, 'base64').toString()).toBe('2.6.0a0\n');
  expect(data.sha).toBe(execFileSync('git', ['hash-object', '--stdin'], { input: '2.6.0a0\n' }).toString().trim());
  const dir = await client.rest.repos.getContent({ ...repo, path: '.github/workflows', ref: sha(3) });
  expect(Array.isArray(dir.data) && dir.data.map((e) => e.name)).toEqual(['lint.yml', 'pull.yml']);
  await expect(client.rest.repos.getContent({ ...repo, path: 'nope.txt' })).rejects.toMatchObject({ status: 404 });
});

test('a version-bump PR is opened once; a second one for the same head is refused like GitHub', async () => {
  server.state.repos[0]!.branches!['automated/version-bump-2.6'] = sha(4);
  const existing = await client.rest.pulls.list({ ...repo, head: 'pytorch:automated/version-bump-2.6', state: 'open' });
  expect(existing.data).toEqual([]);
  const pr = await client.rest.pulls.create({
    ...repo,
    title: 'Bump version to 2.7.0a0',
    head: 'automated/version-bump-2.6',
    base: 'main',
    body: 'x',
  });
  expect(pr.status).toBe(201);
  expect(pr.data.number).toBe(252);
  expect(pr.data.html_url).toBe('https://github.com/pytorch/pytorch/pull/252');
  const listed = await client.rest.pulls.list({ ...repo, head: 'pytorch:automated/version-bump-2.6', state: 'open' });
  expect(listed.data.map((p) => p.number)).toEqual([252]);

  const dup = await client.rest.pulls
    .create({ ...repo, title: 'again', head: 'automated/version-bump-2.6', base: 'main' })
    .catch((e: unknown) => e);
  expect(dup).toMatchObject({
    status: 422,
    response: {
      data: {
        message: 'Validation Failed',
        errors: [{ message: 'A pull request already exists for pytorch:automated/version-bump-2.6.' }],
      },
    },
  });

  const updated = await client.rest.pulls.update({ ...repo, pull_number: 252, body: 'updated' });
  expect(updated.data.body).toBe('updated');
  expect(server.state.repos[0]!.pulls!.find((p) => p.number === 252)!.body).toBe('updated');
});

test('a PR from a branch that does not exist is a 422 naming the head field', async () => {
  const err = await client.rest.pulls
    .create({ ...repo, title: 't', head: 'no-such-branch', base: 'main' })
    .catch((e: unknown) => e);
  expect(err).toMatchObject({ status: 422, response: { data: { errors: [{ field: 'head', code: 'invalid' }] } } });
});

test('issues opened through the API get the next number and can be found by creator', async () => {
  const { data } = await client.rest.issues.create({
    ...repo,
    title: 'Upgrading PyTorch to v2.6.0',
    body: 'Similar to #1',
    labels: ['colab'],
  });
  expect(data.number).toBe(252);
  expect(data.user?.login).toBe('pytorchbot');
  const mine = await client.rest.issues.listForRepo({ ...repo, state: 'all', creator: 'pytorchbot', labels: 'colab' });
  expect(mine.data.map((i) => i.title)).toEqual(['Upgrading PyTorch to v2.6.0']);
  const missing = await client.rest.issues.create({ ...repo, title: '' }).catch((e: unknown) => e);
  expect(missing).toMatchObject({
    status: 422,
    response: { data: { errors: [{ field: 'title', code: 'missing_field' }] } },
  });
});

test('workflow runs list newest first, filter by branch and event, and list their jobs', async () => {
  const runs = await client.rest.actions.listWorkflowRunsForRepo({
    ...repo,
    branch: 'nightly',
    event: 'schedule',
    per_page: 1,
  });
  expect(runs.data.total_count).toBe(2);
  expect(runs.data.workflow_runs.map((r) => [r.id, r.conclusion])).toEqual([[100, 'failure']]);
  expect(runs.headers.link).toMatch(/rel="next"/);
  const all = await client.paginate(client.rest.actions.listWorkflowRunsForRepo, {
    ...repo,
    branch: 'nightly',
    per_page: 1,
  });
  expect(all.map((r) => r.id)).toEqual([100, 99]);
  const jobs = await client.rest.actions.listJobsForWorkflowRun({ ...repo, run_id: 100 });
  expect(jobs.data.jobs.map((j) => [j.name, j.conclusion])).toEqual([
    ['build (cpu, 1, 2, linux.2xlarge)', 'success'],
    ['build (cpu, 2, 2, linux.2xlarge)', 'failure'],
  ]);
  const inProgress = await client.rest.actions.getWorkflowRun({ ...repo, run_id: 98 });
  expect(inProgress.data.conclusion).toBeNull();
});

test("GraphQL pages through a milestone's issues with cursors", async () => {
  const query = `query($owner: String!, $name: String!, $number: Int!, $after: String) {
    repository(owner: $owner, name: $name) {
      milestone(number: $number) {
        title
        issues(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { number state url labels(first: 10) { nodes { name } } } }
        pullRequests(first: 10) { nodes { number state merged headRefName } }
      }
    }
  }`;
  type Page = {
    repository: {
      milestone: {
        title: string;
        issues: {
          totalCount: number;
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
          nodes: { number: number; state: string; url: string }[];
        };
        pullRequests: { nodes: { number: number; state: string; merged: boolean; headRefName: string }[] };
      };
    };
  };
  const numbers: number[] = [];
  let after: string | null = null;
  let pages = 0;
  do {
    const page: Page = await client.graphql<Page>(query, { owner: 'pytorch', name: 'pytorch', number: 1, after });
    pages++;
    numbers.push(...page.repository.milestone.issues.nodes.map((n) => n.number));
    expect(page.repository.milestone.issues.totalCount).toBe(250);
    expect(page.repository.milestone.pullRequests.nodes).toEqual([
      { number: 251, state: 'CLOSED', merged: false, headRefName: 'fix-thing' },
    ]);
    after = page.repository.milestone.issues.pageInfo.hasNextPage
      ? page.repository.milestone.issues.pageInfo.endCursor
      : null;
  } while (after);
  expect(pages).toBe(3);
  expect(numbers).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
});

test('GraphQL refuses a connection without first/last, like GitHub', async () => {
  await expect(
    client.graphql('{ repository(owner: "pytorch", name: "pytorch") { issues { totalCount } } }'),
  ).rejects.toThrow('You must provide a `first` or `last` value to properly paginate the `issues` connection.');
  await expect(client.graphql('{ repository(owner: "pytorch", name: "nope") { name } }')).rejects.toThrow(
    "Could not resolve to a Repository with the name 'pytorch/nope'.",
  );
});

test('GHES-style /api/v3 and /api/graphql paths are served too', async () => {
  const ghes = createGitHubClient({ token: TOKEN, apiUrl: `${server.url}/api/v3`, sleep: noWait, retryBaseMs: 0 });
  expect((await ghes.rest.repos.get(repo)).data.name).toBe('pytorch');
  const all = await ghes.paginate(ghes.rest.issues.listForRepo, { ...repo, state: 'all', per_page: 100 });
  expect(all).toHaveLength(251);
  expect(server.requests.filter((r) => r.operationId === 'issues/list-for-repo')).toHaveLength(3);
  const viewer = await ghes.graphql<{ viewer: { login: string } }>('{ viewer { login } }');
  expect(viewer.viewer.login).toBe('pytorchbot');
});

test('a read-only token reads but its writes get 403 Resource not accessible by integration', async () => {
  server.state.readOnlyTokens = ['ghs_readonly'];
  const ro = createGitHubClient({ token: 'ghs_readonly', apiUrl: server.url, sleep: noWait, retryBaseMs: 0 });
  expect((await ro.rest.git.getRef({ ...repo, ref: 'heads/main' })).data.object.sha).toBe(sha(3));
  const err = await ro.rest.pulls
    .create({ ...repo, title: 't', head: 'main', base: 'release/2.5' })
    .catch((e: unknown) => e);
  expect(err).toMatchObject({
    status: 403,
    response: { data: { message: 'Resource not accessible by integration', status: '403' } },
  });
  await expect(ro.rest.git.createRef({ ...repo, ref: 'refs/tags/v2.6.0-rc1', sha: sha(3) })).rejects.toMatchObject({
    status: 403,
  });
  expect(server.state.repos[0]!.tags!['v2.6.0-rc1']).toBeUndefined();
});

test('listing by a milestone that does not exist (or by its title) is 422 naming the milestone field', async () => {
  for (const milestone of ['99', '2.6.0']) {
    const err = await client.rest.issues.listForRepo({ ...repo, milestone, state: 'all' }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      status: 422,
      response: {
        data: {
          message: 'Validation Failed',
          errors: [{ value: milestone, resource: 'Issue', field: 'milestone', code: 'invalid' }],
        },
      },
    });
  }
});

test("request bodies are checked against GitHub's request schemas and refused with its wording", async () => {
  const post = (path: string, body: unknown, method = 'POST') =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `token ${TOKEN}` },
      body: JSON.stringify(body),
    }).then(async (r) => [r.status, ((await r.json()) as { message: string }).message] as const);
  expect(await post('/repos/pytorch/pytorch/git/refs', { ref: 'refs/heads/x', sha: 123 })).toEqual([
    422,
    "Invalid request.\n\nFor 'properties/sha', 123 is not a string.",
  ]);
  expect(await post('/repos/pytorch/pytorch/git/refs', { ref: 'refs/heads/x' })).toEqual([
    422,
    'Invalid request.\n\n"sha" wasn\'t supplied.',
  ]);
  expect(await post('/repos/pytorch/pytorch/pulls/251', { state: 'merged' }, 'PATCH')).toEqual([
    422,
    'Invalid request.\n\nFor \'properties/state\', "merged" is not one of ["open","closed"].',
  ]);
  expect(server.state.repos[0]!.branches!['x']).toBeUndefined();
});
