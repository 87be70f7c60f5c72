import * as core from '@actions/core';
import { isConfigurationError } from './errors.js';
import { applyPlan, type Executor, type OperationOutcome, type Plan } from './plan.js';
import { Receipt, writeReceipt } from './receipt.js';
import { logPlan, logTable, writeSummary } from './render.js';

export type ActionMain = (receipt: Receipt) => Promise<void>;

/**
 * The one wrapper every action's entry point calls. User errors fail with their one-line message;
 * bugs also print their stack to the log, where a report of the bug can quote it. The receipt and
 * the job summary are written whatever happened.
 */
export async function run(action: string, main: ActionMain): Promise<Receipt> {
  const receipt = new Receipt(action);
  try {
    await main(receipt);
    receipt.status = 'success';
  } catch (e) {
    receipt.status = 'failure';
    receipt.error = e instanceof Error ? e.message : String(e);
    if (!isConfigurationError(e) && e instanceof Error && e.stack) core.info(e.stack);
    core.setFailed(receipt.error);
  } finally {
    receipt.finishedAt = new Date().toISOString();
    const path = writeReceipt(receipt);
    core.setOutput('report', path);
    receipt.outputs['report'] = path;
    for (const t of receipt.tables) logTable(t);
    try {
      await writeSummary(receipt, path);
    } catch (e) {
      core.warning(`could not write the job summary: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return receipt;
}

/** Logs the plan, records it, and applies it (or not, in a dry run), recording every outcome. */
export async function executePlan<D>(
  receipt: Receipt,
  plan: Plan<D>,
  execute: Executor<D>,
  opts: { dryRun: boolean; concurrency?: number },
): Promise<OperationOutcome[]> {
  receipt.setPlan(plan as Plan, opts.dryRun);
  logPlan(plan as Plan, opts.dryRun);
  return applyPlan(plan, execute, { ...opts, onOutcome: (o) => receipt.addOutcome(o) });
}
