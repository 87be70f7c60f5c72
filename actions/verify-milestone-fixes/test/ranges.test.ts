import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCoreRepo, cherryPick, cutReleaseBranch, landPullRequests } from '@release-actions/testkit/git/index';
import { areAncestors, fetchRanges, patchIds, readCommits, shallowBoundary } from '@release-actions/core/git/ranges';
import { Git } from '@release-actions/core/git/runner';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ranges-test-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const objectTypes = (dir: string): string[] =>
  execFileSync('git', ['cat-file', '--batch-all-objects', '--batch-check=%(objecttype)'], {
    cwd: dir,
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);

test('one fetch brings the commits after the cut on both branches, with trees and no file contents', async () => {
  const repo = await buildCoreRepo(join(root, 'a.git'), { commits: 10, behind: 2 });
  await cutReleaseBranch(repo, { version: '2.6' });
  const landed = await landPullRequests(repo, 'main', [
    { number: 150001, title: 'Fix', files: { 'fix.py': 'x = 1\n' } },
  ]);
  const [pick] = await cherryPick(repo, 'release/2.6', [landed[0]!.sha], {
    trailer: false,
    reword: () => 'Reworded',
    body: 'b',
  });

  const git = new Git({ cwd: join(root, 'a-work') });
  const [main, release] = await fetchRanges(git, repo.url, {
    cut: 'refs/heads/orig/release/2.6',
    tips: ['refs/heads/main', 'refs/heads/release/2.6'],
  });
  const mainCommits = await readCommits(git, [main!]);
  const releaseCommits = await readCommits(git, [release!]);
  // viable/strict is two behind main: those two, then the fix.
  expect(mainCommits.map((c) => c.subject)).toEqual([
    'Fix (#150001)',
    expect.stringMatching(/\(#\d+\)$/),
    expect.stringMatching(/\(#\d+\)$/),
  ]);
  expect(releaseCommits.map((c) => c.subject)).toEqual([
    'Reworded',
    '[RELEASE-ONLY CHANGES] Branch Cut for Release 2.6',
  ]);
  expect(objectTypes(git.cwd!)).not.toContain('blob');
  expect(shallowBoundary(git).size).toBe(2);

  // Patch ids fetch just the blobs of the diffs asked for, and see through the rewording.
  const ids = await patchIds(git, [landed[0]!.sha, pick!]);
  expect(ids.get(landed[0]!.sha)).toMatch(/^[0-9a-f]{40}$/);
  expect(ids.get(pick!)).toBe(ids.get(landed[0]!.sha));
  expect(objectTypes(git.cwd!).filter((t) => t === 'blob')).toHaveLength(1);
});

test('a commit from before the cut is found an ancestor of the release branch by deepening commit history only', async () => {
  const repo = await buildCoreRepo(join(root, 'b.git'), { commits: 10, behind: 2 });
  await cutReleaseBranch(repo, { version: '2.6' });
  const git = new Git({ cwd: join(root, 'b-work') });
  const tips = ['refs/heads/main', 'refs/heads/release/2.6'];
  const [main, release] = await fetchRanges(git, repo.url, { cut: 'refs/heads/orig/release/2.6', tips });
  const old = repo.prs[2]!.sha;
  const newest = (await readCommits(git, [main!]))[0]!.sha;
  const answers = await areAncestors(git, [old, newest, 'e'.repeat(40)], release!, tips);
  expect(answers.get(old)).toBe(true);
  expect(answers.get(newest)).toBe(false);
  expect(answers.get('e'.repeat(40))).toBeUndefined();
});
