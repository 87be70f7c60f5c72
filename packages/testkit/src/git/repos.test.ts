import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildCoreRepo,
  buildDomainRepo,
  cherryPick,
  createOrphanCommit,
  cutReleaseBranch,
  gitIn,
  landPullRequests,
  listRefs,
  readBlob,
} from './repos.js';
import { startGitHttpServer } from './http-server.js';

const execFileAsync = promisify(execFile);

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'testkit-git-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

test('the core repository has viable/strict behind main, merge-bot history and workflows pinned to test-infra main', async () => {
  const repo = await buildCoreRepo(join(root, 'pytorch.git'), { commits: 10, behind: 3 });
  expect(gitIn(repo, ['rev-list', '--count', `${repo.viableStrict}..${repo.main}`])).toBe('3');
  expect(gitIn(repo, ['rev-list', '--count', repo.main])).toBe('11');
  expect(readBlob(repo, 'main', 'version.txt')).toBe('2.6.0a0\n');
  expect(readBlob(repo, 'main', '.github/workflows/_linux-build.yml')).toContain(
    'pytorch/test-infra/.github/actions/setup-ssh@main',
  );
  expect(readBlob(repo, 'main', '.github/workflows/trunk.yml')).toContain('test-infra-ref: main');
  expect(readBlob(repo, 'main', '.github/ci_commit_pins/xla.txt')).toMatch(/^[0-9a-f]{40}\n$/);

  const message = gitIn(repo, ['log', '-1', '--format=%B', repo.prs[4]!.sha]);
  const pr = repo.prs[4]!.number;
  expect(message.split('\n')[0]).toMatch(new RegExp(`^\\[\\w+\\] .+ \\(#${pr}\\)$`));
  expect(message).toContain(`Pull Request resolved: https://github.com/pytorch/pytorch/pull/${pr}`);
  expect(repo.prs.some((p) => p.fixes.length > 0)).toBe(true);
  // Fixed identities and dates: the same options give the same shas on every machine.
  const again = await buildCoreRepo(join(root, 'pytorch-again.git'), { commits: 10, behind: 3 });
  expect(again.main).toBe(repo.main);
});

test('the core repository can be fetched partially over file://: the server honours blob filters', async () => {
  const repo = await buildCoreRepo(join(root, 'filter.git'), { commits: 4 });
  const clone = join(root, 'filter-clone');
  execFileSync('git', ['clone', '-q', '--bare', '--filter=blob:none', '--depth=1', repo.url, clone]);
  const missing = execFileSync('git', ['rev-list', '--objects', '--missing=print', 'HEAD'], {
    cwd: clone,
    encoding: 'utf8',
  });
  expect(missing.split('\n').filter((l) => l.startsWith('?')).length).toBeGreaterThan(10);
});

test('a domain library cuts from main and carries its own version', async () => {
  const repo = await buildDomainRepo(join(root, 'vision.git'));
  expect(readBlob(repo, repo.main, 'version.txt')).toBe('0.21.0a0\n');
  expect(listRefs(repo).has('refs/heads/viable/strict')).toBe(false);
  expect(readBlob(repo, repo.main, '.github/workflows/build-wheels-linux.yml')).toContain(
    'build_wheels_linux.yml@main',
  );
});

test('release branches get a release-only commit, cherry-picks carry the -x trailer, later work lands on main', async () => {
  const repo = await buildCoreRepo(join(root, 'release.git'), { commits: 6, behind: 2 });
  const cut = await cutReleaseBranch(repo, { version: '2.6' });
  expect(cut.cutPoint).toBe(repo.viableStrict);
  expect(listRefs(repo).get('refs/heads/orig/release/2.6')).toBe(repo.viableStrict);
  expect(readBlob(repo, 'release/2.6', '.github/workflows/lint.yml')).toContain('linux_job_v2.yml@release/2.6');

  const [fix] = await landPullRequests(repo, 'main', [
    {
      number: 141234,
      title: '[inductor] Fix crash on empty graph',
      fixes: [141000],
      files: { 'torch/fix.py': 'x = 1\n' },
    },
  ]);
  const [picked] = await cherryPick(repo, 'release/2.6', [fix!.sha], { pr: 141300 });
  const message = gitIn(repo, ['log', '-1', '--format=%B', picked!]);
  expect(message.split('\n')[0]).toBe('[release/2.6] [inductor] Fix crash on empty graph (#141234)');
  expect(message).toContain(`(cherry picked from commit ${fix!.sha})`);
  expect(message).toContain('Pull Request resolved: https://github.com/pytorch/pytorch/pull/141300');
  expect(gitIn(repo, ['rev-parse', 'refs/heads/release/2.6'])).toBe(picked);
});

