import { createGitHubClient } from '@release-actions/core/github/client';
import { createOnce } from '@release-actions/core/github/create-once';
import { startGitHubServer, type GitHubServer } from './server.js';

/**
 * Creates whose answer is lost: the stand-in performs the request, then answers 502, as a proxy that
 * drops GitHub's response would. The object must exist once, and the run must succeed.
 */

const TOKEN = 'ghs_createOnceToken';
const SHA = 'a'.repeat(40);
const repo = { owner: 'pytorch', repo: 'vision' };

let server: GitHubServer;
beforeEach(async () => {
  server = await startGitHubServer({
    state: {
      tokens: [TOKEN],
      repos: [{ owner: 'pytorch', name: 'vision', branches: { main: SHA, 'automated/bump': SHA } }],
    },
  });
});
afterEach(async () => {
  await server.stop();
});

const client = () => createGitHubClient({ token: TOKEN, apiUrl: server.url, sleep: async () => {}, retryBaseMs: 0 });
const posts = (path: string) => server.requests.filter((r) => r.method === 'POST' && r.url === path).length;

function openPullRequest(gh = client()) {
  return createOnce(
    {
      what: 'pull request automated/bump -> main',
      find: async () => {
        const open = await gh.rest.pulls.list({ ...repo, head: 'pytorch:automated/bump', state: 'open' });
        return open.data[0]?.number;
      },
      create: async () =>
        (await gh.rest.pulls.create({ ...repo, head: 'automated/bump', base: 'main', title: 'Bump' })).data.number,
    },
    { sleep: async () => {} },
  );
}

test('the client never repeats a POST by itself: a lost answer is not retried blindly', async () => {
  server.injectFault({ method: 'POST', path: '/repos/pytorch/vision/issues', status: 502, lostResponse: true });
  await expect(client().rest.issues.create({ ...repo, title: 'Release 2.6' })).rejects.toMatchObject({ status: 502 });
  expect(posts('/repos/pytorch/vision/issues')).toBe(1);
  const issues = await client().rest.issues.listForRepo(repo);
  expect(issues.data.map((i) => i.title)).toEqual(['Release 2.6']);
});

test('a pull request created before its answer was lost is found, not created twice nor failed on 422', async () => {
  server.injectFault({ method: 'POST', path: '/repos/pytorch/vision/pulls', status: 502, lostResponse: true });
  const result = await openPullRequest();
  expect(result.created).toBe(true);
  expect(posts('/repos/pytorch/vision/pulls')).toBe(1);
  const open = await client().rest.pulls.list({ ...repo, state: 'all' });
  expect(open.data.map((p) => p.number)).toEqual([result.value]);
});

test('a create that failed before GitHub acted is tried again, once the lookup shows nothing', async () => {
  server.injectFault({ method: 'POST', path: '/repos/pytorch/vision/pulls', status: 503 });
  const result = await openPullRequest();
  expect(result.created).toBe(true);
  expect(posts('/repos/pytorch/vision/pulls')).toBe(2);
  expect((await client().rest.pulls.list({ ...repo, state: 'all' })).data).toHaveLength(1);
});

test('an object that already exists is used without any create', async () => {
  const first = await openPullRequest();
  const again = await openPullRequest();
  expect(again).toEqual({ value: first.value, created: false });
  expect(posts('/repos/pytorch/vision/pulls')).toBe(1);
});

test('a refusal that is not about a lost answer fails at once', async () => {
  server.injectFault({
    method: 'POST',
    path: '/repos/pytorch/vision/pulls',
    status: 403,
    message: 'Resource not accessible',
  });
  await expect(openPullRequest()).rejects.toMatchObject({ status: 403 });
  expect(posts('/repos/pytorch/vision/pulls')).toBe(1);
});
