/**
 * Extracts from GitHub's OpenAPI description (@octokit/openapi) only the operations the stand-in serves,
 * with every component schema they reference, into src/github/openapi-subset.json.
 *
 * GitHub's description is OpenAPI 3.0 (`nullable: true`, `$ref` siblings ignored, `discriminator`), which
 * JSON Schema validators do not read as intended; the schemas are rewritten here into plain JSON Schema
 * (draft-07) once, so the committed file is what the validator checks against.
 *
 * Run: pnpm --filter @release-actions/testkit exec tsx scripts/extract-openapi.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as prettier from 'prettier';
import { SERVED_OPERATIONS } from '../src/github/operations.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

export const SUBSET_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'github', 'openapi-subset.json');

// Formats ajv-formats validates; GitHub's own (`repo.nwo`, `int64`, `timestamp`…) are only hints.
const KNOWN_FORMATS = new Set(['date-time', 'date', 'uri', 'uri-template', 'email']);
// Annotations that do not constrain a value (property names are kept: `properties` is walked apart).
const DROP = new Set([
  'example',
  'examples',
  'discriminator',
  'externalDocs',
  'xml',
  'deprecated',
  'description',
  'title',
]);

const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The subset as it should be committed, computed from the installed @octokit/openapi. */
export function extractSubset(): object {
  const require = createRequire(import.meta.url);
  const pkgDir = dirname(require.resolve('@octokit/openapi/package.json'));
  const pkgVersion = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
  const spec = JSON.parse(readFileSync(join(pkgDir, 'generated', 'api.github.com.json'), 'utf8')) as Obj;

  function resolvePointer(ref: string): Obj {
    if (!ref.startsWith('#/')) throw new Error(`external $ref ${ref}`);
    let node: Json = spec;
    for (const part of ref.slice(2).split('/')) node = (node as Obj)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (!isObj(node)) throw new Error(`unresolved $ref ${ref}`);
    return node;
  }

  const usedSchemas = new Map<string, Json>();

  /** OpenAPI 3.0 schema -> JSON Schema draft-07, collecting referenced component schemas. */
  function convert(schema: Json): Json {
    if (Array.isArray(schema)) return schema.map(convert);
    if (!isObj(schema)) return schema;
    if (typeof schema['$ref'] === 'string') {
      const ref = schema['$ref'];
      const m = /^#\/components\/schemas\/(.+)$/.exec(ref);
      let target: Json;
      if (m) {
        const name = m[1]!;
        if (!usedSchemas.has(name)) {
          usedSchemas.set(name, true); // placeholder against cycles
          usedSchemas.set(name, convert(resolvePointer(ref)));
        }
        target = { $ref: ref };
      } else {
        target = convert(resolvePointer(ref));
      }
      // 3.0 ignores $ref siblings except that `nullable` is commonly written next to it.
      return schema['nullable'] === true ? { anyOf: [target, { type: 'null' }] } : target;
    }
    const out: Obj = {};
    for (const [k, v] of Object.entries(schema)) {
      if (DROP.has(k) || k.startsWith('x-') || k === 'nullable') continue;
      if (k === 'format' && typeof v === 'string' && !KNOWN_FORMATS.has(v)) continue;
      if (k === 'properties' && isObj(v)) {
        out[k] = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, convert(s)]));
      } else if (k === 'enum' || k === 'required' || k === 'default' || k === 'const') {
        out[k] = v;
      } else {
        out[k] = convert(v);
      }
    }
    if (schema['nullable'] === true) {
      if (typeof out['type'] === 'string') {
        out['type'] = [out['type'], 'null'];
        if (Array.isArray(out['enum']) && !out['enum'].includes(null)) out['enum'] = [...out['enum'], null];
      } else if (out['type'] === undefined) {
        return { anyOf: [out, { type: 'null' }] };
      }
    }
    return out;
  }

  interface ExtractedOperation {
    method: string;
    path: string;
    operationId: string;
    requestBody?: Json;
    responses: Record<string, Json>;
  }

  const operations: ExtractedOperation[] = SERVED_OPERATIONS.map(({ method, path }) => {
    const op = ((spec['paths'] as Obj)[path] as Obj | undefined)?.[method.toLowerCase()];
    if (!isObj(op)) throw new Error(`${method} ${path} is not in GitHub's OpenAPI description`);
    const responses: Record<string, Json> = {};
    for (const [status, raw] of Object.entries(op['responses'] as Obj)) {
      const response = isObj(raw) && typeof raw['$ref'] === 'string' ? resolvePointer(raw['$ref']) : (raw as Obj);
      const content = response['content'] as Obj | undefined;
      const json = content?.['application/json'] as Obj | undefined;
      if (json?.['schema'] !== undefined) responses[status] = convert(json['schema']);
    }
    const requestSchema = ((op['requestBody'] as Obj | undefined)?.['content'] as Obj | undefined)?.[
      'application/json'
    ] as Obj | undefined;
    return {
      method,
      path,
      operationId: String(op['operationId']),
      ...(requestSchema?.['schema'] !== undefined ? { requestBody: convert(requestSchema['schema']) } : {}),
      responses,
    };
  });

  const schemas = Object.fromEntries([...usedSchemas.entries()].sort(([a], [b]) => a.localeCompare(b)));
  const subset = {
    $id: 'github-openapi-subset',
    description: `Extracted by scripts/extract-openapi.ts from @octokit/openapi ${pkgVersion} (GitHub's api.github.com description, OpenAPI ${String(spec['openapi'])}), converted to JSON Schema draft-07. Do not edit by hand.`,
    source: {
      package: '@octokit/openapi',
      version: pkgVersion,
      openapi: spec['openapi'],
      api: (spec['info'] as Obj)['version'],
    },
    operations,
    components: { schemas },
  };
  return subset;
}

/** Formatted as the repository's Prettier settings say, so `prettier --check` accepts the committed file. */
export async function formatSubset(subset: object): Promise<string> {
  const options = (await prettier.resolveConfig(SUBSET_FILE)) ?? {};
  return prettier.format(JSON.stringify(subset), { ...options, parser: 'json' });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const subset = extractSubset() as { operations: unknown[]; components: { schemas: object } };
  writeFileSync(SUBSET_FILE, await formatSubset(subset));
  console.log(
    `${subset.operations.length} operations, ${Object.keys(subset.components.schemas).length} component schemas -> ${SUBSET_FILE}`,
  );
}
