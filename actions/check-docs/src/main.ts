import { createGitHubClient } from '@release-actions/core/github/client';
import { readFileAt } from '@release-actions/core/github/contents';
import { fullName } from '@release-actions/core/github/repository';
import type { Receipt } from '@release-actions/core/runtime/receipt';
import { checkDocsIndex, checkStable, checkVersionsList, docsIndexPath, STABLE_PATH, VERSIONS_PATH } from './checks.js';
import { readInputs } from './inputs.js';

export async function main(receipt: Receipt): Promise<void> {
  const inputs = readInputs();
  const client = createGitHubClient({ token: inputs.token, apiUrl: inputs.apiUrl });
  const read = (path: string) => readFileAt(client, inputs.repository, path, inputs.branch);
  const [index, versions, stable] = await Promise.all([
    read(docsIndexPath(inputs.minor)),
    read(VERSIONS_PATH),
    read(STABLE_PATH),
  ]);
  const checks = [
    checkDocsIndex(inputs.minor, index),
    checkVersionsList(inputs.minor, versions),
    checkStable(inputs.minor, stable),
  ];
  receipt.addTable(
    `Docs of ${inputs.version} on ${fullName(inputs.repository)}@${inputs.branch}`,
    ['check', 'path', 'result', 'detail'],
    checks.map((c) => [c.what, c.path, c.found ? 'found' : 'MISSING', c.detail]),
  );
  const missing = checks.filter((c) => !c.found);
  receipt.setOutput('ok', missing.length === 0);
  receipt.setOutput('missing', missing.map((c) => `${c.what}: ${c.detail}`).join('\n'));
  if (missing.length > 0 && inputs.failOnMissing) {
    throw new Error(
      `the docs of ${inputs.version} are not fully published: ${missing.map((c) => `${c.what}: ${c.detail}`).join('; ')}`,
    );
  }
}
