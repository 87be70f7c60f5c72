import type { HeadObjectCommandOutput, ObjectCannedACL, S3Client } from '@aws-sdk/client-s3';
import { ConfigurationError } from '@release-actions/core/runtime/errors';
import type { Operation, Plan } from '@release-actions/core/runtime/plan';
import { pool } from '@release-actions/core/runtime/pool';
import {
  selectRelease,
  type RequestedPackage,
  type SelectedObject,
  type VariantFilter,
} from '@release-actions/core/release/selection';
import { listAll, listLevel, listTree, unquoteEtag, type ListedObject } from '@release-actions/core/s3/client';
import { compareObjects, headObject, storedSha256 } from '@release-actions/core/s3/copy';
import { planIndexPages, type IndexData } from './index-phase.js';

/**
 * The promotion's plan, one phase after the other: what the source prefixes hold, which of it is the
 * release, what the destinations (and the backup bucket) already hold, then a copy / skip / conflict
 * decision per object for the backups (of the release, and of what an overwrite replaces), the
 * promotion, the mirror and the index pages. Dry-run and real runs build the same plan.
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
  /** A second destination on its own endpoint: every promoted object is also copied there. */
  mirror?: MirrorStore;
}

export interface MirrorStore {
  client: S3Client;
  bucket: string;
}

export interface CopyData {
  phase: 'backup' | 'promote' | 'mirror';
  srcBucket: string;
  srcKey: string;
  dstBucket: string;
  dstKey: string;
  size: number;
  etag: string;
  package: string;
  sub: string;
  /**
   * The destination already holds these bytes: for a skip, the sha256 it states; an update copies
   * them again only because it states none.
   */
  same?: { sha256?: string };
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
  const [{ candidates, ignored }, levels] = await Promise.all([
    selectCandidates(client, opts),
    listDestinationTops(client, opts),
  ]);
  const [{ destination, backup }, mirrored] = await Promise.all([
    listExisting(client, opts, levels, candidates),
    opts.mirror ? listMirror(opts, opts.mirror, candidates) : new Map<string, ListedObject>(),
  ]);
  const [backups, promotions, mirrors] = await Promise.all([
    planBackups(client, opts, candidates, backup),
    planPromotions(client, opts, candidates, destination),
    planMirrors(client, opts, candidates, mirrored),
  ]);
  const undo = await planBackupsOfReplaced(client, opts, promotions, destination);
  const pages = opts.regenerateIndex ? planIndexPages(opts.bucket, candidates) : [];
  const operations = [...backups, ...undo, ...promotions, ...mirrors, ...pages];
  return { plan: { action: 'promote-s3', operations }, ignored };
}

type Level = { objects: ListedObject[]; folders: string[] };

/** One level of each destination prefix: it tells which destination sub-folders exist at all. */
async function listDestinationTops(client: S3Client, opts: PromotionOptions): Promise<Map<string, Level>> {
  const destinations = [...new Set(opts.pairs.map((p) => p.destination))];
  const levels = await Promise.all(destinations.map((d) => listLevel(client, opts.bucket, d)));
  return new Map(destinations.map((d, i): [string, Level] => [d, levels[i]!]));
}

/**
 * The release's objects under each source prefix, each folder's chosen as soon as it is listed (its
 * folders side by side), in key order; a requested package with none stops the run.
 */
