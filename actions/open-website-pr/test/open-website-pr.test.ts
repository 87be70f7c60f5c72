import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runActionBundle, runActionMain } from '@release-actions/testkit/action-run';
import { startGitHubServer, type GitHubServer } from '@release-actions/testkit/github/index';
import { main } from '../src/main.js';
import type { PublishedVersions, ReleaseMatrix } from '../src/site-entry.js';
import { releaseMatrix, siteVersions } from './site-fixtures.js';

const ACTION_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const WRITER = 'ghp_website_writer';
const BRANCH = 'release-day/2.10.0';

let root: string;
let seq = 0;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'open-website-pr-test-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=Site Bot', '-c', 'user.email=site@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();

interface Site {
  bare: string;
  work: string;
  matrix: string;
  server: GitHubServer;
  /** Commits files on `site` and pushes them. */
  commit: (message: string, files: Record<string, string>) => string;
  ref: (name: string) => string | undefined;
  file: (rev: string, path?: string) => string;
}

let site: Site;

async function website(matrix: ReleaseMatrix = releaseMatrix('2.10.0')): Promise<Site> {
  const dir = join(root, `site-${++seq}`);
  const bare = join(dir, 'pytorch.github.io.git');
  const work = join(dir, 'work');
  mkdirSync(work, { recursive: true });
  git(dir, 'init', '-q', '--bare', '--initial-branch=site', bare);
  // as GitHub does: partial clones are served
  git(bare, 'config', 'uploadpack.allowFilter', 'true');
  git(work, 'init', '-q', '--initial-branch=site');
  const commit = (message: string, files: Record<string, string>): string => {
    for (const [f, text] of Object.entries(files)) {
      mkdirSync(dirname(join(work, f)), { recursive: true });
      writeFileSync(join(work, f), text);
    }
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '-m', message);
    git(work, 'push', '-q', bare, 'site');
    return git(work, 'rev-parse', 'HEAD');
  };
  commit('Site', {
    'published_versions.json': JSON.stringify(siteVersions(), null, 2) + '\n',
    'docs/2.9/index.html': '<title>PyTorch 2.9 documentation</title>\n',
  });
  const lines: string[] = [];
  for (const [os, entries] of Object.entries(matrix)) {
    const path = join(dir, `${os}_release_matrix.json`);
    writeFileSync(path, JSON.stringify({ include: entries }));
    lines.push(`${os}=${path}`);
  }
  const server = await startGitHubServer({
    state: {
      tokens: [WRITER],
      viewer: 'pytorchbot',
      repos: [{ owner: 'pytorch', name: 'pytorch.github.io', defaultBranch: 'site', gitDir: bare }],
    },
  });
  return {
    bare,
    work,
    matrix: lines.join('\n'),
    server,
    commit,
    ref: (name) => {
      try {
        return git(bare, 'rev-parse', '--verify', '-q', `refs/heads/${name}`);
      } catch {
        return undefined;
      }
    },
    file: (rev, path = 'published_versions.json') => git(bare, 'show', `${rev}:${path}`),
  };
}

afterEach(async () => {
  await site?.server.stop(); // rejects if a response broke GitHub's schema
});

const open = (inputs: Record<string, string> = {}) =>
  runActionMain('open-website-pr', ACTION_DIR, main, {
    version: '2.10.0',
    'remote-url': site.bare,
    matrix: site.matrix,
    'api-url': site.server.url,
    'github-token': WRITER,
    ...inputs,
  });
const pulls = () => site.server.state.repos[0]!.pulls ?? [];
const writes = () => site.server.requests.filter((r) => r.method !== 'GET');

test('a dry run (the default) shows the diff of the versions file and pushes and opens nothing', async () => {
  site = await website();
  const result = await open();
  expect(result.error).toBeUndefined();
  expect(result.outputs).toMatchObject({ 'pr-url': '', created: 'false', changed: '31' });
  expect(site.ref(BRANCH)).toBeUndefined();
  expect(writes()).toHaveLength(0);
  const diff = result.receipt!.notes.join('\n');
  expect(diff).toContain('-  "latest_stable": "2.9.1",\n+  "latest_stable": "2.10.0",');
  expect(diff).toContain(
    '+            "command": "pip3 install torch torchvision --index-url https://download.pytorch.org/whl/cu132"',
  );
  expect(result.receipt!.plan!.operations.map((o) => [o.kind, o.action])).toEqual([
    ['push-branch', 'create'],
    ['pull-request', 'create'],
  ]);
});

