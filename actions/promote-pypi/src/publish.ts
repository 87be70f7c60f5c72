import * as core from '@actions/core';
import { releaseFiles, type IndexFile } from '@release-actions/core/pypi/json-api';
import { postUpload, uploadError, type UploadFile } from '@release-actions/core/pypi/upload';
import { ConfigurationError } from '@release-actions/core/runtime/errors';
import type { Operation, Plan } from '@release-actions/core/runtime/plan';
import type { Receipt } from '@release-actions/core/runtime/receipt';
import { withRetry, sleep as realSleep } from '@release-actions/core/runtime/retry';
import { executePlan } from '@release-actions/core/runtime/run';
import type { SelectedWheel } from '@release-actions/core/wheel/selection';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { PyPIPromotionOptions } from './promote.js';
import { downloadObject, fileDigests } from './s3-objects.js';
import { stagingKeyFor } from './select.js';
import type { StagedWheel, StagedWheels } from './validate-staged.js';

/**
 * Steps 4 and 5, plan uploads and upload: each staged wheel's sha256 against what the index already
 * holds decides skip / upload / conflict before the first upload; a conflict or an invalid wheel
 * stops the run with nothing uploaded.
 */

interface UploadData {
  stagingKey: string;
  filename: string;
  package: string;
  version: string;
  sha256?: string;
}

function uploadOperation(
  opts: PyPIPromotionOptions,
  w: SelectedWheel,
  there: IndexFile | undefined,
  mine: StagedWheel | undefined,
): Operation<UploadData> {
  const d = mine?.digests;
  const action = !there || !d ? 'create' : there.sha256 === d.sha256 ? 'skip' : 'conflict';
  const stagingKey = stagingKeyFor(opts, w);
  return {
    id: `upload ${w.targetFilename}`,
    kind: 'upload-wheel',
    target: `${opts.repositoryUrl} ${w.targetFilename}`,
    action,
    reason:
      action === 'skip'
        ? 'already on the index with the same sha256'
        : action === 'conflict'
          ? `the index holds a different file under this name (sha256 ${there!.sha256}, staged ${d!.sha256}); a PyPI file name can never be reused`
          : d
            ? `from s3://${opts.stagingBucket}/${stagingKey}`
            : 'after staging',
    bytes: d?.size,
    data: { stagingKey, filename: w.targetFilename, package: w.package, version: w.version, sha256: d?.sha256 },
  };
}

export async function planUploads(
  opts: PyPIPromotionOptions,
  selected: SelectedWheel[],
  staged: StagedWheels,
): Promise<Plan<UploadData>> {
  const sleep = opts.sleep ?? realSleep;
  const onIndex = new Map<string, Map<string, IndexFile>>();
  for (const p of opts.packages)
    onIndex.set(`${p.name}==${p.version}`, await releaseFiles(opts.indexUrl, p.name, p.version, { sleep }));
  const operations = selected.map((w) =>
    uploadOperation(
      opts,
      w,
      onIndex.get(`${w.package}==${w.version}`)?.get(w.targetFilename),
      staged.get(w.targetFilename),
    ),
  );
  return { action: 'promote-pypi', operations };
}

/** A conflict or a staged wheel that failed validation stops the publication before any upload. */
export function refuseConflictsAndInvalid(
  receipt: Receipt,
  opts: PyPIPromotionOptions,
  plan: Plan<UploadData>,
  staged: StagedWheels,
): void {
  const invalid = plan.operations.filter((o) => o.action !== 'skip' && staged.get(o.data.filename)?.problems);
  const conflicts = plan.operations.filter((o) => o.action === 'conflict');
  if (!conflicts.length && !invalid.length) return;
  receipt.setPlan(plan as Plan, opts.dryRun);
  if (conflicts.length)
    throw new ConfigurationError(
      `nothing was uploaded: ${conflicts.map((c) => `${c.data.filename}: ${c.reason}`).join('; ')}`,
    );
  throw new ConfigurationError(
    `nothing was uploaded; ${invalid.length} staged wheel(s) failed validation: ${invalid.map((o) => `${o.data.filename}: ${staged.get(o.data.filename)!.problems}`).join(' | ')}`,
  );
}

