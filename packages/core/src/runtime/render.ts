import * as core from '@actions/core';
import { appendFileSync } from 'node:fs';
import { escapeHtml } from './html.js';
import type { OperationOutcome, Plan } from './plan.js';
import { cellText, type Cell, type Receipt, type Table } from './receipt.js';

/** Rows past this are left to the JSON receipt: a job summary is limited to 1 MiB. */
const MAX_ROWS = 300;

export function textTable(header: string[], rows: Cell[][], maxRows = MAX_ROWS): string {
  const shown = rows.slice(0, maxRows).map((r) => r.map(cellText));
  const widths = header.map((h, i) => Math.max(h.length, ...shown.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...shown.map(line)];
  if (rows.length > maxRows) out.push(`... and ${rows.length - maxRows} more rows (see the report)`);
  return out.join('\n');
}

function planRows(plan: Plan, outcomes: OperationOutcome[]): Cell[][] {
  const result = new Map(outcomes.map((o) => [o.id, o]));
  return plan.operations.map((op) => {
    const o = result.get(op.id);
    return [op.action, op.kind, op.target, o?.result ?? 'planned', o?.error ?? op.reason ?? ''];
  });
}

const PLAN_HEADER = ['action', 'kind', 'target', 'result', 'detail'];

export function planSummaryLine(plan: Plan): string {
  const counts = new Map<string, number>();
  for (const op of plan.operations) counts.set(op.action, (counts.get(op.action) ?? 0) + 1);
  const parts = [...counts].map(([k, n]) => `${n} ${k}`);
  return `${plan.action}: ${plan.operations.length} operation(s)${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

/** Prints the plan to the log; dry-run and real runs print it identically. */
export function logPlan(plan: Plan, dryRun: boolean): void {
  core.info(`${dryRun ? 'DRY RUN: nothing will be changed. ' : ''}${planSummaryLine(plan)}`);
  // Before anything runs there are no results yet: the log shows what will be done and why.
  const rows = plan.operations.map((op) => [op.action, op.kind, op.target, op.reason ?? '']);
  if (rows.length > 0) core.info(textTable(['action', 'kind', 'target', 'detail'], rows, 100));
}

export function logTable(t: Table): void {
  core.info(`\n${t.title}\n${textTable(t.header, t.rows)}`);
}

/** Writes the job summary; skipped quietly where there is no summary file (a laptop run). */
export async function writeSummary(receipt: Receipt, reportPath: string): Promise<void> {
  if (!process.env['GITHUB_STEP_SUMMARY']) return;
  const s = core.summary;
  const verdict = receipt.status === 'success' ? 'succeeded' : 'failed';
  s.addHeading(escapeHtml(`${receipt.action}${receipt.dryRun ? ' (dry run)' : ''}: ${verdict}`), 2);
  // core.summary writes text as HTML as it is: an error quotes inputs and servers, so it is escaped too.
  if (receipt.error) s.addCodeBlock(escapeHtml(receipt.error));
  if (receipt.plan) s.addRaw(`<p>${escapeHtml(planSummaryLine(receipt.plan))}</p>`, true);
  for (const t of receipt.tables) {
    s.addHeading(escapeHtml(t.title), 3);
    s.addTable([
      t.header.map((h) => ({ data: escapeHtml(h), header: true })),
      ...cap(t.rows).map((r) => r.map(cellHtml)),
    ]);
    if (t.rows.length > MAX_ROWS) s.addRaw(`<p>... and ${t.rows.length - MAX_ROWS} more rows</p>`, true);
  }
  if (receipt.plan && receipt.plan.operations.length > 0) {
    const rows = planRows(receipt.plan, receipt.outcomes);
    s.addHeading('Operations', 3);
    s.addTable([
      PLAN_HEADER.map((h) => ({ data: h, header: true })),
      ...cap(rows).map((r) => r.map((c) => escapeHtml(String(c)))),
    ]);
    if (rows.length > MAX_ROWS) s.addRaw(`<p>... and ${rows.length - MAX_ROWS} more operations</p>`, true);
  }
  for (const n of receipt.notes) s.addRaw(`<p>${escapeHtml(n)}</p>`, true);
  s.addRaw(`<p>Receipt: <code>${escapeHtml(reportPath)}</code></p>`, true);
  // core.summary caches the file path of its first write; one process may run several actions (the
  // CLI's rehearsal), each with its own summary file, so append to the current one ourselves.
  appendFileSync(process.env['GITHUB_STEP_SUMMARY'], s.stringify());
  s.emptyBuffer();
}

function cap(rows: Cell[][]): Cell[][] {
  return rows.slice(0, MAX_ROWS);
}

/** Links become anchors when they point at http(s); anything else shows as its text. */
function cellHtml(c: Cell): string {
  if (typeof c !== 'object') return escapeHtml(String(c));
  if (!/^https?:\/\//i.test(c.href)) return escapeHtml(c.text);
  return `<a href="${escapeHtml(c.href).replace(/"/g, '&quot;')}">${escapeHtml(c.text)}</a>`;
}
