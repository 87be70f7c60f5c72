import type { ObjectCannedACL, S3Client } from '@aws-sdk/client-s3';
import { ConfigurationError } from '@release-actions/core/runtime/errors';
import type { Operation, Plan } from '@release-actions/core/runtime/plan';
import { pool } from '@release-actions/core/runtime/pool';
import {
  selectRelease,
  type RequestedPackage,
  type SelectedObject,
  type VariantFilter,
} from '@release-actions/core/release/selection';
import { listAll, listLevel, type ListedObject } from '@release-actions/core/s3/client';
import { compareObjects } from '@release-actions/core/s3/copy';
import { planIndexPages, type IndexData } from './index-phase.js';

/**
 * The promotion's plan, one phase after the other: what the source prefixes hold, which of it is the
 * release, what the destinations (and the backup bucket) already hold, then a copy / skip / conflict
 * decision per object for the backups, the promotion and the index pages. Dry-run and real runs build
 * the same plan.
 */

export interface PrefixPair {
  source: string;
  destination: string;
}

export interface PromotionOptions {
  bucket: string;
  pairs: PrefixPair[];
  packages: RequestedPackage[];
  variants: VariantFilter;
  backupBucket?: string;
  /** Already expanded (`v2.6.0/`). */
  backupPrefix: string;
  acl?: ObjectCannedACL;
  overwrite: boolean;
  concurrency: number;
  multipartThreshold: number;
  regenerateIndex: boolean;
  dryRun: boolean;
}

export interface CopyData {
  phase: 'backup' | 'promote';
  srcBucket: string;
  srcKey: string;
  dstBucket: string;
  dstKey: string;
  size: number;
  etag: string;
  package: string;
  sub: string;
}

export type PromotionData = CopyData | IndexData;

export interface Candidate {
  selected: SelectedObject;
  pair: PrefixPair;
}

export interface PromotionPlan {
  plan: Plan<PromotionData>;
  /** Keys under the source prefixes whose names are not artifacts. */
  ignored: string[];
}