/** Whether the index lists the file with this sha256; a different sha256 stops the run. */
async function onIndexAlready(opts: PyPIPromotionOptions, op: Operation<UploadData>, sha256: string): Promise<boolean> {
  const there = (
    await releaseFiles(opts.indexUrl, op.data.package, op.data.version, { sleep: opts.sleep ?? realSleep })
  ).get(op.data.filename);
  if (!there) return false;
  if (there.sha256 === sha256) return true;
  throw new ConfigurationError(
    `${op.data.filename} appeared on the index with a different sha256 (${there.sha256}); stopping`,
  );
}

async function uploadWheel(
  opts: PyPIPromotionOptions,
  credentials: { username: string; password: string },
  op: Operation<UploadData>,
  facts: StagedWheel,
  work: string,
): Promise<Record<string, string | number>> {
  const sleep = opts.sleep ?? realSleep;
  const sha256 = facts.digests.sha256;
  const path = join(work, op.data.filename);
  await downloadObject(opts.s3, opts.stagingBucket, op.data.stagingKey, path);
  try {
    const d = await fileDigests(path);
    if (d.sha256 !== sha256)
      throw new ConfigurationError(
        `s3://${opts.stagingBucket}/${op.data.stagingKey} changed after validation; stopping`,
      );
    const file: UploadFile = {
      path,
      filename: op.data.filename,
      pythonTag: facts.pythonTag,
      metadata: facts.metadata,
      digests: d,
    };
    await withRetry(
      async (attempt) => {
        // After a dropped connection the upload may have landed: ask the index before sending again.
        if (attempt > 1 && (await onIndexAlready(opts, op, sha256))) return;
        const res = await postUpload(opts.repositoryUrl, credentials, file);
        if (res.status >= 200 && res.status < 300) return;
        const message = `upload of ${op.data.filename} failed: ${uploadError(res)}`;
        if (res.status >= 500 || res.status === 429) throw new Error(message);
        throw new ConfigurationError(message);
      },
      {
        attempts: 4,
        sleep,
        retryable: (e) => !(e instanceof ConfigurationError),
        onRetry: (e) => core.warning(`${e instanceof Error ? e.message : String(e)}; retrying`),
      },
    );
  } finally {
    rmSync(path, { force: true });
  }
  await waitUntilListed(opts, op, sha256);
  return { sha256, size: facts.digests.size, blake2_256: facts.digests.blake2_256 };
}

/** After an upload the JSON API must list the file with the right sha256 (it may take a moment). */
async function waitUntilListed(opts: PyPIPromotionOptions, op: Operation<UploadData>, sha256: string): Promise<void> {
  const sleep = opts.sleep ?? realSleep;
  const attempts = opts.verifyAttempts ?? 10;
  for (let i = 1; ; i++) {
    if (await onIndexAlready(opts, op, sha256)) return;
    if (i >= attempts)
      throw new Error(`${op.data.filename} was uploaded but does not appear in ${opts.indexUrl} JSON API`);
    await sleep(Math.min(30_000, 1000 * 2 ** (i - 1)));
  }
}

/** Uploads what the plan says to (dry-run: records the plan only); returns uploaded and skipped counts. */
export async function upload(
  receipt: Receipt,
  opts: PyPIPromotionOptions,
  plan: Plan<UploadData>,
  staged: StagedWheels,
  work: string,
): Promise<{ uploaded: number; skipped: number }> {
  const credentials = opts.dryRun ? undefined : await opts.credentials();
  const outcomes = await executePlan(
    receipt,
    plan,
    (op) => uploadWheel(opts, credentials!, op, staged.get(op.data.filename)!, work),
    { dryRun: opts.dryRun },
  );
  return {
    uploaded: outcomes.filter((o) => o.result === 'done').length,
    skipped: outcomes.filter((o) => o.result === 'skipped').length,
  };
}
