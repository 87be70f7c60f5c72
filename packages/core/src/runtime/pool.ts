/**
 * The one worker pool: plan operations, listings, part copies and index pages all run through it.
 *
 * At most `width` items are in flight, taken in order. After the first failure no new item starts and
 * the items already started run to their end, so that what a run did is exactly what it reports: every
 * item settles as done, failed or not run.
 */

export type Settled<T> =
  { item: T; result: 'done' } | { item: T; result: 'failed'; error: unknown } | { item: T; result: 'not-run' };

export interface PoolRun<T> {
  /** Every item's outcome, in the items' order. */
  settled: Array<Settled<T>>;
  /** The first failure in time, if any. */
  firstError?: { error: unknown };
}

/** Runs `fn` over `items` and reports every item's outcome; never throws. */
export async function settleAll<T>(
  items: readonly T[],
  width: number,
  fn: (item: T) => Promise<void>,
): Promise<PoolRun<T>> {
  const run: PoolRun<T> = { settled: items.map((item) => ({ item, result: 'not-run' })) };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (run.firstError === undefined && next < items.length) {
      const i = next++;
      const item = items[i]!;
      try {
        await fn(item);
        run.settled[i] = { item, result: 'done' };
      } catch (error) {
        run.firstError ??= { error };
        run.settled[i] = { item, result: 'failed', error };
      }
    }
  };
  const workers = Math.max(1, Math.min(width, items.length));
  // The first item has the event loop to itself for one turn: its request is on the wire before the
  // others are built, so an idle store starts working at once rather than after `width` requests
  // have been prepared in lockstep (32 signed copies cost about 20 ms).
  const first = worker();
  if (workers > 1) await new Promise((r) => setImmediate(r));
  await Promise.all([first, ...Array.from({ length: workers - 1 }, worker)]);
  return run;
}

/** Runs `fn` over `items` like settleAll; once every started item has finished, throws the first error. */
export async function pool<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  const { firstError } = await settleAll(items, width, fn);
  if (firstError) throw firstError.error;
}
