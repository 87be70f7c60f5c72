import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { githubServerOrigins, tokenRefusal } from './remote.js';
import { authConfig, configEnv, Git, GitError, parseIdentity } from './runner.js';

let root: string;
let remote: string;
let url: string;
let first: string;
let tip: string;

function sh(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@e',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@e',
    },
  }).trim();
}

/** Objects of `rev` that are absent locally (a partial clone's missing blobs). */
function missing(dir: string, rev: string): string[] {
  return sh(dir, 'rev-list', '--objects', '--missing=print', rev)
    .split('\n')
    .filter((l) => l.startsWith('?'));
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'git-test-'));
  remote = join(root, 'remote.git');
  url = `file://${remote}`;
  sh(root, 'init', '-q', '--bare', '--initial-branch=main', remote);
  sh(remote, 'config', 'uploadpack.allowFilter', 'true');
  const work = join(root, 'seed');
  sh(root, 'init', '-q', '--initial-branch=main', work);
  for (let i = 1; i <= 3; i++) {
    writeFileSync(join(work, `file${i}.txt`), `content ${i}\n`.repeat(100));
    writeFileSync(join(work, 'version.txt'), `2.${i}.0a0\n`);
    sh(work, 'add', '.');
    sh(work, 'commit', '-q', '-m', `commit ${i}`);
  }
  first = sh(work, 'rev-list', '--max-parents=0', 'HEAD');
  tip = sh(work, 'rev-parse', 'HEAD');
  sh(work, 'push', '-q', remote, 'HEAD:refs/heads/main', `${first}:refs/heads/old`);
  sh(work, 'tag', '-a', '-m', 'annotated', 'v1.0.0', first);
  sh(work, 'push', '-q', remote, 'refs/tags/v1.0.0');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

test('ls-remote returns exactly the refs asked for, with annotated tags peeled', async () => {
  const refs = await new Git().lsRemote(url, ['refs/heads/main', 'refs/heads/absent', 'refs/tags/v1.*']);
  const exact = await new Git().lsRemote(url, ['refs/tags/v1.0.0']);
  expect(exact.get('refs/tags/v1.0.0^{}')).toBe(first);
  expect(refs.get('refs/heads/main')).toBe(tip);
  expect(refs.has('refs/heads/old')).toBe(false);
  expect(refs.has('refs/heads/absent')).toBe(false);
  expect(refs.get('refs/tags/v1.0.0^{}')).toBe(first);
  expect(refs.get('refs/tags/v1.0.0')).not.toBe(first);
});

test("a remote's default branch is read from its HEAD", async () => {
  expect(await new Git().remoteDefaultBranch(url)).toBe('main');
});

test('a partial fetch of one commit brings commits and trees but no file contents until checked out sparsely', async () => {
  const dir = join(root, 'partial');
  const git = new Git({ cwd: dir });
  await git.partialFetch(url, [tip]);
  expect(await git.isShallow()).toBe(true);
  expect(missing(dir, tip)).toHaveLength(4);
  await git.sparseCheckout(tip, ['/version.txt']);
  expect(readFileSync(join(dir, 'version.txt'), 'utf8')).toBe('2.3.0a0\n');
  expect(existsSync(join(dir, 'file1.txt'))).toBe(false);
  expect(missing(dir, tip)).toHaveLength(3);
});

test('a commit records the given identity as author and committer and pushes without force', async () => {
  const dir = join(root, 'commit');
  const git = new Git({ cwd: dir });
  await git.partialFetch(url, [tip]);
  await git.sparseCheckout(tip, ['/version.txt']);
  writeFileSync(join(dir, 'version.txt'), '2.4.0a0\n');
  expect(await git.changedPaths()).toEqual(['version.txt']);
  const sha = await git.commit('bump\n\nbody', { name: 'Release Bot', email: 'bot@example.com' });
  expect(sh(dir, 'log', '-1', '--format=%an <%ae>|%cn <%ce>|%s', sha)).toBe(
    'Release Bot <bot@example.com>|Release Bot <bot@example.com>|bump',
  );
  expect(await git.revListCount(`${tip}..${sha}`)).toBe(1);

  await git.push(url, [`${sha}:refs/heads/bump`], { createOnly: ['refs/heads/bump'] });
  expect((await git.lsRemote(url, ['refs/heads/bump'])).get('refs/heads/bump')).toBe(sha);
  // The objects sent were only the new commit, its tree and the one changed file.
  expect(missing(dir, sha)).toHaveLength(3);

  await expect(git.push(url, [`+${tip}:refs/heads/bump`])).rejects.toThrow('refusing to force-push');
  // A create-only push refuses a ref that exists, even when the push would be a fast-forward.
  await expect(git.push(url, [`${sha}:refs/heads/old`], { createOnly: ['refs/heads/old'] })).rejects.toThrow(GitError);
  expect((await git.lsRemote(url, ['refs/heads/old'])).get('refs/heads/old')).toBe(first);
});

