import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigurationError } from '@release-actions/core/runtime/errors';
import type { Receipt } from '@release-actions/core/runtime/receipt';
import { run, type ActionMain } from '@release-actions/core/runtime/run';
import {
  contextFromEnv,
  inputEnvironment,
  readActionMetadata,
  readOutputFile,
} from '@release-actions/core/runtime/action-metadata';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const ACTIONS_DIR = join(REPO_ROOT, 'actions');

export interface ActionRun {
  receipt: Receipt;
  outputs: Record<string, string>;
}

/** The actions in this repository, in the order of a release. */
const RELEASE_ORDER = [
  'check-nightlies',
  'cut-branch',
  'verify-milestone-fixes',
  'tag-rc',
  'promote-s3',
  'promote-pypi',
  'promote-conda',
  'check-docs',
  'open-website-pr',
  'open-colab-issue',
];

export function listActions(): string[] {
  const found = readdirSync(ACTIONS_DIR).filter((name) => existsSync(join(ACTIONS_DIR, name, 'src', 'main.ts')));
  const rank = (name: string): number => {
    const i = RELEASE_ORDER.indexOf(name);
    return i < 0 ? RELEASE_ORDER.length : i;
  };
  return found.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
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
  if (!listActions().includes(action)) {
    throw new ConfigurationError(`unknown action "${action}"; expected one of: ${listActions().join(', ')}`);
  }
  const meta = readActionMetadata(join(ACTIONS_DIR, action));
  const inputs = inputEnvironment(meta, flags, contextFromEnv(env));
  const mainPath = join(ACTIONS_DIR, action, 'src', 'main.ts');
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
