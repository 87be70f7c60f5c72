import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runActionBundle, runActionMain } from '@release-actions/testkit/action-run';
import {
  buildCoreRepo,
  buildDomainRepo,
  createOrphanCommit,
  gitIn,
  landPullRequests,
  listRefs,
  liveBranches,
  readBlob,
  setRef,
  startGitHttpServer,
  type CoreRepo,
} from '@release-actions/testkit/git/index';
import { startGitHubServer } from '@release-actions/testkit/github/index';
import { main } from '../src/main.js';

const ACTION_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const XLA_PIN = '.github/ci_commit_pins/xla.txt=r{major}.{minor}';

let root: string;
let seq = 0;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cut-branch-test-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const core = (opts = {}): Promise<CoreRepo> =>
  buildCoreRepo(join(root, `pytorch-${++seq}.git`), { commits: 12, behind: 3, ...opts });
const cut = (inputs: Record<string, string>) =>
  runActionMain('cut-branch', ACTION_DIR, main, inputs, { repository: 'pytorch/pytorch' });

test('both branches are created on the source sha, release/X.Y with one release-only commit of exactly the expected diff', async () => {
  const repo = await core();
  const result = await cut({ 'remote-url': repo.url, pins: XLA_PIN, 'dry-run': 'false' });
  expect(result.error).toBeUndefined();
  const refs = listRefs(repo);
  expect(refs.get('refs/heads/orig/release/2.6')).toBe(repo.viableStrict);
  const head = refs.get('refs/heads/release/2.6')!;
  expect(gitIn(repo, ['rev-parse', `${head}^`])).toBe(repo.viableStrict);
  expect(gitIn(repo, ['log', '-1', '--format=%s|%an <%ae>', head])).toBe(
    '[RELEASE-ONLY CHANGES] Branch Cut for Release 2.6|github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>',
  );
  const diff = gitIn(repo, ['diff', '--unified=0', repo.viableStrict, head])
    .split('\n')
    .filter((l) => /^[-+](?![-+])/.test(l) || l.startsWith('+++'));
  expect(diff).toEqual([
    '+++ b/.github/actions/setup-linux/action.yml',
    '-      uses: pytorch/test-infra/.github/actions/setup-common@main',
    '+      uses: pytorch/test-infra/.github/actions/setup-common@release/2.6',
    '+++ b/.github/ci_commit_pins/xla.txt',
    '-8c7b5bd1e2c3d4f5a6b7c8d9e0f1a2b3c4d5e6f7',
    '+r2.6',
    '+++ b/.github/workflows/_linux-build.yml',
    '-        default: "main"',
    '+        default: "release/2.6"',
    '-        uses: pytorch/test-infra/.github/actions/setup-ssh@main',
    '+        uses: pytorch/test-infra/.github/actions/setup-ssh@release/2.6',
    '-        uses: pytorch/pytorch/.github/actions/checkout-pytorch@main',
    '+        uses: pytorch/pytorch/.github/actions/checkout-pytorch@release/2.6',
    '-        uses: pytorch/test-infra/.github/actions/calculate-docker-image@main',
    '+        uses: pytorch/test-infra/.github/actions/calculate-docker-image@release/2.6',
    '-        uses: pytorch/test-infra/.github/actions/pull-docker-image@main',
    '+        uses: pytorch/test-infra/.github/actions/pull-docker-image@release/2.6',
    '-        uses: pytorch/test-infra/.github/actions/teardown-linux@main',
    '+        uses: pytorch/test-infra/.github/actions/teardown-linux@release/2.6',
    '+++ b/.github/workflows/docker-builds.yml',
    '-        default: main',
    '+        default: release/2.6',
    '-        uses: pytorch/pytorch/.github/actions/checkout-pytorch@main',
    '+        uses: pytorch/pytorch/.github/actions/checkout-pytorch@release/2.6',
    '-        uses: pytorch/test-infra/.github/actions/calculate-docker-image@main',
    '+        uses: pytorch/test-infra/.github/actions/calculate-docker-image@release/2.6',
    '+++ b/.github/workflows/lint.yml',
    '-    uses: pytorch/test-infra/.github/workflows/linux_job_v2.yml@main',
    '+    uses: pytorch/test-infra/.github/workflows/linux_job_v2.yml@release/2.6',
    '-      test-infra-ref: main',
    '+      test-infra-ref: release/2.6',
    '-    uses: pytorch/test-infra/.github/workflows/linux_job_v2.yml@main',
    '+    uses: pytorch/test-infra/.github/workflows/linux_job_v2.yml@release/2.6',
    "-      test-infra-ref: 'main'",
    "+      test-infra-ref: 'release/2.6'",
    '+++ b/.github/workflows/trunk.yml',
    '-    uses: pytorch/pytorch/.github/workflows/_runner-determinator.yml@main',
    '+    uses: pytorch/pytorch/.github/workflows/_runner-determinator.yml@release/2.6',
    '-      test-infra-ref: main',
    '+      test-infra-ref: release/2.6',
  ]);
  expect(result.outputs).toMatchObject({
    branch: 'release/2.6',
    'base-sha': repo.viableStrict,
    'head-sha': head,
    created: 'true',
    'changed-files': [
      '.github/actions/setup-linux/action.yml',
      '.github/workflows/_linux-build.yml',
      '.github/workflows/docker-builds.yml',
      '.github/workflows/lint.yml',
      '.github/workflows/trunk.yml',
      '.github/ci_commit_pins/xla.txt',
    ].join('\n'),
  });
  // main and viable/strict did not move.
  expect(refs.get('refs/heads/main')).toBe(repo.main);
  expect(refs.get('refs/heads/viable/strict')).toBe(repo.viableStrict);
});