export function s3url(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

export async function planPromotion(client: S3Client, opts: PromotionOptions): Promise<PromotionPlan> {
  const { sources, levels } = await listSourcesAndDestinationTops(client, opts);
  const { candidates, ignored } = selectCandidates(sources, opts);
  const { destination, backup } = await listExisting(client, opts, levels, candidates);
  const [backups, promotions] = await Promise.all([
    planBackups(client, opts, candidates, backup),
    planPromotions(client, opts, candidates, destination),
  ]);
  const pages = opts.regenerateIndex ? planIndexPages(opts.bucket, candidates) : [];
  return { plan: { action: 'promote-s3', operations: [...backups, ...promotions, ...pages] }, ignored };
}

type Level = { objects: ListedObject[]; folders: string[] };

/**
 * One listing per source prefix, and one level of each destination prefix alongside it: the level
 * tells which destination sub-folders exist at all.
 */
async function listSourcesAndDestinationTops(client: S3Client, opts: PromotionOptions) {
  const destinations = [...new Set(opts.pairs.map((p) => p.destination))];
  const [sources, levelList] = await Promise.all([
    Promise.all(opts.pairs.map((pair) => listAll(client, opts.bucket, pair.source))),
    Promise.all(destinations.map((d) => listLevel(client, opts.bucket, d))),
  ]);
  return { sources, levels: new Map(destinations.map((d, i): [string, Level] => [d, levelList[i]!])) };
}

/** The release's objects under each source prefix; a requested package with none stops the run. */
function selectCandidates(sources: ListedObject[][], opts: PromotionOptions) {
  const candidates: Candidate[] = [];
  const ignored: string[] = [];
  opts.pairs.forEach((pair, i) => {
    const sel = selectRelease(sources[i]!, pair.source, opts.packages, opts.variants);
    ignored.push(...sel.ignored);
    for (const s of sel.selected) candidates.push({ selected: s, pair });
  });
  const missing = opts.packages.filter((p) => !candidates.some((c) => c.selected.package === p.name));
  if (missing.length > 0) {
    const where = opts.pairs.map((p) => s3url(opts.bucket, p.source)).join(', ');
    throw new ConfigurationError(
      `no files of ${missing.map((p) => `${p.spelled} ${p.versionText}`).join(', ')} under ${where}${
        opts.variants.include.length || opts.variants.exclude.length ? ' with the variants asked for' : ''
      }; nothing was copied`,
    );
  }
  return { candidates, ignored };
}

/**
 * What is already at the destinations, in as few listings as a fresh folder allows: each touched
 * sub-folder that exists (as the top level listed alongside the sources shows), recursively, plus the
 * top levels themselves; and the backup bucket's copy of each source prefix. A sub-folder being
 * promoted for the first time costs nothing.
 */
async function listExisting(
  client: S3Client,
  opts: PromotionOptions,
  levels: Map<string, Level>,
  candidates: Candidate[],
) {
  const width = Math.max(1, Math.min(opts.concurrency, 16));
  const folders = new Set<string>();
  for (const { pair, selected } of candidates) {
    if (selected.sub === '') continue;
    const top = `${pair.destination}${selected.sub.split('/')[0]}/`;
    if (levels.get(pair.destination)?.folders.includes(top)) folders.add(`${pair.destination}${selected.sub}/`);
  }
  const [destination, backup] = await Promise.all([
    listFolders(client, opts.bucket, [...folders], width),
    opts.backupBucket
      ? listFolders(
          client,
          opts.backupBucket,
          opts.pairs.map((p) => `${opts.backupPrefix}${p.source}`),
          width,
        )
      : Promise.resolve(new Map<string, ListedObject>()),
  ]);
  for (const level of levels.values()) for (const o of level.objects) destination.set(o.key, o);
  return { destination, backup };
}

/** Every object under each of `folders`, each listed once, recursively. */
async function listFolders(client: S3Client, bucket: string, folders: string[], width: number) {
  const found = new Map<string, ListedObject>();
  await pool(folders, width, async (folder) => {
    for (const o of await listAll(client, bucket, folder)) found.set(o.key, o);
  });
  return found;
}

/** Each selected object, copied as it is to `<backup-prefix><source key>` in the backup bucket. */
async function planBackups(
  client: S3Client,
  opts: PromotionOptions,
  candidates: Candidate[],
  existing: Map<string, ListedObject>,
): Promise<Array<Operation<CopyData>>> {
  const backupBucket = opts.backupBucket;
  if (!backupBucket) return [];
  return planCopies(client, opts, candidates, existing, ({ selected }) => ({
    phase: 'backup',
    ...sourceOf(opts, selected),
    dstBucket: backupBucket,
    dstKey: `${opts.backupPrefix}${selected.key}`,
  }));
}

/** Each selected object, copied to its destination prefix with its sub-folder kept. */
async function planPromotions(
  client: S3Client,
  opts: PromotionOptions,
  candidates: Candidate[],
  existing: Map<string, ListedObject>,
): Promise<Array<Operation<CopyData>>> {
  return planCopies(client, opts, candidates, existing, ({ selected, pair }) => ({
    phase: 'promote',
    ...sourceOf(opts, selected),
    dstBucket: opts.bucket,
    dstKey: `${pair.destination}${selected.relative}`,
  }));
}

function sourceOf(opts: PromotionOptions, s: SelectedObject) {
  return { srcBucket: opts.bucket, srcKey: s.key, size: s.size, etag: s.etag, package: s.package, sub: s.sub };
}

const KINDS: Record<CopyData['phase'], { verb: string; kind: string }> = {
  backup: { verb: 'backup', kind: 'backup-object' },
  promote: { verb: 'copy', kind: 'copy-object' },
};

/** One operation per candidate, in key order, its action decided against what `existing` holds. */
async function planCopies(
  client: S3Client,
  opts: PromotionOptions,
  candidates: Candidate[],
  existing: Map<string, ListedObject>,
  copyOf: (c: Candidate) => CopyData,
): Promise<Array<Operation<CopyData>>> {
  const ops: Array<Operation<CopyData>> = [];
  await pool(candidates, Math.max(1, opts.concurrency), async (c) => {
    const data = copyOf(c);
    const { verb, kind } = KINDS[data.phase];
    ops.push({
      id: `${verb} ${data.srcKey}`,
      kind,
      target: s3url(data.dstBucket, data.dstKey),
      bytes: data.size,
      data,
      ...(await decide(client, data, existing.get(data.dstKey), opts.overwrite)),
    });
  });
  return ops.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

async function decide(
  client: S3Client,
  data: CopyData,
  existing: ListedObject | undefined,
  overwrite: boolean,
): Promise<Pick<Operation<CopyData>, 'action' | 'reason'>> {
  if (!existing) return { action: 'create', reason: 'destination missing' };
  const cmp = await compareObjects(
    client,
    { bucket: data.srcBucket, key: data.srcKey, size: data.size, etag: data.etag },
    { bucket: data.dstBucket, key: data.dstKey, size: existing.size, etag: existing.etag },
  );
  if (cmp.result === 'same') return { action: 'skip', reason: `already there (${cmp.how})` };
  if (overwrite) return { action: 'update', reason: `differs: ${cmp.how}; overwrite` };
  return { action: 'conflict', reason: `differs: ${cmp.how}` };
}
