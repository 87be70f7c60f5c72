import type { Cell, Receipt } from '@release-actions/core/runtime/receipt';
import { targetName } from './history.js';
import { LEGEND, matrixGrid, type CellStatus } from './matrix-check.js';
import type { Failure, Verdict } from './verdict.js';

/**
 * The job summary: per repository a table of its workflows, then one table of everything not green
 * with links to the job and to the first bad commit, then the release matrix as a grid.
 */

function hoursAgo(time: string, now: number): string {
  const h = (now - Date.parse(time)) / 3_600_000;
  return h < 1 ? 'under an hour ago' : `${Math.round(h)} h ago`;
}

export function repositoryTable(receipt: Receipt, v: Verdict, now: number, green: boolean): void {
  const c = v.commit;
  const head = c ? `${c.sha.slice(0, 12)}, ${c.time} (${hoursAgo(c.time, now)})` : 'no runs';
  receipt.addTable(
    `${targetName(v.target)}: ${green ? 'green' : 'NOT green'} at ${head}`,
    ['workflow', 'status', 'jobs', 'failing'],
    v.workflows.map((w) => [w.url ? { text: w.workflow, href: w.url } : w.workflow, w.status, w.jobs, w.failing]),
  );
}

function streak(f: Failure): string {
  if (f.consecutive === 0) return '';
  return `${f.consecutive}${f.capped ? '+' : ''}`;
}

export function failuresTable(receipt: Receipt, failures: readonly Failure[]): void {
  if (failures.length === 0) return;
  receipt.addTable(
    'Not green',
    ['repository', 'workflow', 'job', 'conclusion', 'failing commits', 'first bad commit', 'since'],
    failures.map((f): Cell[] => [
      `${f.repo}@${f.ref}`,
      f.workflow,
      f.url ? { text: f.job || f.conclusion, href: f.url } : f.job,
      f.counts ? f.conclusion : `${f.conclusion} (below failure-threshold)`,
      streak(f),
      f.firstBad ? { text: f.firstBad.slice(0, 12), href: f.firstBadUrl } : '',
      f.since,
    ]),
  );
}

export function matrixTable(receipt: Receipt, v: Verdict, statuses: readonly CellStatus[]): void {
  const grid = matrixGrid(statuses);
  receipt.addTable(`Release matrix of ${targetName(v.target)} (${LEGEND})`, grid.header, grid.rows);
}
