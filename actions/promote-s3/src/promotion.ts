import type { ObjectCannedACL, S3Client } from '@aws-sdk/client-s3';
import * as core from '@actions/core';
import { ConfigurationError } from '@release-actions/core/runtime/errors';
import {
  applyPlan,
  type Operation,
  type OperationOutcome,
  type Plan,
  assertNoConflicts,
} from '@release-actions/core/runtime/plan';
import type { Receipt } from '@release-actions/core/runtime/receipt';
import { logPlan } from '@release-actions/core/runtime/render';
import {
  selectRelease,
  type RequestedPackage,
  type SelectedObject,
  type VariantFilter,
} from '@release-actions/core/release/selection';
import { pool } from '@release-actions/core/runtime/pool';
import { listAll, listLevel, type ListedObject } from '@release-actions/core/s3/client';
import { compareObjects, copyObject, Semaphore, verifyCopy, verifyListed } from '@release-actions/core/s3/copy';
import { indexedProject, updateIndexPages } from '@release-actions/core/s3/index-pages';

/**
 * Promotion of a release candidate's objects from test prefixes to stable ones: one listing per
 * source prefix, selection by parsed artifact name, a plan of copy / skip / conflict per object
 * (backups first), then server-side copies with bounded concurrency, each verified, then the PEP 503
 * pages of the folders touched. Dry-run and real runs build the same plan.
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

export interface IndexData {
  phase: 'index';
  bucket: string;
  /** The destination prefix whose pages are rebuilt: `whl/`. */
  prefix: string;
  projects: string[];
  /** Keys promoted under the prefix (copied or already there). */
  promoted: string[];
}

export type PromotionData = CopyData | IndexData;

export interface PromotionResult {
  plan: Plan<PromotionData>;
  outcomes: OperationOutcome[];
  promoted: number;
  skipped: number;
  bytes: number;
  ignored: string[];
}

