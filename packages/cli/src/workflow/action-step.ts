import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  inputEnvironment,
  readActionMetadata,
  readOutputFile,
  type ActionMetadata,
  type GitHubContext,
} from '@release-actions/core/runtime/action-metadata';
import { isConfigurationError } from '@release-actions/core/runtime/errors';
import { run, type ActionMain } from '@release-actions/core/runtime/run';
import { WorkflowError } from './parse.js';

/**
 * One `uses:` step of this repository's actions, run the way a runner runs it: INPUT_* from `with:`
 * and action.yml's defaults, the step's environment, and $GITHUB_OUTPUT / $GITHUB_STEP_SUMMARY files
 * read back afterwards. The action's real sources run in this process (one step at a time), so a
 * rehearsal of the whole release takes seconds rather than a bundle start per step.
 */

export interface ActionStepResult {
  outputs: Record<string, string>;
  error?: string;
  summary: string;
  receipt?: string;
}

export function actionExists(actionDir: string): boolean {
  return existsSync(join(actionDir, 'action.yml')) && existsSync(join(actionDir, 'src', 'main.ts'));
}

export function actionMetadata(actionDir: string): ActionMetadata {
  if (!actionExists(actionDir)) {
    throw new WorkflowError(
      `no action at ${actionDir} (action.yml and src/main.ts): it has not landed in this checkout`,
    );
  }
  return readActionMetadata(actionDir);
}

export async function runActionStep(opts: {
  name: string;
  actionDir: string;
  with: Record<string, string>;
  env: Record<string, string>;
  context: GitHubContext;
  stepDir: string;
  reportDir: string;
}): Promise<ActionStepResult> {
  const meta = actionMetadata(opts.actionDir);
  let inputs: Record<string, string>;
  try {
    inputs = inputEnvironment(meta, opts.with, opts.context);
  } catch (e) {
    if (isConfigurationError(e)) throw new WorkflowError(e.message.replace(/--/g, ''));
    throw e;
  }
  const { main } = (await import(pathToFileURL(join(opts.actionDir, 'src', 'main.ts')).href)) as {
    main: ActionMain;
  };
  mkdirSync(opts.stepDir, { recursive: true });
  const output = join(opts.stepDir, 'output');
  const summary = join(opts.stepDir, 'summary.md');
  writeFileSync(output, '');
  writeFileSync(summary, '');

  const saved = { ...process.env };
  const exitCode = process.exitCode;
  for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key];
  Object.assign(process.env, opts.env, inputs, {
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    RELEASE_ACTIONS_REPORT_DIR: opts.reportDir,
  });
  try {
    const receipt = await run(opts.name, main);
    return {
      outputs: readOutputFile(output),
      error: receipt.status === 'failure' ? receipt.error : undefined,
      summary: readFileSync(summary, 'utf8'),
      receipt: receipt.outputs['report'],
    };
  } finally {
    process.exitCode = exitCode;
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}
