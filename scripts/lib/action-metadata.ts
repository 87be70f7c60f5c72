import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { NoOperationTraceWriter, isMapping, isString } from '@actions/workflow-parser';
import { parseAction, getActionSchema } from '@actions/workflow-parser/actions/index';
import { parseActionYml } from '../../packages/core/src/runtime/action-metadata.js';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/index';
import type { MappingDefinition } from '@actions/workflow-parser/templates/schema/mapping-definition';
import { checkActionInputs, type DeclaredInputs } from './action-inputs.js';

export interface ActionInputDoc {
  name: string;
  description: string;
  default?: string;
  required: boolean;
}

export interface ActionOutputDoc {
  name: string;
  description: string;
}

export interface ActionMetadata {
  name: string;
  description: string;
  inputs: ActionInputDoc[];
  outputs: ActionOutputDoc[];
  using: string;
  main?: string;
}

export interface ParsedAction {
  metadata?: ActionMetadata;
  /** Schema violations, each prefixed with the file name and position as GitHub's parser reports them. */
  errors: string[];
}

/** Every action runs on this runtime and from this bundle, so one runner upgrade moves them all at once. */
export const EXPECTED_RUNS = { using: 'node24', main: 'dist/index.js' } as const;

/**
 * Validates action.yml text with GitHub's own parser and strict action schema (the one the runner's
 * tooling uses); what it says is then read by the one action.yml reader, core's runtime/action-metadata.
 */
export function parseActionMetadata(fileName: string, content: string): ParsedAction {
  const result = parseAction({ name: fileName, content }, new NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((e) => e.message);
  if (errors.length > 0 || result.value === undefined) {
    return { errors: errors.length > 0 ? errors : [`${fileName}: not a valid action metadata file`] };
  }
  const inputKeyErrors = unknownInputKeys(fileName, result.value);
  if (inputKeyErrors.length > 0) return { errors: inputKeyErrors };
  const yml = parseActionYml(content, fileName);
  const metadata: ActionMetadata = {
    name: yml.name,
    description: yml.description ?? '',
    inputs: Object.entries(yml.inputs).map(([name, i]) => ({
      name,
      description: i.description ?? '',
      default: i.default,
      required: i.required === true,
    })),
    outputs: Object.entries(yml.outputs).map(([name, o]) => ({ name, description: o.description ?? '' })),
    using: yml.runs.using ?? '',
    main: yml.runs.main,
  };
  return { metadata, errors: [] };
}

/**
 * GitHub's schema lets an input carry extra keys (the runner ignores them), so a misspelt `requried: true` would
 * silently make an input optional. Only the keys the schema itself names for an input are accepted here.
 */
function unknownInputKeys(fileName: string, root: TemplateToken): string[] {
  const known = Object.keys((getActionSchema().getDefinition('input-strict') as MappingDefinition).properties);
  const inputs = isMapping(root) ? root.find('inputs') : undefined;
  if (inputs === undefined || !isMapping(inputs)) return [];
  const errors: string[] = [];
  for (const { key: inputName, value: input } of inputs) {
    if (!isMapping(input)) continue;
    for (const { key } of input) {
      const name = isString(key) ? key.value : key.toString();
      if (!known.includes(name)) {
        const where = key.range ? ` (Line: ${key.range.start.line}, Col: ${key.range.start.column})` : '';
        errors.push(
          `${fileName}${where}: input '${inputName.toString()}' has unknown key '${name}' (known: ${known.join(', ')})`,
        );
      }
    }
  }
  return errors;
}

/** Schema errors plus the project's own rules: one Node runtime and one bundle path for every action. */
export function checkActionMetadata(fileName: string, content: string): string[] {
  const { metadata, errors } = parseActionMetadata(fileName, content);
  if (metadata === undefined) return errors;
  const problems: string[] = [];
  if (metadata.using !== EXPECTED_RUNS.using) {
    problems.push(`${fileName}: runs.using is '${metadata.using}', every action must use '${EXPECTED_RUNS.using}'`);
  }
  if (metadata.main !== EXPECTED_RUNS.main) {
    problems.push(`${fileName}: runs.main is '${metadata.main ?? ''}', every action must use '${EXPECTED_RUNS.main}'`);
  }
  return problems;
}

/** The action.yml files under `<root>/actions/*`, sorted, as paths relative to root. */
export function findActionFiles(root: string): string[] {
  const actionsDir = path.join(root, 'actions');
  if (!existsSync(actionsDir)) return [];
  const files: string[] = [];
  for (const entry of readdirSync(actionsDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    for (const candidate of ['action.yml', 'action.yaml']) {
      if (existsSync(path.join(actionsDir, entry.name, candidate))) {
        files.push(path.posix.join('actions', entry.name, candidate));
      }
    }
  }
  return files.sort();
}

/** The inputs an action.yml declares, with their defaults ('' for none). */
export function declaredInputs(content: string): DeclaredInputs {
  const { metadata } = parseActionMetadata('action.yml', content);
  return new Map((metadata?.inputs ?? []).map((i) => [i.name, i.default ?? '']));
}

/**
 * Checks every action under root (its action.yml, and how its sources read the inputs it declares);
 * returns the problems found (empty when all pass).
 */
export function checkActions(root: string): { files: string[]; problems: string[] } {
  const files = findActionFiles(root);
  const problems = files.flatMap((f) => checkActionMetadata(f, readFileSync(path.join(root, f), 'utf8')));
  problems.push(...checkActionInputs(root, declaredInputs).problems);
  return { files, problems };
}
