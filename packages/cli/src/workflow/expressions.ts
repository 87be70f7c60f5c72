import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import { truthy } from '@actions/expressions/result';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import { isBasicExpression, isMapping, isSequence } from '@actions/workflow-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { entries, WorkflowError } from './parse.js';

/**
 * `${{ }}` evaluation with GitHub's own lexer, parser and evaluator. Where GitHub quietly answers an
 * empty string (an output nobody declared, a job that is not in `needs`, an input the workflow does
 * not take), the contexts built here refuse, naming what exists: a typo then fails the rehearsal
 * instead of release day.
 */

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

/** A dictionary whose unknown keys are an error, with the words that explain what it holds. */
export class StrictDictionary extends data.Dictionary {
  constructor(
    private readonly path: string,
    private readonly holds: string,
    pairs: Record<string, data.ExpressionData> = {},
  ) {
    super(...Object.entries(pairs).map(([key, value]) => ({ key, value })));
  }

  override get(key: string): data.ExpressionData | undefined {
    const found = super.get(key);
    if (found !== undefined) return found;
    const known = this.pairs().map((p) => p.key);
    throw new WorkflowError(
      `${this.path}.${key}: no such ${this.holds}; ${known.length > 0 ? `known: ${known.join(', ')}` : 'there are none'}`,
    );
  }
}

export function toData(value: Value | undefined): data.ExpressionData {
  if (value === null || value === undefined) return new data.Null();
  if (typeof value === 'string') return new data.StringData(value);
  if (typeof value === 'number') return new data.NumberData(value);
  if (typeof value === 'boolean') return new data.BooleanData(value);
  if (Array.isArray(value)) return new data.Array(...value.map(toData));
  return new data.Dictionary(...Object.entries(value).map(([key, v]) => ({ key, value: toData(v) })));
}

/** Strings as a strict dictionary: `outputs`, `inputs`, `secrets`. */
export function strictStrings(path: string, holds: string, values: Record<string, Value>): StrictDictionary {
  return new StrictDictionary(path, holds, Object.fromEntries(Object.entries(values).map(([k, v]) => [k, toData(v)])));
}

export function fromData(value: data.ExpressionData): Value {
  switch (value.kind) {
    case data.Kind.Null:
      return null;
    case data.Kind.String:
      return value.coerceString();
    case data.Kind.Number:
      return value.number();
    case data.Kind.Boolean:
      return (value as data.BooleanData).value;
    case data.Kind.Array:
      return (value as data.Array).values().map(fromData);
    default:
      return Object.fromEntries((value as data.Dictionary).pairs().map((p) => [p.key, fromData(p.value)]));
  }
}

/**
 * The status functions of `if:` for one job or step: success() when every job it needs (or every
 * step before it) succeeded, failure() when one failed; nothing is ever cancelled here.
 */
export function statusFunctions(succeeded: boolean, failed: boolean): Map<string, FunctionDefinition> {
  const fn = (name: string, result: boolean): [string, FunctionDefinition] => [
    name,
    { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(result) },
  ];
  return new Map([fn('success', succeeded), fn('failure', failed), fn('always', true), fn('cancelled', false)]);
}

export interface Scope {
  contexts: data.Dictionary;
  functions?: Map<string, FunctionDefinition>;
  /** Where the expression is, for error messages: `release-candidate.yml job tag step 2 with.version`. */
  where: string;
}

export function evaluate(expression: string, scope: Scope): data.ExpressionData {
  const functions = scope.functions ?? new Map<string, FunctionDefinition>();
  try {
    const tokens = new Lexer(expression).lex().tokens;
    const names = scope.contexts.pairs().map((p) => p.key);
    const tree = new Parser(tokens, names, [...functions.values()]).parse();
    return new Evaluator(tree, scope.contexts, functions).evaluate();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new WorkflowError(`${scope.where}: \${{ ${expression} }}: ${message}`);
  }
}

/** A token as the runner hands it over: expressions evaluated, scalars as text, mappings as JSON. */
export function evaluateToken(token: TemplateToken, scope: Scope): Value {
  if (isBasicExpression(token)) return fromData(evaluate(token.expression, scope));
  if (isMapping(token)) return Object.fromEntries(entries(token).map(([k, v]) => [k, evaluateToken(v, scope)]));
  if (isSequence(token)) {
    const items: Value[] = [];
    for (let i = 0; i < token.count; i++) items.push(evaluateToken(token.get(i), scope));
    return items;
  }
  return (token as unknown as { value: Value }).value ?? null;
}

export function asText(value: Value): string {
  if (value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A `with:`, `env:` or `outputs:` mapping, each value evaluated to the text the runner passes on. */
export function evaluateMapping(token: TemplateToken | undefined, scope: Scope): Record<string, string> {
  return Object.fromEntries(
    entries(token).map(([k, v]) => [k, asText(evaluateToken(v, { ...scope, where: `${scope.where}.${k}` }))]),
  );
}

/** An `if:` condition, true or false by GitHub's truthiness. */
export function condition(token: TemplateToken | undefined, scope: Scope): boolean {
  if (!token) return truthy(evaluate('success()', scope));
  const value = isBasicExpression(token) ? evaluate(token.expression, scope) : toData(evaluateToken(token, scope));
  return truthy(value);
}
