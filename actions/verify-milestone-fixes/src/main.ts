import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authConfig, Git } from '@release-actions/core/git/runner';
import { createGitHubClient } from '@release-actions/core/github/client';
import type { Receipt } from '@release-actions/core/runtime/receipt';
import { readRanges } from './branches.js';
import { verify } from './classify.js';
import { CommitIndex } from './commit-index.js';
import { readInputs, type Inputs } from './inputs.js';
import { GraphQLReader, readMilestone } from './milestone.js';
import { reportCherryPicks, reportFixes } from './report.js';
import { runCherryPicks } from './cherry-picks-run.js';

export async function main(receipt: Receipt): Promise<void> {
  const inputs = readInputs();
  const client = createGitHubClient({ token: inputs.token, apiUrl: inputs.apiUrl });
  const reader = new GraphQLReader(client);
  const { milestone, items, defaultBranch } = await readMilestone(reader, inputs.repository, inputs.milestone);
  if (inputs.mode === 'cherry-picks') {
    const result = await runCherryPicks(receipt, client, reader, inputs, milestone, items);
    reportCherryPicks(receipt, inputs, result, reader.calls);
    return;
  }
  await verifyFixes(receipt, inputs, reader, milestone.title, items, defaultBranch);
}

async function verifyFixes(
  receipt: Receipt,
  inputs: Inputs,
  reader: GraphQLReader,
  milestoneTitle: string,
  items: Awaited<ReturnType<typeof readMilestone>>['items'],
  defaultBranch: string | undefined,
): Promise<void> {
  const mainBranch = inputs.mainBranch || defaultBranch || 'main';
  const git = new Git({ config: authConfig(inputs.remoteUrl, inputs.token) });
  const scratch = mkdtempSync(join(process.env['RUNNER_TEMP'] || tmpdir(), 'verify-milestone-fixes-'));
  try {
    const started = Date.now();
    const ranges = await readRanges(git.in(scratch), {
      url: inputs.remoteUrl,
      mainBranch,
      releaseBranch: inputs.releaseBranch,
      cutPoint: inputs.cutPoint,
    });
    const repository = `${inputs.repository.owner}/${inputs.repository.name}`;
    const result = await verify(
      items,
      new CommitIndex(ranges.main, repository),
      new CommitIndex(ranges.release, repository),
      { skipLabels: inputs.skipLabels, releaseBranch: inputs.releaseBranch },
      ranges.evidence,
    );
    reportFixes(receipt, inputs, {
      milestoneTitle,
      mainBranch,
      cut: ranges.cut,
      mainCommits: ranges.main.length,
      releaseCommits: ranges.release.length,
      apiCalls: reader.calls,
      gitSeconds: (Date.now() - started) / 1000,
      result,
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
