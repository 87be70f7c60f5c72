import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ConfigurationError } from './errors.js';

/**
 * What a runner does around an action, for the CLI and the tests: read action.yml, turn the given
 * inputs and the defaults into INPUT_* variables, and read the outputs back from $GITHUB_OUTPUT.
 */

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
  runs: { using?: string; main?: string };
}

/** The `github` context values our action.yml defaults use. */
export type GitHubContext = Partial<Record<'token' | 'api_url' | 'server_url' | 'repository', string>>;

export function readActionMetadata(actionDir: string): ActionMetadata {
  let text: string;
  try {
    text = readFileSync(join(actionDir, 'action.yml'), 'utf8');
  } catch {
    throw new ConfigurationError(`no action.yml in ${actionDir}`);
  }
  return parseActionYml(text, actionDir);
}

/**
 * The one reader of action.yml text, for the runner stand-ins, the CLI and the docs. Defaults and
 * descriptions come back as strings, as the runner passes them (`default: 32` is "32").
 */
export function parseActionYml(text: string, fallbackName: string): ActionMetadata {
  const doc = (parse(text) ?? {}) as {
    name?: string;
    description?: string;
    inputs?: Record<string, { description?: unknown; required?: unknown; default?: unknown } | null> | null;
    outputs?: Record<string, { description?: unknown } | null> | null;
    runs?: { using?: string; main?: string } | null;
  };
  const inputs: Record<string, ActionInput> = {};
  for (const [name, input] of Object.entries(doc.inputs ?? {})) {
    inputs[name] = {
      description: input?.description === undefined ? undefined : String(input.description),
      required: input?.required === true || input?.required === 'true',
      default: input?.default === undefined || input.default === null ? undefined : String(input.default),
    };
  }
  const outputs: Record<string, { description?: string }> = {};
  for (const [name, output] of Object.entries(doc.outputs ?? {})) {
    outputs[name] = { description: output?.description === undefined ? undefined : String(output.description) };
  }
  return {
    name: doc.name ?? fallbackName,
    description: doc.description,
    inputs,
    outputs,
    runs: { using: doc.runs?.using, main: doc.runs?.main },
  };
}

/** The context a runner would give, from the variables a runner sets (GITHUB_TOKEN is ours to set). */
export function contextFromEnv(env: NodeJS.ProcessEnv): GitHubContext {
  return {
    token: env['GITHUB_TOKEN'],
    api_url: env['GITHUB_API_URL'] ?? 'https://api.github.com',
    server_url: env['GITHUB_SERVER_URL'] ?? 'https://github.com',
    repository: env['GITHUB_REPOSITORY'],
  };
}

/** Evaluates `${{ github.* }}` in a default; any other expression needs a workflow, so it is refused. */
export function evaluateDefault(value: string, context: GitHubContext): string {
  return value.replace(/\$\{\{\s*([\w.]+)\s*\}\}/g, (_, expr: string) => {
    const m = /^github\.(token|api_url|server_url|repository)$/.exec(expr);
    if (!m)
      throw new ConfigurationError(`cannot evaluate \${{ ${expr} }} outside a workflow; pass the input explicitly`);
    return context[m[1] as keyof GitHubContext] ?? '';
  });
}

/**
 * The INPUT_* variables a runner sets: the given values, then the evaluated defaults. Like the runner,
 * it does not enforce `required`; each action checks its own inputs and says what is missing.
 */
export function inputEnvironment(
  meta: ActionMetadata,
  given: Record<string, string>,
  context: GitHubContext,
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
    const value = given[name] ?? (input.default !== undefined ? evaluateDefault(input.default, context) : '');
    result[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  return result;
}

/** Reads $GITHUB_OUTPUT the way the runner does (`name<<DELIMITER` blocks). */
export function readOutputFile(path: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const m of readFileSync(path, 'utf8').matchAll(/^([^<\n=]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) result[m[1]!] = m[3]!;
  return result;
}
