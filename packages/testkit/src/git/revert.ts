import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git as gitAsMergeBot, type GitRepo } from './repos.js';

/**
 * Reverts a commit on a branch the way PyTorch's revert bot does: `git revert`, then the message
 * `Revert "<subject>"`, `This reverts commit <sha>.` and `Reverted <pull request URL> on behalf of ...`.
 * Returns the revert commit.
 */
export function revertCommit(repo: GitRepo, branch: string, sha: string, opts: { pr?: number } = {}): string {
  const work = mkdtempSync(join(tmpdir(), 'testkit-revert-'));
  const git = (args: string[]) => gitAsMergeBot(work, args).trim();
  try {
    git(['init', '-q', '--initial-branch=work']);
    git(['fetch', '-q', repo.path, `refs/heads/${branch}`]);
    git(['checkout', '-q', '-B', 'work', 'FETCH_HEAD']);
    const subject = git(['log', '-1', '--format=%s', sha]);
    git(['revert', '--no-edit', sha]);
    const lines = [`Revert "${subject}"`, '', `This reverts commit ${sha}.`, ''];
    if (opts.pr !== undefined) {
      lines.push(
        `Reverted https://github.com/${repo.name}/pull/${opts.pr} on behalf of https://github.com/malfet due to breaks trunk`,
      );
    }
    writeFileSync(join(work, '.msg'), lines.join('\n') + '\n');
    git(['commit', '-q', '--amend', '-F', join(work, '.msg')]);
    git(['push', '-q', repo.path, `HEAD:refs/heads/${branch}`]);
    return git(['rev-parse', 'HEAD']);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
