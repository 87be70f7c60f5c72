import * as core from '@actions/core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { OperationOutcome, Plan } from './plan.js';

/** A link in a summary table (plain text in the log). */
export interface Link {
  text: string;
  href: string;
}

export type Cell = string | number | Link;

export function cellText(c: Cell): string {
  return typeof c === 'object' ? c.text : String(c);
}

export interface Table {
  title: string;
  header: string[];
  rows: Cell[][];
}

/**
 * Everything a run did, kept as it goes so that a failure half-way still leaves a truthful record:
 * the plan, each operation's outcome, the outputs, and the tables shown in the job summary.
 */
export class Receipt {
  readonly startedAt = new Date().toISOString();
  finishedAt?: string;
  status: 'running' | 'success' | 'failure' = 'running';
  dryRun?: boolean;
  error?: string;
  plan?: Plan;
  readonly outcomes: OperationOutcome[] = [];
  readonly outputs: Record<string, string> = {};
  readonly tables: Table[] = [];
  readonly notes: string[] = [];

  constructor(readonly action: string) {}

  setPlan(plan: Plan, dryRun: boolean): void {
    this.plan = plan;
    this.dryRun = dryRun;
  }

  addOutcome(outcome: OperationOutcome): void {
    this.outcomes.push(outcome);
  }

  setOutput(name: string, value: string | number | boolean): void {
    this.outputs[name] = String(value);
    core.setOutput(name, String(value));
  }

  addTable(title: string, header: string[], rows: Cell[][]): void {
    this.tables.push({ title, header, rows });
  }

  note(text: string): void {
    this.notes.push(text);
    core.info(text);
  }

  toJSON(): object {
    return {
      action: this.action,
      status: this.status,
      dryRun: this.dryRun,
      startedAt: this.startedAt,
      finishedAt: this.finishedAt,
      error: this.error,
      outputs: this.outputs,
      notes: this.notes,
      tables: this.tables,
      plan: this.plan,
      outcomes: this.outcomes,
    };
  }
}

/** Where receipts go: the runner's temp folder on GitHub, the system temp folder elsewhere. */
export function receiptPath(action: string, now = new Date()): string {
  const dir =
    process.env['RELEASE_ACTIONS_REPORT_DIR'] || join(process.env['RUNNER_TEMP'] || tmpdir(), 'release-actions');
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  return join(dir, `${action}-${stamp}-${process.pid}.json`);
}

export function writeReceipt(receipt: Receipt, path = receiptPath(receipt.action)): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(receipt, null, 2) + '\n');
  return path;
}
