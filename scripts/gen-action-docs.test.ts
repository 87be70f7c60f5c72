import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { markedActions, renderActionDocs, replaceDocsBlocks } from './lib/action-docs.js';
import { parseActionMetadata } from './lib/action-metadata.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = path.join(here, 'fixtures', 'actions-valid');

function alpha() {
  const file = path.join(fixture, 'actions', 'alpha', 'action.yml');
  const { metadata } = parseActionMetadata('action.yml', readFileSync(file, 'utf8'));
  if (metadata === undefined) throw new Error('fixture alpha does not parse');
  return metadata;
}

function runDocs(root: string, ...flags: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(here, 'gen-action-docs.ts'), root, ...flags], {
    encoding: 'utf8',
  });
}

test('inputs table lists name, description, default and required in action.yml order', () => {
  expect(renderActionDocs(alpha())).toBe(
    [
      '**Inputs**',
      '',
      '| Name | Description | Default | Required |',
      '| --- | --- | --- | --- |',
      '| `version` | Release version, e.g. 2.6.0. |  | yes |',
      '| `dry-run` | Plan only \\| change nothing. | `true` | no |',
      '',
      '**Outputs**',
      '',
      '| Name | Description |',
      '| --- | --- |',
      '| `report` | Path of the JSON receipt. |',
      '',
    ].join('\n'),
  );
});

test('an action without inputs or outputs says so instead of printing empty tables', () => {
  const md = renderActionDocs({ ...alpha(), inputs: [], outputs: [] });
  expect(md).toContain('This action has no inputs.');
  expect(md).toContain('This action has no outputs.');
  expect(md).not.toContain('|');
});

test('multi-line descriptions become one table line and an empty default is shown as ""', () => {
  const md = renderActionDocs({
    ...alpha(),
    inputs: [{ name: 'x', description: 'first line\nsecond line', default: '', required: false }],
  });
  expect(md).toContain('| `x` | first line second line | `""` | no |');
});

test('only the text between a pair of markers is replaced', () => {
  const readme =
    'intro\n<!-- action-docs:a -->\nold\n<!-- /action-docs:a -->\nmiddle\n<!-- action-docs:b --><!-- /action-docs:b -->\nend\n';
  expect(markedActions(readme)).toEqual(['a', 'b']);
  expect(replaceDocsBlocks(readme, (name) => `docs of ${name}\n`)).toBe(
    'intro\n<!-- action-docs:a -->\n\ndocs of a\n\n<!-- /action-docs:a -->\nmiddle\n<!-- action-docs:b -->\n\ndocs of b\n\n<!-- /action-docs:b -->\nend\n',
  );
});

test('markers of different actions are not paired with each other', () => {
  const readme = '<!-- action-docs:a -->\nkeep\n<!-- /action-docs:b -->\n';
  expect(markedActions(readme)).toEqual([]);
  expect(replaceDocsBlocks(readme, () => 'x')).toBe(readme);
});

describe('the command', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'action-docs-'));
    cpSync(fixture, root, { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('--check passes on an up-to-date README', () => {
    const r = runDocs(root, '--check');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  test('--check fails on a stale README and leaves it alone; without --check it rewrites it', () => {
    const readme = path.join(root, 'README.md');
    const current = readFileSync(readme, 'utf8');
    const stale = current.replace('Path of the JSON receipt.', 'An old description.');
    writeFileSync(readme, stale);
    const r = runDocs(root, '--check');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('stale in: README.md');
    expect(readFileSync(readme, 'utf8')).toBe(stale);

    execFileSync(process.execPath, ['--import', 'tsx', path.join(here, 'gen-action-docs.ts'), root]);
    expect(readFileSync(readme, 'utf8')).toBe(current);
  });

  test('the Actions table of the root README lists every action, what it does and what it replaces', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme).toMatch(/\| \[`alpha`\]\(actions\/alpha\/README\.md\) +\| alpha +\| `alpha\.sh` +\|/);
    expect(readme).toMatch(/\| \[`beta`\]\(actions\/beta\/README\.md\) +\| beta +\| running `beta` by hand \|/);
  });

  test('--check fails on a stale Actions table', () => {
    const readme = path.join(root, 'README.md');
    writeFileSync(readme, readFileSync(readme, 'utf8').replace('running `beta` by hand', 'something else   '));
    const r = runDocs(root, '--check');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('stale in: README.md');
  });

  test('--check fails when the Actions table would be empty or has no block', () => {
    const readme = path.join(root, 'README.md');
    const text = readFileSync(readme, 'utf8');
    writeFileSync(readme, text.replace(/<!-- actions-table -->[\s\S]*<!-- \/actions-table -->\n/, ''));
    const missing = runDocs(root, '--check');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('README.md: no <!-- actions-table --> ... <!-- /actions-table --> block');

    writeFileSync(readme, text);
    rmSync(path.join(root, 'actions'), { recursive: true });
    const empty = runDocs(root, '--check');
    expect(empty.status).toBe(1);
    expect(empty.stderr).toContain('README.md: the Actions table is empty');
  });

  test('an action whose README does not say what it replaces fails the check', () => {
    writeFileSync(path.join(root, 'actions', 'beta', 'README.md'), '# beta\n');
    const r = runDocs(root, '--check');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('actions/beta/README.md: no <!-- replaces: ... --> line');
  });

  test('a marker naming no action fails', () => {
    const readme = path.join(root, 'README.md');
    writeFileSync(readme, readFileSync(readme, 'utf8') + '\n<!-- action-docs:gamma -->\n<!-- /action-docs:gamma -->\n');
    const r = runDocs(root, '--check');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no actions/gamma/action.yml');
  });
});
