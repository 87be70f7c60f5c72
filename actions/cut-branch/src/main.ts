import * as core from '@actions/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planBranchCut, pushBranches, type BranchCut } from './branch-cut.js';
import { ConfigurationError } from '@release-actions/core/runtime/errors';
import { authConfig, Git, parseIdentity } from '@release-actions/core/git/runner';
import { githubRemoteUrl, githubServerOrigins } from '@release-actions/core/git/remote';
import { createGitHubClient, type GitHubClient } from '@release-actions/core/github/client';
import {
  getBoolean,
  getList,
  getRequired,
  getSecret,
  getString,
  parseKeyValueLines,
} from '@release-actions/core/runtime/inputs';
import type { Operation, Plan } from '@release-actions/core/runtime/plan';
import type { Receipt } from '@release-actions/core/runtime/receipt';
import { editRows, expandPlaceholders } from '@release-actions/core/release/pins';
import { executePlan } from '@release-actions/core/runtime/run';
import {
  ensureBumpPullRequest,
  findBumpPullRequest,
  planVersionBump,
  pushVersionBump,
  type BumpPullRequest,
  type VersionBumpPlan,
} from './version-bump.js';

const BUMP_BRANCH = 'automated/version-bump-{major}.{minor}';

type Step = { kind: 'branch'; ref: string; sha: string } | { kind: 'bump-branch' } | { kind: 'bump-pr' };

export async function main(receipt: Receipt): Promise<void> {
  const dryRun = getBoolean('dry-run');
  const repository = getString('repository');
  if (repository !== '' && !/^[\w.-]+\/[\w.-]+$/.test(repository)) {
    throw new ConfigurationError(`input "repository": "${repository}" is not owner/name`);
  }
  const token = getSecret('github-token');
  const remoteUrl = getString('remote-url') || githubRemoteUrl(repository);
  const committerText = getRequired('committer');
  const committer = parseIdentity(committerText);
  if (!committer) throw new ConfigurationError(`input "committer": "${committerText}" is not "Name <email>"`);
  const bumpMain = getBoolean('bump-main');
  if (bumpMain && repository === '')
    throw new ConfigurationError('input "bump-main" needs "repository" (owner/name) to open the pull request');

  const git = new Git({ config: authConfig(remoteUrl, token, githubServerOrigins(getString('api-url'))) });
  const scratch = mkdtempSync(join(process.env['RUNNER_TEMP'] || tmpdir(), 'cut-branch-'));
  try {
    const cut = await planBranchCut(
      {
        remoteUrl,
        repository,
        sourceRef: getRequired('source-ref'),
        version: getString('version'),
        branches: getList('branches'),
        pinRepositories: getList('pin-repositories'),
        pins: parseKeyValueLines('pins', getString('pins')),
        writeVersionTxt: getBoolean('write-version-txt'),
        commitMessage: getRequired('commit-message'),
        committer,
        workDir: join(scratch, 'cut'),
      },
      git,
    );
    report(receipt, cut);

    let bump: VersionBumpPlan | undefined;
    let openPr: BumpPullRequest | undefined;
    const client = (): GitHubClient => createGitHubClient({ token, apiUrl: getString('api-url') });
    if (bumpMain) {
      bump = await planVersionBump(git, {
        remoteUrl,
        repository,
        cut: cut.version,
        branch: expandPlaceholders('bump-main', BUMP_BRANCH, cut.version),
        committer,
        workDir: join(scratch, 'bump'),
      });
      if (bump.state !== 'already-bumped') {
        // A laptop dry run may have no token: the plan then cannot tell whether the PR is open yet.
        if (token || !dryRun) openPr = await findBumpPullRequest(client(), bump, repository);
        else receipt.note('No github-token: the dry run did not check for an open version-bump pull request.');
      }
    }

    const plan: Plan<Step> = {
      action: 'cut-branch',
      operations: [...branchOperations(cut), ...bumpOperations(bump, openPr)],
    };
    let prUrl = openPr?.url ?? '';
    let pushed: Promise<Map<string, string>> | undefined;
    await executePlan(
      receipt,
      plan,
      async (op): Promise<Record<string, string | number>> => {
        if (op.data.kind === 'branch') {
          // One atomic push creates every planned branch; the other branch operations find it done.
          pushed ??= pushBranches(git.in(join(scratch, 'cut')), remoteUrl, cut.branches, {
            ref: cut.sourceRef,
            sha: cut.sourceSha,
          });
          const remote = await pushed;
          return { sha: remote.get(op.data.ref) ?? '' };
        }
        if (op.data.kind === 'bump-branch') {
          await pushVersionBump(git, remoteUrl, bump!, join(scratch, 'bump'));
          return { sha: bump!.commitSha ?? '' };
        }
        const pr = await ensureBumpPullRequest(client(), bump!, repository);
        prUrl = pr.url;
        return { url: pr.url, number: pr.number };
      },
      { dryRun },
    );

    const release = cut.branches[0]!;
    receipt.setOutput('branch', release.name);
    receipt.setOutput('base-sha', cut.sourceSha);
    receipt.setOutput('head-sha', release.sha);
    receipt.setOutput('created', !dryRun && cut.branches.some((b) => b.state === 'create'));
    receipt.setOutput('changed-files', cut.edits.map((e) => e.path).join('\n'));
    receipt.setOutput('bump-pr-url', prUrl);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function branchOperations(cut: BranchCut): Operation<Step>[] {
  return cut.branches.map((b) => ({
    id: `branch ${b.name}`,
    kind: 'create-branch',
    target: b.ref,
    action: b.state === 'create' ? 'create' : 'skip',
    reason: b.state === 'create' ? `${b.detail} -> ${b.sha}` : b.detail,
    data: { kind: 'branch', ref: b.ref, sha: b.sha },
  }));
}

function bumpOperations(bump: VersionBumpPlan | undefined, openPr: BumpPullRequest | undefined): Operation<Step>[] {
  if (!bump) return [];
  const ops: Operation<Step>[] = [
    {
      id: `bump-branch ${bump.branch}`,
      kind: 'push-branch',
      target: `refs/heads/${bump.branch}`,
      action: bump.state === 'push' ? (bump.branchSha ? 'update' : 'create') : 'skip',
      reason: bump.detail,
      data: { kind: 'bump-branch' },
    },
  ];
  if (bump.state !== 'already-bumped') {
    ops.push({
      id: `bump-pr ${bump.branch}`,
      kind: 'open-pr',
      target: `${bump.branch} -> ${bump.base}`,
      action: openPr ? 'skip' : 'create',
      reason: openPr
        ? `already open: ${openPr.url}`
        : `open the version bump PR (version.txt ${bump.current} -> ${bump.target})`,
      data: { kind: 'bump-pr' },
    });
  }
  return ops;
}

function report(receipt: Receipt, cut: BranchCut): void {
  receipt.addTable(
    `Branches cut from ${cut.sourceRef} at ${cut.sourceSha}`,
    ['branch', 'state', 'sha', 'detail'],
    cut.branches.map((b) => [b.name, b.state, b.sha, b.detail]),
  );
  if (cut.edits.length > 0) {
    receipt.addTable('Release-only commit', ['file', 'line', 'before', 'after'], editRows(cut.edits));
    core.startGroup(`Diff of the release-only commit (${cut.edits.length} file(s))`);
    core.info(cut.diff);
    core.endGroup();
  } else if (cut.branches[0]!.state === 'create') {
    receipt.note('No file needs a release-only change: the release branch points at the source commit itself.');
  }
}
