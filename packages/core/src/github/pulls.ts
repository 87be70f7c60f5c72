import type { GitHubClient } from './client.js';
import { createOnce } from './create-once.js';
import type { RepositoryRef } from './repository.js';

/**
 * Pull requests from a branch of the repository itself, as the actions open them: one per head branch,
 * found again on a re-run, never opened twice even when GitHub's answer to the create was lost.
 */

export interface PullRequestRef {
  number: number;
  url: string;
  title: string;
  body: string;
}

export interface NewPullRequest {
  head: string;
  base: string;
  title: string;
  body: string;
}

/** The open pull request from `head` into `base`, if there is one. */
export async function findOpenPullRequest(
  client: GitHubClient,
  repo: RepositoryRef,
  head: string,
  base: string,
): Promise<PullRequestRef | undefined> {
  const { data } = await client.rest.pulls.list({
    ...repo,
    head: `${repo.owner}:${head}`,
    base,
    state: 'open',
    per_page: 10,
  });
  const pr = data[0];
  return pr ? { number: pr.number, url: pr.html_url, title: pr.title, body: pr.body ?? '' } : undefined;
}

/** Opens the pull request, or returns the one already open from its head into its base. */
export async function openPullRequestOnce(
  client: GitHubClient,
  repo: RepositoryRef,
  pr: NewPullRequest,
): Promise<{ pr: PullRequestRef; created: boolean }> {
  const { value, created } = await createOnce({
    what: `pull request ${pr.head} -> ${pr.base}`,
    find: () => findOpenPullRequest(client, repo, pr.head, pr.base),
    create: async () => {
      const { data } = await client.rest.pulls.create({ ...repo, ...pr });
      return { number: data.number, url: data.html_url, title: data.title, body: data.body ?? '' };
    },
  });
  return { pr: value, created };
}
