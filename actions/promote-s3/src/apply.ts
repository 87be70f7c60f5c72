import type { ObjectCannedACL, S3Client } from '@aws-sdk/client-s3';
import * as core from '@actions/core';
import { applyPlan, outcomeOf, type Operation, type OperationOutcome } from '@release-actions/core/runtime/plan';
import { pool } from '@release-actions/core/runtime/pool';
import { listAll } from '@release-actions/core/s3/client';
import { copyObject, verifyCopy, verifyListed, type ObjectRef } from '@release-actions/core/s3/copy';
import type { CopyData } from './plan.js';

/**
 * Applies one phase of copies (backups, or the promotion itself): server-side copies run through the
 * worker pool, each checked, and the phase ends with one listing per folder that checks every
 * CopyObject copy again (a request per 1,000 objects, not a HEAD each).
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
  const toList: ToList[] = [];
  const copyOne = copier(client, opts, result.sha256, toList);
  // Objects copied whole go `concurrency` at a time; larger ones are copied in parts, 8 at a time
  // each, so fewer of them run at once and about as many requests are in flight (and a store without
  // UploadPartCopy, where they are streamed through this runner, holds a few of them in memory).
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
  await verifyByListing(client, toList, result.outcomes);
  return result;
}

/**
 * Copies one object. A CopyObject copy is checked at once against the ETag the store answers and
 * queued for the listing; a multipart or streamed copy is checked with a HEAD as soon as it is done.
 */
function copier(client: S3Client, opts: CopyPhaseOptions, sha256: Map<string, string>, toList: ToList[]) {
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
    toList.push({ id: op.id, dst, size: d.size, expectedEtag: r.expectedEtag });
    return { method: r.method, etag: r.etag ?? '' };
  };
}

/** Lists each folder copied into once and checks every queued copy in it; adds the facts to its outcome. */
async function verifyByListing(client: S3Client, copies: ToList[], outcomes: OperationOutcome[]): Promise<void> {
  const folders = new Map<string, { bucket: string; folder: string }>();
  for (const c of copies) {
    const folder = c.dst.key.slice(0, c.dst.key.lastIndexOf('/') + 1);
    folders.set(`${c.dst.bucket}\u0000${folder}`, { bucket: c.dst.bucket, folder });
  }
  const listed = new Map<string, { size: number; etag: string }>();
  await pool([...folders.values()], 16, async ({ bucket, folder }) => {
    for (const o of await listAll(client, bucket, folder, { delimiter: '/' })) listed.set(o.key, o);
  });
  const facts = verifyListed(copies, listed);
  const byId = new Map(outcomes.map((o) => [o.id, o]));
  for (const c of copies) {
    const o = byId.get(c.id);
    if (o) o.verified = { ...o.verified, ...facts.get(c.dst.key) };
  }
}
