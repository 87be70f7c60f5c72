import type { S3Client } from '@aws-sdk/client-s3';
import { ConfigurationError } from '@release-actions/core/runtime/errors';
import type { Plan } from '@release-actions/core/runtime/plan';
import type { Receipt } from '@release-actions/core/runtime/receipt';
import type { PackageRelease } from '@release-actions/core/wheel/selection';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PromotionInputs } from './inputs.js';
import { planUploads, refuseConflictsAndInvalid, upload } from './publish.js';
import { selectForPyPI } from './select.js';
import { stage } from './stage.js';
import { validateStaged } from './validate-staged.js';

/**
 * promote-pypi: select one variant per platform from the release's wheels in S3, rewrite them for
 * PyPI into a staging prefix, validate every staged wheel, then upload them to the index once. The
 * plan is computed from what staging and the index already hold, so a re-run does only what is left,
 * and a file already on the index with different content stops the run before any upload.
 */

export interface PyPIPromotionOptions extends PromotionInputs {
  s3: S3Client;
  /** Resolves the upload credentials when the first upload is about to happen. */
  credentials: () => Promise<{ username: string; password: string }>;
  workDir?: string;
  /** How long to wait for an uploaded file to appear in the JSON API. */
  verifyAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface PromotionCounts {
  staged: number;
  uploaded: number;
  skipped: number;
}

export function checkConfirm(packages: PackageRelease[], confirm: string[]): void {
  const versions = [...new Set(packages.map((p) => p.version))];
  if (versions.some((v) => !confirm.includes(v))) {
    throw new ConfigurationError(
      `input "confirm" must name the version of every package published (${versions.join(', ')}); got "${confirm.join(', ')}". A PyPI upload can never be undone`,
    );
  }
}

export async function promoteToPyPI(receipt: Receipt, opts: PyPIPromotionOptions): Promise<PromotionCounts> {
  const publishing = opts.mode !== 'stage';
  if (publishing && !opts.dryRun) checkConfirm(opts.packages, opts.confirm);
  const counts: PromotionCounts = { staged: 0, uploaded: 0, skipped: 0 };
  // In mode both, the receipt's plan holds the staging and the upload operations together.
  let stagePlan: Plan | undefined;
  const work = mkdtempSync(join(opts.workDir ?? tmpdir(), 'promote-pypi-'));
  try {
    const selected = await selectForPyPI(receipt, opts);
    if (opts.mode !== 'publish') {
      const staging = await stage(receipt, opts, selected);
      stagePlan = staging.plan;
      counts.staged = staging.staged;
      if (!publishing) return { ...counts, skipped: staging.skipped };
    }
    const staged = await validateStaged(opts, selected, work);
    const plan = await planUploads(opts, selected, staged);
    refuseConflictsAndInvalid(receipt, opts, plan, staged);
    return { ...counts, ...(await upload(receipt, opts, plan, staged, work)) };
  } finally {
    if (stagePlan && receipt.plan && receipt.plan !== stagePlan) {
      receipt.setPlan(
        { action: stagePlan.action, operations: [...stagePlan.operations, ...receipt.plan.operations] },
        opts.dryRun,
      );
    }
    rmSync(work, { recursive: true, force: true });
  }
}
