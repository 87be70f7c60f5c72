import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runActionBundle, runActionMain } from '@release-actions/testkit/action-run';
import {
  buildCoreRepo,
  cherryPick,
  cutReleaseBranch,
  gitIn,
  landPullRequests,
  listRefs,
  type CoreRepo,
} from '@release-actions/testkit/git/index';
import { main } from '../src/main.js';

const ACTION_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

let root: string;
let seq = 0;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tag-rc-test-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A core repository with release/2.6 cut; returns it and the branch tip. */
async function released(): Promise<{ repo: CoreRepo; tip: string }> {
  const repo = await buildCoreRepo(join(root, `pytorch-${++seq}.git`), { commits: 6, behind: 2 });
  const cut = await cutReleaseBranch(repo, { version: '2.6' });
  return { repo, tip: cut.release };
}

const tag = (repo: CoreRepo, inputs: Record<string, string>) =>
  runActionMain('tag-rc', ACTION_DIR, main, { 'remote-url': repo.url, ...inputs });

/** Moves release/2.6 forward by one cherry-picked fix; returns the new tip. */
async function pickOne(repo: CoreRepo, n: number): Promise<string> {
  const [fix] = await landPullRequests(repo, 'main', [
    { number: 150000 + n, title: `[inductor] Fix ${n}`, files: { [`fix${n}.py`]: `x = ${n}\n` } },
  ]);
  const [picked] = await cherryPick(repo, 'release/2.6', [fix!.sha]);
  return picked!;
}

test('rc next tags the release branch tip as rc1 with an annotated tag, then rc2 once the branch moves', async () => {
  const { repo, tip } = await released();
  const first = await tag(repo, { version: '2.6.0', 'dry-run': 'false' });
  expect(first.error).toBeUndefined();
  expect(first.outputs).toMatchObject({ tag: 'v2.6.0-rc1', sha: tip, created: 'true' });
  expect(gitIn(repo, ['cat-file', '-t', 'v2.6.0-rc1'])).toBe('tag');
  expect(
    gitIn(repo, ['for-each-ref', '--format=%(taggername) %(taggeremail)|%(contents:subject)', 'refs/tags/v2.6.0-rc1']),
  ).toBe('github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>|Release candidate v2.6.0-rc1');
  expect(gitIn(repo, ['rev-parse', 'v2.6.0-rc1^{commit}'])).toBe(tip);

  const newTip = await pickOne(repo, 1);
  const second = await tag(repo, { version: 'v2.6.0', rc: 'next', 'dry-run': 'false' });
  expect(second.outputs).toMatchObject({ tag: 'v2.6.0-rc2', sha: newTip, created: 'true' });
});

test('re-running rc next on an already tagged tip is a no-op, not another RC', async () => {
  const { repo, tip } = await released();
  await tag(repo, { version: '2.6.0', 'dry-run': 'false' });
  const before = listRefs(repo);
  const again = await tag(repo, { version: '2.6.0', 'dry-run': 'false' });
  expect(again.error).toBeUndefined();
  expect(again.outputs).toMatchObject({ tag: 'v2.6.0-rc1', sha: tip, created: 'false' });
  expect(listRefs(repo)).toEqual(before);
});

test('an explicit rc already at the same commit is a no-op; at another commit it is refused unless forced', async () => {
  const { repo, tip } = await released();
  await tag(repo, { version: '2.6.0', rc: '1', 'dry-run': 'false' });
  expect((await tag(repo, { version: '2.6.0', rc: '1', 'dry-run': 'false' })).outputs['created']).toBe('false');

  const newTip = await pickOne(repo, 2);
  const before = listRefs(repo);
  const refused = await tag(repo, { version: '2.6.0', rc: '1', 'dry-run': 'false' });
  expect(refused.error).toBe(
    `v2.6.0-rc1 already exists on ${tip.slice(0, 12)}, not on ${newTip.slice(0, 12)} (release/2.6 tip); tags are never moved unless force is set`,
  );
  expect(listRefs(repo)).toEqual(before);

  const forced = await tag(repo, { version: '2.6.0', rc: '1', force: 'true', 'dry-run': 'false' });
  expect(forced.error).toBeUndefined();
  expect(forced.outputs).toMatchObject({ tag: 'v2.6.0-rc1', sha: newTip, created: 'true' });
  expect(gitIn(repo, ['rev-parse', 'v2.6.0-rc1^{commit}'])).toBe(newTip);
});

