import type { ObjectCannedACL, S3Client } from '@aws-sdk/client-s3';
import * as core from '@actions/core';
import { applyPlan, outcomeOf, type Operation, type OperationOutcome } from '@release-actions/core/runtime/plan';
import { listAll } from '@release-actions/core/s3/client';
import {
  copyAcross,
  copyObject,
  headObject,
  s3Sha256,
  streamSha256,
  verifyCopy,
  verifyListed,
  type ObjectRef,
} from '@release-actions/core/s3/copy';
import { s3url, type CopyData, type MirrorStore } from './plan.js';

/**
 * Applies one phase of copies (backups, or the promotion itself): server-side copies run through the
 * worker pool, each checked, and every CopyObject copy is checked again by one listing of its folder
 * (a request per 1,000 objects, not a HEAD each).
 */

export interface CopyPhaseOptions {
  acl?: ObjectCannedACL;
  multipartThreshold: number;
  /** Requests in flight at once, about. */
  concurrency: number;
  /** Ask the store for each copy's SHA-256 (CopyObject computes it from the bytes it copies). */
  sha256: boolean;
  onOutcome: (o: OperationOutcome) => void;
}

export interface CopyPhaseResult {
  outcomes: OperationOutcome[];
  /** sha256 (hex) of each copy the store computed one for, by destination key. */
  sha256: Map<string, string>;
}

interface ToList {
  id: string;
  dst: ObjectRef;
  size: number;
  expectedEtag?: string;
}

/** Parts of one large object copied at once. */
const PART_CONCURRENCY = 8;

export async function applyCopyPhase(
  client: S3Client,
  ops: Array<Operation<CopyData>>,
  opts: CopyPhaseOptions,
): Promise<CopyPhaseResult> {
  const result: CopyPhaseResult = { outcomes: [], sha256: new Map() };
  const record = (o: OperationOutcome): void => {
    result.outcomes.push(o);
    opts.onOutcome(o);
  };
  const listings = new FolderListings(client, ops, opts.multipartThreshold);
  await applyInTwoWidths(ops, copier(client, opts, result.sha256, listings), opts, (o) => {
    record(o);
    listings.settled(o.id);
  });
  await listings.verify(result.outcomes);
  return result;
}

/**
 * Objects copied whole go `concurrency` at a time; larger ones are copied in parts, 8 at a time each,
 * so fewer of them run at once and about as many requests are in flight (and where they are streamed
 * through this runner, a few of them are in memory at once).
 */
async function applyInTwoWidths(
  ops: Array<Operation<CopyData>>,
  copyOne: (op: Operation<CopyData>) => Promise<Record<string, string | number>>,
  opts: Pick<CopyPhaseOptions, 'multipartThreshold' | 'concurrency'>,
  record: (o: OperationOutcome) => void,
): Promise<void> {
  const whole = ops.filter((op) => op.data.size <= opts.multipartThreshold);
  const inParts = ops.filter((op) => op.data.size > opts.multipartThreshold);
  try {
    await applyPlan({ action: 'promote-s3', operations: whole }, copyOne, {
      dryRun: false,
      concurrency: opts.concurrency,
      onOutcome: record,
    });
  } catch (e) {
    for (const op of inParts) record(outcomeOf(op, 'not-run'));
    throw e;
  }
  await applyPlan({ action: 'promote-s3', operations: inParts }, copyOne, {
    dryRun: false,
    concurrency: Math.max(1, Math.floor(opts.concurrency / PART_CONCURRENCY)),
    onOutcome: record,
  });
}

export interface MirrorPhaseOptions {
  acl?: ObjectCannedACL;
  multipartThreshold: number;
  concurrency: number;
  /** sha256 (hex) of the primary copies, as the store computed them while copying. */
  copiedSha256: Map<string, string>;
  onOutcome: (o: OperationOutcome) => void;
}

/**
 * Applies the mirror phase: each object streamed from the primary store to the mirror, its sha256
 * taken from the primary copy's S3 checksum (answered by the copy, or for an object promoted before,
 * read with a HEAD; only an object without any is read to hash it), then checked with a HEAD on the
 * mirror.
 */
export async function applyMirrorPhase(
  client: S3Client,
  mirror: MirrorStore,
  ops: Array<Operation<CopyData>>,
  opts: MirrorPhaseOptions,
): Promise<void> {
  const primarySha256 = async (d: CopyData): Promise<string> => {
    const known = opts.copiedSha256.get(d.dstKey);
    if (known) return known;
    // The primary copy sits in the same bucket as its source; its user metadata is no proof.
    const primary = { bucket: d.srcBucket, key: d.dstKey };
    const head = await headObject(client, primary);
    return (head && s3Sha256(head)) ?? streamSha256(client, primary);
  };
  await applyInTwoWidths(
    ops,
    async (op) => {
      const d = op.data;
      const src = { bucket: d.srcBucket, key: d.srcKey, size: d.size, etag: d.etag };
      const sha256 = await primarySha256(d);
      const dst = { bucket: d.dstBucket, key: d.dstKey };
      const r = await copyAcross(client, src, mirror.client, dst, opts, sha256);
      // Checked like any copy: read back from the mirror, size, ETag and the sha256 it states.
      const facts = await verifyCopy(mirror.client, src, dst, r);
      if (facts['sha256'] !== sha256)
        throw new Error(
          `verification failed: ${s3url(dst.bucket, dst.key)} states sha256 ${facts['sha256'] ?? '(none)'}, expected ${sha256}`,
        );
      return facts;
    },
    opts,
    opts.onOutcome,
  );
}