test('the release-day PR is opened once from release-day/X.Y.Z with one commit on site; a re-run finds it', async () => {
  site = await website();
  const baseSha = site.ref('site')!;
  const first = await open({ 'dry-run': 'false' });
  expect(first.error).toBeUndefined();
  const head = site.ref(BRANCH)!;
  expect(git(site.bare, 'rev-list', '--parents', '-n', '1', head)).toBe(`${head} ${baseSha}`);
  expect(git(site.bare, 'diff', '--name-only', baseSha, head)).toBe('published_versions.json');
  const after = JSON.parse(site.file(head)) as PublishedVersions;
  expect(after.latest_stable).toBe('2.10.0');
  expect(after.versions['2.10.0']!['linux']!['pip']!['cuda.y']!.command).toBe('pip3 install torch torchvision');
  expect(after.versions['2.9.1']).toEqual(siteVersions().versions['2.9.1']);

  expect(pulls()).toHaveLength(1);
  expect(pulls()[0]).toMatchObject({
    head: BRANCH,
    base: 'site',
    title: 'Release 2.10.0: install selector and latest_stable',
  });
  expect(pulls()[0]!.body).toContain(
    '| linux/pip/cuda.z | pip3 install torch torchvision --index-url https://download.pytorch.org/whl/cu132 |',
  );
  const url = `https://github.com/pytorch/pytorch.github.io/pull/${pulls()[0]!.number}`;
  expect(first.outputs).toMatchObject({ 'pr-url': url, created: 'true', changed: '31' });

  const again = await open({ 'dry-run': 'false' });
  expect(again.error).toBeUndefined();
  expect(site.ref(BRANCH)).toBe(head);
  expect(pulls()).toHaveLength(1);
  expect(again.outputs).toMatchObject({ 'pr-url': url, created: 'false' });
  expect(again.receipt!.plan!.operations.map((o) => o.action)).toEqual(['skip', 'skip']);
});

