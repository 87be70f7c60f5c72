import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { postUpload } from '@release-actions/core/pypi/upload';
import { createS3Client, listAll } from '@release-actions/core/s3/client';
import { validateWheel } from '@release-actions/core/wheel/validate';
import { Digests } from '@release-actions/core/wheel/digests';
import { crc32 } from '@release-actions/core/wheel/zip-format';
import { runActionBundle, runActionMain, type ActionResult } from '@release-actions/testkit/action-run';
import { startPyPIServer, type PyPIServer } from '@release-actions/testkit/pypi/server';
import { startS3Server, type S3Server, type SeedObject } from '@release-actions/testkit/s3/index';
import { buildWheel, type BuiltWheel, type WheelSpec } from '@release-actions/testkit/wheels';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { main } from '../src/main.js';

process.env['AWS_ACCESS_KEY_ID'] = 'S3RVER';
process.env['AWS_SECRET_ACCESS_KEY'] = 'S3RVER';
delete process.env['AWS_PROFILE'];

const run = promisify(execFile);

/** `twine upload` of one file as a release engineer runs it: whether it succeeded, and what it printed. */
async function twine(uploadUrl: string, path: string, password = TOKEN): Promise<{ ok: boolean; output: string }> {
  const args = ['upload', '--non-interactive', '--disable-progress-bar', '--repository-url', uploadUrl];
  try {
    const r = await run('/usr/bin/twine', [...args, '-u', '__token__', '-p', password, path]);
    return { ok: true, output: `${r.stdout}${r.stderr}` };
  } catch (e) {
    const failed = e as { stdout: string; stderr: string };
    return { ok: false, output: `${failed.stdout}${failed.stderr}` };
  }
}
const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const TOKEN = 'pypi-AgEIcHlwaS5vcmctest-token';
const work = mkdtempSync(join(tmpdir(), 'promote-pypi-test-'));
const requiresDist = ['filelock', 'sympy>=1.13.1'];

// torch 2.6.0 for two Pythons: the variants a release bucket holds, of which four reach PyPI by
// today's practice (the default variants: Linux from cu130, Windows cpu, macOS without a label).
const BUILDS: Array<[sub: string, label: string, platform: string]> = [
  ['cu130', 'cu130', 'linux_x86_64'],
  ['cu126', 'cu126', 'linux_x86_64'],
  ['cpu', 'cpu', 'linux_x86_64'],
  ['cu130', 'cu130', 'manylinux_2_28_aarch64'],
  ['cpu', 'cpu', 'manylinux_2_28_aarch64'],
  ['cpu', 'cpu', 'win_amd64'],
  ['cu130', 'cu130', 'win_amd64'],
  ['', '', 'macosx_11_0_arm64'],
];
const PYTHONS = ['cp310', 'cp311'];

let s3server: S3Server;
let s3: S3Client;
let wheels: Array<BuiltWheel & { key: string }>;
let seed: SeedObject[];
let n = 0;

beforeAll(async () => {
  s3server = await startS3Server();
  s3 = createS3Client({ endpointUrl: s3server.endpoint });
  const dir = mkdtempSync(join(work, 'wheels-'));
  wheels = [];
  for (const [sub, label, platform] of BUILDS) {
    for (const py of PYTHONS) {
      const spec: WheelSpec = {
        name: 'torch',
        version: label ? `2.6.0+${label}` : '2.6.0',
        pythonTag: py,
        platform,
        requiresDist,
        requiresPython: '>=3.9.0',
        dir,
      };
      const w = await buildWheel(spec);
      wheels.push({ ...w, key: `whl/test/${sub ? `${sub}/` : ''}${w.filename}` });
    }
  }
  // Decoys that must never be chosen: a release candidate, another package, a nightly.
  const decoys = await Promise.all([
    buildWheel({ name: 'torch', version: '2.6.1+cu126', dir }),
    buildWheel({ name: 'torchvision', version: '2.6.0+cu126', dir }),
    buildWheel({ name: 'torch', version: '2.6.0.dev20250101+cu126', dir }),
  ]);
  seed = [
    ...wheels.map((w) => ({ key: w.key, body: readFileSync(w.path) })),
    ...decoys.map((d) => ({ key: `whl/test/cu126/${d.filename}`, body: readFileSync(d.path) })),
  ];
});

afterAll(async () => {
  s3.destroy();
  await s3server.stop();
});

interface Scenario {
  bucket: string;
  staging: string;
  pypi: PyPIServer;
}

