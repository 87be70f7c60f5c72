import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './run-action.js';

const BIN = join(REPO_ROOT, 'packages', 'cli', 'src', 'bin.ts');
const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

function cli(args: string[]): { status: number; out: string } {
  const env = { ...process.env };
  delete env['NODE_OPTIONS'];
  delete env['GITHUB_ACTIONS'];
  const r = spawnSync(TSX, [BIN, ...args], { env, encoding: 'utf8', timeout: 180_000 });
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

test('the rehearsal runs the release end to end on the stand-ins and passes', () => {
  const { status, out } = cli(['rehearse']);
  expect(out).toContain('=== Rehearsal passed');
  expect(out).toMatch(/DRY RUN: nothing will be changed\. promote-s3: \d+ operation/);
  expect(out).not.toContain('::debug::');
  expect(status).toBe(0);
}, 180_000);

test('bad input is one error line and a non-zero exit, before anything runs', () => {
  const { status, out } = cli(['tag-rc', '--version', '2.6', '--remote-url', 'file:///nonexistent']);
  expect(status).toBe(1);
  expect(out).toMatch(/^error: input "version": "2\.6" is not a full release version/m);
});

test('an unknown flag names the known ones', () => {
  const { status, out } = cli(['tag-rc', '--dryrun', 'false']);
  expect(status).toBe(1);
  expect(out).toContain('error: unknown input --dryrun for');
});

test("help lists the actions, and an action's inputs with their defaults", () => {
  const all = cli(['help']);
  expect(all.status).toBe(0);
  expect(all.out).toContain('actions: cut-branch, verify-milestone-fixes, tag-rc, promote-s3, promote-pypi');
  const one = cli(['help', 'promote-s3']);
  expect(one.status).toBe(0);
  expect(one.out).toContain('--dry-run [default: true]');
  expect(cli(['help', 'promote-conda']).out).toContain(
    'error: unknown action "promote-conda"; expected one of: cut-branch',
  );
});
