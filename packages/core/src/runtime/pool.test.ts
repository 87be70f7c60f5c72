import { pool, settleAll } from './pool.js';

const tick = (ms = 1): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('the worker pool', () => {
  test('runs every item, in order, with at most `width` in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const started: number[] = [];
    const items = Array.from({ length: 20 }, (_, i) => i);
    await pool(items, 3, async (i) => {
      started.push(i);
      peak = Math.max(peak, ++inFlight);
      await tick(2);
      inFlight--;
    });
    expect(started).toEqual(items);
    expect(peak).toBe(3);
  });

  test('the first item starts alone: what it queues for the next turn runs before the second item starts', async () => {
    const events: string[] = [];
    await pool(['a', 'b', 'c'], 3, async (x) => {
      events.push(`start ${x}`);
      await new Promise<void>((r) =>
        process.nextTick(() => {
          events.push(`${x} on the wire`);
          r();
        }),
      );
    });
    expect(events.slice(0, 3)).toEqual(['start a', 'a on the wire', 'start b']);
  });

  test('a first item that fails at once stops the run before any other starts', async () => {
    const started: string[] = [];
    const run = await settleAll(['a', 'b', 'c'], 3, async (x) => {
      started.push(x);
      if (x === 'a') throw new Error('access denied');
      await tick(1);
    });
    expect(started).toEqual(['a']);
    expect(run.settled.map((s) => s.result)).toEqual(['failed', 'not-run', 'not-run']);
  });

  test('takes no new item after the first failure, lets started items finish, reports every outcome', async () => {
    const finished: string[] = [];
    const run = await settleAll(['a', 'b', 'c', 'd', 'e', 'f'], 3, async (x) => {
      if (x === 'b') {
        await tick(1);
        throw new Error('b broke');
      }
      await tick(x === 'c' ? 20 : 5);
      finished.push(x);
    });
    // a, b and c start at once; b fails first; a and c still finish; d, e and f never start.
    expect(finished.sort()).toEqual(['a', 'c']);
    expect(run.settled.map((s) => [s.item, s.result])).toEqual([
      ['a', 'done'],
      ['b', 'failed'],
      ['c', 'done'],
      ['d', 'not-run'],
      ['e', 'not-run'],
      ['f', 'not-run'],
    ]);
    expect(run.firstError?.error).toEqual(new Error('b broke'));
  });

  test('pool throws the first failure in time, only once started items have finished', async () => {
    let slowFinished = false;
    const run = pool([1, 2, 3], 3, async (i) => {
      if (i === 1) {
        await tick(30);
        slowFinished = true;
      }
      if (i === 2) {
        await tick(10);
        throw new Error('second item, first failure');
      }
      if (i === 3) {
        await tick(20);
        throw new Error('third item, later failure');
      }
    });
    await expect(run).rejects.toThrow('second item, first failure');
    expect(slowFinished).toBe(true);
  });

  test('an empty list settles at once; a width below one still makes progress', async () => {
    expect((await settleAll([], 4, async () => undefined)).settled).toEqual([]);
    const seen: number[] = [];
    await pool([1, 2], 0, async (i) => void seen.push(i));
    expect(seen).toEqual([1, 2]);
  });
});