test('a re-run after the site and the matrix moved updates the same PR: the branch moves forward, merging site in', async () => {
  site = await website();
  await open({ 'dry-run': 'false' });
  const head = site.ref(BRANCH)!;
  const number = pulls()[0]!.number;
  const moved = site.commit('Blog post', { '_posts/2026-12-01-blog.md': 'news\n' });
  const rebuilt = releaseMatrix('2.10.0');
  for (const e of rebuilt.linux) if (e.gpu_arch_version === '13.2') e.installation = `${e.installation} # rebuilt`;
  writeFileSync(site.matrix.split('\n')[0]!.split('=')[1]!, JSON.stringify({ include: rebuilt.linux }));

  const result = await open({ 'dry-run': 'false' });
  expect(result.error).toBeUndefined();
  const next = site.ref(BRANCH)!;
  expect(git(site.bare, 'rev-list', '--parents', '-n', '1', next)).toBe(`${next} ${head} ${moved}`);
  expect(git(site.bare, 'diff', '--name-only', moved, next)).toBe('published_versions.json');
  expect(JSON.parse(site.file(next)).versions['2.10.0'].linux.pip['cuda.z'].command).toMatch(/# rebuilt$/);
  expect(pulls()).toHaveLength(1);
  expect(pulls()[0]!.number).toBe(number);
  expect(pulls()[0]!.body).toContain('/whl/cu132 # rebuilt |');
  expect(result.outputs).toMatchObject({ created: 'false', 'pr-url': expect.stringMatching(/\/pull\/\d+$/) });
});

test('the test twin: its own branch, every command at the RC index, a do-not-merge title; opened once', async () => {
  site = await website();
  const first = await open({ test: 'true', 'dry-run': 'false' });
  expect(first.error).toBeUndefined();
  const head = site.ref(`${BRANCH}-test`)!;
  const entry = JSON.parse(site.file(head)).versions['2.10.0'];
  const urls = JSON.stringify(entry).match(/https:\/\/download\.pytorch\.org\/[a-z]+\/[a-z0-9]+/g)!;
  expect(new Set(urls)).toEqual(
    new Set(['https://download.pytorch.org/whl/test', 'https://download.pytorch.org/libtorch/test']),
  );
  expect(entry.linux.pip['cuda.y'].command).toBe(
    'pip3 install torch torchvision --index-url https://download.pytorch.org/whl/test/cu130',
  );
  expect(pulls()).toHaveLength(1);
  expect(pulls()[0]).toMatchObject({ head: `${BRANCH}-test`, base: 'site' });
  expect(pulls()[0]!.title).toMatch(/^\[DO NOT MERGE\] Test of the 2\.10\.0 release-day update/);
  expect(site.ref(BRANCH)).toBeUndefined();

  const again = await open({ test: 'true', 'dry-run': 'false' });
  expect(again.outputs).toMatchObject({ created: 'false', 'pr-url': first.outputs['pr-url'] });
  expect(site.ref(`${BRANCH}-test`)).toBe(head);
  expect(pulls()).toHaveLength(1);
});

test('a matrix cell the entry needs but the matrix lacks is refused before anything is pushed', async () => {
  const matrix = releaseMatrix('2.10.0');
  matrix.windows = matrix.windows.filter((e) => !(e.package_type === 'libtorch' && e.libtorch_config === 'debug'));
  site = await website(matrix);
  const result = await open({ 'dry-run': 'false' });
  expect(result.error).toBe(
    'input "matrix": the release matrix has no build for 4 cell(s) of the site\'s entry: ' +
      'windows/libtorch/accnone "Download here (Debug version):" (libtorch cpu); ' +
      'windows/libtorch/cuda.x "Download here (Debug version):" (libtorch cuda 12.6); ' +
      'windows/libtorch/cuda.y "Download here (Debug version):" (libtorch cuda 13.0); ' +
      'windows/libtorch/cuda.z "Download here (Debug version):" (libtorch cuda 13.2)',
  );
  expect(site.ref(BRANCH)).toBeUndefined();
  expect(writes()).toHaveLength(0);
});

test('once the PR is merged, the site has the release: nothing to push, no PR, changed 0', async () => {
  site = await website();
  await open({ 'dry-run': 'false' });
  git(site.bare, 'update-ref', 'refs/heads/site', site.ref(BRANCH)!);
  const result = await open({ 'dry-run': 'false' });
  expect(result.error).toBeUndefined();
  expect(result.outputs).toMatchObject({ 'pr-url': '', created: 'false', changed: '0' });
  expect(result.receipt!.plan!.operations).toMatchObject([{ kind: 'versions-file', action: 'skip' }]);
  expect(pulls()).toHaveLength(1);
});

test('bad inputs are one-line errors naming the input, and change nothing', async () => {
  site = await website();
  const [linux] = site.matrix.split('\n');
  expect((await open({ version: '2.10' })).error).toBe(
    'input "version": "2.10" is not a full release version; expected MAJOR.MINOR.PATCH such as 2.10.0',
  );
  expect((await open({ matrix: site.matrix.split('\n').slice(1).join('\n') })).error).toBe(
    'input "matrix" has no linux=<path> line; the accelerator versions are read from the Linux matrix',
  );
  expect((await open({ matrix: `${linux}\nandroid=/dev/null` })).error).toBe(
    'input "matrix": unknown operating system "android"; expected linux, macos or windows',
  );
  expect((await open({ matrix: 'linux=/no/such.json' })).error).toBe(
    'input "matrix": cannot read linux=/no/such.json: ENOENT',
  );
  expect((await open({ base: 'gh-pages' })).error).toBe(`input "base": no branch "gh-pages" on ${site.bare}`);
  expect((await open({ 'versions-file': 'versions.json' })).error).toBe(
    'input "versions-file": site has no versions.json',
  );
  expect(writes()).toHaveLength(0);
});

test('the bundled dist/index.js opens the PR from INPUT_ variables, the token never logged', async () => {
  site = await website();
  const result = await runActionBundle(ACTION_DIR, {
    version: 'v2.10.0',
    'remote-url': site.bare,
    matrix: site.matrix,
    'api-url': site.server.url,
    'github-token': WRITER,
    'dry-run': 'false',
  });
  expect(result.error).toBeUndefined();
  expect(result.exitCode).toBe(0);
  expect(result.outputs).toMatchObject({ created: 'true', changed: '31' });
  expect(result.outputs['report']).toMatch(/\.json$/);
  expect(pulls()).toHaveLength(1);
  const logged = result.stdout!.split('\n').filter((l) => !l.startsWith('::add-mask::'));
  expect(logged.join('\n')).not.toContain(WRITER);
});
