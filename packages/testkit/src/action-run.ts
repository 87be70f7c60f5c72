import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  inputEnvironment,
  readActionMetadata,
  readOutputFile,
  type GitHubContext,
} from '@release-actions/core/runtime/action-metadata';
import { run, type ActionMain } from '@release-actions/core/runtime/run';
import type { Receipt } from '@release-actions/core/runtime/receipt';

/**
 * Runs an action in a test the way a runner does: INPUT_* variables from the given inputs and
 * action.yml's defaults (with `${{ github.* }}` taken from `context`), outputs read back from the
 * $GITHUB_OUTPUT file. `runActionMain` calls the sources in-process; `runActionBundle` spawns the
 * committed `dist/index.js` with node.
 */

export interface ActionResult {
  outputs: Record<string, string>;
  /** The step's failure message, if it failed. */
  error?: string;
  summary: string;
  receipt?: Receipt;
  stdout?: string;
}

export type { GitHubContext };

export function inputEnv(
  actionDir: string,
  given: Record<string, string>,
  context: GitHubContext = {},
): Record<string, string> {
  return inputEnvironment(readActionMetadata(actionDir), given, context);
}

export const readOutputs = readOutputFile;

function stepFiles(): { dir: string; output: string; summary: string } {
  const dir = mkdtempSync(join(tmpdir(), 'action-run-'));
  const output = join(dir, 'output');
  const summary = join(dir, 'summary');
  writeFileSync(output, '');
  writeFileSync(summary, '');
  return { dir, output, summary };
}

export async function runActionMain(
  name: string,
  actionDir: string,
  main: ActionMain,
  given: Record<string, string>,
  context: GitHubContext = {},
): Promise<ActionResult> {
  const files = stepFiles();
  const saved = { ...process.env };
  for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key];
  Object.assign(process.env, inputEnv(actionDir, given, context), {
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    RELEASE_ACTIONS_REPORT_DIR: join(files.dir, 'reports'),
  });
  const exitCode = process.exitCode;
  try {
    const receipt = await run(name, main);
    return {
      outputs: readOutputs(files.output),
      error: receipt.status === 'failure' ? receipt.error : undefined,
      summary: readFileSync(files.summary, 'utf8'),
      receipt,
    };
  } finally {
    process.exitCode = exitCode;
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

/**
 * The node binary the bundles run on: RELEASE_ACTIONS_NODE when set (scripts/test runs the dist tests
 * again with it pointing at Node 24, the runners' runtime), else the node running the tests.
 */
export function bundleNode(env: NodeJS.ProcessEnv = process.env): string {
  return env['RELEASE_ACTIONS_NODE'] || process.execPath;
}

export async function runActionBundle(
  actionDir: string,
  given: Record<string, string>,
  context: GitHubContext = {},
  env: Record<string, string> = {},
): Promise<ActionResult & { exitCode: number }> {
  const files = stepFiles();
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('INPUT_')) childEnv[k] = v;
  Object.assign(childEnv, inputEnv(actionDir, given, context), env, {
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    RELEASE_ACTIONS_REPORT_DIR: join(files.dir, 'reports'),
  });
  delete childEnv['NODE_OPTIONS'];
  const child = spawn(bundleNode(), [join(actionDir, 'dist', 'index.js')], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stdout += d.toString()));
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  const failed = /^::error::(.*)$/m.exec(stdout);
  return {
    outputs: readOutputs(files.output),
    error: failed?.[1],
    summary: readFileSync(files.summary, 'utf8'),
    stdout,
    exitCode,
  };
}
