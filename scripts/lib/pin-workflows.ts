import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';

/** `pytorch/release-actions/actions/<name>@<ref>` and `.../.github/workflows/<file>@<ref>` references. */
const REFERENCE = /(pytorch\/release-actions\/(?:actions\/[\w-]+|\.github\/workflows\/[\w.-]+\.ya?ml))@([\w./-]+)/g;

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(path.join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [path.join(dir, e.name)] : [],
  );
}

/** Rewrites every reference to this repository to `@<tag>`; returns the files changed and how many references. */
export function pinWorkflows(root: string, tag: string): Array<{ file: string; count: number }> {
  const changed: Array<{ file: string; count: number }> = [];
  for (const file of [
    ...yamlFiles(path.join(root, '.github', 'workflows')),
    ...yamlFiles(path.join(root, 'examples')),
  ]) {
    const text = readFileSync(file, 'utf8');
    let count = 0;
    const pinned = text.replace(REFERENCE, (_, target: string) => {
      count++;
      return `${target}@${tag}`;
    });
    if (pinned !== text) {
      writeFileSync(file, pinned);
      changed.push({ file, count });
    }
  }
  return changed;
}

/** The refs this repository's workflows and examples call it at, with how many references each. */
export function pinnedRefs(root: string): Map<string, number> {
  const refs = new Map<string, number>();
  for (const file of [
    ...yamlFiles(path.join(root, '.github', 'workflows')),
    ...yamlFiles(path.join(root, 'examples')),
  ]) {
    for (const m of readFileSync(file, 'utf8').matchAll(REFERENCE)) refs.set(m[2]!, (refs.get(m[2]!) ?? 0) + 1);
  }
  return refs;
}
