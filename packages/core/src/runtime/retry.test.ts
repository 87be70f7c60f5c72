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

test('the delay is capped', () => {
  expect(backoffDelay(20, 500, 20_000, () => 0.999)).toBeLessThan(20_000);
});
