import type { ObjectCannedACL, S3Client } from '@aws-sdk/client-s3';
import { applyPlan, type Operation, type OperationOutcome } from '@release-actions/core/runtime/plan';
import type { ListedObject } from '@release-actions/core/s3/client';
import { isIndexable, regenerateFolderIndex } from '@release-actions/core/s3/index-pages';
import type { Candidate } from './plan.js';

/**
 * The promotion's last phase: the PEP 503 pages of the destination folders it touched, planned with
 * the copies and written once they are all done.
 */

export interface IndexData {
  phase: 'index';
  bucket: string;
  folder: string;
  projects: string[];
}

/** The folder (`whl/cu124/` or `whl/`) a selected object lands in. */
function destinationFolder(c: Candidate): string {
  return c.selected.sub === '' ? c.pair.destination : `${c.pair.destination}${c.selected.sub}/`;
}

/** One operation per destination folder touched, naming the projects whose pages it rewrites. */
export function planIndexPages(
  bucket: string,
  candidates: Candidate[],
  destination: Map<string, ListedObject>,
): Array<Operation<IndexData>> {
  const projectsByFolder = new Map<string, Set<string>>();
  for (const c of candidates) {
    if (!isIndexable(c.selected.artifact.filename)) continue;
    const f = destinationFolder(c);
    const set = projectsByFolder.get(f) ?? new Set<string>();
    set.add(c.selected.artifact.name);
    projectsByFolder.set(f, set);
  }
  return [...projectsByFolder]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([folder, projects]) => ({
      id: `index ${folder}`,
      kind: 'write-index',
      target: `s3://${bucket}/${folder}index.html (+ ${[...projects].sort().join(', ')})`,
      action: destination.has(`${folder}index.html`) ? 'update' : 'create',
      reason: 'PEP 503 pages',
      data: { phase: 'index', bucket, folder, projects: [...projects].sort() },
    }));
}

export interface IndexPhaseOptions {
  /** Keys this run wrote: their links are refreshed. */
  refreshed: Set<string>;
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
  // A folder's pages cost a few requests one after the other (listing, read, write): folders go
  // eight at a time, and the objects still to hash share the concurrency between them.
  const folderWidth = Math.min(8, opts.concurrency);
  await applyPlan(
    { action: 'promote-s3', operations: ops },
    async (op) => {
      const d = op.data;
      const r = await regenerateFolderIndex(client, {
        bucket: d.bucket,
        folder: d.folder,
        projects: d.projects,
        refreshed: opts.refreshed,
        known: opts.copiedSha256,
        acl: opts.acl,
        concurrency: Math.max(2, Math.ceil(opts.concurrency / folderWidth)),
      });
      return { pages: r.pages.length, hashed: r.hashed };
    },
    { dryRun: false, concurrency: folderWidth, onOutcome: opts.onOutcome },
  );
}
