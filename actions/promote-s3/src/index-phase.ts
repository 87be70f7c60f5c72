import type { ObjectCannedACL, S3Client } from '@aws-sdk/client-s3';
import { applyPlan, type Operation, type OperationOutcome } from '@release-actions/core/runtime/plan';
import type { Receipt } from '@release-actions/core/runtime/receipt';
import { pagedAs, updateIndexPages, type IndexStore } from '@release-actions/core/s3/index-pages';
import type { Candidate } from './plan.js';

/**
 * The promotion's last phase: the index pages of each destination prefix that the promoted files
 * change (core/s3/index-pages.ts builds them as PyTorch's generator does), planned with the copies and
 * written once they are all done.
 */

export interface IndexData {
  phase: 'index';
  bucket: string;
  /** The destination prefix whose pages are rebuilt: `whl/`. */
  prefix: string;
  projects: string[];
  /** Keys promoted under the prefix (copied, or already there): a re-run completes their pages. */
  promoted: string[];
}

/** One operation per destination prefix receiving files its pages show (pip-installable files; libtorch archives). */
export function planIndexPages(bucket: string, candidates: Candidate[]): Array<Operation<IndexData>> {
  const byPrefix = new Map<string, IndexData>();
  for (const c of candidates) {
    const prefix = c.pair.destination;
    const project = pagedAs(prefix, c.selected.artifact.filename);
    if (project === undefined) continue;
    const data = byPrefix.get(prefix) ?? { phase: 'index', bucket, prefix, projects: [], promoted: [] };
    if (!data.projects.includes(project)) data.projects.push(project);
    data.promoted.push(`${prefix}${c.selected.relative}`);
    byPrefix.set(prefix, data);
  }
  return [...byPrefix.values()]
    .sort((a, b) => (a.prefix < b.prefix ? -1 : 1))
    .map((data) => ({
      id: `index ${data.prefix}`,
      kind: 'write-index',
      target: `s3://${bucket}/${data.prefix} index pages of ${data.projects.sort().join(', ')}`,
      action: 'update',
      reason: 'the pages these files change, rebuilt from the bucket as PyTorch builds them',
      data: { ...data, promoted: data.promoted.sort() },
    }));
}

export interface IndexPhaseOptions {
  /** sha256 (hex) of the promoted copies, as the store computed them while copying. */
  copiedSha256: ReadonlyMap<string, string>;
  /** Where pages are written besides the bucket (a mirror). */
  mirrors?: IndexStore[];
  acl?: ObjectCannedACL;
  concurrency: number;
  receipt: Receipt;
  onOutcome: (o: OperationOutcome) => void;
}

export async function writeIndexPages(
  client: S3Client,
  ops: Array<Operation<IndexData>>,
  opts: IndexPhaseOptions,
): Promise<void> {
  await applyPlan(
    { action: 'promote-s3', operations: ops },
    async (op) => {
      const d = op.data;
      const source = { client, bucket: d.bucket };
      const r = await updateIndexPages({
        source,
        destinations: [source, ...(opts.mirrors ?? [])],
        prefix: d.prefix,
        promoted: d.promoted,
        known: opts.copiedSha256,
        acl: opts.acl,
        concurrency: opts.concurrency,
      });
      if (r.written.length > 0)
        opts.receipt.addTable(
          `Index pages written under s3://${d.bucket}/${d.prefix}`,
          ['bucket', 'page', 'new'],
          r.written.map((w) => [w.bucket, w.key, w.created ? 'yes' : 'no']),
        );
      return {
        written: r.written.length,
        unchanged: r.unchanged,
        conflicts: r.conflicts,
        'checksum-reads': r.checksumReads,
      };
    },
    { dryRun: false, concurrency: 1, onOutcome: opts.onOutcome },
  );
}