test('files are listed from trees, their blobs fetched in one request, and a commit built without a checkout', async () => {
  const dir = join(root, 'plumbing');
  const git = new Git({ cwd: dir });
  await git.partialFetch(url, [tip]);
  const entries = await git.listTree(tip, ['version.txt', 'file1.txt', 'nope']);
  expect(entries.map((e) => [e.path, e.type, e.mode])).toEqual([
    ['file1.txt', 'blob', '100644'],
    ['version.txt', 'blob', '100644'],
  ]);
  expect(missing(dir, tip)).toHaveLength(4);
  await git.fetchObjects(entries.map((e) => e.oid));
  expect(missing(dir, tip)).toHaveLength(2);
  const blobs = await git.readBlobs(entries.map((e) => e.oid));
  expect(blobs.get(entries[1]!.oid)!.toString()).toBe('2.3.0a0\n');

  const tree = await git.editTree(tip, [
    { path: 'version.txt', content: '2.4.0a0\n' },
    { path: 'file2.txt', content: null },
    { path: '.github/ci_commit_pins/xla.txt', content: 'r2.6\n' },
    { path: 'bytes.bin', content: Buffer.from([0xff, 0x00, 0x0a]) },
  ]);
  const sha = await git.commitTree(tree, [tip], 'edit\n', { name: 'Release Bot', email: 'bot@example.com' });
  expect(sh(dir, 'diff', '--name-status', tip, sha).split('\n')).toEqual([
    'A\t.github/ci_commit_pins/xla.txt',
    'A\tbytes.bin',
    'D\tfile2.txt',
    'M\tversion.txt',
  ]);
  expect(sh(dir, 'show', `${sha}:.github/ci_commit_pins/xla.txt`)).toBe('r2.6');
  expect(sh(dir, 'log', '-1', '--format=%an <%ae>|%P', sha)).toBe(`Release Bot <bot@example.com>|${tip}`);
  // Only the edited blobs were ever needed: file3.txt's contents were never fetched.
  expect(missing(dir, sha)).toHaveLength(1);
});

test('merge-base and rev-list counts answer on related and unrelated histories', async () => {
  const dir = join(root, 'history');
  const git = new Git({ cwd: dir });
  await git.partialFetch(url, [tip], { depth: 0 });
  expect(await git.mergeBase(first, tip)).toBe(first);
  expect(await git.revListCount(`${first}..${tip}`)).toBe(2);
  sh(dir, 'checkout', '-q', '--orphan', 'lonely');
  sh(dir, 'commit', '-q', '--allow-empty', '-m', 'unrelated');
  expect(await git.mergeBase('HEAD', tip)).toBeUndefined();
});

test('a failing command names the command, the exit code and what git said', async () => {
  const git = new Git({ cwd: root });
  const err = await git.run(['rev-parse', '--verify', 'no-such-ref']).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(GitError);
  expect((err as GitError).message).toMatch(/^git rev-parse --verify no-such-ref failed \(exit 128\): fatal: /);
});

test('settings reach git through GIT_CONFIG_* variables, after any the environment already has', async () => {
  expect(configEnv([['a.b', '1']], { GIT_CONFIG_COUNT: '2' })).toEqual({
    GIT_CONFIG_COUNT: '3',
    GIT_CONFIG_KEY_2: 'a.b',
    GIT_CONFIG_VALUE_2: '1',
  });
  const git = new Git({ cwd: root, config: [['release.pin', 'yes']] });
  expect(await git.out(['config', '--get', 'release.pin'])).toBe('yes');
});

