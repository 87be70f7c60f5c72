import * as core from '@actions/core';
import { matchesRelease, parseWheelFilename } from '@release-actions/core/release/artifact-name';
import type { Receipt } from '@release-actions/core/runtime/receipt';
import { expandTemplate } from '@release-actions/core/runtime/template';
import { listAll } from '@release-actions/core/s3/client';
import {
  excludePythonTags,
  selectionMatrix,
  selectWheels,
  type SelectedWheel,
} from '@release-actions/core/wheel/selection';
import type { PyPIPromotionOptions } from './promote.js';

/** Step 1, select: the wheels of each release in the bucket, one variant per platform. */

export async function selectForPyPI(receipt: Receipt, opts: PyPIPromotionOptions): Promise<SelectedWheel[]> {
  const listing = await listAll(opts.s3, opts.bucket, opts.sourcePrefix);
  const { kept, excluded } = excludePythonTags(listing, opts.excludePythonTags);
  // Only the releases' own wheels are worth showing; other versions were never candidates.
  const ofReleases = excluded.filter((o) => {
    const w = parseWheelFilename(o.key);
    return w && opts.packages.some((p) => matchesRelease(w, p.name, p.version));
  });
  if (ofReleases.length)
    receipt.addTable(
      'Wheels left out by exclude-python-tags (never published)',
      ['source', 'tag'],
      ofReleases.map((o) => [o.key, o.tag]),
    );
  const unmatched = opts.excludePythonTags.filter((t) => !ofReleases.some((o) => o.tag === t));
  if (unmatched.length) {
    // A misspelt tag must not pass for an exclusion: the wheels it meant would reach PyPI.
    const text = `exclude-python-tags: ${unmatched.join(', ')} matched no wheel of ${releasesText(opts.packages)}; check the spelling (cp315, cp315t)`;
    core.warning(text);
    receipt.note(text);
  }
  const selected = selectWheels(kept, opts.packages, opts.variants, opts.rewrite.platformTags ?? []);
  const platforms = [...new Set(selected.map((s) => s.platform))].sort();
  receipt.addTable(
    'Wheels chosen for PyPI (variant per Python x platform)',
    ['package', 'python', ...platforms],
    selectionMatrix(selected).map((r) => [r.package, r.python, ...platforms.map((p) => r.cells[p] ?? 'missing')]),
  );
  receipt.addTable(
    'Rewrites',
    ['source', 'PyPI file', 'bytes'],
    selected.map((s) => [s.key, s.targetFilename, s.size]),
  );
  return selected;
}

export function stagingPrefixFor(template: string, name: string, version: string): string {
  const p = expandTemplate('staging-prefix', template, { name, version });
  return p === '' || p.endsWith('/') ? p : `${p}/`;
}

/** Where a chosen wheel is staged. */
export function stagingKeyFor(opts: PyPIPromotionOptions, w: SelectedWheel): string {
  return `${stagingPrefixFor(opts.stagingPrefix, w.package, w.version)}${w.targetFilename}`;
}

function releasesText(packages: PyPIPromotionOptions['packages']): string {
  return packages.map((p) => `${p.name} ${p.version}`).join(', ');
}
