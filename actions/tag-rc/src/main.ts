import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '@release-actions/core/runtime/errors';
import { authConfig, Git, parseIdentity } from '@release-actions/core/git/runner';
import { githubRemoteUrl } from '@release-actions/core/git/remote';
import { getBoolean, getRequired, getSecret, getString } from '@release-actions/core/runtime/inputs';
import type { Plan } from '@release-actions/core/runtime/plan';
import type { Receipt } from '@release-actions/core/runtime/receipt';
import { executePlan } from '@release-actions/core/runtime/run';
import { parseRcInput, planTag, pushTag } from './tagging.js';
import { parseReleaseVersion, releaseBranch } from '@release-actions/core/release/version';

export async function main(receipt: Receipt): Promise<void> {
  const version = parseReleaseVersion('version', getRequired('version'));
  const final = getBoolean('final');
  const rcText = getRequired('rc');
  if (final && rcText.toLowerCase() !== 'next')
    throw new ConfigurationError(`input "rc" ("${rcText}") cannot be combined with final: true`);
  const rc = final ? undefined : parseRcInput('rc', rcText);
  const allowNewCommit = getBoolean('allow-new-commit');
  if (allowNewCommit && !final) throw new ConfigurationError('input "allow-new-commit" only applies with final: true');
  const force = getBoolean('force');
  const dryRun = getBoolean('dry-run');
  // Empty means the release branch of the version, which action.yml cannot compute.
  const branch = getString('branch') || releaseBranch(version);
  const remoteUrl = getString('remote-url') || githubRemoteUrl(getString('repository'));
  const taggerText = getRequired('tagger');
  const tagger = parseIdentity(taggerText);
  if (!tagger) throw new ConfigurationError(`input "tagger": "${taggerText}" is not "Name <email>"`);

  const git = new Git({ config: authConfig(remoteUrl, getSecret('github-token')) });
  const scratch = mkdtempSync(join(process.env['RUNNER_TEMP'] || tmpdir(), 'tag-rc-'));
  try {
    const tag = await planTag(git, {
      remoteUrl,
      version,
      rc,
      final,
      allowNewCommit,
      force,
      branch,
      tagger,
      workDir: scratch,
    });
    receipt.addTable(
      `Release tags of ${version.release.join('.')} on ${branch} (tip ${tag.branchSha})`,
      ['tag', 'commit', 'note'],
      [...tag.candidates, ...(tag.existing && tag.existing.rc === undefined ? [tag.existing] : [])].map((t) => [
        t.name,
        t.commit,
        t.commit === tag.branchSha ? `tip of ${branch}` : '',
      ]),
    );
    const plan: Plan<null> = {
      action: 'tag-rc',
      operations: [
        {
          id: `tag ${tag.tag}`,
          kind: 'create-tag',
          target: `refs/tags/${tag.tag}`,
          action: tag.state === 'create' ? 'create' : tag.state === 'move' ? 'update' : 'skip',
          reason: tag.detail,
          data: null,
        },
      ],
    };
    await executePlan(
      receipt,
      plan,
      async () => {
        await pushTag(git, remoteUrl, tag, tagger, scratch);
        return { sha: tag.sha };
      },
      { dryRun },
    );
    receipt.setOutput('tag', tag.tag);
    receipt.setOutput('sha', tag.sha);
    receipt.setOutput('created', !dryRun && tag.state !== 'exists');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
