import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ConfigurationError } from '@release-actions/core';

export interface ActionInput {
  description?: string;
  required?: boolean;
  default?: string;
}

export interface ActionMetadata {
  name: string;
  description?: string;
  inputs: Record<string, ActionInput>;
  outputs: Record<string, { description?: string }>;
}

export function readActionMetadata(actionsDir: string, action: string): ActionMetadata {
  let text: string;
  try {
    text = readFileSync(join(actionsDir, action, 'action.yml'), 'utf8');
  } catch {
    throw new ConfigurationError(`unknown action "${action}"`);
  }
  const doc = parse(text) as Partial<ActionMetadata> & { inputs?: Record<string, ActionInput> | null };
  return {
    name: doc.name ?? action,
    description: doc.description,
    inputs: doc.inputs ?? {},
    outputs: doc.outputs ?? {},
  };
}

/**
 * The runner evaluates `${{ ... }}` in input defaults before the action starts; from a laptop we
 * evaluate the few contexts our action.yml files use, from the environment a runner would set.
 */
const CONTEXT: Record<string, (env: NodeJS.ProcessEnv) => string> = {
  'github.token': (env) => env['GITHUB_TOKEN'] ?? '',
  'github.api_url': (env) => env['GITHUB_API_URL'] ?? 'https://api.github.com',
  'github.server_url': (env) => env['GITHUB_SERVER_URL'] ?? 'https://github.com',
  'github.repository': (env) => env['GITHUB_REPOSITORY'] ?? '',
};

export function evaluateDefault(value: string, env: NodeJS.ProcessEnv = process.env): string {
  return value.replace(/\$\{\{\s*([\w.]+)\s*\}\}/g, (_, expr: string) => {
    const get = CONTEXT[expr];
    if (!get)
      throw new ConfigurationError(`cannot evaluate \${{ ${expr} }} outside a workflow; pass the input explicitly`);
    return get(env);
  });
}

/** The INPUT_* variables a runner would set: given values, then evaluated defaults. */
export function inputEnvironment(
  meta: ActionMetadata,
  given: Record<string, string>,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const known = Object.keys(meta.inputs);
  for (const name of Object.keys(given)) {
    if (!known.includes(name)) {
      throw new ConfigurationError(
        `unknown input --${name} for ${meta.name}; expected one of: ${known.map((k) => `--${k}`).join(', ')}`,
      );
    }
  }
  const result: Record<string, string> = {};
  for (const [name, input] of Object.entries(meta.inputs)) {
    const value = given[name] ?? (input.default !== undefined ? evaluateDefault(String(input.default), env) : '');
    if (input.required && value === '') throw new ConfigurationError(`input "${name}" is required (--${name})`);
    result[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  return result;
}