test('a reworded cherry-pick without the -x line keeps only the patch, which patch-id recognises', async () => {
  const repo = await buildCoreRepo(join(root, 'reworded.git'), { commits: 3 });
  await cutReleaseBranch(repo, { version: '2.6' });
  const [fix] = await landPullRequests(repo, 'main', [
    { number: 141500, title: '[MPS] Fix crash', files: { 'torch/mps.py': 'y = 2\n' } },
  ]);
  const [picked] = await cherryPick(repo, 'release/2.6', [fix!.sha], {
    trailer: false,
    body: 'Same fix, new words.',
    reword: () => 'Fix MPS crash on the release branch',
  });
  const message = gitIn(repo, ['log', '-1', '--format=%B', picked!]);
  expect(message).toBe('Fix MPS crash on the release branch\n\nSame fix, new words.');
  const patchId = (sha: string): string =>
    execFileSync('git', ['patch-id', '--stable'], { input: gitIn(repo, ['show', sha]) + '\n', encoding: 'utf8' }).split(
      ' ',
    )[0]!;
  expect(patchId(picked!)).toBe(patchId(fix!.sha));
});

test('an orphan commit shares no history with main', async () => {
  const repo = await buildCoreRepo(join(root, 'orphan.git'), { commits: 2 });
  const sha = await createOrphanCommit(repo, 'refs/heads/release/2.6', { 'README.md': 'other\n' });
  expect(() => gitIn(repo, ['merge-base', sha, repo.main])).toThrow();
});

test('repositories are served over smart HTTP with partial-clone filters, and a token is required when set', async () => {
  const repo = await buildCoreRepo(join(root, 'http', 'pytorch.git'), { commits: 2 });
  const server = await startGitHttpServer({ root: join(root, 'http'), token: 'ghs_http' });
  // The server runs in this process: git must run asynchronously or it would wait on a blocked loop.
  const git = (args: string[], cwd = root) =>
    execFileAsync('git', args, { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
  try {
    await expect(git(['ls-remote', `${server.url}/pytorch.git`])).rejects.toThrow(
      /Authentication failed|could not read Username/,
    );
    const header = `AUTHORIZATION: basic ${Buffer.from('x-access-token:ghs_http').toString('base64')}`;
    const clone = join(root, 'http-clone');
    await git([
      '-c',
      `http.extraheader=${header}`,
      'clone',
      '-q',
      '--bare',
      '--filter=blob:none',
      '--depth=1',
      `${server.url}/pytorch.git`,
      clone,
    ]);
    expect((await git(['rev-parse', 'HEAD'], clone)).stdout.trim()).toBe(repo.main);
    const { stdout } = await git(['rev-list', '--objects', '--missing=print', 'HEAD'], clone);
    expect(stdout.split('\n').filter((l) => l.startsWith('?')).length).toBeGreaterThan(10);
    expect(server.requests.map((r) => r.status)).toContain(401);
    expect(server.requests.filter((r) => r.status === 200).every((r) => r.password === 'ghs_http')).toBe(true);
  } finally {
    await server.stop();
  }
});

test('a read-only token fetches over smart HTTP but its pushes are refused, as GITHUB_TOKEN with contents: read', async () => {
  const repo = await buildCoreRepo(join(root, 'readonly', 'pytorch.git'), { commits: 2 });
  const server = await startGitHttpServer({
    root: join(root, 'readonly'),
    token: 'ghp_write',
    readTokens: ['ghs_read'],
  });
  const git = (args: string[], cwd = root) =>
    execFileAsync('git', args, { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
  const header = (token: string): string =>
    `http.extraheader=AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
  try {
    const clone = join(root, 'readonly-clone');
    await git(['-c', header('ghs_read'), 'clone', '-q', `${server.url}/pytorch.git`, clone]);
    expect((await git(['rev-parse', 'HEAD'], clone)).stdout.trim()).toBe(repo.main);
    await expect(
      git(['-c', header('ghs_read'), 'push', 'origin', 'HEAD:refs/heads/release/2.6'], clone),
    ).rejects.toThrow(/403/);
    await git(['-c', header('ghp_write'), 'push', 'origin', 'HEAD:refs/heads/release/2.6'], clone);
    expect(gitIn(repo, ['rev-parse', 'refs/heads/release/2.6'])).toBe(repo.main);
  } finally {
    await server.stop();
  }
});
