import {
  cellKey,
  cellOfJob,
  platformKey,
  type Cell,
  type CellPattern,
  type ExpectedMatrix,
} from '@release-actions/core/release/matrix';
import { comparePython } from '@release-actions/core/release/python';
import type { Cell as TableCell, Link } from '@release-actions/core/runtime/receipt';
import type { JobRecord } from './history.js';
import { jobKey } from './verdict.js';

/**
 * The binary builds of a commit laid over the expected release matrix: a cell is built when one of
 * its jobs succeeded and none failed (past the failure threshold), failed when one did, missing when
 * no job ran for it. Cells built but not expected are extra: reported, not failing.
 */

export type CellState = 'built' | 'failed' | 'missing';

export interface CellStatus {
  cell: Cell;
  expected: boolean;
  state: CellState;
  /** A job of the cell to link to (a failing one when there is one). */
  url?: string;
}

export function coverMatrix(
  expected: ExpectedMatrix,
  jobs: readonly JobRecord[],
  patterns: readonly CellPattern[],
  failing: ReadonlySet<string>,
): CellStatus[] {
  const byCell = new Map<string, { cell: Cell; jobs: JobRecord[] }>();
  for (const job of jobs) {
    const cell = cellOfJob(`${job.workflow} / ${job.name}`, patterns);
    if (!cell) continue;
    const entry = byCell.get(cellKey(cell)) ?? { cell, jobs: [] };
    entry.jobs.push(job);
    byCell.set(cellKey(cell), entry);
  }
  const statusOf = (cell: Cell, expectedCell: boolean): CellStatus => {
    const cellJobs = byCell.get(cellKey(cell))?.jobs ?? [];
    const bad = cellJobs.find((j) => failing.has(jobKey(j)));
    const built = cellJobs.some((j) => j.conclusion === 'success');
    const state: CellState = bad ? 'failed' : built ? 'built' : 'missing';
    const url = (bad ?? cellJobs[0])?.url;
    return { cell, expected: expectedCell, state, ...(url ? { url } : {}) };
  };
  const expectedKeys = new Set(expected.cells.map(cellKey));
  const extra = [...byCell.values()].filter((e) => !expectedKeys.has(cellKey(e.cell)));
  return [...expected.cells.map((c) => statusOf(c, true)), ...extra.map((e) => statusOf(e.cell, false))];
}

export const MARKS = { built: '✅', failed: '❌', missing: '⬜', extra: '➕' } as const;
export const LEGEND = `${MARKS.built} built, ${MARKS.failed} failed, ${MARKS.missing} missing, ${MARKS.extra} built but not expected`;

/** The matrix as a grid: a row per OS / arch / accelerator, a column per Python version. */
export function matrixGrid(statuses: readonly CellStatus[]): { header: string[]; rows: TableCell[][] } {
  const pythons = [...new Set(statuses.map((s) => s.cell.python))].sort(comparePython);
  const platforms = [...new Set(statuses.map((s) => platformKey(s.cell)))];
  const at = new Map(statuses.map((s) => [cellKey(s.cell), s]));
  const mark = (s: CellStatus | undefined): TableCell => {
    if (!s) return '';
    const text = !s.expected ? (s.state === 'failed' ? `${MARKS.extra}${MARKS.failed}` : MARKS.extra) : MARKS[s.state];
    return s.url ? ({ text, href: s.url } satisfies Link) : text;
  };
  const rows = platforms.map((p) => {
    const [os, arch, accelerator] = p.split('/') as [string, string, string];
    return [
      os,
      arch,
      accelerator,
      ...pythons.map((python) => mark(at.get(cellKey({ os, arch, accelerator, python })))),
    ];
  });
  return { header: ['os', 'arch', 'accelerator', ...pythons], rows };
}
