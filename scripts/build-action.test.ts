import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The committed bundles, as scripts/build-action.ts writes them (check-dist keeps them current). */

const actions = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'actions');
const names = readdirSync(actions).sort();

/** Packages whose modules the bundle holds: esbuild heads each module with a comment naming its path. */
function bundled(action: string): string[] {
  const js = readFileSync(path.join(actions, action, 'dist', 'index.js'), 'utf8');
  const found = new Set<string>();
  for (const m of js.matchAll(/^\/\/ \S*\/node_modules\/((?:@[^/\s]+\/)?[^/\s]+)\/\S+$/gm)) found.add(m[1]!);
  return [...found].sort();
}

test.each(names)('%s: licenses.txt has an entry for every package in the bundle', (action) => {
  const licenses = readFileSync(path.join(actions, action, 'dist', 'licenses.txt'), 'utf8').split('\n');
  const packages = bundled(action);
  expect(packages).toContain('@actions/core');
  // an entry: the package's name on a line of its own, then its license field, then the license text
  const entries = packages.filter((name) => licenses.some((line, i) => line === name && licenses[i + 1]));
  expect(entries).toEqual(packages);
});

test.each(['promote-s3', 'promote-conda', 'tag-rc'])(
  '%s, which sends no HTTP request through @actions/core, carries no HTTP client: undici stays out',
  (action) => {
    expect(bundled(action)).not.toEqual(expect.arrayContaining(['undici']));
    expect(bundled(action)).not.toEqual(expect.arrayContaining(['@actions/http-client']));
  },
);

test('every bundle is one ES module marked as such', () => {
  for (const action of names) {
    expect(readdirSync(path.join(actions, action, 'dist')).sort()).toEqual([
      'index.js',
      'licenses.txt',
      'package.json',
    ]);
    expect(JSON.parse(readFileSync(path.join(actions, action, 'dist', 'package.json'), 'utf8'))).toEqual({
      type: 'module',
    });
  }
});
