import * as core from '@actions/core';
import type { GitHubClient } from '@release-actions/core/github/client';
import {
  createIssueOnce,
  editIssueBody,
  findIssueByTitle,
  issueAction,
  type IssueRef,
} from '@release-actions/core/github/issues';
import type { RepositoryRef } from '@release-actions/core/github/repository';
import { ConfigurationError } from '@release-actions/core/runtime/errors';
import type { Plan } from '@release-actions/core/runtime/plan';
import type { Receipt } from '@release-actions/core/runtime/receipt';
import { executePlan } from '@release-actions/core/runtime/run';
import { trackCherryPicks, trackerSection, trackerTitle, withSection, type CherryPickStatus } from './cherry-picks.js';
import type { Inputs } from './inputs.js';
import { readPullsTo, type GraphQLReader, type Milestone, type MilestoneItem } from './milestone.js';

export interface CherryPickResult extends CherryPickStatus {
  milestone: Milestone;
  trackerUrl?: string;
}

/** `mode: cherry-picks`: the patch milestone against the pull requests to the release branch. */
export async function runCherryPicks(
  receipt: Receipt,
  client: GitHubClient,
  reader: GraphQLReader,
  inputs: Inputs,
  milestone: Milestone,
  items: MilestoneItem[],
): Promise<CherryPickResult> {
  const repository = `${inputs.repository.owner}/${inputs.repository.name}`;
  // The tracker's title is checked before anything is read, so a wrong milestone fails at once.
  const title = inputs.tracker === undefined ? undefined : trackerTitleOf(milestone);
  const pulls = await readPullsTo(reader, inputs.repository, inputs.releaseBranch);
  const status = trackCherryPicks(items, pulls, repository, milestone.number);
  if (inputs.tracker === undefined) return { ...status, milestone };
  const section = trackerSection(status, inputs.releaseBranch, milestone.title);
  const trackerUrl = await keepTracker(receipt, client, inputs, title!, section);
  return { ...status, milestone, ...(trackerUrl ? { trackerUrl } : {}) };
}

function trackerTitleOf(milestone: Milestone): string {
  const title = trackerTitle(milestone.title);
  if (!title) {
    throw new ConfigurationError(
      `input "tracker-issue": milestone "${milestone.title}" is not a release version such as 2.6.1, so the tracker has no title`,
    );
  }
  return title;
}

interface TrackerStep {
  number?: number;
  title: string;
  body: string;
}

/**
 * One tracker issue, found by number or by its title (open or closed), created once, and its
 * cherry-pick section rewritten in place; the rest of its body, written by hand, is kept.
 */
async function keepTracker(
  receipt: Receipt,
  client: GitHubClient,
  inputs: Inputs,
  title: string,
  section: string,
): Promise<string | undefined> {
  const repo: RepositoryRef = { owner: inputs.repository.owner, repo: inputs.repository.name };
  const existing =
    inputs.tracker === 'create'
      ? await findIssueByTitle(client, repo, title)
      : await issueByNumber(client, repo, inputs.tracker!);
  const body = withSection(
    existing?.body ?? `Cherry-picks to \`${inputs.releaseBranch}\` for this patch release.`,
    section,
  );
  const action = issueAction(existing, { title, body });
  const target = existing ? `${existing.url}` : `new issue "${title}"`;
  const plan: Plan<TrackerStep> = {
    action: 'verify-milestone-fixes',
    operations: [
      {
        id: `tracker ${title}`,
        kind: action === 'create' ? 'open-issue' : 'edit-issue',
        target,
        action,
        reason:
          action === 'skip'
            ? 'the cherry-pick section is up to date'
            : action === 'create'
              ? `no issue titled "${title}", open or closed`
              : 'rewrite the cherry-pick section',
        data: { ...(existing ? { number: existing.number } : {}), title, body },
      },
    ],
  };
  if (action !== 'skip') {
    receipt.addTable(
      `Tracker issue body ${inputs.dryRun ? 'that would be written' : 'written'}`,
      ['line'],
      body.split('\n').map((line) => [line]),
    );
    core.startGroup(`Tracker issue body (${title})`);
    core.info(body);
    core.endGroup();
  }
  let url = existing?.url;
  await executePlan(
    receipt,
    plan,
    async (op) => {
      const step = op.data;
      const issue =
        step.number === undefined
          ? (await createIssueOnce(client, repo, { title: step.title, body: step.body, labels: ['release tracker'] }))
              .issue
          : await editIssueBody(client, repo, step.number, step.body);
      url = issue.url;
      return { url: issue.url, number: issue.number };
    },
    { dryRun: inputs.dryRun },
  );
  return url;
}

async function issueByNumber(client: GitHubClient, repo: RepositoryRef, number: number): Promise<IssueRef> {
  try {
    const { data } = await client.rest.issues.get({ ...repo, issue_number: number });
    if (data.pull_request)
      throw new ConfigurationError(`input "tracker-issue": #${number} is a pull request, not an issue`);
    return {
      number: data.number,
      url: data.html_url,
      title: data.title,
      body: data.body ?? '',
      state: data.state === 'closed' ? 'closed' : 'open',
      labels: data.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
      createdAt: data.created_at,
    };
  } catch (e) {
    if ((e as { status?: number }).status === 404) {
      throw new ConfigurationError(`input "tracker-issue": ${repo.owner}/${repo.repo} has no issue #${number}`);
    }
    throw e;
  }
}
