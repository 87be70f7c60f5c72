import { ConfigurationError } from './errors.js';
import { applyPlan, type Operation, type Plan } from './plan.js';

const op = (id: string, action: Operation['action'], reason?: string): Operation<{ n: number }> => ({
  id,
  kind: 'copy-object',
  target: `s3://b/${id}`,
  action,
  reason,
  data: { n: Number(id.replace(/\D/g, '')) || 0 },
});

const plan = (...ops: Operation<{ n: number }>[]): Plan<{ n: number }> => ({ action: 'test', operations: ops });

describe('applyPlan', () => {
  test('a dry run executes nothing and reports every operation as planned or skipped', async () => {
    const executed: string[] = [];
    const outcomes = await applyPlan(
      plan(op('a1', 'create'), op('a2', 'skip')),
      async (o) => void executed.push(o.id),
      {
        dryRun: true,
      },
    );
    expect(executed).toEqual([]);
    expect(outcomes.map((o) => [o.id, o.result])).toEqual([
      ['a1', 'planned'],
      ['a2', 'skipped'],
    ]);
  });

  test('a conflict stops the run before any operation is executed', async () => {
    const executed: string[] = [];
    const run = applyPlan(
      plan(op('a1', 'create'), op('a2', 'conflict', 'size differs: 10 != 12')),
      async (o) => void executed.push(o.id),
      { dryRun: false },
    );
    await expect(run).rejects.toThrow(ConfigurationError);
    await expect(run).rejects.toThrow('1 conflict(s), nothing was changed: s3://b/a2 (size differs: 10 != 12)');
    expect(executed).toEqual([]);
  });

  test('skips are recorded without running; creates and updates run and keep what they verified', async () => {
    const executed: string[] = [];
    const outcomes = await applyPlan(
      plan(op('a1', 'create'), op('a2', 'skip'), op('a3', 'update')),
      async (o) => {
        executed.push(o.id);
        return { sha256: `h${o.data.n}` };
      },
      { dryRun: false, concurrency: 4 },
    );
    expect(executed.sort()).toEqual(['a1', 'a3']);
    expect(outcomes.find((o) => o.id === 'a3')).toMatchObject({ result: 'done', verified: { sha256: 'h3' } });
    expect(outcomes.find((o) => o.id === 'a2')).toMatchObject({ result: 'skipped' });
  });

  test('concurrency is bounded', async () => {
    let inFlight = 0;
    let peak = 0;
    const ops = Array.from({ length: 20 }, (_, i) => op(`k${i}`, 'create'));
    await applyPlan(
      plan(...ops),
      async () => {
        peak = Math.max(peak, ++inFlight);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
      },
      { dryRun: false, concurrency: 3 },
    );
    expect(peak).toBe(3);
  });

  test('after a failure no new operation starts, and the rest are reported as not run', async () => {
    const ops = Array.from({ length: 10 }, (_, i) => op(`k${i}`, 'create'));
    const outcomes: string[] = [];
    const run = applyPlan(
      plan(...ops),
      async (o) => {
        if (o.id === 'k2') throw new Error('connection reset');
      },
      { dryRun: false, concurrency: 1, onOutcome: (o) => outcomes.push(`${o.id}:${o.result}`) },
    );
    await expect(run).rejects.toThrow('connection reset');
    expect(outcomes.slice(0, 3)).toEqual(['k0:done', 'k1:done', 'k2:failed']);
    expect(outcomes.slice(3)).toEqual(ops.slice(3).map((o) => `${o.id}:not-run`));
  });

  test('operations in flight when one fails still finish and are reported; every operation has an outcome', async () => {
    const ops = Array.from({ length: 6 }, (_, i) => op(`k${i}`, 'create'));
    const outcomes: Record<string, string> = {};
    const run = applyPlan(
      plan(...ops),
      async (o) => {
        if (o.id === 'k0') {
          // Fails while k1 and k2 are under way (they take 10 ms).
          await new Promise((r) => setTimeout(r, 2));
          throw new Error('access denied');
        }
        await new Promise((r) => setTimeout(r, 10));
      },
      { dryRun: false, concurrency: 3, onOutcome: (o) => (outcomes[o.id] = o.result) },
    );
    await expect(run).rejects.toThrow('access denied');
    expect(outcomes).toEqual({
      k0: 'failed',
      k1: 'done',
      k2: 'done',
      k3: 'not-run',
      k4: 'not-run',
      k5: 'not-run',
    });
  });
});