test('a re-run is a no-op that reports the existing branches and how far the source has moved', async () => {
  const repo = await core();
  expect((await cut({ 'remote-url': repo.url, 'dry-run': 'false' })).error).toBeUndefined();
  const before = listRefs(repo);
  await landPullRequests(repo, 'main', [{ number: 150001, title: '[CI] Later work', files: { 'later.txt': 'x\n' } }]);
  setRef(repo, 'refs/heads/viable/strict', gitIn(repo, ['rev-parse', 'main']));

  const again = await cut({ 'remote-url': repo.url, 'dry-run': 'false' });
  expect(again.error).toBeUndefined();
  expect(again.outputs['created']).toBe('false');
  expect(again.outputs['changed-files']).toBe('');
  const after = listRefs(repo);
  expect(after.get('refs/heads/release/2.6')).toBe(before.get('refs/heads/release/2.6'));
  expect(after.get('refs/heads/orig/release/2.6')).toBe(before.get('refs/heads/orig/release/2.6'));
  const table = again.receipt!.tables[0]!;
  expect(table.rows.map((r) => [r[0], r[1]])).toEqual([
    ['release/2.6', 'exists'],
    ['orig/release/2.6', 'exists'],
  ]);
  // 3 commits were behind main at the cut, plus the one landed since.
  expect(table.rows[0]![3]).toContain('1 commit(s) not in viable/strict, 4 commit(s) of viable/strict not in it');
});

test('a missing cut-point branch is created where the existing release branch left the source', async () => {
  const repo = await core();
  await cut({ 'remote-url': repo.url, 'dry-run': 'false' });
  const release = listRefs(repo).get('refs/heads/release/2.6')!;
  gitIn(repo, ['update-ref', '-d', 'refs/heads/orig/release/2.6']);
  setRef(repo, 'refs/heads/viable/strict', repo.main);
  const result = await cut({ 'remote-url': repo.url, 'dry-run': 'false' });
  expect(result.error).toBeUndefined();
  expect(listRefs(repo).get('refs/heads/orig/release/2.6')).toBe(repo.viableStrict);
  expect(listRefs(repo).get('refs/heads/release/2.6')).toBe(release);
});