function s3url(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

interface Candidate {
  selected: SelectedObject;
  pair: PrefixPair;
}

/**
 * What is already at the destinations, in as few listings as a fresh folder allows: one level of
 * each destination prefix (its own files, and which sub-folders exist at all), then each touched
 * sub-folder that exists, recursively. A sub-folder being promoted for the first time costs nothing.
 */
async function listDestinations(
  client: S3Client,
  bucket: string,
  levels: Map<string, { objects: ListedObject[]; folders: string[] }>,
  touched: Array<{ destination: string; sub: string }>,
  width: number,
) {
  const folders = new Set<string>();
  for (const { destination, sub } of touched) {
    if (sub === '') continue;
    const top = `${destination}${sub.split('/')[0]}/`;
    if (levels.get(destination)?.folders.includes(top)) folders.add(`${destination}${sub}/`);
  }
  const found = await listFolders(client, bucket, [...folders], width);
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

/** One operation per destination prefix receiving pip-installable files: its index pages. */
function planIndexPages(bucket: string, promoted: Array<{ prefix: string; key: string }>): Operation<IndexData>[] {
  const byPrefix = new Map<string, IndexData>();
  for (const { prefix, key } of promoted) {
    const project = indexedProject(key.slice(key.lastIndexOf('/') + 1));
    if (project === undefined) continue;
    const data = byPrefix.get(prefix) ?? { phase: 'index', bucket, prefix, projects: [], promoted: [] };
    if (!data.projects.includes(project)) data.projects.push(project);
    data.promoted.push(key);
    byPrefix.set(prefix, data);
  }
  return [...byPrefix.values()]
    .sort((a, b) => (a.prefix < b.prefix ? -1 : 1))
    .map((data) => ({
      id: `index ${data.prefix}`,
      kind: 'write-index',
      target: `${s3url(bucket, data.prefix)} index pages of ${data.projects.sort().join(', ')}`,
      action: 'update',
      reason: 'the pages these files change, rebuilt from the bucket as PyTorch builds them',
      data: { ...data, promoted: data.promoted.sort() },
    }));
}

export async function planPromotion(
  client: S3Client,
  opts: PromotionOptions,
): Promise<{ plan: Plan<PromotionData>; ignored: string[]; candidates: Candidate[] }> {
  const width = Math.max(1, Math.min(opts.concurrency, 16));
  const candidates: Candidate[] = [];
  const ignored: string[] = [];
  // The destinations' top level is listed alongside the sources: it tells which sub-folders exist.
  const destinations = [...new Set(opts.pairs.map((p) => p.destination))];
  const [listings, levelList] = await Promise.all([
    Promise.all(opts.pairs.map((pair) => listAll(client, opts.bucket, pair.source))),
    Promise.all(destinations.map((d) => listLevel(client, opts.bucket, d))),
  ]);
  const levels = new Map(destinations.map((d, i) => [d, levelList[i]!]));
  opts.pairs.forEach((pair, i) => {
    const sel = selectRelease(listings[i]!, pair.source, opts.packages, opts.variants);
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

  const [destination, backup] = await Promise.all([
    listDestinations(
      client,
      opts.bucket,
      levels,
      candidates.map((c) => ({ destination: c.pair.destination, sub: c.selected.sub })),
      width,
    ),
    opts.backupBucket
      ? listFolders(
          client,
          opts.backupBucket,
          opts.pairs.map((p) => `${opts.backupPrefix}${p.source}`),
          width,
        )
      : Promise.resolve(new Map<string, ListedObject>()),
  ]);

  const backupOps: Operation<CopyData>[] = [];
  const promoteOps: Operation<CopyData>[] = [];
  await pool(candidates, Math.max(1, opts.concurrency), async (c) => {
    const s = c.selected;
    const base = { srcBucket: opts.bucket, srcKey: s.key, size: s.size, etag: s.etag, package: s.package, sub: s.sub };
    if (opts.backupBucket) {
      const data: CopyData = {
        phase: 'backup',
        ...base,
        dstBucket: opts.backupBucket,
        dstKey: `${opts.backupPrefix}${s.key}`,
      };
      const decision = await decide(client, data, backup.get(data.dstKey), opts.overwrite);
      backupOps.push({
        id: `backup ${s.key}`,
        kind: 'backup-object',
        target: s3url(data.dstBucket, data.dstKey),
        bytes: s.size,
        data,
        ...decision,
      });
    }
    const data: CopyData = {
      phase: 'promote',
      ...base,
      dstBucket: opts.bucket,
      dstKey: `${c.pair.destination}${s.relative}`,
    };
    const decision = await decide(client, data, destination.get(data.dstKey), opts.overwrite);
    promoteOps.push({
      id: `copy ${s.key}`,
      kind: 'copy-object',
      target: s3url(data.dstBucket, data.dstKey),
      bytes: s.size,
      data,
      ...decision,
    });
  });
  const byKey = (a: Operation<CopyData>, b: Operation<CopyData>): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  backupOps.sort(byKey);
  promoteOps.sort(byKey);

  const indexOps = opts.regenerateIndex
    ? planIndexPages(
        opts.bucket,
        candidates.map((c) => ({ prefix: c.pair.destination, key: `${c.pair.destination}${c.selected.relative}` })),
      )
    : [];

  const plan: Plan<PromotionData> = { action: 'promote-s3', operations: [...backupOps, ...promoteOps, ...indexOps] };
  return { plan, ignored, candidates };
}

function summaryRows(plan: Plan<PromotionData>): Array<Array<string | number>> {
  const rows = new Map<string, { files: number; bytes: number; copy: number; skip: number; conflict: number }>();
  for (const op of plan.operations) {
    const d = op.data;
    if (d.phase !== 'promote') continue;
    const k = `${d.package}\u0000${d.sub || '(root)'}`;
    const r = rows.get(k) ?? { files: 0, bytes: 0, copy: 0, skip: 0, conflict: 0 };
    r.files++;
    r.bytes += d.size;
    if (op.action === 'skip') r.skip++;
    else if (op.action === 'conflict') r.conflict++;
    else r.copy++;
    rows.set(k, r);
  }
  return [...rows]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, r]) => {
      const [pkg, sub] = k.split('\u0000');
      return [pkg!, sub!, r.files, r.bytes, r.copy, r.skip, r.conflict];
    });
}

export async function promote(client: S3Client, receipt: Receipt, opts: PromotionOptions): Promise<PromotionResult> {
  const started = Date.now();
  const { plan, ignored } = await planPromotion(client, opts);
  const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;
  receipt.note(`planned ${plan.operations.length} operation(s) in ${seconds(started)}`);
  receipt.setPlan(plan as Plan, opts.dryRun);
  receipt.addTable(
    'Selected files per package and sub-folder',
    ['package', 'sub-folder', 'files', 'bytes', 'copy', 'skip', 'conflict'],
    summaryRows(plan),
  );
  if (ignored.length > 0) {
    receipt.addTable(
      `Ignored: ${ignored.length} key(s) whose names are not artifacts`,
      ['key'],
      ignored.map((k) => [k]),
    );
  }
  logPlan(plan as Plan, opts.dryRun);

  const copies = plan.operations.filter((op): op is Operation<CopyData> => op.data.phase !== 'index');
  const wouldCopy = copies.filter(
    (op) => op.data.phase === 'promote' && (op.action === 'create' || op.action === 'update'),
  );
  const result: PromotionResult = {
    plan,
    outcomes: [],
    promoted: wouldCopy.length,
    skipped: copies.filter((op) => op.data.phase === 'promote' && op.action === 'skip').length,
    bytes: wouldCopy.reduce((n, op) => n + op.data.size, 0),
    ignored,
  };
  const record = (o: OperationOutcome): void => {
    receipt.addOutcome(o);
    result.outcomes.push(o);
  };
  if (opts.dryRun) {
    for (const o of await applyPlan(plan, async () => undefined, { dryRun: true })) record(o);
    const conflicts = plan.operations.filter((op) => op.action === 'conflict').length;
    if (conflicts > 0)
      core.warning(`${conflicts} conflict(s): a real run would stop before copying anything unless overwrite is true`);
    return result;
  }
  assertNoConflicts(plan as Plan, 'Set overwrite: true to replace them, or remove the differing objects.');

  const streamSlots = new Semaphore(2);
  // sha256 of promoted objects as the store computed them while copying, for the index pages.
  const copiedSha256 = new Map<string, string>();
  let fellBack = false;
  // CopyObject copies are checked twice: the ETag the store answers, at once; then size and ETag in
  // a listing of their folder once the phase is done (a request per 1,000 objects, not a HEAD each).
  // Multipart and streamed copies are checked with a HEAD as soon as they finish.
  let toVerify: Array<{ id: string; dst: { bucket: string; key: string }; size: number; expectedEtag?: string }> = [];
  const copyOne = async (op: Operation<PromotionData>) => {
    const d = op.data as CopyData;
    const src = { bucket: d.srcBucket, key: d.srcKey, size: d.size, etag: d.etag };
    const dst = { bucket: d.dstBucket, key: d.dstKey };
    const r = await copyObject(client, src, dst, {
      // Backups stay private: the ACL (public-read on the stable prefixes) is for promoted objects only.
      acl: d.phase === 'promote' ? opts.acl : undefined,
      multipartThreshold: opts.multipartThreshold,
      sha256: d.phase === 'promote' && opts.regenerateIndex,
      streamSlots,
      onFallback: () => {
        if (!fellBack)
          core.warning(
            'the store does not implement UploadPartCopy: large objects are streamed through this runner instead',
          );
        fellBack = true;
      },
    });
    if (r.sha256 && d.phase === 'promote') copiedSha256.set(d.dstKey, r.sha256);
    if (r.method !== 'copy-object') return verifyCopy(client, src, dst, r);
    toVerify.push({ id: op.id, dst, size: d.size, expectedEtag: r.expectedEtag });
    return { method: r.method, etag: r.etag ?? '' };
  };
  const verifyPhase = async (): Promise<void> => {
    const batch = toVerify;
    toVerify = [];
    const folders = new Map<string, string>();
    for (const c of batch)
      folders.set(`${c.dst.bucket}\u0000${c.dst.key.slice(0, c.dst.key.lastIndexOf('/') + 1)}`, c.dst.bucket);
    const listed = new Map<string, { size: number; etag: string }>();
    await pool([...folders.keys()], 16, async (k) => {
      const [bucket, folder] = k.split('\u0000') as [string, string];
      for (const o of await listAll(client, bucket, folder, { delimiter: '/' })) listed.set(o.key, o);
    });
    const facts = verifyListed(batch, listed);
    const byId = new Map(result.outcomes.map((o) => [o.id, o]));
    for (const c of batch) {
      const o = byId.get(c.id);
      if (o) o.verified = { ...o.verified, ...facts.get(c.dst.key) };
    }
  };
  const phase = (name: PromotionData['phase']): Plan<PromotionData> => ({
    action: plan.action,
    operations: plan.operations.filter((op) => op.data.phase === name),
  });
  const run = async (
    p: Plan<PromotionData>,
    exec: (op: Operation<PromotionData>) => Promise<Record<string, string | number> | void>,
    width: number,
  ) => {
    if (p.operations.length === 0) return;
    const t = Date.now();
    await applyPlan(p, exec, { dryRun: false, concurrency: width, onOutcome: record });
    const v = Date.now();
    await verifyPhase();
    const kind = p.operations[0]!.data.phase;
    receipt.note(`${kind}: ${p.operations.length} operation(s) in ${seconds(t)}, verified by listing in ${seconds(v)}`);
  };

  // Backups complete before anything is promoted; promotion before the pages that link to it.
  await run(phase('backup'), copyOne, opts.concurrency);
  await run(phase('promote'), copyOne, opts.concurrency);
  await run(
    phase('index'),
    async (op) => {
      const d = op.data as IndexData;
      const r = await updateIndexPages({
        source: { client, bucket: d.bucket },
        prefix: d.prefix,
        promoted: d.promoted,
        known: copiedSha256,
        acl: opts.acl,
        concurrency: opts.concurrency,
      });
      if (r.written.length > 0)
        receipt.addTable(
          `Index pages written under ${s3url(d.bucket, d.prefix)}`,
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
    1,
  );
  return result;
}