async function selectCandidates(client: S3Client, opts: PromotionOptions) {
  const perPair = await Promise.all(
    opts.pairs.map(async (pair) => {
      const candidates: Candidate[] = [];
      const ignored: string[] = [];
      await listTree(client, opts.bucket, pair.source, listingWidth(opts), (objects) => {
        const sel = selectRelease(objects, pair.source, opts.packages, opts.variants);
        ignored.push(...sel.ignored);
        for (const s of sel.selected) candidates.push({ selected: s, pair });
      });
      // Folders arrive in any order; plans, logs and receipts read the same on every run.
      candidates.sort((a, b) => (a.selected.key < b.selected.key ? -1 : 1));
      return { candidates, ignored: ignored.sort() };
    }),
  );
  const candidates = perPair.flatMap((p) => p.candidates);
  const ignored = perPair.flatMap((p) => p.ignored);
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
  const width = listingWidth(opts);
  const [destination, backup] = await Promise.all([
    listFolders(client, opts.bucket, touchedFolders(levels, candidates), width),
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

function listingWidth(opts: PromotionOptions): number {
  return Math.max(1, Math.min(opts.concurrency, 16));
}

/** The destination sub-folders the candidates land in that exist, as the top levels show. */
function touchedFolders(levels: Map<string, Level>, candidates: Candidate[]): string[] {
  const folders = new Set<string>();
  for (const { pair, selected } of candidates) {
    if (selected.sub === '') continue;
    const top = `${pair.destination}${selected.sub.split('/')[0]}/`;
    if (levels.get(pair.destination)?.folders.includes(top)) folders.add(`${pair.destination}${selected.sub}/`);
  }
  return [...folders];
}

/** What the mirror already holds where the candidates land: its top levels, then the touched folders. */
async function listMirror(opts: PromotionOptions, mirror: MirrorStore, candidates: Candidate[]) {
  const destinations = [...new Set(opts.pairs.map((p) => p.destination))];
  const levelList = await Promise.all(destinations.map((d) => listLevel(mirror.client, mirror.bucket, d)));
  const levels = new Map(destinations.map((d, i): [string, Level] => [d, levelList[i]!]));
  const found = await listFolders(mirror.client, mirror.bucket, touchedFolders(levels, candidates), listingWidth(opts));
  for (const level of levels.values()) for (const o of level.objects) found.set(o.key, o);
  return found;
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

/**
 * Each selected object, also copied to the mirror at its destination key, decided against what the
 * mirror holds with the same rules.
 */
async function planMirrors(
  client: S3Client,
  opts: PromotionOptions,
  candidates: Candidate[],
  existing: Map<string, ListedObject>,
): Promise<Array<Operation<CopyData>>> {
  const mirror = opts.mirror;
  if (!mirror) return [];
  const copyOf = ({ selected, pair }: Candidate): CopyData => ({
    phase: 'mirror',
    ...sourceOf(opts, selected),
    dstBucket: mirror.bucket,
    dstKey: `${pair.destination}${selected.relative}`,
  });
  return planCopies(client, opts, candidates, existing, copyOf, mirror.client);
}

/**
 * With a backup bucket, each destination object that the promotion replaces (`overwrite: true`) is
 * first copied as it is to `<backup-prefix><its key>`. Such a backup is an undo and is never replaced:
 * a different object already there is a conflict.
 */
async function planBackupsOfReplaced(
  client: S3Client,
  opts: PromotionOptions,
  promotions: Array<Operation<CopyData>>,
  destination: Map<string, ListedObject>,
): Promise<Array<Operation<CopyData>>> {
  const backupBucket = opts.backupBucket;
  if (!backupBucket) return [];
  const replaced = promotions.filter((op) => op.action === 'update' && !op.data.same);
  const ops: Array<Operation<CopyData>> = [];
  await pool(replaced, Math.max(1, opts.concurrency), async ({ data: promoted }) => {
    const current = destination.get(promoted.dstKey)!;
    const data: CopyData = {
      ...promoted,
      phase: 'backup',
      srcKey: promoted.dstKey,
      size: current.size,
      etag: current.etag,
      dstBucket: backupBucket,
      dstKey: `${opts.backupPrefix}${promoted.dstKey}`,
    };
    const there = await headObject(client, { bucket: data.dstBucket, key: data.dstKey });
    const decision = await decide(client, data, there && listedFromHead(data.dstKey, there), false);
    ops.push({
      id: `backup replaced ${data.srcKey}`,
      kind: 'backup-object',
      target: s3url(data.dstBucket, data.dstKey),
      bytes: data.size,
      data,
      ...decision,
      ...(decision.action === 'conflict' ? { reason: `${decision.reason}; a backup is never replaced` } : {}),
    });
  });
  return ops.sort(byId);
}

function listedFromHead(key: string, head: HeadObjectCommandOutput): ListedObject {
  return { key, size: head.ContentLength ?? 0, etag: unquoteEtag(head.ETag) };
}

function byId(a: Operation, b: Operation): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function sourceOf(opts: PromotionOptions, s: SelectedObject) {
  return { srcBucket: opts.bucket, srcKey: s.key, size: s.size, etag: s.etag, package: s.package, sub: s.sub };
}

const KINDS: Record<CopyData['phase'], { verb: string; kind: string }> = {
  backup: { verb: 'backup', kind: 'backup-object' },
  promote: { verb: 'copy', kind: 'copy-object' },
  mirror: { verb: 'mirror', kind: 'mirror-object' },
};

/** One operation per candidate, in key order, its action decided against what `existing` holds. */
async function planCopies(
  client: S3Client,
  opts: PromotionOptions,
  candidates: Candidate[],
  existing: Map<string, ListedObject>,
  copyOf: (c: Candidate) => CopyData,
  dstClient: S3Client = client,
): Promise<Array<Operation<CopyData>>> {
  const ops: Array<Operation<CopyData>> = [];
  await pool(candidates, Math.max(1, opts.concurrency), async (c) => {
    const data = copyOf(c);
    const { verb, kind } = KINDS[data.phase];
    const { same, ...decision } = await decide(client, data, existing.get(data.dstKey), opts.overwrite, dstClient);
    ops.push({
      id: `${verb} ${data.srcKey}`,
      kind,
      target: s3url(data.dstBucket, data.dstKey),
      bytes: data.size,
      data: same ? { ...data, same } : data,
      ...decision,
    });
  });
  return ops.sort(byId);
}

type Decision = Pick<Operation<CopyData>, 'action' | 'reason'> & Pick<CopyData, 'same'>;

async function decide(
  client: S3Client,
  data: CopyData,
  existing: ListedObject | undefined,
  overwrite: boolean,
  dstClient: S3Client = client,
): Promise<Decision> {
  if (!existing) return { action: 'create', reason: 'destination missing' };
  const cmp = await compareObjects(
    client,
    { bucket: data.srcBucket, key: data.srcKey, size: data.size, etag: data.etag },
    { bucket: data.dstBucket, key: data.dstKey, size: existing.size, etag: existing.etag },
    dstClient,
  );
  if (cmp.result === 'same') return sameBytes(data, cmp.how, dstClient);
  if (overwrite) return { action: 'update', reason: `differs: ${cmp.how}; overwrite` };
  return { action: 'conflict', reason: `differs: ${cmp.how}` };
}

/**
 * Promoted and mirrored objects carry their sha256 (PyTorch's generator adds a missing one in a second
 * pass): one already there without any, put there by another tool, is copied again from its source,
 * which gives it one, and needs no backup of what it replaces. Backups need none.
 */
async function sameBytes(data: CopyData, how: string, dstClient: S3Client): Promise<Decision> {
  if (data.phase === 'backup') return { action: 'skip', reason: `already there (${how})` };
  const head = await headObject(dstClient, { bucket: data.dstBucket, key: data.dstKey });
  const sha256 = head && storedSha256(head);
  if (sha256) return { action: 'skip', reason: `already there (${how})`, same: { sha256 } };
  return {
    action: 'update',
    reason: `already there (${how}) without a sha256: copied again to carry one`,
    same: {},
  };
}
