import type { GitHubClient } from '@release-actions/core/github/client';
import type { Receipt } from '@release-actions/core/runtime/receipt';
import { trackCherryPicks, type CherryPickStatus } from './cherry-picks.js';
import type { Inputs } from './inputs.js';
import { readPullsTo, type GraphQLReader, type Milestone, type MilestoneItem } from './milestone.js';

export interface CherryPickResult extends CherryPickStatus {
  milestone: Milestone;
  trackerUrl?: string;
}

/** `mode: cherry-picks`: the patch milestone against the pull requests to the release branch. */
export async function runCherryPicks(
  _receipt: Receipt,
  _client: GitHubClient,
  reader: GraphQLReader,
  inputs: Inputs,
  milestone: Milestone,
  items: MilestoneItem[],
): Promise<CherryPickResult> {
  const pulls = await readPullsTo(reader, inputs.repository, inputs.releaseBranch);
  const repository = `${inputs.repository.owner}/${inputs.repository.name}`;
  const status = trackCherryPicks(items, pulls, repository, milestone.number);
  return { ...status, milestone };
}