test('an existing branch with unrelated history stops the run and nothing is pushed', async () => {
  const repo = await core();
  await createOrphanCommit(repo, 'refs/heads/release/2.6', { 'README.md': 'someone else\n' });
  const before = listRefs(repo);
  const result = await cut({ 'remote-url': repo.url, 'dry-run': 'false' });
  expect(result.error).toMatch(
    /^release\/2\.6 exists at [0-9a-f]{12} and shares no history with viable\/strict; nothing was changed/,
  );
  expect(listRefs(repo)).toEqual(before);
});

test('a diverged release branch is never moved: it is reported and left as it is', async () => {
  const repo = await core();
  setRef(repo, 'refs/heads/release/2.6', repo.prs[2]!.sha);
  await landPullRequests(repo, 'release/2.6', [
    { number: 150002, title: '[release/2.6] Early fix', files: { 'early.txt': 'x\n' } },
  ]);
  const before = listRefs(repo);
  const result = await cut({ 'remote-url': repo.url, 'dry-run': 'false' });
  expect(result.error).toBeUndefined();
  expect(listRefs(repo).get('refs/heads/release/2.6')).toBe(before.get('refs/heads/release/2.6'));
  // The cut point for orig/ is where the existing branch forked from the source.
  expect(listRefs(repo).get('refs/heads/orig/release/2.6')).toBe(repo.prs[2]!.sha);
});

test('a dry run shows the branches, base sha and diff, and leaves the remote untouched', async () => {
  const repo = await core();
  const before = listRefs(repo);
  const result = await cut({ 'remote-url': repo.url, pins: XLA_PIN });
  expect(result.error).toBeUndefined();
  expect(listRefs(repo)).toEqual(before);
  expect(result.outputs['created']).toBe('false');
  expect(result.outputs['base-sha']).toBe(repo.viableStrict);
  expect(result.outputs['head-sha']).toMatch(/^[0-9a-f]{40}$/);
  expect(result.outputs['head-sha']).not.toBe(repo.viableStrict);
  expect(result.summary).toContain('cut-branch (dry run)');
  expect(result.summary).toContain(repo.viableStrict);
  expect(result.summary).toContain('pytorch/test-infra/.github/workflows/linux_job_v2.yml@release/2.6');
  expect(result.receipt!.outcomes.map((o) => [o.target, o.result])).toEqual([
    ['refs/heads/release/2.6', 'planned'],
    ['refs/heads/orig/release/2.6', 'planned'],
  ]);
});

test('domain mode: cut from main, version.txt becomes X.Y.0 on the branch', async () => {
  const repo = await buildDomainRepo(join(root, 'vision.git'));
  const result = await runActionMain(
    'cut-branch',
    ACTION_DIR,
    main,
    { 'remote-url': repo.url, 'source-ref': 'main', 'write-version-txt': 'true', 'dry-run': 'false' },
    { repository: 'pytorch/vision' },
  );
  expect(result.error).toBeUndefined();
  expect(result.outputs['branch']).toBe('release/0.21');
  const head = listRefs(repo).get('refs/heads/release/0.21')!;
  expect(gitIn(repo, ['rev-parse', `${head}^`])).toBe(repo.main);
  expect(readBlob(repo, head, 'version.txt')).toBe('0.21.0\n');
  expect(readBlob(repo, head, '.github/workflows/build-wheels-linux.yml')).toContain(
    'build_wheels_linux.yml@release/0.21',
  );
  expect(readBlob(repo, 'main', 'version.txt')).toBe('0.21.0a0\n');
});

test('no release-only change needed: the release branch is the source commit, no empty commit', async () => {
  const repo = await core();
  const result = await cut({
    'remote-url': repo.url,
    'pin-repositories': 'pytorch/nothing-pinned',
    repository: 'pytorch/elsewhere',
    'dry-run': 'false',
  });
  expect(result.error).toBeUndefined();
  expect(listRefs(repo).get('refs/heads/release/2.6')).toBe(repo.viableStrict);
  expect(result.outputs['changed-files']).toBe('');
});

