import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from './errors.js';
import { executePlan, run } from './run.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'run-test-'));
  process.env['GITHUB_OUTPUT'] = join(dir, 'output');
  process.env['GITHUB_STEP_SUMMARY'] = join(dir, 'summary');
  process.env['RELEASE_ACTIONS_REPORT_DIR'] = join(dir, 'reports');
  writeFileSync(process.env['GITHUB_OUTPUT'], '');
  writeFileSync(process.env['GITHUB_STEP_SUMMARY'], '');
  process.exitCode = undefined;
});
afterEach(() => {
  process.exitCode = undefined;
});

/** Outputs as the runner reads them from $GITHUB_OUTPUT (heredoc-delimited blocks). */
function outputs(): Record<string, string> {
  const text = readFileSync(join(dir, 'output'), 'utf8');
  const result: Record<string, string> = {};
  const re = /^([^<\n]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) result[m[1]!] = m[3]!;
  return result;
}

test('a successful run writes its receipt, its outputs and the job summary', async () => {
  const receipt = await run('demo', async (r) => {
    const plan = {
      action: 'demo',
      operations: [{ id: 'x', kind: 'copy-object', target: 's3://b/x', action: 'create' as const, data: {} }],
    };
    await executePlan(r, plan, async () => ({ sha256: 'abc' }), { dryRun: false });
    r.setOutput('promoted-count', 1);
  });
  expect(process.exitCode).toBeUndefined();
  const out = outputs();
  expect(out['promoted-count']).toBe('1');
  const saved = JSON.parse(readFileSync(out['report']!, 'utf8'));
  expect(saved).toMatchObject({ action: 'demo', status: 'success', dryRun: false });
  expect(saved.outcomes).toEqual([expect.objectContaining({ id: 'x', result: 'done', verified: { sha256: 'abc' } })]);
  expect(receipt.status).toBe('success');
  expect(readFileSync(join(dir, 'summary'), 'utf8')).toContain('demo: succeeded');
});

test('a user error fails the step with its one line, and the receipt still records what was done', async () => {
  await run('demo', async (r) => {
    const plan = {
      action: 'demo',
      operations: [
        { id: 'a', kind: 'copy-object', target: 's3://b/a', action: 'create' as const, data: {} },
        { id: 'b', kind: 'copy-object', target: 's3://b/b', action: 'create' as const, data: {} },
      ],
    };
    await executePlan(
      r,
      plan,
      async (op) => {
        if (op.id === 'b') throw new ConfigurationError('input "bucket": no such bucket');
      },
      { dryRun: false },
    );
  });
  expect(process.exitCode).toBe(1);
  const saved = JSON.parse(readFileSync(outputs()['report']!, 'utf8'));
  expect(saved.status).toBe('failure');
  expect(saved.error).toBe('input "bucket": no such bucket');
  expect(saved.outcomes.map((o: { id: string; result: string }) => `${o.id}:${o.result}`)).toEqual([
    'a:done',
    'b:failed',
  ]);
  expect(readFileSync(join(dir, 'summary'), 'utf8')).toContain('demo: failed');
});

test('a run with no summary file (a laptop) still succeeds', async () => {
  delete process.env['GITHUB_STEP_SUMMARY'];
  const receipt = await run('demo', async () => {});
  expect(receipt.status).toBe('success');
});

/** What the step prints to the log while fn runs (the runner shows every line not marked ::debug::). */
async function logOf(fn: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array): boolean => {
    lines.push(...String(chunk).split('\n'));
    return true;
  }) as typeof process.stdout.write;
  try {
    await fn();
  } finally {
    process.stdout.write = write;
  }
  return lines;
}

test("a bug's stack trace reaches the log itself, not only the debug log", async () => {
  const lines = await logOf(() =>
    run('demo', async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'sha')");
    }),
  );
  const frames = lines.filter((l) => /^\s+at /.test(l));
  expect(frames.length).toBeGreaterThan(0);
  expect(lines).toContain("TypeError: Cannot read properties of undefined (reading 'sha')");
  expect(lines).toContain("::error::Cannot read properties of undefined (reading 'sha')");
});

test('a user error is one line in the log, without a stack', async () => {
  const lines = await logOf(() =>
    run('demo', async () => {
      throw new ConfigurationError('input "bucket" is required');
    }),
  );
  expect(lines.filter((l) => /^\s+at /.test(l))).toEqual([]);
  expect(lines).toContain('::error::input "bucket" is required');
});

test('the job summary shows values from inputs and servers as text, the error message included', async () => {
  const hostile = '<img src=x onerror=alert(1)>';
  await logOf(() =>
    run('demo', async (r) => {
      r.addTable(`objects under ${hostile}`, ['key'], [[`whl/${hostile}`]]);
      r.note(`server said ${hostile}`);
      throw new ConfigurationError(`input "bucket": "${hostile}" is not a bucket name</code></pre><b>`);
    }),
  );
  const summary = readFileSync(join(dir, 'summary'), 'utf8');
  expect(summary).not.toContain('<img');
  expect(summary).not.toContain('<b>');
  expect(summary).toContain('&lt;img src=x onerror=alert(1)&gt;');
  expect(summary).toContain('is not a bucket name&lt;/code&gt;&lt;/pre&gt;&lt;b&gt;');
});