test('a token becomes a host-scoped basic auth header, never part of the URL or the arguments', async () => {
  expect(authConfig('file:///tmp/x.git', 'ghs_secret')).toEqual([]);
  expect(authConfig('https://github.com/pytorch/pytorch.git', '')).toEqual([]);
  const [[key, value]] = authConfig('https://github.com/pytorch/pytorch.git', 'ghs_secret') as [[string, string]];
  expect(key).toBe('http.https://github.com/.extraheader');
  expect(value).toBe(`AUTHORIZATION: basic ${Buffer.from('x-access-token:ghs_secret').toString('base64')}`);
  const ghes = ['https://ghe.example.com'];
  const git = new Git({ cwd: root, config: authConfig('https://ghe.example.com/o/r.git', 'ghs_secret', ghes) });
  expect(await git.out(['config', '--get', 'http.https://ghe.example.com/.extraheader'])).toContain(
    'AUTHORIZATION: basic ',
  );
});

test('identities are parsed from "Name <email>"', () => {
  expect(parseIdentity('PyTorch Release Bot <release@pytorch.org>')).toEqual({
    name: 'PyTorch Release Bot',
    email: 'release@pytorch.org',
  });
  expect(parseIdentity('no email')).toBeUndefined();
  expect(parseIdentity('<only@email>')).toBeUndefined();
});

describe('a GitHub token goes only to the GitHub server, over https (http only on loopback)', () => {
  /** The header settings for url, and what the step logged while making them. */
  function attach(url: string, servers?: string[]): { config: Array<[string, string]>; log: string } {
    let log = '';
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string | Uint8Array): boolean => {
      log += String(chunk);
      return true;
    }) as typeof process.stdout.write;
    try {
      return { config: authConfig(url, 'ghs_secret', servers), log };
    } finally {
      process.stdout.write = write;
    }
  }

  test.each([
    ['https://gitlab.example.com/pytorch/pytorch.git', 'https://gitlab.example.com is not the GitHub server'],
    ['https://github.com.evil.example/pytorch/pytorch.git', 'is not the GitHub server (https://github.com)'],
    ['http://github.com/pytorch/pytorch.git', 'http://github.com is not the GitHub server'],
  ])('%s gets no token, and the log says why', (url, why) => {
    const { config, log } = attach(url);
    expect(config).toEqual([]);
    expect(log).toContain(`github-token is not sent to ${new URL(url).origin}: `);
    expect(log).toContain(why);
    expect(log).not.toContain('ghs_secret');
  });

  test('the GitHub server gets it over https, and a loopback stand-in over http', () => {
    expect(attach('https://github.com/pytorch/pytorch.git').config).toHaveLength(1);
    expect(attach('http://127.0.0.1:8123/pytorch.git', ['http://127.0.0.1:8123']).config).toHaveLength(1);
    expect(attach('http://127.0.0.1:9999/pytorch.git', ['http://127.0.0.1:8123']).config).toEqual([]);
  });

  test('plain http to a server that is not on loopback is refused even when it is the GitHub server', () => {
    const { config, log } = attach('http://ghes.example.com/o/r.git', ['http://ghes.example.com']);
    expect(config).toEqual([]);
    expect(log).toContain('plain http would expose it');
  });

  test("the servers are the workflow's GitHub server and the server of api-url", () => {
    expect(githubServerOrigins('', {})).toEqual(['https://github.com']);
    expect(githubServerOrigins('https://api.github.com', {})).toEqual(['https://github.com']);
    expect(
      githubServerOrigins('https://ghes.example.com/api/v3', { GITHUB_SERVER_URL: 'https://ghes.example.com/' }),
    ).toEqual(['https://ghes.example.com']);
    expect(githubServerOrigins('https://api.acme.ghe.com', { GITHUB_SERVER_URL: 'https://acme.ghe.com' })).toEqual([
      'https://acme.ghe.com',
    ]);
    expect(githubServerOrigins('http://127.0.0.1:8123', {})).toEqual(['https://github.com', 'http://127.0.0.1:8123']);
    expect(tokenRefusal('https://github.com/x.git', githubServerOrigins('', {}))).toBeUndefined();
  });
});
