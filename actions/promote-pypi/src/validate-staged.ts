import { ConfigurationError } from '@release-actions/core/runtime/errors';
import type { FileDigests } from '@release-actions/core/wheel/digests';
import type { SelectedWheel } from '@release-actions/core/wheel/selection';
import { TROVE_CLASSIFIERS } from '@release-actions/core/pypi/trove-classifiers';
import { validateWheel, type WheelMetadata } from '@release-actions/core/wheel/validate';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { PyPIPromotionOptions } from './promote.js';
import { downloadObject, fileDigests, head } from './s3-objects.js';
import { stagingKeyFor } from './select.js';

/**
 * Step 3, validate: every staged wheel is read (one at a time, bounded disk) and checked before the
 * first upload. Invalid wheels keep their digests too: a file already on the index with the same
 * sha256 is skipped rather than refused.
 */

export interface StagedWheel {
  digests: FileDigests;
  metadata: WheelMetadata;
  pythonTag: string;
  /** Why validation failed; empty when the wheel is valid. */
  problems: string;
}

/** By PyPI file name; a wheel not staged yet is absent (dry-run only). */
export type StagedWheels = Map<string, StagedWheel>;

export async function validateStaged(
  opts: PyPIPromotionOptions,
  selected: SelectedWheel[],
  work: string,
): Promise<StagedWheels> {
  const staged: StagedWheels = new Map();
  // A wheel staged before the classifier list changed is checked again here, before any upload.
  const expect = { ...opts.expect, classifiers: TROVE_CLASSIFIERS };
  for (const w of selected) {
    const key = stagingKeyFor(opts, w);
    if (!(await head(opts.s3, opts.stagingBucket, key))) {
      if (opts.dryRun) continue;
      throw new ConfigurationError(
        `${w.targetFilename} is not staged at s3://${opts.stagingBucket}/${key}; run with mode "stage" (or "both") first`,
      );
    }
    const path = join(work, w.targetFilename);
    await downloadObject(opts.s3, opts.stagingBucket, key, path);
    try {
      const digests = await fileDigests(path);
      const v = await validateWheel(path, expect, { filename: w.targetFilename, sha256: digests.sha256 });
      staged.set(w.targetFilename, {
        digests,
        metadata: v.metadata!,
        pythonTag: v.wheel?.pythonTag ?? w.pythonTag,
        problems: v.problems.length || !v.metadata ? v.problems.join('; ') || 'no METADATA' : '',
      });
    } finally {
      rmSync(path, { force: true });
    }
  }
  return staged;
}
