import { createGitHubClient, type GitHubClient } from '@release-actions/core/github/client';
import {
  createIssueOnce,
  explainAccessError,
  findIssueByTitle,
  searchIssueTitles,
  type IssueRef,
} from '@release-actions/core/github/issues';
import { fullName, type RepositoryRef } from '@release-actions/core/github/repository';
import type { Plan } from '@release-actions/core/runtime/plan';
import type { Receipt } from '@release-actions/core/runtime/receipt';
import { executePlan } from '@release-actions/core/runtime/run';
import { readInputs, type Inputs } from './inputs.js';
import { fill, placeholders, seriesPrefix, similarLine } from './text.js';

interface OpenIssue {
  title: string;
  body: string;
  labels: string[];
}

/** The token this action needs, said in the one line a 403 or 404 turns into. */
const tokenNeeded = (repo: RepositoryRef): string =>
  `issues: write on ${fullName(repo)} (a personal access token or GitHub App token; the workflow's GITHUB_TOKEN cannot write to another repository)`;

export async function main(receipt: Receipt): Promise<void> {
  const inputs = readInputs();
  const client = createGitHubClient({ token: inputs.token, apiUrl: inputs.apiUrl });
  try {
    await openIssue(client, inputs, receipt);
  } catch (e) {
    throw explainAccessError(e, inputs.repository, tokenNeeded(inputs.repository));
  }
}

async function openIssue(client: GitHubClient, inputs: Inputs, receipt: Receipt): Promise<void> {
  const repo = inputs.repository;
  const values = placeholders(inputs.packages);
  const title = fill('title', inputs.title, values);
  // a repository the token cannot see answers 404 here, before any search
  await client.rest.repos.get(repo);
  const existing = await findIssueByTitle(client, repo, title);
  const previous = await previousIssue(client, repo, title, existing);
  const issue: OpenIssue = {
    title,
    body: fill('body', inputs.body, { ...values, similar: similarLine(previous) }),
    labels: inputs.labels,
  };
  receipt.addTable(
    `Issue in ${fullName(repo)}`,
    ['field', 'value'],
    [
      ['title', issue.title],
      ['labels', issue.labels.join(', ')],
      ['similar to', previous ? `#${previous.number} ${previous.title}` : '(no earlier issue found)'],
      ['body', issue.body],
    ],
  );
  receipt.note(`Title: ${issue.title}\n${issue.body}`);

  const plan: Plan<OpenIssue> = {
    action: 'open-colab-issue',
    operations: [
      {
        id: `issue ${title}`,
        kind: 'open-issue',
        target: `${fullName(repo)}: ${title}`,
        action: existing ? 'skip' : 'create',
        reason: existing
          ? `already there: ${existing.url} (${existing.state})`
          : 'no issue with this title, open or closed',
        data: issue,
      },
    ],
  };
  let result: { issue: IssueRef; created: boolean } | undefined = existing
    ? { issue: existing, created: false }
    : undefined;
  await executePlan(
    receipt,
    plan,
    async (op) => {
      result = await createIssueOnce(client, repo, op.data);
      return { number: result.issue.number, url: result.issue.url };
    },
    { dryRun: inputs.dryRun },
  );
  receipt.setOutput('issue-url', result?.issue.url ?? '');
  receipt.setOutput('issue-number', result?.issue.number ?? '');
  receipt.setOutput('created', result?.created ?? false);
}

/**
 * The newest earlier issue of the same series (titles starting like this one, open or closed), for
 * the `Similar to #N` line; when this issue exists already, only issues older than it count.
 */
async function previousIssue(
  client: GitHubClient,
  repo: RepositoryRef,
  title: string,
  existing: IssueRef | undefined,
): Promise<IssueRef | undefined> {
  const prefix = seriesPrefix(title);
  if (prefix === '') return undefined;
  const candidates = await searchIssueTitles(client, repo, prefix, { limit: 100 });
  return candidates
    .filter((i) => i.title.toLowerCase().startsWith(prefix.toLowerCase()) && i.title.trim() !== title.trim())
    .filter((i) => !existing || i.number < existing.number)
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.number - a.number)[0];
}