test('final tags the latest RC commit even after the branch moved on; again is a no-op', async () => {
  const { repo } = await released();
  await pickOne(repo, 3);
  await tag(repo, { version: '2.6.0', 'dry-run': 'false' });
  const rc2 = (await pickOne(repo, 4), await tag(repo, { version: '2.6.0', 'dry-run': 'false' })).outputs['sha']!;
  const later = await pickOne(repo, 5);

  const final = await tag(repo, { version: '2.6.0', final: 'true', 'dry-run': 'false' });
  expect(final.error).toBeUndefined();
  expect(final.outputs).toMatchObject({ tag: 'v2.6.0', sha: rc2, created: 'true' });
  expect(gitIn(repo, ['rev-parse', 'v2.6.0^{commit}'])).toBe(rc2);
  expect(gitIn(repo, ['rev-parse', 'v2.6.0-rc2^{commit}'])).toBe(rc2);
  expect(final.receipt!.plan!.operations[0]!.reason).toContain(
    `release/2.6 has moved past it to ${later.slice(0, 12)}`,
  );

  const again = await tag(repo, { version: '2.6.0', final: 'true', 'dry-run': 'false' });
  expect(again.outputs).toMatchObject({ tag: 'v2.6.0', sha: rc2, created: 'false' });
});

test('final without any RC is refused unless allow-new-commit, which tags the branch tip', async () => {
  const { repo, tip } = await released();
  const refused = await tag(repo, { version: '2.6.0', final: 'true', 'dry-run': 'false' });
  expect(refused.error).toBe(
    `no release candidate v2.6.0-rcN exists on ${repo.url}; tag one first, or set allow-new-commit to tag release/2.6 itself`,
  );
  const allowed = await tag(repo, { version: '2.6.0', final: 'true', 'allow-new-commit': 'true', 'dry-run': 'false' });
  expect(allowed.outputs).toMatchObject({ tag: 'v2.6.0', sha: tip, created: 'true' });
});

test('a dry run names the tag and commit and pushes nothing', async () => {
  const { repo, tip } = await released();
  const before = listRefs(repo);
  const result = await tag(repo, { version: '2.6.0' });
  expect(result.error).toBeUndefined();
  expect(result.outputs).toMatchObject({ tag: 'v2.6.0-rc1', sha: tip, created: 'false' });
  expect(result.summary).toContain('tag-rc (dry run)');
  expect(listRefs(repo)).toEqual(before);
});

test.each([
  [
    { version: '2.6' },
    'input "version": "2.6" is not a full release version; expected MAJOR.MINOR.PATCH such as 2.6.0',
  ],
  [
    { version: '2.6.0rc1' },
    'input "version": "2.6.0rc1" is not a full release version (it is a pre-release); expected MAJOR.MINOR.PATCH such as 2.6.0',
  ],
  [{ version: 'latest' }, 'input "version": "latest" is not a version; expected MAJOR.MINOR.PATCH such as 2.6.0'],
  [
    { version: '2.6.0', rc: '0' },
    'input "rc": "0" is not a release-candidate number; expected a positive number such as 3, or next',
  ],
  [
    { version: '2.6.0', rc: 'rc2' },
    'input "rc": "rc2" is not a release-candidate number; expected a positive number such as 3, or next',
  ],
  [{ version: '2.6.0', rc: '2', final: 'true' }, 'input "rc" ("2") cannot be combined with final: true'],
  [{ version: '2.6.0', 'allow-new-commit': 'true' }, 'input "allow-new-commit" only applies with final: true'],
  [{ version: '2.6.0', branch: 'release/9.9' }, 'input "branch": release/9.9 does not exist on REMOTE'],
])('bad input %j is a one-line error', async (inputs, message) => {
  const repo = await buildCoreRepo(join(root, `bad-${++seq}.git`), { commits: 1 });
  await cutReleaseBranch(repo, { version: '2.6' });
  const result = await tag(repo, inputs);
  expect(result.error).toBe(message.replace('REMOTE', repo.url));
});

test('the bundled dist/index.js tags when run with INPUT_* variables', async () => {
  const { repo, tip } = await released();
  const result = await runActionBundle(ACTION_DIR, { 'remote-url': repo.url, version: '2.6.0', 'dry-run': 'false' });
  expect(result.error).toBeUndefined();
  expect(result.exitCode).toBe(0);
  expect(result.outputs).toMatchObject({ tag: 'v2.6.0-rc1', sha: tip, created: 'true' });
  expect(gitIn(repo, ['rev-parse', 'v2.6.0-rc1^{commit}'])).toBe(tip);
});
