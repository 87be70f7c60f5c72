import type { S3Client } from '@aws-sdk/client-s3';
import * as core from '@actions/core';
import {
  applyPlan,
  assertNoConflicts,
  type Operation,
  type OperationOutcome,
  type Plan,
} from '@release-actions/core/runtime/plan';
import type { Receipt } from '@release-actions/core/runtime/receipt';
import { logPlan } from '@release-actions/core/runtime/render';
import { applyCopyPhase, applyMirrorPhase } from './apply.js';
import { writeIndexPages, type IndexData } from './index-phase.js';
import { planPromotion, type CopyData, type PromotionData, type PromotionOptions } from './plan.js';

/**
 * Promotion of a release candidate's objects from test prefixes to stable ones: the plan (plan.ts),
 * then its phases one after the other, each applied through the worker pool and checked: backups,
 * the promotion, the mirror, the PEP 503 pages of the folders touched.
 */

export type { PrefixPair, PromotionOptions } from './plan.js';

export interface PromotionResult {
  plan: Plan<PromotionData>;
  outcomes: OperationOutcome[];
  promoted: number;
  skipped: number;
  bytes: number;
  ignored: string[];
}

export async function promote(client: S3Client, receipt: Receipt, opts: PromotionOptions): Promise<PromotionResult> {
  const started = Date.now();
  const { plan, ignored } = await planPromotion(client, opts);
  receipt.note(`planned ${plan.operations.length} operation(s) in ${secondsSince(started)}`);
  showPlan(receipt, plan, ignored, opts.dryRun);
  const result = resultOf(plan, ignored);
  const record = (o: OperationOutcome): void => {
    receipt.addOutcome(o);
    result.outcomes.push(o);
  };
  if (opts.dryRun) {
    for (const o of await applyPlan(plan, async () => undefined, { dryRun: true })) record(o);
    warnOfConflicts(plan);
    return result;
  }
  assertNoConflicts(
    plan as Plan,
    opts.overwrite
      ? 'A backup is never replaced: move it away, or choose another backup-prefix.'
      : 'Set overwrite: true to replace them, or remove the differing objects.',
  );

  // Backups complete before anything is promoted; promotion before the pages that link to it.
  const copyPhase = { multipartThreshold: opts.multipartThreshold, concurrency: opts.concurrency, onOutcome: record };
  // Backups stay private: the ACL (public-read on the stable prefixes) is for promoted objects only.
  await timed(receipt, 'backup', () => applyCopyPhase(client, phase(plan, 'backup'), { ...copyPhase, sha256: false }));
  // Every promoted copy gets its SHA-256 as the S3 checksum, computed by the store from the bytes it copies.
  const promoted = await timed(receipt, 'promote', () =>
    applyCopyPhase(client, phase(plan, 'promote'), { ...copyPhase, acl: opts.acl, sha256: true }),
  );
  const mirror = opts.mirror;
  if (mirror)
    await timed(receipt, 'mirror', () =>
      applyMirrorPhase(client, mirror, phase(plan, 'mirror'), {
        ...copyPhase,
        acl: opts.acl,
        copiedSha256: promoted.sha256,
      }),
    );
  // What the copies answered, and what the objects already there stated when planned.
  const known = new Map(promoted.sha256);
  for (const op of phase(plan, 'promote')) if (op.data.same?.sha256) known.set(op.data.dstKey, op.data.same.sha256);
  await timed(receipt, 'index', () =>
    writeIndexPages(client, phase(plan, 'index'), {
      copiedSha256: known,
      receipt,
      mirrors: mirror ? [mirror] : [],
      acl: opts.acl,
      concurrency: opts.concurrency,
      onOutcome: record,
    }),
  );
  return result;
}

function phase(plan: Plan<PromotionData>, name: CopyData['phase']): Array<Operation<CopyData>>;
function phase(plan: Plan<PromotionData>, name: 'index'): Array<Operation<IndexData>>;
function phase(plan: Plan<PromotionData>, name: PromotionData['phase']): Array<Operation<PromotionData>> {
  return plan.operations.filter((op) => op.data.phase === name);
}

function secondsSince(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

/** Runs one phase and notes in the receipt how long it took. */
async function timed<T>(receipt: Receipt, name: string, fn: () => Promise<T>): Promise<T> {
  const t = Date.now();
  const r = await fn();
  receipt.note(`${name}: done in ${secondsSince(t)}`);
  return r;
}

/** The plan in the log and the receipt, with a table per package and sub-folder. */
function showPlan(receipt: Receipt, plan: Plan<PromotionData>, ignored: string[], dryRun: boolean): void {
  receipt.setPlan(plan as Plan, dryRun);
  receipt.addTable(
    'Selected files per package and sub-folder',
    ['package', 'sub-folder', 'files', 'bytes', 'copy', 'skip', 'conflict'],
    summaryRows(phase(plan, 'promote')),
  );
  if (ignored.length > 0) {
    receipt.addTable(
      `Ignored: ${ignored.length} key(s) whose names are not artifacts`,
      ['key'],
      ignored.map((k) => [k]),
    );
  }
  logPlan(plan as Plan, dryRun);
}

function summaryRows(promotions: Array<Operation<CopyData>>): Array<Array<string | number>> {
  const rows = new Map<string, { files: number; bytes: number; copy: number; skip: number; conflict: number }>();
  for (const op of promotions) {
    const d = op.data;
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

function resultOf(plan: Plan<PromotionData>, ignored: string[]): PromotionResult {
  const promotions = phase(plan, 'promote');
  const copied = promotions.filter((op) => op.action === 'create' || op.action === 'update');
  return {
    plan,
    outcomes: [],
    promoted: copied.length,
    skipped: promotions.filter((op) => op.action === 'skip').length,
    bytes: copied.reduce((n, op) => n + op.data.size, 0),
    ignored,
  };
}

function warnOfConflicts(plan: Plan<PromotionData>): void {
  const conflicts = plan.operations.filter((op) => op.action === 'conflict').length;
  if (conflicts > 0)
    core.warning(`${conflicts} conflict(s): a real run would stop before copying anything unless overwrite is true`);
}
