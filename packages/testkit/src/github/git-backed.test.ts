import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGitHubClient, type GitHubClient } from '@release-actions/core/github/client';
import { startGitHubServer, type GitHubServer } from './server.js';

// A repository whose refs and files live in a real bare git repository: what a test pushes with git,
// the API sees, and refs created through the API land in git.
let dir: string;
let bare: string;
let work: string;
let server: GitHubServer;
let client: GitHubClient;

const git = (cwd: string, ...args: string[]): string =>
  execFileSync(
    'git',
    ['-c', 'user.name=Release Bot', '-c', 'user.email=bot@example.com', '-c', 'init.defaultBranch=main', ...args],
    {
      cwd,
      encoding: 'utf8',
    },
  ).trim();
const commit = (message: string, files: Record<string, string>): string => {
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(work, f, '..'), { recursive: true });
    writeFileSync(join(work, f), text);
  }
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', message);
  return git(work, 'rev-parse', 'HEAD');
};

let first: string;
let second: string;
let side: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gh-git-'));
  bare = join(dir, 'vision.git');
  work = join(dir, 'work');
  git(dir, 'init', '-q', '--bare', bare);
  git(dir, 'init', '-q', work);
  first = commit('Initial commit', { 'version.txt': '0.21.0a0\n', '.github/workflows/build.yml': 'name: build\n' });
  git(work, 'checkout', '-q', '-b', 'side');
  side = commit('Side work', { 'side.txt': 'x\n' });
  git(work, 'checkout', '-q', 'main');
  second = commit('Bump something (#12)\n\nPull Request resolved: https://github.com/pytorch/vision/pull/12', {
    'version.txt': '0.22.0a0\n',
  });
  git(work, 'tag', '-a', '-m', 'rc1', 'v0.21.0-rc1', first);
  git(work, 'push', '-q', bare, 'main', 'side', '--tags');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeEach(async () => {
  server = await startGitHubServer({
    state: {
      repos: [
        {
          owner: 'pytorch',
          name: 'vision',
          gitDir: bare,
          workflowRuns: [{ id: 5, name: 'nightly', headBranch: 'main', headSha: second }],
        },
      ],
    },
  });
  client = createGitHubClient({ token: 't', apiUrl: server.url, retryBaseMs: 0, sleep: async () => {} });
});
afterEach(async () => {
  await server.stop();
});

const repo = { owner: 'pytorch', repo: 'vision' };

test('refs, annotated tags and files come from the bare repository', async () => {
  expect((await client.rest.git.getRef({ ...repo, ref: 'heads/main' })).data.object).toMatchObject({
    type: 'commit',
    sha: second,
  });
  const tag = (await client.rest.git.getRef({ ...repo, ref: 'tags/v0.21.0-rc1' })).data.object;
  expect(tag).toMatchObject({ type: 'tag', sha: git(bare, 'rev-parse', 'v0.21.0-rc1') });

  const file = (await client.rest.repos.getContent({ ...repo, path: 'version.txt', ref: 'v0.21.0-rc1' })).data;
  expect(!Array.isArray(file) && file.type === 'file' && Buffer.from(file.content, 'base64').toString()).toBe(
    '0.21.0a0\n',
  );
  expect(!Array.isArray(file) && file.sha).toBe(git(bare, 'rev-parse', `${first}:version.txt`));
  const dirList = (await client.rest.repos.getContent({ ...repo, path: '.github' })).data;
  expect(Array.isArray(dirList) && dirList.map((e) => [e.path, e.type])).toEqual([['.github/workflows', 'dir']]);
});

test('a branch pushed with git can be the head of a PR opened through the API', async () => {
  git(work, 'checkout', '-q', '-b', 'automated/version-bump-0.22');
  const bumped = commit('Bump version to 0.23.0a0', { 'version.txt': '0.23.0a0\n' });
  git(work, 'push', '-q', bare, 'automated/version-bump-0.22');
  git(work, 'checkout', '-q', 'main');
  const pr = await client.rest.pulls.create({
    ...repo,
    title: 'Bump',
    head: 'automated/version-bump-0.22',
    base: 'main',
  });
  expect(pr.data.head.sha).toBe(bumped);
  expect(pr.data.base.sha).toBe(second);
});

test('refs created through the API land in git; non-fast-forward moves are refused', async () => {
  await client.rest.git.createRef({ ...repo, ref: 'refs/heads/release/0.22', sha: first });
  expect(git(bare, 'rev-parse', 'release/0.22')).toBe(first);
  await expect(
    client.rest.git.createRef({ ...repo, ref: 'refs/heads/release/0.23', sha: 'f'.repeat(40) }),
  ).rejects.toMatchObject({
    status: 422,
    response: { data: { message: 'Object does not exist' } },
  });
  await client.rest.git.updateRef({ ...repo, ref: 'heads/release/0.22', sha: second });
  expect(git(bare, 'rev-parse', 'release/0.22')).toBe(second);
  await expect(client.rest.git.updateRef({ ...repo, ref: 'heads/release/0.22', sha: side })).rejects.toMatchObject({
    status: 422,
    response: { data: { message: 'Update is not a fast forward' } },
  });
  expect(git(bare, 'rev-parse', 'release/0.22')).toBe(second);
});

test('workflow runs take their head commit from git', async () => {
  const run = (await client.rest.actions.getWorkflowRun({ ...repo, run_id: 5 })).data;
  expect(run.display_title).toBe('Bump something (#12)');
  expect(run.head_commit?.message).toContain('Pull Request resolved: https://github.com/pytorch/vision/pull/12');
});
