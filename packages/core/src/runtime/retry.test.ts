import { backoffDelay, withRetry } from './retry.js';

test('retries a retryable failure with growing, jittered delays and never really waits', async () => {
  const waits: number[] = [];
  let calls = 0;
  const result = await withRetry(
    async () => {
      if (++calls < 4) throw new Error('503 SlowDown');
      return 'ok';
    },
    { baseMs: 100, maxMs: 1000, random: () => 0.5, sleep: async (ms) => void waits.push(ms) },
  );
  expect(result).toBe('ok');
  expect(waits).toEqual([50, 100, 200]);
});

test('a non-retryable error is thrown at once', async () => {
  let calls = 0;
  const run = withRetry(
    async () => {
      calls++;
      throw new Error('403 AccessDenied');
    },
    { retryable: (e) => !String(e).includes('403'), sleep: async () => {} },
  );
  await expect(run).rejects.toThrow('AccessDenied');
  expect(calls).toBe(1);
});

test('gives up after the last attempt with the last error', async () => {
  let calls = 0;
  const run = withRetry(
    async () => {
      throw new Error(`failure ${++calls}`);
    },
    { attempts: 3, sleep: async () => {} },
  );
  await expect(run).rejects.toThrow('failure 3');
});

test('the delay doubles with each attempt until the cap, and jitter scales it', () => {
  const top = (attempt: number): number => backoffDelay(attempt, 500, 20_000, () => 0.999);
  expect([1, 2, 3, 4, 5, 6, 7, 20].map(top)).toEqual([499, 999, 1998, 3996, 7992, 15984, 19980, 19980]);
  expect(backoffDelay(3, 500, 20_000, () => 0.25)).toBe(500);
  expect(backoffDelay(3, 500, 20_000, () => 0)).toBe(0);
});

test('every retry waits its backoff before the next attempt, capped', async () => {
  const events: string[] = [];
  const failing = withRetry(
    async (attempt) => {
      events.push(`try ${attempt}`);
      throw new Error('503');
    },
    {
      attempts: 5,
      baseMs: 1000,
      maxMs: 4000,
      random: () => 0.999,
      sleep: async (ms) => void events.push(`wait ${ms}`),
    },
  );
  await expect(failing).rejects.toThrow('503');
  expect(events).toEqual([
    'try 1',
    'wait 999',
    'try 2',
    'wait 1998',
    'try 3',
    'wait 3996',
    'try 4',
    'wait 3996',
    'try 5',
  ]);
});
