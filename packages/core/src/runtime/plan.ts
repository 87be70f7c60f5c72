import { ConfigurationError } from './errors.js';
import { settleAll } from './pool.js';

/**
 * A plan is the list of operations an action intends to perform. Dry-run and apply both start from
 * the same plan: dry-run renders it and stops; apply executes it. An operation's `action` is decided
 * while planning by looking at the destination, which is what makes re-runs resumable.
 */
export type PlannedAction = 'create' | 'update' | 'skip' | 'conflict';
export type OperationResult = 'planned' | 'done' | 'skipped' | 'failed' | 'not-run';

export interface Operation<D = unknown> {
  /** Stable and unique within the plan, e.g. `copy whl/cu124/torch-2.6.0+cu124-...whl`. */
  id: string;
  /** What kind of change: `copy-object`, `create-ref`, `upload-file`, `open-pr`... */
  kind: string;
  /** Where the change lands, readable by a person: `s3://pytorch/whl/cu124/torch-...whl`. */
  target: string;
  action: PlannedAction;
  /** Why this action was chosen, or what differs for a conflict. */
  reason?: string;
  bytes?: number;
  /** Whatever the executor needs; also written to the receipt, so keep it JSON. */
  data: D;
}

export interface Plan<D = unknown> {
  /** The action's name, e.g. `promote-s3`. */
  action: string;
  operations: Operation<D>[];
}

export interface OperationOutcome {
  id: string;
  kind: string;
  target: string;
  action: PlannedAction;
  result: OperationResult;
  reason?: string;
  bytes?: number;
  error?: string;
  /** Checksums or other facts verified after the write. */
  verified?: Record<string, string | number>;
}

export interface ApplyOptions {
  dryRun: boolean;
  /** Operations run at most this many at a time. */
  concurrency?: number;
  /** Called once per finished operation, e.g. to update the receipt as the run goes. */
  onOutcome?: (outcome: OperationOutcome) => void;
}

/** What an executor returns: facts it verified after the write, if any. */
export type Executor<D> = (op: Operation<D>) => Promise<Record<string, string | number> | void>;

export function countBy(plan: Plan, action: PlannedAction): number {
  return plan.operations.filter((op) => op.action === action).length;
}

/** Throws one ConfigurationError naming the conflicts; used before anything is written. */
export function assertNoConflicts(plan: Plan, hint = ''): void {
  const conflicts = plan.operations.filter((op) => op.action === 'conflict');
  if (conflicts.length === 0) return;
  const shown = conflicts
    .slice(0, 5)
    .map((op) => `${op.target}${op.reason ? ` (${op.reason})` : ''}`)
    .join('; ');
  const more = conflicts.length > 5 ? ` and ${conflicts.length - 5} more` : '';
  throw new ConfigurationError(
    `${conflicts.length} conflict(s), nothing was changed: ${shown}${more}${hint ? `. ${hint}` : ''}`,
  );
}

/** The outcome of `op` with the given result, as applyPlan records it. */
export function outcomeOf(
  op: Operation,
  result: OperationResult,
  extra: Partial<OperationOutcome> = {},
): OperationOutcome {
  const { id, kind, target, action, reason, bytes } = op;
  return { id, kind, target, action, reason, bytes, result, ...extra };
}

/**
 * Executes a plan: conflicts stop it before any write; `skip` operations are recorded, not run;
 * `create`/`update` operations run in the worker pool (pool.ts). After the first failure no new
 * operation starts, the ones in flight finish, and the first error is rethrown, so the receipt
 * shows exactly what was done and a re-run picks up the rest.
 */
export async function applyPlan<D>(
  plan: Plan<D>,
  execute: Executor<D>,
  opts: ApplyOptions,
): Promise<OperationOutcome[]> {
  const outcomes: OperationOutcome[] = [];
  const record = (o: OperationOutcome): void => {
    outcomes.push(o);
    opts.onOutcome?.(o);
  };
  if (opts.dryRun) {
    for (const op of plan.operations) record(outcomeOf(op, op.action === 'skip' ? 'skipped' : 'planned'));
    return outcomes;
  }
  assertNoConflicts(plan);
  const pending = plan.operations.filter((op) => op.action === 'create' || op.action === 'update');
  for (const op of plan.operations) if (op.action === 'skip') record(outcomeOf(op, 'skipped'));

  const { settled, firstError } = await settleAll(pending, opts.concurrency ?? 1, async (op) => {
    try {
      const verified = (await execute(op)) ?? undefined;
      record(outcomeOf(op, 'done', verified ? { verified } : {}));
    } catch (e) {
      record(outcomeOf(op, 'failed', { error: e instanceof Error ? e.message : String(e) }));
      throw e;
    }
  });
  for (const s of settled) if (s.result === 'not-run') record(outcomeOf(s.item, 'not-run'));
  if (firstError) throw firstError.error;
  return outcomes;
}