test('the version-bump PR is opened once, from automated/version-bump-X.Y, moving version.txt to X.(Y+1).0a0', async () => {
  const repo = await core();
  const server = await startGitHubServer({
    state: {
      tokens: ['ghs_test'],
      viewer: 'pytorchbot',
      repos: [{ owner: 'pytorch', name: 'pytorch', defaultBranch: 'main', branches: liveBranches(repo) }],
    },
  });
  try {
    const inputs = {
      'remote-url': repo.url,
      'bump-main': 'true',
      'dry-run': 'false',
      'github-token': 'ghs_test',
      'api-url': server.url,
    };
    const first = await cut(inputs);
    expect(first.error).toBeUndefined();
    const bump = listRefs(repo).get('refs/heads/automated/version-bump-2.6')!;
    expect(gitIn(repo, ['rev-parse', `${bump}^`])).toBe(repo.main);
    expect(readBlob(repo, bump, 'version.txt')).toBe('2.7.0a0\n');
    const pulls = server.state.repos[0]!.pulls!;
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({
      head: 'automated/version-bump-2.6',
      base: 'main',
      title: 'Bump version to 2.7.0a0',
    });
    expect(first.outputs['bump-pr-url']).toBe(`https://github.com/pytorch/pytorch/pull/${pulls[0]!.number}`);

    const second = await cut(inputs);
    expect(second.error).toBeUndefined();
    expect(server.state.repos[0]!.pulls).toHaveLength(1);
    expect(listRefs(repo).get('refs/heads/automated/version-bump-2.6')).toBe(bump);
    expect(second.outputs['bump-pr-url']).toBe(first.outputs['bump-pr-url']);
  } finally {
    await server.stop();
  }
});

test.each([
  [
    '2.6.0rc1',
    'input "version": "2.6.0rc1" is not a release version; expected MAJOR.MINOR or MAJOR.MINOR.PATCH such as 2.6',
  ],
  ['2', 'input "version": "2" is not a release version; expected MAJOR.MINOR or MAJOR.MINOR.PATCH such as 2.6'],
  [
    'v2.6.0+cu124',
    'input "version": "v2.6.0+cu124" is not a release version; expected MAJOR.MINOR or MAJOR.MINOR.PATCH such as 2.6',
  ],
  [
    'two.six',
    'input "version": "two.six" is not a release version; expected MAJOR.MINOR or MAJOR.MINOR.PATCH such as 2.6',
  ],
])('bad version %s is a one-line error', async (version, message) => {
  const repo = await buildCoreRepo(join(root, `bad-${++seq}.git`), { commits: 1 });
  const result = await cut({ 'remote-url': repo.url, version });
  expect(result.error).toBe(message);
});

test('other bad inputs are one-line errors naming the input', async () => {
  const repo = await buildCoreRepo(join(root, `bad-${++seq}.git`), { commits: 1 });
  expect((await cut({ 'remote-url': repo.url, 'source-ref': 'no/such' })).error).toBe(
    `input "source-ref": no branch or tag "no/such" on ${repo.url}`,
  );
  expect((await cut({ 'remote-url': repo.url, 'source-ref': 'f'.repeat(40) })).error).toBe(
    `input "source-ref": commit ${'f'.repeat(40)} is not on ${repo.url}`,
  );
  expect((await cut({ 'remote-url': repo.url, branches: 'release/{major}..{minor}' })).error).toBe(
    'input "branches": "release/2..6" is not a valid branch name',
  );
  expect((await cut({ 'remote-url': repo.url, pins: 'xla.txt=r{maj}' })).error).toMatch(
    /^input "pins": unknown placeholder \{maj\}/,
  );
  expect((await cut({ 'remote-url': repo.url, committer: 'nobody' })).error).toBe(
    'input "committer": "nobody" is not "Name <email>"',
  );
  expect((await cut({ 'remote-url': repo.url, 'dry-run': 'perhaps' })).error).toBe(
    'input "dry-run" must be true or false, got "perhaps"',
  );
});

