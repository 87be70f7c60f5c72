import { ConfigurationError, isConfigurationError } from '@release-actions/core/runtime/errors';
import { parseArgs } from './args.js';
import { readActionMetadata } from '@release-actions/core/runtime/action-metadata';
import { join } from 'node:path';
import { ACTIONS_DIR, listActions, REPO_ROOT, runAction } from './run-action.js';

const USAGE = `usage: release-actions <action> [--input value ...]
       release-actions rehearse [--dry-run true]
       release-actions help <action>

Every input of an action's action.yml is a flag of the same name; defaults are the action's own.
Irreversible actions default to --dry-run true: pass --dry-run false to act.`;

function help(action?: string): string {
  if (!action) return `${USAGE}\n\nactions: ${listActions().join(', ')}`;
  if (!listActions().includes(action)) {
    throw new ConfigurationError(`unknown action "${action}"; expected one of: ${listActions().join(', ')}`);
  }
  const meta = readActionMetadata(join(ACTIONS_DIR, action));
  const lines = Object.entries(meta.inputs).map(
    ([name, i]) =>
      `  --${name}${i.required ? ' (required)' : ''}${i.default !== undefined ? ` [default: ${i.default}]` : ''}\n      ${i.description ?? ''}`,
  );
  return `${meta.name}: ${meta.description ?? ''}\n\ninputs:\n${lines.join('\n')}\n\noutputs: ${Object.keys(meta.outputs).join(', ')}`;
}

/** Returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    if (argv.length === 0 || ['help', '--help', '-h'].includes(argv[0]!)) {
      console.log(help(argv[1]));
      return 0;
    }
    const { command, flags } = parseArgs(argv);
    if (command === 'rehearse') {
      if (flags['workflows'] === 'true') {
        const { rehearseWorkflows } = await import('./rehearsal/rehearse-workflows.js');
        const out = flags['out'] ?? join(REPO_ROOT, '.tmp', 'rehearsal');
        return (await rehearseWorkflows({ dryRun: flags['dry-run'] === 'true', out })).ok ? 0 : 1;
      }
      const { rehearse } = await import('./rehearse.js');
      return (await rehearse(flags)) ? 0 : 1;
    }
    const { receipt, outputs } = await runAction(command, flags);
    console.log('\noutputs:');
    for (const [k, v] of Object.entries(outputs)) console.log(`  ${k}=${v}`);
    return receipt.status === 'success' ? 0 : 1;
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    if (!isConfigurationError(e) && e instanceof Error) console.error(e.stack);
    return 1;
  }
}
