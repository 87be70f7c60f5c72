import { CommitIndex, parseCommit } from './commit-index.js';

const REPO = 'pytorch/pytorch';
const commit = (message: string, sha = 'a'.repeat(40)) => ({
  sha,
  parents: ['b'.repeat(40)],
  subject: message.split('\n', 1)[0]!,
  message,
});

test('a merge-bot commit names its PR by trailer and the issues it fixes by reference', () => {
  const refs = parseCommit(
    commit(
      '[nn] Fix padding (#150029)\n\nFixes #150030\nSee also https://github.com/pytorch/pytorch/issues/150031\n\n' +
        'Pull Request resolved: https://github.com/pytorch/pytorch/pull/150029\nApproved by: https://github.com/ezyang',
    ),
    REPO,
  );
  expect(Object.fromEntries(refs.items)).toEqual({ 150029: 'trailer', 150030: 'reference', 150031: 'reference' });
  expect(refs.pr).toBe(150029);
});

test('numbers are parsed, never searched: #123 is not #1234, and other repositories do not count', () => {
  const refs = parseCommit(
    commit(
      'Fix (#1234)\n\nFixes #12345\nhttps://github.com/pytorch/vision/pull/123\nhttps://github.com/pytorch/pytorch/pull/1234',
    ),
    REPO,
  );
  expect([...refs.items.keys()].sort()).toEqual([1234, 12345]);
  expect(new CommitIndex([commit('Fix (#1234)')], REPO).naming(123)).toEqual([]);
});

test('a cherry-pick keeps the sha it was picked from', () => {
  const sha = 'c'.repeat(40);
  const refs = parseCommit(commit(`Backport\n\n(cherry picked from commit ${sha})`), REPO);
  expect(refs.cherryPickOf).toEqual([sha]);
  expect(new CommitIndex([commit(`Backport\n\n(cherry picked from commit ${sha})`)], REPO).picking(sha)).toHaveLength(
    1,
  );
});

test('a revert names what it reverts and does not count as landing or fixing it', () => {
  const sha = 'd'.repeat(40);
  const refs = parseCommit(
    commit(
      `Revert "[autograd] Fix double backward (#150070)"\n\nThis reverts commit ${sha}.\n\n` +
        'Reverted https://github.com/pytorch/pytorch/pull/150070 on behalf of https://github.com/malfet due to breaks trunk',
    ),
    REPO,
  );
  expect(refs).toMatchObject({
    reverts: sha,
    revertedSubject: '[autograd] Fix double backward (#150070)',
    revertedPr: 150070,
  });
  expect(refs.items.size).toBe(0);
});

test('subjects compare without a [release/X.Y] prefix', () => {
  const index = new CommitIndex([commit('[release/2.6] Revert "x (#1)"')], REPO);
  expect(index.withSubject('Revert "x (#1)"')).toHaveLength(1);
});