/**
 * Copies one object. A CopyObject copy is checked at once against the ETag the store answers and
 * queued for its folder's listing; a multipart or streamed copy is checked with a HEAD as soon as it
 * is done.
 */
function copier(client: S3Client, opts: CopyPhaseOptions, sha256: Map<string, string>, listings: FolderListings) {
  let fellBack = false;
  return async (op: Operation<CopyData>): Promise<Record<string, string | number>> => {
    const d = op.data;
    const src = { bucket: d.srcBucket, key: d.srcKey, size: d.size, etag: d.etag };
    const dst = { bucket: d.dstBucket, key: d.dstKey };
    const r = await copyObject(client, src, dst, {
      acl: opts.acl,
      multipartThreshold: opts.multipartThreshold,
      partConcurrency: PART_CONCURRENCY,
      sha256: opts.sha256,
      onFallback: () => {
        if (!fellBack)
          core.warning(
            'the store does not implement UploadPartCopy: large objects are streamed through this runner instead',
          );
        fellBack = true;
      },
    });
    if (r.sha256) sha256.set(d.dstKey, r.sha256);
    if (r.method !== 'copy-object') return verifyCopy(client, src, dst, r);
    listings.queue({ id: op.id, dst, size: d.size, expectedEtag: r.expectedEtag });
    return { method: r.method, etag: r.etag ?? '' };
  };
}

/**
 * The listings that check the CopyObject copies, one per destination folder. A folder is listed as
 * soon as the last whole-object copy into it has settled, while the copies into the next folders go
 * on (the plan goes folder by folder), so the phase ends with one folder's listing rather than all
 * of them.
 */
class FolderListings {
  /** Whole-object copies not settled yet, per folder. */
  private readonly unsettled = new Map<string, number>();
  private readonly folderOfOp = new Map<string, string>();
  /** Per folder: where it is, and the copies its listing checks. */
  private readonly queued = new Map<string, { bucket: string; prefix: string; copies: ToList[] }>();
  private readonly started = new Map<string, Promise<void>>();
  private readonly listed = new Map<string, { size: number; etag: string }>();

  constructor(
    private readonly client: S3Client,
    ops: Array<Operation<CopyData>>,
    multipartThreshold: number,
  ) {
    for (const op of ops) {
      if (op.data.size > multipartThreshold || (op.action !== 'create' && op.action !== 'update')) continue;
      const folder = folderOf({ bucket: op.data.dstBucket, key: op.data.dstKey });
      this.folderOfOp.set(op.id, folder);
      this.unsettled.set(folder, (this.unsettled.get(folder) ?? 0) + 1);
    }
  }

  queue(copy: ToList): void {
    const folder = folderOf(copy.dst);
    const queued = this.queued.get(folder);
    if (queued) queued.copies.push(copy);
    else this.queued.set(folder, { bucket: copy.dst.bucket, prefix: prefixOf(copy.dst.key), copies: [copy] });
  }

  settled(opId: string): void {
    const folder = this.folderOfOp.get(opId);
    if (folder === undefined) return;
    const left = this.unsettled.get(folder)! - 1;
    this.unsettled.set(folder, left);
    if (left === 0) this.list(folder);
  }

  /** Waits for every folder's listing and checks each queued copy; adds the facts to its outcome. */
  async verify(outcomes: OperationOutcome[]): Promise<void> {
    for (const folder of this.queued.keys()) this.list(folder);
    await Promise.all(this.started.values());
    const copies = [...this.queued.values()].flatMap((q) => q.copies);
    const facts = verifyListed(copies, this.listed);
    const byId = new Map(outcomes.map((o) => [o.id, o]));
    for (const c of copies) {
      const o = byId.get(c.id);
      if (o) o.verified = { ...o.verified, ...facts.get(c.dst.key) };
    }
  }

  private list(folder: string): void {
    const queued = this.queued.get(folder);
    if (!queued || this.started.has(folder)) return;
    const listing = listAll(this.client, queued.bucket, queued.prefix, { delimiter: '/' }).then((objects) => {
      for (const o of objects) this.listed.set(o.key, o);
    });
    // A phase that fails half-way never waits for its listings: their errors must not go unhandled.
    listing.catch(() => undefined);
    this.started.set(folder, listing);
  }
}

function folderOf(o: ObjectRef): string {
  return `${o.bucket}\u0000${prefixOf(o.key)}`;
}

function prefixOf(key: string): string {
  return key.slice(0, key.lastIndexOf('/') + 1);
}