test('a push refused for lack of workflow permission fails with the hint, and nothing is half-pushed', async () => {
  const repo = await core();
  const hook = join(repo.path, 'hooks', 'pre-receive');
  writeFileSync(
    hook,
    '#!/bin/sh\necho "! [remote rejected] release/2.6 -> release/2.6 (refusing to allow a GitHub App to create or update workflow `.github/workflows/lint.yml` without `workflows` permission)" >&2\nexit 1\n',
  );
  chmodSync(hook, 0o755);
  const before = listRefs(repo);
  const result = await cut({ 'remote-url': repo.url, 'dry-run': 'false' });
  expect(result.error).toMatch(
    /^the push was refused because it changes workflow files: use a token with the `workflow` scope/,
  );
  expect(listRefs(repo)).toEqual(before);
});

test('over HTTP the token travels only as a basic-auth header, and a wrong token fails without prompting', async () => {
  const dir = join(root, `http-${++seq}`);
  const repo = await buildCoreRepo(join(dir, 'pytorch.git'), { commits: 4 });
  const server = await startGitHttpServer({ root: dir, token: 'ghs_secret_token' });
  // The stand-in plays the GitHub server, the one origin the token may go to.
  process.env['GITHUB_SERVER_URL'] = server.url;
  try {
    const remote = `${server.url}/pytorch.git`;
    const result = await cut({ 'remote-url': remote, 'github-token': 'ghs_secret_token', 'dry-run': 'false' });
    expect(result.error).toBeUndefined();
    expect(listRefs(repo).get('refs/heads/orig/release/2.6')).toBe(repo.viableStrict);
    expect(server.requests.length).toBeGreaterThan(3);
    // The header goes with the first request already: no 401 round trip, no token in any URL.
    expect(
      server.requests.every(
        (r) => r.status === 200 && r.user === 'x-access-token' && r.password === 'ghs_secret_token',
      ),
    ).toBe(true);
    expect(server.requests.some((r) => r.url.includes('ghs_secret_token'))).toBe(false);
    expect(JSON.stringify(result.receipt) + result.summary).not.toContain('ghs_secret_token');

    const wrong = await cut({ 'remote-url': remote, 'github-token': 'ghs_wrong', 'dry-run': 'false' });
    expect(wrong.error).toMatch(/Authentication failed|could not read Username/);
  } finally {
    delete process.env['GITHUB_SERVER_URL'];
    await server.stop();
  }
});

test('a remote that is not the GitHub server gets no token', async () => {
  const dir = join(root, `http-${++seq}`);
  const repo = await buildCoreRepo(join(dir, 'pytorch.git'), { commits: 4 });
  const server = await startGitHttpServer({ root: dir });
  try {
    const remote = `${server.url}/pytorch.git`;
    const result = await cut({ 'remote-url': remote, 'github-token': 'ghs_secret_token', 'dry-run': 'false' });
    expect(result.error).toBeUndefined();
    expect(listRefs(repo).get('refs/heads/orig/release/2.6')).toBe(repo.viableStrict);
    expect(server.requests.length).toBeGreaterThan(3);
    expect(server.requests.filter((r) => r.password !== undefined || r.user !== undefined)).toEqual([]);
  } finally {
    await server.stop();
  }
});

test('the bundled dist/index.js cuts the branches when run with INPUT_* variables', async () => {
  const repo = await core();
  const result = await runActionBundle(
    ACTION_DIR,
    { 'remote-url': repo.url, pins: XLA_PIN, 'dry-run': 'false' },
    { repository: 'pytorch/pytorch' },
  );
  expect(result.error).toBeUndefined();
  expect(result.exitCode).toBe(0);
  expect(result.outputs['branch']).toBe('release/2.6');
  expect(listRefs(repo).get('refs/heads/orig/release/2.6')).toBe(repo.viableStrict);
  expect(readBlob(repo, 'release/2.6', '.github/ci_commit_pins/xla.txt')).toBe('r2.6\n');
  const report = JSON.parse(readFileSync(result.outputs['report']!, 'utf8'));
  expect(report).toMatchObject({ action: 'cut-branch', status: 'success', dryRun: false });
});
