import * as core from '@actions/core';
import { cellKey } from '@release-actions/core/release/matrix';
import { createGitHubClient } from '@release-actions/core/github/client';
import { ConfigurationError } from '@release-actions/core/runtime/errors';
import { pool } from '@release-actions/core/runtime/pool';
import type { Receipt } from '@release-actions/core/runtime/receipt';
import { sleep as realSleep } from '@release-actions/core/runtime/retry';
import type { ActionMain } from '@release-actions/core/runtime/run';
import { githubSource } from './github-source.js';
import { targetName, type Source, type Target } from './history.js';
import { hudSource } from './hud-source.js';
import { HISTORY_COMMITS, readSettings, type Settings } from './inputs.js';
import { coverMatrix, type CellStatus } from './matrix-check.js';
import { failuresTable, matrixTable, repositoryTable } from './summary.js';
import { judge, type Verdict } from './verdict.js';

/** Time as the check sees it; tests give one whose sleep only moves the clock. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Unit of the backoff before GitHub's 5xx answers are tried again (the client's default when absent). */
  retryBaseMs?: number;
}

const realClock: Clock = { now: () => Date.now(), sleep: realSleep };

/** Repositories looked at at once. */
const CONCURRENCY = 8;

export function checkNightlies(clock: Clock = realClock): ActionMain {
  return async (receipt) => {
    const settings = readSettings(new Date(clock.now()));
    if (settings.matrix && settings.cellPatterns.length === 0) {
      throw new ConfigurationError('input "cell-patterns" is empty; expect-matrix needs patterns to read job names');
    }
    const source = openSource(settings, clock);
    const verdicts = await judgeAll(source, settings, clock);
    report(receipt, settings, verdicts, clock.now());
  };
}

export const main = checkNightlies();

function openSource(s: Settings, clock: Clock): Source {
  if (s.source === 'hud') return hudSource(s.hudUrl, clock.sleep);
  const client = createGitHubClient({
    token: s.token,
    apiUrl: s.apiUrl,
    sleep: clock.sleep,
    ...(clock.retryBaseMs !== undefined ? { retryBaseMs: clock.retryBaseMs } : {}),
  });
  return githubSource(client, s.apiUrl);
}

/** Judges every repository at once; with `wait`, looks again at those still running until the time is up. */
async function judgeAll(source: Source, s: Settings, clock: Clock): Promise<Verdict[]> {
  const deadline = clock.now() + s.waitMs;
  const done = new Map<Target, Verdict>();
  let pending = s.targets;
  for (;;) {
    const waiting = clock.now() < deadline;
    await pool(pending, CONCURRENCY, async (target) => {
      const commits = await source.commits(target, HISTORY_COMMITS);
      const verdict = await judge(
        target,
        commits,
        {
          workflows: s.workflows,
          ignoreJobs: s.ignoreJobs,
          maxAgeMs: s.maxAgeMs,
          failureThreshold: s.failureThreshold,
          now: clock.now(),
          unfinished: s.waitMs === 0 ? 'fall-back' : waiting ? 'wait' : 'judge',
        },
        HISTORY_COMMITS,
      );
      if (verdict !== 'pending') done.set(target, verdict);
    });
    pending = pending.filter((t) => !done.has(t));
    if (pending.length === 0) break;
    const next = Math.min(s.pollIntervalMs, Math.max(0, deadline - clock.now()));
    core.info(
      `runs still in progress on ${pending.map(targetName).join(', ')}; looking again in ${Math.round(next / 1000)} s`,
    );
    await clock.sleep(next);
  }
  return s.targets.map((t) => done.get(t)!);
}

function report(receipt: Receipt, s: Settings, verdicts: Verdict[], now: number): void {
  const failures = verdicts.flatMap((v) => v.failures);
  const counted = failures.filter((f) => f.counts);
  const cells = new Map<Verdict, CellStatus[]>();
  if (s.matrix) for (const v of verdicts) cells.set(v, coverMatrix(s.matrix, v.jobs, s.cellPatterns, v.failing));
  const missingCells = verdicts.flatMap((v) =>
    (cells.get(v) ?? [])
      .filter((c) => c.expected && c.state !== 'built')
      .map((c) => ({ repo: `${v.target.owner}/${v.target.repo}`, ref: v.target.ref, ...c.cell, status: c.state })),
  );
  const greenOf = (v: Verdict) =>
    !v.failures.some((f) => f.counts) && !(cells.get(v) ?? []).some((c) => c.expected && c.state !== 'built');

  for (const v of verdicts) repositoryTable(receipt, v, now, greenOf(v));
  failuresTable(receipt, failures);
  for (const [v, statuses] of cells) matrixTable(receipt, v, statuses);
  for (const v of verdicts) for (const n of v.notes) receipt.note(n);
  for (const [v, statuses] of cells) {
    const extra = statuses.filter((c) => !c.expected).map((c) => cellKey(c.cell));
    if (extra.length)
      receipt.note(`${targetName(v.target)} builds cells the matrix does not expect: ${extra.join(', ')}`);
  }

  const green = verdicts.every(greenOf);
  receipt.setOutput('green', green);
  receipt.setOutput('failures', JSON.stringify(counted.map(failureOutput)));
  receipt.setOutput('missing-cells', JSON.stringify(missingCells));
  receipt.setOutput('python-versions', JSON.stringify(s.pythons));
  if (!green) {
    const parts = [
      counted.length ? `${counted.length} failing (see failures)` : '',
      missingCells.length ? `${missingCells.length} matrix cell(s) without a build (see missing-cells)` : '',
    ].filter(Boolean);
    throw new NotGreenError(`not green: ${parts.join(', ')}`);
  }
}

/** The run did its job and found red: the step fails with one line, the outputs say what. */
class NotGreenError extends ConfigurationError {}

function failureOutput(f: Verdict['failures'][number]) {
  return {
    repo: f.repo,
    ref: f.ref,
    workflow: f.workflow,
    job: f.job,
    conclusion: f.conclusion,
    url: f.url,
    since: f.since,
    consecutive: f.consecutive,
    'first-bad': f.firstBad,
  };
}
