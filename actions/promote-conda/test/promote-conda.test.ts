import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runActionBundle, runActionMain } from '@release-actions/testkit/action-run';
import {
  startCondaServer,
  type CondaFile,
  type CondaServer,
  type CondaState,
} from '@release-actions/testkit/conda/server';
import { main } from '../src/main.js';

const ACTION_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const TOKEN = 'an-stable-writer';
const READER = 'an-test-only';

function file(basename: string, labels = ['main']): CondaFile {
  const bytes = `conda package ${basename}`;
  return {
    basename,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    md5: createHash('md5').update(bytes).digest('hex'),
    size: bytes.length * 1000,
    labels,
  };
}

const RELEASE = [
  file('linux-64/torchfoo-0.5.0-py310_0.conda'),
  file('linux-64/torchfoo-0.5.0-py312_0.conda'),
  file('linux-aarch64/torchfoo-0.5.0-py312_0.conda'),
  file('osx-arm64/torchfoo-0.5.0-py312_0.conda'),
  file('win-64/torchfoo-0.5.0-py312_0.conda'),
  file('noarch/torchfoo-data-0.5.0-pyh_0.conda'),
];
const NOT_ASKED = [file('osx-64/torchfoo-0.5.0-py312_0.conda'), file('linux-64/torchfoo-0.5.0-py313_0.conda', ['dev'])];

function channels(stable: CondaFile[] = []): CondaState {
  return {
    tokens: { [TOKEN]: ['torchfoo', 'torchfoo-test'], [READER]: ['torchfoo-test'] },
    owners: {
      'torchfoo-test': {
        torchfoo: { '0.5.0': [...RELEASE, ...NOT_ASKED], '0.4.0': [file('linux-64/torchfoo-0.4.0-py310_0.conda')] },
      },
      torchfoo: {
        torchfoo: {
          '0.4.0': [file('linux-64/torchfoo-0.4.0-py310_0.conda')],
          ...(stable.length ? { '0.5.0': stable } : {}),
        },
      },
    },
  };
}

let server: CondaServer;
afterEach(async () => {
  await server.stop();
});

const promote = (inputs: Record<string, string> = {}) =>
  runActionMain('promote-conda', ACTION_DIR, main, {
    packages: 'torchfoo=0.5.0',
    'from-owner': 'torchfoo-test',
    'to-owner': 'torchfoo',
    'api-url': server.url,
    'anaconda-token': TOKEN,
    ...inputs,
  });
const copies = () => server.requests.filter((r) => r.method === 'POST');
const stable = () => server.state.owners['torchfoo']!['torchfoo']!['0.5.0'] ?? [];

test('a dry run (the default) plans one copy per file of the platforms asked for, and copies nothing', async () => {
  server = await startCondaServer(channels());
  const result = await promote();
  expect(result.error).toBeUndefined();
  expect(result.receipt!.plan!.operations.map((op) => [op.action, op.target])).toEqual(
    RELEASE.map((f) => ['create', `torchfoo/torchfoo/0.5.0/${f.basename}`]),
  );
  expect(result.outputs).toMatchObject({ copied: '0', skipped: '0' });
  expect(copies()).toHaveLength(0);
  expect(stable()).toEqual([]);
});

test('applied, every file is copied as `anaconda copy --to-owner` asks, and read back with its checksum', async () => {
  server = await startCondaServer(channels());
  const result = await promote({ 'dry-run': 'false' });
  expect(result.error).toBeUndefined();
  expect(result.outputs).toMatchObject({ copied: String(RELEASE.length), skipped: '0' });
  expect(stable().map((f) => [f.basename, f.sha256])).toEqual(RELEASE.map((f) => [f.basename, f.sha256]));
  expect(copies()[0]).toMatchObject({
    url: '/copy/package/torchfoo-test/torchfoo/0.5.0/linux-64/torchfoo-0.5.0-py310_0.conda',
    body: { to_owner: 'torchfoo', from_channel: 'main', to_channel: 'main' },
    authenticated: true,
  });
  for (const o of result.receipt!.outcomes) {
    const source = RELEASE.find((f) => o.target.endsWith(f.basename))!;
    expect(o).toMatchObject({ result: 'done', verified: { sha256: source.sha256, size: source.size } });
  }
});

