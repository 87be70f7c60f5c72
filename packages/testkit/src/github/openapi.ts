/**
 * Checks the stand-in's REST responses against GitHub's published response schemas
 * (openapi-subset.json, extracted by scripts/extract-openapi.ts), so the stand-in cannot drift from the
 * real API without a test noticing.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { SERVED_OPERATIONS } from './operations.js';

interface SubsetOperation {
  method: string;
  path: string;
  operationId: string;
  requestBody?: unknown;
  responses: Record<string, unknown>;
}
interface Subset {
  $id: string;
  operations: SubsetOperation[];
}

export interface Violation {
  operationId: string;
  method: string;
  path: string;
  status: number;
  errors: string[];
}

export interface MatchedOperation {
  method: string;
  template: string;
  operationId: string;
  params: Record<string, string>;
  index: number;
}

// ajv-formats is CommonJS with a default export; under ESM interop it may arrive wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;

let loaded: { subset: Subset; ajv: Ajv } | undefined;
function load(): { subset: Subset; ajv: Ajv } {
  if (!loaded) {
    const subset = JSON.parse(readFileSync(new URL('./openapi-subset.json', import.meta.url), 'utf8')) as Subset;
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(ajv);
    ajv.addSchema(subset as object);
    loaded = { subset, ajv };
  }
  return loaded;
}

const compiled = new Map<string, ValidateFunction | null>();

/** The served operation a request path belongs to; path parameters that may hold slashes are greedy. */
export function matchOperation(method: string, pathname: string): MatchedOperation | undefined {
  const { subset } = load();
  for (const [index, op] of subset.operations.entries()) {
    if (op.method !== method) continue;
    const names: string[] = [];
    const pattern = op.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{(\w+)\\?\}/g, (_m, name: string) => {
      names.push(name);
      return name === 'ref' || name === 'path' ? '(.+)' : '([^/]+)';
    });
    const m = new RegExp(`^${pattern}$`).exec(pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1]!)));
    return { method, template: op.path, operationId: op.operationId, params, index };
  }
  return undefined;
}

/**
 * Checks one response body; `checked` is false when GitHub documents no JSON body for that operation
 * and status (nothing to check against), `errors` empty when it conforms.
 */
export function validateResponse(
  op: MatchedOperation,
  status: number,
  body: unknown,
): { checked: boolean; errors: string[] } {
  const { subset, ajv } = load();
  const key = `${op.index}:${status}`;
  if (!compiled.has(key)) {
    const has = subset.operations[op.index]!.responses[String(status)] !== undefined;
    compiled.set(
      key,
      has ? (ajv.getSchema(`${subset.$id}#/operations/${op.index}/responses/${status}`) ?? null) : null,
    );
  }
  const validate = compiled.get(key);
  if (!validate) return { checked: false, errors: [] };
  if (validate(body)) return { checked: true, errors: [] };
  const errors = (validate.errors ?? [])
    .slice(0, 10)
    .map(
      (e) =>
        `${e.instancePath || '(body)'} ${e.message ?? 'is invalid'}${'missingProperty' in e.params ? '' : ` ${JSON.stringify(e.params)}`}`,
    );
  return { checked: true, errors };
}

function valueAt(body: unknown, pointer: string): unknown {
  let node = body;
  for (const part of pointer.split('/').slice(1))
    node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  return node;
}

/**
 * Checks a request body against the operation's documented request schema, with messages worded as
 * GitHub words them (`"sha" wasn't supplied.`, `For 'properties/sha', 123 is not a string.`).
 */
export function validateRequest(op: MatchedOperation, body: unknown): string[] {
  const { subset, ajv } = load();
  const key = `${op.index}:request`;
  if (!compiled.has(key)) {
    const has = subset.operations[op.index]!.requestBody !== undefined;
    compiled.set(key, has ? (ajv.getSchema(`${subset.$id}#/operations/${op.index}/requestBody`) ?? null) : null);
  }
  const validate = compiled.get(key);
  if (!validate || validate(body ?? {})) return [];
  const seen = new Set<string>();
  return (validate.errors ?? [])
    .map((e) => {
      if (e.keyword === 'required')
        return `"${String((e.params as { missingProperty: string }).missingProperty)}" wasn't supplied.`;
      const where = `properties${e.instancePath}`;
      const value = JSON.stringify(valueAt(body, e.instancePath));
      if (e.keyword === 'type')
        return `For '${where}', ${value} is not ${/^[aeiou]/.test(String(e.params['type'])) ? 'an' : 'a'} ${String(e.params['type'])}.`;
      if (e.keyword === 'enum')
        return `For '${where}', ${value} is not one of ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}.`;
      return `For '${where}', ${value} ${e.message ?? 'is invalid'}.`;
    })
    .filter((m) => !seen.has(m) && seen.add(m));
}

/** True when the subset on disk covers every operation in operations.ts (the script has been re-run). */
export function subsetCoversServedOperations(): string[] {
  const { subset } = load();
  return SERVED_OPERATIONS.filter(
    (s) => !subset.operations.some((o) => o.method === s.method && o.path === s.path),
  ).map((s) => `${s.method} ${s.path}`);
}
