import * as core from '@actions/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authConfig, Git } from '@release-actions/core/git/runner';
import { githubServerOrigins } from '@release-actions/core/git/remote';
import { createGitHubClient, type GitHubClient } from '@release-actions/core/github/client';
import { explainAccessError } from '@release-actions/core/github/issues';
import { findOpenPullRequest, openPullRequestOnce, type PullRequestRef } from '@release-actions/core/github/pulls';
import { fullName, type RepositoryRef } from '@release-actions/core/github/repository';
import type { Operation, Plan } from '@release-actions/core/runtime/plan';
import type { Receipt } from '@release-actions/core/runtime/receipt';
import { executePlan } from '@release-actions/core/runtime/run';
import { readInputs, type Inputs } from './inputs.js';
import { planSiteChange, pushSiteChange, type SiteChange } from './site-branch.js';
import type { VersionEntry } from './site-entry.js';

type Step = { kind: 'branch' } | { kind: 'pull-request'; number?: number };

const tokenNeeded = (repo: RepositoryRef): string =>
  `contents and pull requests write on ${fullName(repo)} (a personal access token or GitHub App token; the workflow's GITHUB_TOKEN cannot write to another repository)`;

export async function main(receipt: Receipt): Promise<void> {
  const inputs = readInputs();
  const git = new Git({ config: authConfig(inputs.remoteUrl, inputs.token, githubServerOrigins(inputs.apiUrl)) });
  const scratch = mkdtempSync(join(process.env['RUNNER_TEMP'] || tmpdir(), 'open-website-pr-'));
  try {
    await openPullRequest(git.in(scratch), inputs, receipt);
  } catch (e) {
    throw explainAccessError(e, inputs.repository, tokenNeeded(inputs.repository));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function openPullRequest(repo: Git, inputs: Inputs, receipt: Receipt): Promise<void> {
  const branch = `release-day/${inputs.version}${inputs.test ? '-test' : ''}`;
  const change = await planSiteChange(repo, {
    remoteUrl: inputs.remoteUrl,
    base: inputs.base,
    branch,
    versionsFile: inputs.versionsFile,
    version: inputs.version,
    matrix: inputs.matrix,
    test: inputs.test,
    committer: inputs.committer,
    message: inputs.test
      ? `[DO NOT MERGE] Test: ${inputs.version} in the install selector, from the release candidates`
      : `Add ${inputs.version} to the install selector and make it latest_stable`,
  });
  report(receipt, inputs, change);

  const client = createGitHubClient({ token: inputs.token, apiUrl: inputs.apiUrl });
  const wanted = pullRequestText(inputs, change);
  let open: PullRequestRef | undefined;
  if (change.state !== 'on-base') {
    // A laptop dry run may have no token: the plan then cannot tell whether the PR is open yet.
    if (inputs.token || !inputs.dryRun)
      open = await findOpenPullRequest(client, inputs.repository, change.branch, change.base);
    else receipt.note('No github-token: the dry run did not look for an open pull request.');
  }

  const plan: Plan<Step> = { action: 'open-website-pr', operations: operations(inputs, change, open, wanted) };
  let result: { pr: PullRequestRef; created: boolean } | undefined = open ? { pr: open, created: false } : undefined;
  await executePlan(
    receipt,
    plan,
    async (op): Promise<Record<string, string | number>> => {
      if (op.data.kind === 'branch') {
        await pushSiteChange(repo, inputs.remoteUrl, change);
        return { sha: change.commitSha ?? '' };
      }
      result = open
        ? { pr: await updatePullRequest(client, inputs.repository, open, wanted), created: false }
        : await openPullRequestOnce(client, inputs.repository, { head: change.branch, base: change.base, ...wanted });
      return { url: result.pr.url, number: result.pr.number };
    },
    { dryRun: inputs.dryRun },
  );
  receipt.setOutput('pr-url', result?.pr.url ?? '');
  receipt.setOutput('created', result?.created ?? false);
  receipt.setOutput('changed', change.cells.length + (change.movesLatestStable ? 1 : 0));
}

function operations(
  inputs: Inputs,
  change: SiteChange,
  open: PullRequestRef | undefined,
  wanted: { title: string; body: string },
): Operation<Step>[] {
  const ref = `refs/heads/${change.branch}`;
  if (change.state === 'on-base') {
    return [
      {
        id: 'versions file',
        kind: 'versions-file',
        target: `${fullName(inputs.repository)}:${change.base}/${inputs.versionsFile}`,
        action: 'skip',
        reason: `${change.base} already lists ${inputs.version} as latest_stable with these commands`,
        data: { kind: 'branch' },
      },
    ];
  }
  const prAction = !open ? 'create' : open.title !== wanted.title || open.body !== wanted.body ? 'update' : 'skip';
  return [
    {
      id: `branch ${change.branch}`,
      kind: 'push-branch',
      target: ref,
      action: change.state === 'push' ? (change.branchSha ? 'update' : 'create') : 'skip',
      reason:
        change.state === 'push'
          ? `${change.branchSha ? 'move' : 'create'} ${change.branch}: ${inputs.versionsFile} with ${inputs.version} (${change.cells.length} entries${change.movesLatestStable ? `, latest_stable ${change.previousStable} -> ${inputs.version}` : ''})`
          : `${change.branch} already has this ${inputs.versionsFile}`,
      data: { kind: 'branch' },
    },
    {
      id: `pull request ${change.branch}`,
      kind: 'pull-request',
      target: `${fullName(inputs.repository)}: ${change.branch} -> ${change.base}`,
      action: prAction,
      reason: open ? `${open.url}${prAction === 'update' ? ': title or description changes' : ''}` : wanted.title,
      data: { kind: 'pull-request', number: open?.number },
    },
  ];
}

function report(receipt: Receipt, inputs: Inputs, change: SiteChange): void {
  receipt.addTable(
    `${inputs.version} in the install selector${inputs.test ? ' (test: release-candidate commands)' : ''}`,
    ['entry', 'command or download links'],
    selectorRows(change.entry),
  );
  if (change.diff !== '') {
    receipt.note(change.diff);
    core.info(change.diff);
  }
}

function selectorRows(entry: VersionEntry): string[][] {
  const rows: string[][] = [];
  for (const [os, pkgs] of Object.entries(entry))
    for (const [pkg, accs] of Object.entries(pkgs))
      for (const [acc, cell] of Object.entries(accs)) {
        const text =
          typeof cell.command === 'string'
            ? cell.command
            : cell.versions
              ? Object.values(cell.versions).join(' ')
              : (cell.note ?? '');
        rows.push([`${os}/${pkg}/${acc}`, text]);
      }
  return rows;
}

function pullRequestText(inputs: Inputs, change: SiteChange): { title: string; body: string } {
  const table = [
    '| entry | command or download links |',
    '| --- | --- |',
    ...selectorRows(change.entry).map(([k, v]) => `| ${k} | ${v!.replace(/\|/g, '\\|')} |`),
  ];
  const what = `\`${inputs.versionsFile}\` gets the ${inputs.version} entry, with the commands of the release matrix, and \`latest_stable\` becomes ${inputs.version}${change.movesLatestStable ? ` (was ${change.previousStable})` : ''}.`;
  const footer = `Opened by the open-website-pr action from \`${change.branch}\`; running it again updates this pull request.`;
  const [title, lead] = inputs.test
    ? [
        `[DO NOT MERGE] Test of the ${inputs.version} release-day update (release-candidate commands)`,
        `**Do not merge.** This is the test of the ${inputs.version} release-day pull request: every command and download link points at the release candidates (\`/whl/test/\`, \`/libtorch/test/\`), so the install selector can be tried before release day. Close it once checked.`,
      ]
    : [
        `Release ${inputs.version}: install selector and latest_stable`,
        `Merge on release day, once ${inputs.version} is on PyPI and download.pytorch.org.`,
      ];
  return { title, body: [lead, '', what, '', ...table, '', footer].join('\n') };
}

/** Sets the open pull request's title and body; safe to repeat, it sets the same again. */
async function updatePullRequest(
  client: GitHubClient,
  repo: RepositoryRef,
  open: PullRequestRef,
  wanted: { title: string; body: string },
): Promise<PullRequestRef> {
  const { data } = await client.rest.pulls.update({ ...repo, pull_number: open.number, ...wanted });
  return { ...open, ...wanted, url: data.html_url };
}
