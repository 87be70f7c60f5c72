import { countBy } from '@release-actions/core/runtime/plan';
import type { Receipt } from '@release-actions/core/runtime/receipt';
import { executePlan } from '@release-actions/core/runtime/run';
import { AnacondaClient } from './anaconda.js';
import { readInputs } from './inputs.js';
import { copyAndVerify, planPromotion } from './plan.js';

/** Copies at a time: anaconda.org copies server-side, a few in flight are enough. */
const CONCURRENCY = 4;

export async function main(receipt: Receipt): Promise<void> {
  const inputs = readInputs();
  const client = new AnacondaClient(inputs.apiUrl, inputs.token);
  const plan = await planPromotion(client, inputs);
  receipt.addTable(
    `${inputs.from.owner}/${inputs.from.label} -> ${inputs.to.owner}/${inputs.to.label}`,
    ['package', 'version', 'file', 'bytes', 'action'],
    plan.operations.map((op) => [op.data.package, op.data.version, op.data.basename, op.data.size, op.action]),
  );
  const outcomes = await executePlan(receipt, plan, (op) => copyAndVerify(client, inputs, op.data), {
    dryRun: inputs.dryRun,
    concurrency: CONCURRENCY,
  });
  receipt.setOutput('copied', outcomes.filter((o) => o.result === 'done').length);
  receipt.setOutput('skipped', countBy(plan, 'skip'));
}
