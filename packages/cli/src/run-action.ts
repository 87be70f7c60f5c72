import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigurationError, run, type ActionMain, type Receipt } from '@release-actions/core';
import { inputEnvironment, readActionMetadata } from './action-metadata.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const ACTIONS_DIR = join(REPO_ROOT, 'actions');

export interface ActionRun {
  receipt: Receipt;
  outputs: Record<string, string>;
}

/** Reads $GITHUB_OUTPUT the way the runner does (`name<<DELIMITER` blocks). */
export function readOutputFile(path: string): Record<string, string> {
  const result: Record<string, string> = {};
  const text = readFileSync(path, 'utf8');
  for (const m of text.matchAll(/^([^<\n=]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) result[m[1]!] = m[3]!;
  return result;
}

export function listActions(): string[] {
  return [
    'cut-branch',
    'verify-milestone-fixes',
    'check-nightlies',
    'tag-rc',
    'promote-s3',
    'promote-pypi',
    'open-colab-issue',
  ].filter((name) => existsSync(join(ACTIONS_DIR, name, 'src', 'main.ts')));
}

/**
 * Runs one action's real main with inputs set exactly as a runner would set them (INPUT_* from the
 * given flags, then action.yml defaults), and collects its outputs from a $GITHUB_OUTPUT file.
 */
export async function runAction(
  action: string,
  flags: Record<string, string>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ActionRun> {
  const meta = readActionMetadata(ACTIONS_DIR, action);
  const inputs = inputEnvironment(meta, flags, env);
  const mainPath = join(ACTIONS_DIR, action, 'src', 'main.ts');
  if (!existsSync(mainPath)) throw new ConfigurationError(`action "${action}" has no src/main.ts`);
  const { main } = (await import(pathToFileURL(mainPath).href)) as { main: ActionMain };

  const dir = mkdtempSync(join(tmpdir(), `release-actions-${action}-`));
  const saved = { ...process.env };
  for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key];
  Object.assign(process.env, inputs);
  process.env['GITHUB_OUTPUT'] = join(dir, 'output');
  writeFileSync(process.env['GITHUB_OUTPUT'], '');
  try {
    const receipt = await run(action, main);
    return { receipt, outputs: readOutputFile(join(dir, 'output')) };
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}