test('a re-run skips every file already there with the same checksum and copies nothing', async () => {
  server = await startCondaServer(channels());
  await promote({ 'dry-run': 'false' });
  const before = copies().length;
  const again = await promote({ 'dry-run': 'false' });
  expect(again.error).toBeUndefined();
  expect(again.outputs).toMatchObject({ copied: '0', skipped: String(RELEASE.length) });
  expect(copies()).toHaveLength(before);
});

test('a run stopped half-way is finished by the next one, which copies only what is missing', async () => {
  server = await startCondaServer(channels(RELEASE.slice(0, 2)));
  const result = await promote({ 'dry-run': 'false' });
  expect(result.outputs).toMatchObject({ copied: String(RELEASE.length - 2), skipped: '2' });
  expect(stable()).toHaveLength(RELEASE.length);
});

test('a file at the destination with other bytes is a conflict that stops the run before any copy', async () => {
  const other = { ...file('win-64/torchfoo-0.5.0-py312_0.conda'), sha256: 'f'.repeat(64) };
  server = await startCondaServer(channels([other]));
  const result = await promote({ 'dry-run': 'false' });
  expect(result.error).toMatch(
    /^1 conflict\(s\), nothing was changed: torchfoo\/torchfoo\/0\.5\.0\/win-64\/torchfoo-0\.5\.0-py312_0\.conda \(already there with other bytes: sha256 f{64}/,
  );
  expect(copies()).toHaveLength(0);
});

test('a copy whose answer was lost (502 after the copy happened) is checked at the destination, not repeated', async () => {
  server = await startCondaServer(channels());
  server.injectFault({ method: 'POST', path: '/copy/', status: 502, lostResponse: true });
  const result = await promote({ 'dry-run': 'false' });
  expect(result.error).toBeUndefined();
  expect(copies()).toHaveLength(RELEASE.length);
  expect(stable()).toHaveLength(RELEASE.length);
});

test('a token that cannot write to the stable owner fails on the first copy, saying so', async () => {
  server = await startCondaServer(channels());
  const result = await promote({ 'dry-run': 'false', 'anaconda-token': READER });
  expect(result.error).toContain('anaconda.org answered 403 to POST /copy/package/torchfoo-test/torchfoo/0.5.0/');
  expect(result.error).toContain('you do not have write access to torchfoo');
  expect(stable()).toEqual([]);
});

test('a version with no files for the platforms asked for is an error, not a quiet success', async () => {
  server = await startCondaServer(channels());
  expect((await promote({ packages: 'torchfoo=0.6.0' })).error).toBe(
    'torchfoo-test/torchfoo/0.6.0 has no files on label main for linux-64, linux-aarch64, osx-arm64, win-64, noarch (no such release)',
  );
  expect((await promote({ platforms: 'linux-ppc64le' })).error).toBe(
    'torchfoo-test/torchfoo/0.5.0 has no files on label main for linux-ppc64le',
  );
});

test('bad inputs fail in one line naming the input, before any request', async () => {
  server = await startCondaServer(channels());
  expect((await promote({ platforms: 'linux 64' })).error).toBe(
    'input "platforms": "linux 64" is not a conda platform; expected e.g. linux-64, osx-arm64, win-64, noarch',
  );
  expect((await promote({ 'dry-run': 'false', 'anaconda-token': '' })).error).toBe(
    'input "anaconda-token" is empty; copying needs a token that can write to torchfoo',
  );
  expect((await promote({ 'to-owner': 'torchfoo-test' })).error).toBe(
    'inputs "from-owner" and "to-owner" are both torchfoo-test/main; nothing to promote',
  );
  expect(server.requests).toHaveLength(0);
});

test('the bundled dist/index.js promotes through INPUT_* variables', async () => {
  server = await startCondaServer(channels());
  const result = await runActionBundle(ACTION_DIR, {
    packages: 'torchfoo=0.5.0',
    'from-owner': 'torchfoo-test',
    'to-owner': 'torchfoo',
    'api-url': server.url,
    'anaconda-token': TOKEN,
    'dry-run': 'false',
  });
  expect(result.error).toBeUndefined();
  expect(result.exitCode).toBe(0);
  expect(result.outputs).toMatchObject({ copied: String(RELEASE.length), skipped: '0' });
  const logged = result.stdout!.split('\n').filter((l) => !l.startsWith('::add-mask::'));
  expect(logged.join('\n')).not.toContain(TOKEN);
});
