import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
  convertWorkflowTemplate,
  isBasicExpression,
  isLiteral,
  isMapping,
  isSequence,
  NoOperationTraceWriter,
  parseWorkflow,
  type WorkflowTemplate,
} from '@actions/workflow-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import type { MappingToken } from '@actions/workflow-parser/templates/tokens/mapping-token';

/**
 * A workflow file read with GitHub's own parser and schema. The converted template drops a few keys
 * the runner needs (`with:`, `permissions:`, `workflow_call.outputs`), so the parsed token tree is
 * kept too and read through `field`.
 */

export interface ParsedWorkflow {
  file: string;
  /** The file name without `.yml`, used to name jobs in logs. */
  stem: string;
  name: string;
  template: WorkflowTemplate;
  root: MappingToken;
}

export class WorkflowError extends Error {
  override name = 'WorkflowError';
}

export async function loadWorkflow(file: string): Promise<ParsedWorkflow> {
  const content = readFileSync(file, 'utf8');
  const parsed = parseWorkflow({ name: basename(file), content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (errors.length > 0 || !parsed.value || !isMapping(parsed.value)) {
    throw new WorkflowError(`${file}: ${errors.join('; ') || 'not a workflow'}`);
  }
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  const converted = (template.errors ?? []).map((e) => e.Message);
  if (converted.length > 0) throw new WorkflowError(`${file}: ${converted.join('; ')}`);
  const name = field(parsed.value, 'name');
  return {
    file,
    stem: basename(file).replace(/\.ya?ml$/, ''),
    name: name && isLiteral(name) ? name.toString() : basename(file),
    template,
    root: parsed.value,
  };
}

/** The token at a path of mapping keys, or undefined. */
export function field(token: TemplateToken | undefined, ...keys: string[]): TemplateToken | undefined {
  let current = token;
  for (const key of keys) {
    if (!current || !isMapping(current)) return undefined;
    current = entries(current).find(([k]) => k === key)?.[1];
  }
  return current;
}

/** A mapping token's pairs with their keys as text. */
export function entries(token: TemplateToken | undefined): Array<[string, TemplateToken]> {
  if (!token || !isMapping(token)) return [];
  const result: Array<[string, TemplateToken]> = [];
  for (let i = 0; i < token.count; i++) {
    const pair = token.get(i);
    result.push([pair.key.toString(), pair.value]);
  }
  return result;
}

/** Plain data of a token that holds no expression (permissions, input definitions). */
export function literal(token: TemplateToken | undefined): unknown {
  if (!token) return undefined;
  if (isBasicExpression(token)) throw new WorkflowError(`expected a literal, got \${{ ${token.expression} }}`);
  if (isMapping(token)) return Object.fromEntries(entries(token).map(([k, v]) => [k, literal(v)]));
  if (isSequence(token)) {
    const items: unknown[] = [];
    for (let i = 0; i < token.count; i++) items.push(literal(token.get(i)));
    return items;
  }
  return (token as unknown as { value: unknown }).value ?? null;
}
