// Writes each action's inputs/outputs tables (from its action.yml) into the READMEs between
// `<!-- action-docs:<name> -->` and `<!-- /action-docs:<name> -->`, and the root README's Actions table (each
// action, what it does, and what it replaces, from the `<!-- replaces: ... -->` line of its README) between
// `<!-- actions-table -->` and `<!-- /actions-table -->`. With --check, fails instead when a README is stale,
// or when the Actions table would be empty or an action's README does not say what it replaces.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { findActionFiles, parseActionMetadata } from './lib/action-metadata.js';
import {
  hasActionsTable,
  markedActions,
  renderActionDocs,
  renderActionsTable,
  replaceActionsTable,
  replacesOf,
  replaceDocsBlocks,
  type ActionRow,
} from './lib/action-docs.js';

const args = process.argv.slice(2);
const check = args.includes('--check');
const root = args.find((a) => !a.startsWith('--')) ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const problems: string[] = [];
const docs = new Map<string, string>();
const rows: ActionRow[] = [];
for (const file of findActionFiles(root)) {
  const name = path.basename(path.dirname(file));
  const { metadata, errors } = parseActionMetadata(file, readFileSync(path.join(root, file), 'utf8'));
  if (metadata === undefined) problems.push(...errors);
  else docs.set(name, renderActionDocs(metadata));
  const readme = path.join(root, path.dirname(file), 'README.md');
  // An action still without a README is listed without the column; one with a README must fill it.
  const replaces = existsSync(readme) ? replacesOf(readFileSync(readme, 'utf8')) : '';
  rows.push({ dir: name, name: metadata?.name ?? name, replaces, hasReadme: existsSync(readme) });
}

/** The root README with its Actions table regenerated, or the problems that keep it from being right. */
async function actionsTable(readme: string, text: string): Promise<string> {
  if (!hasActionsTable(text)) {
    problems.push(`${readme}: no <!-- actions-table --> ... <!-- /actions-table --> block for the Actions table`);
    return text;
  }
  if (rows.length === 0) problems.push(`${readme}: the Actions table is empty: there is no actions/*/action.yml`);
  for (const r of rows.filter((row) => row.replaces === undefined)) {
    problems.push(`actions/${r.dir}/README.md: no <!-- replaces: ... --> line for the Actions table of ${readme}`);
  }
  const options = { ...(await prettier.resolveConfig(path.join(root, readme))), parser: 'markdown' };
  return replaceActionsTable(text, await prettier.format(renderActionsTable(rows), options));
}

const readmes = [
  'README.md',
  ...findActionFiles(root).map((f) => path.posix.join(path.dirname(f), 'README.md')),
].filter((f) => existsSync(path.join(root, f)));
const stale: string[] = [];
let blocks = 0;
for (const readme of readmes) {
  const full = path.join(root, readme);
  const original = readFileSync(full, 'utf8');
  const text = readme === 'README.md' ? await actionsTable(readme, original) : original;
  const names = markedActions(text);
  const options = { ...(await prettier.resolveConfig(full)), parser: 'markdown' };
  const formatted = new Map<string, string>();
  for (const name of names) {
    const md = docs.get(name);
    if (md === undefined) {
      problems.push(`${readme}: docs markers name '${name}', but there is no actions/${name}/action.yml`);
      continue;
    }
    // Formatted here so the generated block is already what Prettier would write: the two checks then agree.
    formatted.set(name, await prettier.format(md, options));
    blocks++;
  }
  const next = replaceDocsBlocks(text, (name) => formatted.get(name) ?? '');
  if (next === original || problems.length > 0) continue;
  stale.push(readme);
  if (!check) writeFileSync(full, next);
}

for (const p of problems) console.error(p);
if (problems.length > 0) process.exit(1);
if (check && stale.length > 0) {
  console.error(`action docs are stale in: ${stale.join(', ')} (run: npx tsx scripts/gen-action-docs.ts)`);
  process.exit(1);
}
console.log(
  `action docs: ${blocks} block(s) in ${readmes.length} README(s) ${check ? 'up to date' : `checked, ${stale.length} updated`}`,
);