async function scenario(opts: Parameters<typeof startPyPIServer>[0] = {}): Promise<Scenario> {
  const id = ++n;
  const bucket = `release-${id}`;
  const staging = `staging-${id}`;
  await s3server.seed(bucket, seed);
  await s3server.seed(staging, []);
  const pypi = await startPyPIServer({ tokens: [TOKEN], maxFileSize: 50 << 20, ...opts });
  return { bucket, staging, pypi };
}

function inputs(s: Scenario, extra: Record<string, string> = {}): Record<string, string> {
  return {
    packages: 'torch=2.6.0',
    bucket: s.bucket,
    'staging-bucket': s.staging,
    'endpoint-url': s3server.endpoint,
    'repository-url': s.pypi.uploadUrl,
    'index-url': s.pypi.url,
    'index-pair': `${new URL(s.pypi.url).host}=${new URL(s.pypi.uploadUrl).host}`,
    password: TOKEN,
    'platform-tags': 'linux_x86_64=manylinux_2_28_x86_64',
    'version-files': 'torch/version.py',
    'expect-requires-python': '>=3.9.0',
    'expect-requires-dist': 'filelock',
    ...extra,
  };
}

const publish = (s: Scenario, extra: Record<string, string> = {}) =>
  inputs(s, { 'dry-run': 'false', confirm: '2.6.0', ...extra });

async function promote(given: Record<string, string>): Promise<ActionResult> {
  return runActionMain('promote-pypi', actionDir, main, given);
}

const EXPECTED = PYTHONS.flatMap((py) => [
  `torch-2.6.0-${py}-${py}-manylinux_2_28_x86_64.whl`,
  `torch-2.6.0-${py}-${py}-manylinux_2_28_aarch64.whl`,
  `torch-2.6.0-${py}-${py}-win_amd64.whl`,
  `torch-2.6.0-${py}-${py}-macosx_11_0_arm64.whl`,
]).sort();

async function stagedKeys(s: Scenario): Promise<string[]> {
  return (await listAll(s3, s.staging, '')).map((o) => o.key).sort();
}

test('dry-run (the default) prints the plan and stages and uploads nothing', async () => {
  const s = await scenario();
  const r = await promote(inputs(s));
  expect(r.error).toBeUndefined();
  expect(r.outputs).toMatchObject({ staged: '0', uploaded: '0', skipped: '0' });
  expect(await stagedKeys(s)).toEqual([]);
  expect(s.pypi.uploads).toEqual([]);
  const chosen = r.receipt!.tables.find((t) => t.title.startsWith('Wheels chosen'))!;
  expect(chosen.header).toEqual([
    'package',
    'python',
    'linux_x86_64',
    'macosx_11_0_arm64',
    'manylinux_2_28_aarch64',
    'win_amd64',
  ]);
  expect(chosen.rows).toEqual([
    ['torch', 'cp310', 'cu130', '(no label)', 'cu130', 'cpu'],
    ['torch', 'cp311', 'cu130', '(no label)', 'cu130', 'cpu'],
  ]);
  expect(
    r
      .receipt!.plan!.operations.filter((o) => o.kind === 'upload-wheel')
      .map((o) => o.target.split(' ')[1])
      .sort(),
  ).toEqual(EXPECTED);
  expect(r.receipt!.plan!.operations.filter((o) => o.kind === 'stage-wheel').length).toBe(8);
  await s.pypi.stop();
});

