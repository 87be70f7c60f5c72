import type { ObjectCannedACL, S3Client } from '@aws-sdk/client-s3';
import { applyPlan, type Operation, type OperationOutcome } from '@release-actions/core/runtime/plan';
import { indexedProject, updateIndexPages } from '@release-actions/core/s3/index-pages';
import type { Candidate } from './plan.js';

/**
 * The promotion's last phase: the PEP 503 pages its files change, planned with the copies and
 * written once they are all done, one operation per destination prefix.
 */

export interface IndexData {
  phase: 'index';
  bucket: string;
  /** The destination prefix whose pages are rebuilt: `whl/`. */
  prefix: string;
  projects: string[];
  /** Keys promoted under the prefix (copied or already there). */
  promoted: string[];
}

/** One operation per destination prefix receiving pip-installable files: its index pages. */
export function planIndexPages(bucket: string, candidates: Candidate[]): Array<Operation<IndexData>> {
  const byPrefix = new Map<string, IndexData>();
  for (const c of candidates) {
    const project = indexedProject(c.selected.artifact.filename);
    if (project === undefined) continue;
    const prefix = c.pair.destination;
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
  copiedSha256: Map<string, string>;
  acl?: ObjectCannedACL;
  concurrency: number;
  onOutcome: (o: OperationOutcome) => void;
}

export async function writeIndexPages(
  client: S3Client,
  ops: Array<Operation<IndexData>>,
  opts: IndexPhaseOptions,
): Promise<void> {
  // One prefix at a time: the pages of one prefix are written concurrently inside updateIndexPages.
  await applyPlan(
    { action: 'promote-s3', operations: ops },
    async (op) => {
      const d = op.data;
      const r = await updateIndexPages({
        source: { client, bucket: d.bucket },
        prefix: d.prefix,
        promoted: d.promoted,
        known: opts.copiedSha256,
        acl: opts.acl,
        concurrency: opts.concurrency,
      });
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
