import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkActionMetadata, checkActions } from './lib/action-metadata.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, 'fixtures');

function problemsFor(action: string): string[] {
  return checkActions(path.join(fixtures, 'actions-bad')).problems.filter((p) =>
    p.startsWith(`actions/${action}/action.yml`),
  );
}

test('valid action.yml files on node24 with dist/index.js pass', () => {
  const { files, problems } = checkActions(path.join(fixtures, 'actions-valid'));
  expect(files).toEqual(['actions/alpha/action.yml', 'actions/beta/action.yml']);
  expect(problems).toEqual([]);
});

test('a misspelt input key is rejected', () => {
  expect(problemsFor('unknown-key')).toEqual([expect.stringContaining("input 'version' has unknown key 'requried'")]);
});

test('an unknown top-level key is rejected by the schema', () => {
  const yml = 'name: x\ndescription: y\nruns:\n  using: node24\n  main: dist/index.js\nrun-on: linux\n';
  expect(checkActionMetadata('action.yml', yml)).toEqual([expect.stringContaining("Unexpected value 'run-on'")]);
});

test('an unknown key under runs is rejected by the schema', () => {
  const yml = 'name: x\ndescription: y\nruns:\n  using: node24\n  main: dist/index.js\n  entry: a.js\n';
  expect(checkActionMetadata('action.yml', yml)).toEqual([expect.stringContaining("Unexpected value 'entry'")]);
});

test('a runtime other than node24 is rejected', () => {
  expect(problemsFor('old-runtime')).toEqual([expect.stringContaining("runs.using is 'node12'")]);
});

test('a main other than dist/index.js is rejected', () => {
  expect(problemsFor('other-main')).toEqual([expect.stringContaining("runs.main is 'src/index.ts'")]);
});

test('a missing runs section is rejected by the schema', () => {
  expect(problemsFor('missing-runs')).toEqual([expect.stringContaining('Required property is missing: runs')]);
});

test('a value of the wrong shape is rejected by the schema', () => {
  const problems = checkActionMetadata('action.yml', 'name: x\ndescription: y\nruns: node24\n');
  expect(problems.length).toBeGreaterThan(0);
});

test('the command exits non-zero and names every bad file', () => {
  let status = 0;
  let stderr = '';
  try {
    execFileSync(
      process.execPath,
      ['--import', 'tsx', path.join(here, 'check-actions.ts'), path.join(fixtures, 'actions-bad')],
      {
        encoding: 'utf8',
        stdio: 'pipe',
      },
    );
  } catch (e) {
    const err = e as { status: number; stderr: string };
    status = err.status;
    stderr = err.stderr;
  }
  expect(status).toBe(1);
  for (const name of ['unknown-key', 'old-runtime', 'other-main', 'missing-runs']) {
    expect(stderr).toContain(`actions/${name}/action.yml`);
  }
});