test('publishing stages, validates and uploads one wheel per Python tag x platform; a re-run skips them all', async () => {
  const s = await scenario();
  const r = await promote(publish(s));
  expect(r.error).toBeUndefined();
  expect(r.outputs).toMatchObject({ staged: '8', uploaded: '8', skipped: '0' });
  expect(await stagedKeys(s)).toEqual(EXPECTED.map((f) => `torch-2.6.0-pypi-staging/${f}`));
  expect([...s.pypi.files.keys()].sort()).toEqual(EXPECTED);
  expect(s.pypi.uploads.every((u) => u.status === 200 && u.user === '__token__')).toBe(true);

  // What landed on the index installs and reports the public version.
  const file = s.pypi.files.get('torch-2.6.0-cp311-cp311-manylinux_2_28_x86_64.whl')!;
  const path = join(mkdtempSync(join(work, 'landed-')), file.filename);
  writeFileSync(path, file.content);
  expect((await validateWheel(path, { requiresPython: '>=3.9.0' })).problems).toEqual([]);
  const target = join(work, `site-${n}`);
  await run(
    '/usr/bin/python3',
    ['-m', 'pip', 'install', '--quiet', '--no-index', '--no-deps', '--target', target, path],
    { env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' } },
  );
  const { stdout } = await run('/usr/bin/python3', [
    '-c',
    'import sys, importlib.metadata as m; sys.path.insert(0, sys.argv[1]); import torch; print(m.version("torch"), torch.__version__)',
    target,
  ]);
  expect(stdout.trim()).toBe('2.6.0 2.6.0');
  expect(JSON.stringify(r.receipt)).not.toContain(TOKEN);

  const again = await promote(publish(s));
  expect(again.error).toBeUndefined();
  expect(again.outputs).toMatchObject({ staged: '0', uploaded: '0', skipped: '8' });
  expect(s.pypi.uploads.length).toBe(8);
  await s.pypi.stop();
});

test('staged wheels carry a CRC32 for S3 to check and are signed UNSIGNED-PAYLOAD, not hashed a second time', async () => {
  const s = await scenario();
  const start = s3server.requests.length;
  const r = await promote(inputs(s, { mode: 'stage', 'dry-run': 'false' }));
  expect(r.error).toBeUndefined();
  const requests = s3server.requests.slice(start).filter((q) => q.bucket === s.staging);
  const puts = requests.filter((q) => q.operation === 'PutObject');
  expect(puts.length).toBe(EXPECTED.length);
  for (const put of puts) {
    const body = await s3.send(new GetObjectCommand({ Bucket: s.staging, Key: put.key }));
    const bytes = Buffer.from(await body.Body!.transformToByteArray());
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(bytes));
    expect(put.headers['x-amz-checksum-crc32']).toBe(crc.toString('base64'));
    expect(put.headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
  }
  // Requests without a checksum keep their payload signed.
  const others = requests.filter((q) => q.operation !== 'PutObject');
  expect(others.length).toBeGreaterThan(0);
  expect(others.filter((q) => q.headers['x-amz-content-sha256'] === 'UNSIGNED-PAYLOAD')).toEqual([]);
  await s.pypi.stop();
});

test('a confirm that is not the published version refuses before anything is staged', async () => {
  const s = await scenario();
  const r = await promote(publish(s, { confirm: '2.6.1' }));
  expect(r.error).toMatch(
    /^input "confirm" must name the version of every package published \(2\.6\.0\); got "2\.6\.1"/,
  );
  expect(await stagedKeys(s)).toEqual([]);
  expect(s.pypi.uploads).toEqual([]);
  await s.pypi.stop();
});

test('a platform with no wheel of the chosen variant is refused before any staging or upload', async () => {
  const s = await scenario();
  const r = await promote(
    publish(s, { variants: 'linux_x86_64=cu126\nmanylinux_2_28_aarch64=cu126\nwin_arm64=cpu\nmacosx_*=' }),
  );
  expect(r.error).toBe(
    'input "variants": torch 2.6.0 has no wheel for "manylinux_2_28_aarch64=cu126" (variants there: cpu, cu130); torch 2.6.0 has no wheel for "win_arm64=cpu" (no wheel for that platform at all); nothing was staged or uploaded',
  );
  expect(await stagedKeys(s)).toEqual([]);
  expect(s.pypi.uploads).toEqual([]);
  await s.pypi.stop();
});

/** Puts extra torch 2.6.0 wheels of the given builds in a scenario's release bucket. */
async function addWheels(
  s: Scenario,
  builds: Array<[sub: string, label: string, platform: string, py: string, abi?: string]>,
) {
  const dir = mkdtempSync(join(work, 'extra-'));
  const keys: string[] = [];
  for (const [sub, label, platform, py, abi] of builds) {
    const w = await buildWheel({
      name: 'torch',
      version: label ? `2.6.0+${label}` : '2.6.0',
      pythonTag: py,
      abiTag: abi,
      platform,
      requiresDist,
      requiresPython: '>=3.9.0',
      dir,
    });
    const key = `whl/test/${sub ? `${sub}/` : ''}${w.filename}`;
    await s3.send(new PutObjectCommand({ Bucket: s.bucket, Key: key, Body: readFileSync(w.path) }));
    keys.push(key);
  }
  return keys;
}

test('Windows arm64 with its own Python set: refused without it, published with it', async () => {
  const s = await scenario();
  await addWheels(s, [['cpu', 'cpu', 'win_arm64', 'cp311']]);
  const defaults = '*linux*_x86_64=cu130\n*linux*_aarch64=cu130\nwin_amd64=cpu\nmacosx_*=';
  const strict = await promote(inputs(s, { variants: `${defaults}\nwin_arm64=cpu` }));
  expect(strict.error).toBe(
    'input "variants": torch 2.6.0 has no cp310 wheel for "win_arm64=cpu"; nothing was staged or uploaded',
  );
  const r = await promote(publish(s, { variants: `${defaults}\nwin_arm64=cpu python=cp311` }));
  expect(r.error).toBeUndefined();
  expect(r.outputs).toMatchObject({ staged: '9', uploaded: '9' });
  expect(s.pypi.files.has('torch-2.6.0-cp311-cp311-win_arm64.whl')).toBe(true);
  const chosen = r.receipt!.tables.find((t) => t.title.startsWith('Wheels chosen'))!;
  expect(chosen.rows.map((row) => row[chosen.header.indexOf('win_arm64')])).toEqual(['missing', 'cpu']);
  await s.pypi.stop();
});

test('exclude-python-tags leaves pre-release Pythons out of the selection, and the plan lists them', async () => {
  const s = await scenario();
  const prerelease = await addWheels(s, [
    ['cu130', 'cu130', 'linux_x86_64', 'cp315'],
    ['cu130', 'cu130', 'linux_x86_64', 'cp315', 'cp315t'],
  ]);
  const without = await promote(inputs(s));
  expect(without.error).toMatch(/has no cp315, cp315t wheel for "win_amd64=cpu"/);
  const r = await promote(inputs(s, { 'exclude-python-tags': 'cp315, cp315t' }));
  expect(r.error).toBeUndefined();
  const left = r.receipt!.tables.find((t) => t.title.startsWith('Wheels left out by exclude-python-tags'))!;
  expect(left.rows).toEqual([
    [prerelease[0], 'cp315'],
    [prerelease[1], 'cp315t'],
  ]);
  const uploads = r
    .receipt!.plan!.operations.filter((o) => o.kind === 'upload-wheel')
    .map((o) => o.target.split(' ')[1]);
  expect(uploads.sort()).toEqual(EXPECTED);
  expect(r.receipt!.notes.join('\n')).not.toMatch(/matched no wheel/);
  // cp315 alone leaves the free-threaded build out too; a misspelt tag is named, not ignored.
  const typo = await promote(inputs(s, { 'exclude-python-tags': 'cp315, cp351' }));
  expect(typo.error).toBeUndefined();
  expect(typo.receipt!.notes).toContain(
    'exclude-python-tags: cp351 matched no wheel of torch 2.6.0; check the spelling (cp315, cp315t)',
  );
  await s.pypi.stop();
});

test('classifiers PyPI would reject are removed in the rewrite, shown in the plan, and the wheel stays valid', async () => {
  const s = await scenario();
  const w = await buildWheel({
    name: 'torch',
    version: '2.6.0+cu130',
    pythonTag: 'cp311',
    platform: 'linux_x86_64',
    requiresDist,
    requiresPython: '>=3.9.0',
    classifiers: ['Programming Language :: Python :: 3.16', 'Natural Language :: Ukranian', 'Typing :: Typed'],
    dir: mkdtempSync(join(work, 'classifiers-')),
  });
  const bucket = `classifiers-${n}`;
  await s3server.seed(bucket, [{ key: `whl/test/cu130/${w.filename}`, body: readFileSync(w.path) }]);
  const given = inputs(s, { bucket, variants: 'linux_x86_64=cu130', mode: 'stage', 'version-files': '' });
  const plan = await promote(given);
  expect(plan.error).toBeUndefined();
  const removed = plan.receipt!.tables.find((t) => t.title.startsWith('Classifiers PyPI would reject'))!;
  expect(removed.rows).toEqual([
    [w.filename, 'Programming Language :: Python :: 3.16'],
    [w.filename, 'Natural Language :: Ukranian'],
  ]);
  expect(plan.receipt!.plan!.operations[0]!.reason).toMatch(
    /classifiers PyPI would reject removed: Programming Language :: Python :: 3\.16, Natural Language :: Ukranian$/,
  );
  expect(await stagedKeys(s)).toEqual([]);

  const r = await promote({ ...given, 'dry-run': 'false' });
  expect(r.error).toBeUndefined();
  const staged = 'torch-2.6.0-cp311-cp311-manylinux_2_28_x86_64.whl';
  const body = await s3.send(new GetObjectCommand({ Bucket: s.staging, Key: `torch-2.6.0-pypi-staging/${staged}` }));
  const dir = mkdtempSync(join(work, 'unpacked-'));
  const path = join(dir, staged);
  writeFileSync(path, Buffer.from(await body.Body!.transformToByteArray()));
  await run('/usr/bin/python3', ['-m', 'wheel', 'unpack', '--dest', dir, path]);
  const metadata = readFileSync(join(dir, 'torch-2.6.0', 'torch-2.6.0.dist-info', 'METADATA'), 'utf8');
  expect(metadata.match(/^Classifier: .*$/gm)).toEqual([
    'Classifier: Development Status :: 5 - Production/Stable',
    'Classifier: Programming Language :: Python :: 3',
    'Classifier: Typing :: Typed',
  ]);
  await run(
    '/usr/bin/python3',
    ['-m', 'pip', 'install', '--quiet', '--no-index', '--no-deps', '--target', join(dir, 'site'), path],
    { env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' } },
  );
  expect((await validateWheel(path, { requiresPython: '>=3.9.0' })).problems).toEqual([]);

  // PyPI (the stand-in, as Warehouse does) refuses such classifiers, and takes the staged wheel
  const unstripped = await buildWheel({
    name: 'torch',
    version: '2.6.0',
    classifiers: ['Programming Language :: Python :: 3.16'],
    dir: mkdtempSync(join(work, 'classifiers-')),
  });
  expect((await twine(s.pypi.uploadUrl, unstripped.path)).output).toMatch(
    /400 Bad Request[\s\S]*Invalid value for classifiers\.\s+Error:\s+'Programming\s+Language\s+::\s+Python\s+::\s+3\.16'/,
  );
  const published = await promote({ ...given, mode: 'publish', 'dry-run': 'false', confirm: '2.6.0' });
  expect(published.error).toBeUndefined();
  expect(published.outputs['uploaded']).toBe('1');
  expect([...s.pypi.files.keys()]).toEqual([staged]);
  await s.pypi.stop();
});

test('a version-files path that no chosen wheel contains is refused before any staging or upload', async () => {
  const s = await scenario();
  const r = await promote(publish(s, { 'version-files': 'torch/version.py\ntorch/versoin.py' }));
  expect(r.error).toBe(
    `input "version-files": "torch/versoin.py" matches no file in any of the ${EXPECTED.length} wheel(s) chosen; nothing was staged or uploaded`,
  );
  expect(await stagedKeys(s)).toEqual([]);
  expect(s.pypi.uploads).toEqual([]);
  await s.pypi.stop();
});

test('a file already on the index with different content stops the run before any upload', async () => {
  const s = await scenario();
  s.pypi.addFile('torch-2.6.0-cp310-cp310-win_amd64.whl', Buffer.from('an older, different upload'));
  const r = await promote(publish(s));
  expect(r.error).toMatch(
    /^nothing was uploaded: torch-2\.6\.0-cp310-cp310-win_amd64\.whl: the index holds a different file under this name .*can never be reused$/,
  );
  expect(s.pypi.uploads).toEqual([]);
  await s.pypi.stop();
});

test('an interrupted publication is finished by a re-run that uploads only what is missing', async () => {
  const s = await scenario();
  // The connection drops from the fourth upload on, as when a runner loses the network.
  s.pypi.injectUpload = ({ count }) => (count >= 4 ? { status: 0, drop: true } : undefined);
  const first = await promote(publish(s));
  expect(first.error).toMatch(/socket hang up|ECONNRESET|other side closed/);
  expect(s.pypi.files.size).toBe(3);
  const landed = [...s.pypi.files.keys()];
  s.pypi.injectUpload = undefined;
  const second = await promote(publish(s));
  expect(second.error).toBeUndefined();
  expect(second.outputs).toMatchObject({ staged: '0', uploaded: '5', skipped: '3' });
  expect([...s.pypi.files.keys()].sort()).toEqual(EXPECTED);
  expect(s.pypi.uploads.filter((u) => u.status === 200 && landed.includes(u.filename!)).length).toBe(3);
  await s.pypi.stop();
});

const FILE_EXISTS = (filename: string) =>
  `File already exists ('${filename}', with blake2_256 hash '0'). See https://pypi.org/help/#file-name-reuse for more information.`;

test('an upload that landed but whose response was lost, retried into "File already exists", is done when the index has its sha256', async () => {
  const s = await scenario();
  const first = EXPECTED[0]!;
  // The first upload is stored but its response is lost; the JSON API is stale once (as behind a CDN),
  // so the retry is sent and answered "File already exists".
  s.pypi.injectUpload = ({ count }) =>
    count === 1
      ? { status: 0, drop: true, afterStoring: true }
      : count === 2
        ? { status: 400, message: FILE_EXISTS(first) }
        : undefined;
  s.pypi.injectRequest = ({ path, count }) =>
    path.endsWith('/json') && count === 2 ? { status: 404, message: 'Not Found' } : undefined;
  const r = await promote(publish(s));
  expect(r.error).toBeUndefined();
  expect(r.outputs).toMatchObject({ uploaded: '8', skipped: '0' });
  expect(s.pypi.uploads.slice(0, 2).map((u) => [u.filename, u.status])).toEqual([
    [first, 0],
    [first, 400],
  ]);
  const outcome = r.receipt!.outcomes.find((o) => o.id === `upload ${first}`)!;
  expect(outcome.result).toBe('done');
  expect(outcome.verified).toMatchObject({
    sha256: s.pypi.files.get(first)!.sha256,
    landed: expect.stringMatching(/^by an earlier attempt whose response was lost/),
  });
  await s.pypi.stop();
});

test('"File already exists" for a file with another sha256 is a conflict that stops the run', async () => {
  const s = await scenario();
  const taken = EXPECTED[0]!;
  // The JSON API is stale while planning; the name was taken meanwhile by other bytes.
  s.pypi.injectRequest = ({ path, count }) =>
    path.endsWith('/json') && count === 1 ? { status: 404, message: 'Not Found' } : undefined;
  s.pypi.addFile(taken, Buffer.from('an upload from somewhere else'));
  const r = await promote(publish(s));
  expect(r.error).toMatch(
    new RegExp(
      `^${taken.replace(/\./g, '\\.')} appeared on the index with a different sha256 \\([0-9a-f]{64}\\); stopping$`,
    ),
  );
  expect(s.pypi.uploads.map((u) => [u.filename, u.status])).toEqual([[taken, 400]]);
  expect(s.pypi.files.get(taken)!.content.toString()).toBe('an upload from somewhere else');
  await s.pypi.stop();
});

test('an oversize wheel is refused at staging and nothing is uploaded', async () => {
  const s = await scenario();
  const r = await promote(publish(s, { 'max-file-size': '50 kB' }));
  expect(r.error).toMatch(
    /^torch-2\.6\.0-cp31\d-cp31\d-[a-z0-9_]+\.whl is \d+ bytes, more than max-file-size \(50000 bytes\)$/,
  );
  expect(s.pypi.uploads).toEqual([]);
  await s.pypi.stop();
});

/** Stages the release, then puts a wheel built from `spec` in place of its Windows cp311 wheel. */
async function stagedWithReplacement(spec: Partial<WheelSpec>): Promise<Scenario> {
  const s = await scenario();
  expect((await promote(inputs(s, { mode: 'stage', 'dry-run': 'false' }))).outputs['staged']).toBe('8');
  const w = await buildWheel({
    name: 'torch',
    version: '2.6.0',
    pythonTag: 'cp311',
    platform: 'win_amd64',
    requiresDist,
    requiresPython: '>=3.9.0',
    dir: mkdtempSync(join(work, 'replaced-')),
    ...spec,
  });
  await s3.send(
    new PutObjectCommand({
      Bucket: s.staging,
      Key: `torch-2.6.0-pypi-staging/${w.filename}`,
      Body: readFileSync(w.path),
    }),
  );
  return s;
}

test('a staged wheel with a bad RECORD is caught by validation before the first upload', async () => {
  const s = await stagedWithReplacement({
    corruptRecord: (rows) => rows.map((row) => (row.path === 'torch/version.py' ? { ...row, size: '1' } : row)),
  });
  const r = await promote(publish(s, { mode: 'publish' }));
  expect(r.error).toMatch(
    /^nothing was uploaded; 1 staged wheel\(s\) failed validation: torch-2\.6\.0-cp311-cp311-win_amd64\.whl: RECORD check failed for 1 file\(s\): torch\/version\.py \(size \d+, RECORD says 1\)/,
  );
  expect(s.pypi.uploads).toEqual([]);
  await s.pypi.stop();
});

test('a staged wheel naming a classifier PyPI refuses (staged before the list changed) is caught before the first upload', async () => {
  const s = await stagedWithReplacement({ classifiers: ['Programming Language :: Python :: 3.99', 'Typing :: Typed'] });
  const r = await promote(publish(s, { mode: 'publish' }));
  expect(r.error).toBe(
    'nothing was uploaded; 1 staged wheel(s) failed validation: torch-2.6.0-cp311-cp311-win_amd64.whl: classifiers PyPI would refuse: "Programming Language :: Python :: 3.99"',
  );
  expect(s.pypi.uploads).toEqual([]);
  await s.pypi.stop();
});

test('the uploader sends the same form fields and digests as twine', async () => {
  const [a, b] = await Promise.all([startPyPIServer({ tokens: [TOKEN] }), startPyPIServer({ tokens: [TOKEN] })]);
  const w = await buildWheel({
    name: 'torch',
    version: '2.6.0',
    requiresDist,
    requiresPython: '>=3.9.0',
    dir: mkdtempSync(join(work, 'twine-')),
  });
  expect((await twine(a.uploadUrl, w.path)).ok).toBe(true);
  const v = await validateWheel(w.path);
  const d = new Digests();
  d.update(readFileSync(w.path));
  const res = await postUpload(
    b.uploadUrl,
    { username: '__token__', password: TOKEN },
    { path: w.path, filename: w.filename, pythonTag: 'cp311', metadata: v.metadata!, digests: d.digest() },
  );
  expect(res.status).toBe(200);
  const [theirs, ours] = [a.uploads[0]!, b.uploads[0]!];
  expect(Object.entries(ours.fields)).toEqual(Object.entries(theirs.fields));
  expect([ours.filename, ours.contentType, ours.sha256, ours.size]).toEqual([
    theirs.filename,
    theirs.contentType,
    theirs.sha256,
    theirs.size,
  ]);
  expect(ours.fields['blake2_256_digest']).toEqual(theirs.fields['blake2_256_digest']);
  await Promise.all([a.stop(), b.stop()]);
});

test('the local index answers a reused file name like PyPI: 400 File already exists', async () => {
  const s = await startPyPIServer({ tokens: [TOKEN] });
  const w = await buildWheel({ name: 'torch', version: '2.6.0', dir: mkdtempSync(join(work, 'dup-')) });
  s.addFile(w.filename, Buffer.from('different bytes'));
  expect((await twine(s.uploadUrl, w.path)).output).toMatch(
    /400 Bad Request[\s\S]*File already exists \('torch-2\.6\.0-cp311-cp311-linux_x86_64\.whl'/,
  );
  expect((await twine(s.uploadUrl, w.path, 'wrong')).output).toMatch(/403/);

  // A response lost after the file was stored: twine sees the connection drop, the file is there,
  // and sending the same file again is accepted, as Warehouse accepts an identical re-upload.
  const other = await buildWheel({
    name: 'torch',
    version: '2.6.0',
    platform: 'win_amd64',
    dir: mkdtempSync(join(work, 'dup-')),
  });
  s.injectUpload = ({ filename }) =>
    filename === other.filename && !s.files.has(filename) ? { status: 0, drop: true, afterStoring: true } : undefined;
  expect((await twine(s.uploadUrl, other.path)).output).toMatch(/RemoteDisconnected/);
  expect(s.files.get(other.filename)?.sha256).toBe(other.sha256);
  expect((await twine(s.uploadUrl, other.path)).ok).toBe(true);
  expect(s.uploads.map((u) => u.status)).toEqual([400, 403, 0, 200]);
  await s.stop();
});

describe('Trusted Publishing', () => {
  const saved = { ...process.env };
  afterEach(() => {
    delete process.env['ACTIONS_ID_TOKEN_REQUEST_URL'];
    delete process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
    Object.assign(process.env, saved);
  });

  test('without a password, an upload token is minted from the runner OIDC token', async () => {
    const s = await scenario({ tokens: [] });
    process.env['ACTIONS_ID_TOKEN_REQUEST_URL'] = s.pypi.idTokenRequestUrl;
    process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] = s.pypi.idTokenRequestToken;
    const r = await promote(publish(s, { password: '' }));
    expect(r.error).toBeUndefined();
    expect(r.outputs['uploaded']).toBe('8');
    expect(s.pypi.mintedTokens.length).toBe(1);
    expect(JSON.stringify(r.receipt)).not.toContain(s.pypi.mintedTokens[0]);
    await s.pypi.stop();
  });

  test('an upload host that is not the index one is refused before a token is minted or a file sent', async () => {
    const s = await scenario({ tokens: [] });
    const elsewhere = await startPyPIServer({ tokens: [] });
    process.env['ACTIONS_ID_TOKEN_REQUEST_URL'] = s.pypi.idTokenRequestUrl;
    process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] = s.pypi.idTokenRequestToken;
    const [index, upload] = [new URL(s.pypi.url).host, new URL(elsewhere.url).host];
    const r = await promote(publish(s, { password: '', 'repository-url': elsewhere.uploadUrl }));
    expect(r.error).toBe(
      `inputs "index-url" (${index}) and "repository-url" (${upload}) are not the pair "index-pair" names (${index} with ${index})`,
    );
    const unnamed = await promote(
      publish(s, { password: '', 'repository-url': elsewhere.uploadUrl, 'index-pair': '' }),
    );
    expect(unnamed.error).toMatch(
      new RegExp(
        `^inputs "index-url" \\(${index}\\) and "repository-url" \\(${upload}\\) do not belong together: the known pairs are pypi\\.org with upload\\.pypi\\.org, test\\.pypi\\.org with itself, a loopback host with itself; name another pair with "index-pair"`,
      ),
    );
    expect(s.pypi.issuedIdTokens.size + s.pypi.mintedTokens.length).toBe(0);
    expect([...s.pypi.uploads, ...elsewhere.uploads]).toEqual([]);
    expect(await stagedKeys(s)).toEqual([]);
    await Promise.all([s.pypi.stop(), elsewhere.stop()]);
  });

  test('without a password or an OIDC token, the error explains the top-level workflow requirement', async () => {
    const s = await scenario({ tokens: [] });
    const r = await promote(publish(s, { password: '' }));
    expect(r.error).toMatch(
      /no "password" was given and no OIDC token is available\. .*id-token: write.*top-level job.*not work from inside a reusable workflow/,
    );
    expect(s.pypi.uploads).toEqual([]);
    await s.pypi.stop();
  });
});

test('the bundled dist/index.js publishes through INPUT_* variables and writes its outputs', async () => {
  const s = await scenario();
  const r = await runActionBundle(
    actionDir,
    publish(s),
    {},
    { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' },
  );
  expect(r.error).toBeUndefined();
  expect(r.exitCode).toBe(0);
  expect(r.outputs).toMatchObject({ staged: '8', uploaded: '8', skipped: '0' });
  // The token appears only in the command that tells the runner to mask it.
  expect(
    r
      .stdout!.split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n'),
  ).not.toContain(TOKEN);
  expect(JSON.parse(readFileSync(r.outputs['report']!, 'utf8'))).toMatchObject({
    action: 'promote-pypi',
    status: 'success',
    dryRun: false,
  });
  await s.pypi.stop();
});

test('bad inputs fail with one line naming the input, before anything is staged or uploaded', async () => {
  const s = await scenario();
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ packages: '2.6.0' }, /^input "packages" expects name=version pairs/],
    [{ mode: 'upload' }, /^input "mode" must be one of stage, publish, both, got "upload"$/],
    [{ variants: 'linux_x86_64=+cu.126!' }, /^input "variants": "cu\.126!" is not a local version label/],
    [{ variants: 'win_arm64=cpu python=cp313-cp311' }, /^input "variants": "python=cp313-cp311" should be a range/],
    [
      { 'exclude-python-tags': '3.15' },
      /^input "exclude-python-tags" expects Python tags such as cp315, cp315t; got "3\.15"$/,
    ],
    [
      { 'repository-url': 'https://__token__:secret@upload.pypi.org/legacy/' },
      /^input "repository-url" must not contain credentials$/,
    ],
    [
      { 'index-url': 'http://pypi.org/', 'index-pair': '' },
      /^input "index-url" must be an https URL \(http only on loopback\), got "http:\/\/pypi\.org\/"$/,
    ],
    [{ 'max-file-size': 'huge' }, /^input "max-file-size" must be a size such as 1000 MB or 5 GiB, got "huge"$/],
    [{ 'staging-prefix': '{tag}/' }, /^input "staging-prefix": unknown placeholder \{tag\}/],
  ];
  for (const [extra, message] of cases) {
    const r = await promote(publish(s, extra));
    expect(r.error).toMatch(message);
    expect(r.error).not.toContain('\n');
  }
  expect(await stagedKeys(s)).toEqual([]);
  expect(s.pypi.uploads).toEqual([]);
  await s.pypi.stop();
});
