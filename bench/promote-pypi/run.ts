/**
 * Benchmark: staging a PyPI wheel with promote-pypi against the two ways it is done today.
 *
 *   npx tsx bench/promote-pypi/run.ts [--mib 1024] [--runs 1] [--action-only]
 *
 * One local S3 server (testkit, s3rver, in a process of its own, its store in /dev/shm when there is
 * one) holds a `--mib`-sized wheel `torch-2.6.0+cu126-cp311-cp311-linux_x86_64.whl` (a realistic
 * package plus incompressible native-library-like entries). Each way
 * stages it for PyPI, S3 transfers included, in the same run, one after the other:
 *   - promote-pypi: the bundled action (dist/index.js) as a child process, mode `stage`, dry-run
 *     false: download, streaming rewrite (raw entry copy), validation, upload to the staging prefix;
 *   - shell: download, `unzip`, `sed` on METADATA / WHEEL / version.py, rename the .dist-info folder,
 *     RECORD regenerated with sha256sum + base64, `zip -qr9`, upload;
 *   - Python: download, `python3 -m wheel unpack`, the same edits, `python3 -m wheel pack`, upload.
 * The baselines' transfers use the AWS SDK for JavaScript (the same client the action uses), so the
 * comparison is of the rewrite, not of two S3 clients. All three produce the same PyPI file name, with
 * the local version stripped and linux_x86_64 renamed to manylinux_2_28_x86_64.
 * Printed: wall time of each step, the ratios, and the action's peak RSS; with --runs, each run and
 * the medians.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { downloadObject, uploadFile } from '../../actions/promote-pypi/src/s3-objects.js';
import { createS3Client } from '../../packages/core/src/s3/client.js';
import { validateWheel } from '../../packages/core/src/wheel/validate.js';
import { buildWheel } from '../../packages/testkit/src/wheels.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const MIB = arg('mib', 1024);
// --action-only skips the baselines (for profiling the action alone).
const ACTION_ONLY = process.argv.includes('--action-only');
const RUNS = arg('runs', 1);
const CREDS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' };
Object.assign(process.env, CREDS);
const BUCKETS = 'pytorch,staging-action,staging-shell,staging-python';
const SOURCE = 'torch-2.6.0+cu126-cp311-cp311-linux_x86_64.whl';
const TARGET = 'torch-2.6.0-cp311-cp311-manylinux_2_28_x86_64.whl';
const log = (s: string): void => console.log(s);

function sh(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  cwd?: string,
): Promise<{ stdout: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) =>
      code === 0
        ? resolvePromise({ stdout })
        : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr}${stdout}`.slice(0, 3000))),
    );
  });
}

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t = process.hrtime.bigint();
  const r = await f();
  return [Number(process.hrtime.bigint() - t) / 1e9, r];
}

const SHELL_REWRITE = String.raw`
set -eu
src="$1"; out="$2"; work="$3"
mkdir -p "$work/w" && cd "$work/w"
unzip -q "$src"
info=torch-2.6.0+cu126.dist-info
sed -i 's/^Version: 2\.6\.0+cu126$/Version: 2.6.0/' "$info/METADATA"
sed -i 's/-linux_x86_64$/-manylinux_2_28_x86_64/' "$info/WHEEL"
sed -i "s/2\.6\.0+cu126/2.6.0/g" torch/version.py
mv "$info" torch-2.6.0.dist-info
mv torch-2.6.0+cu126.data torch-2.6.0.data
record=torch-2.6.0.dist-info/RECORD
: > "$work/RECORD.new"
find . -type f ! -path "./$record" | sed 's|^\./||' | sort | while read -r f; do
  h=$(openssl dgst -sha256 -binary "$f" | base64 -w0 | tr '+/' '-_' | tr -d '=')
  echo "$f,sha256=$h,$(stat -c %s "$f")" >> "$work/RECORD.new"
done
echo "$record,," >> "$work/RECORD.new"
mv "$work/RECORD.new" "$record"
zip -qr9 "$out" .
`;

/**
 * The S3 stand-in in a process of its own, as a store is: in this one it would share a heap with the
 * wheel just built, and every collection of that heap would stall its transfers.
 */
async function startServerProcess(store: string): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'packages/testkit/src/bin.ts'), 's3', '--directory', store, '--buckets', BUCKETS],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const endpoint = await new Promise<string>((resolveEndpoint, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /S3 endpoint: (\S+)/.exec(out);
      if (m) resolveEndpoint(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`the S3 stand-in exited with code ${code}: ${out}`)));
  });
  const stop = (): Promise<void> =>
    new Promise((resolveStop) => {
      child.once('exit', () => resolveStop());
      child.kill('SIGTERM');
    });
  return { endpoint, stop };
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'bench-promote-pypi-'));
  // The stand-in's store is in memory when the machine has a tmpfs, as a remote store is not on the
  // runner's disk; every way's own work (download, unpack, pack) stays in \`work\` on disk.
  const store = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'bench-promote-pypi-store-'));
  const server = await startServerProcess(store);
  const s3 = createS3Client({ endpointUrl: server.endpoint });
  try {
    log(`building a ${MIB} MiB wheel...`);
    const wheel = await buildWheel({
      name: 'torch',
      version: '2.6.0+cu126',
      pythonTag: 'cp311',
      platform: 'linux_x86_64',
      requiresDist: ['filelock', 'sympy>=1.13.1'],
      requiresPython: '>=3.9.0',
      extraBytes: MIB * 1024 * 1024,
      dir: work,
    });
    await uploadFile(s3, 'pytorch', `whl/test/cu126/${SOURCE}`, wheel.path);
    rmSync(wheel.path);
    log(`source: s3://pytorch/whl/test/cu126/${SOURCE} (${(wheel.size / 2 ** 20).toFixed(0)} MiB)`);

    // promote-pypi, the bundled action.
    const rssFile = join(work, 'rss.json');
    const preload = join(work, 'rss.mjs');
    writeFileSync(
      preload,
      `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(${JSON.stringify(rssFile)}, JSON.stringify({ maxRSS: process.resourceUsage().maxRSS })));\n`,
    );
    const output = join(work, 'action-output');
    // Each run stages under its own prefix: a second run into the same one would rightly skip.
    const runAction = async (run: number): Promise<{ seconds: number; rssMiB: number }> => {
      writeFileSync(output, '');
      const env: NodeJS.ProcessEnv = {
        PATH: process.env['PATH'],
        HOME: process.env['HOME'],
        ...CREDS,
        TMPDIR: work,
        GITHUB_OUTPUT: output,
        RELEASE_ACTIONS_REPORT_DIR: join(work, 'reports'),
        INPUT_PACKAGES: 'torch=2.6.0',
        INPUT_BUCKET: 'pytorch',
        'INPUT_SOURCE-PREFIX': 'whl/test/',
        INPUT_VARIANTS: 'linux_x86_64=cu126',
        'INPUT_PLATFORM-TAGS': 'linux_x86_64=manylinux_2_28_x86_64',
        'INPUT_VERSION-FILES': 'torch/version.py',
        'INPUT_STAGING-BUCKET': 'staging-action',
        'INPUT_STAGING-PREFIX': `run-${run}/torch-2.6.0-pypi-staging/`,
        INPUT_MODE: 'stage',
        'INPUT_DRY-RUN': 'false',
        'INPUT_MAX-FILE-SIZE': '5 GiB',
        'INPUT_ENDPOINT-URL': server.endpoint,
      };
      const [seconds] = await timed(() =>
        sh(process.execPath, ['--import', preload, join(root, 'actions/promote-pypi/dist/index.js')], env),
      );
      const staged = readFileSync(output, 'utf8');
      if (!/staged<<[^\n]+\n1\n/.test(staged)) throw new Error(`the action staged nothing:\n${staged}`);
      const rssMiB = (JSON.parse(readFileSync(rssFile, 'utf8')) as { maxRSS: number }).maxRSS / 1024;
      return { seconds, rssMiB };
    };

    const download = (path: string): Promise<void> => downloadObject(s3, 'pytorch', `whl/test/cu126/${SOURCE}`, path);
    const upload = (bucket: string, path: string): Promise<void> =>
      uploadFile(s3, bucket, `torch-2.6.0-pypi-staging/${TARGET}`, path);

    const baseline = async (name: string, rewrite: (src: string, out: string, dir: string) => Promise<unknown>) => {
      const dir = join(work, name);
      mkdirSync(dir);
      const src = join(dir, SOURCE);
      const out = join(dir, 'out', TARGET);
      mkdirSync(dirname(out));
      const [down] = await timed(() => download(src));
      const [edit] = await timed(() => rewrite(src, out, dir));
      const [up] = await timed(() => upload(`staging-${name}`, out));
      const v = await validateWheel(out);
      if (v.problems.length) throw new Error(`${name} produced an invalid wheel: ${v.problems.join('; ')}`);
      rmSync(dir, { recursive: true, force: true });
      return { down, edit, up, total: down + edit + up };
    };
    const shellWay = () =>
      baseline('shell', (src, out, dir) => sh('bash', ['-c', SHELL_REWRITE, 'rewrite', src, out, dir]));
    const pythonWay = () =>
      baseline('python', async (src, out, dir) => {
        await sh('/usr/bin/python3', ['-m', 'wheel', 'unpack', '-d', join(dir, 'u'), src]);
        const w = join(dir, 'u', 'torch-2.6.0+cu126');
        await sh('bash', [
          '-c',
          String.raw`set -eu; cd "$1"; i=torch-2.6.0+cu126.dist-info
sed -i 's/^Version: 2\.6\.0+cu126$/Version: 2.6.0/' $i/METADATA
sed -i 's/-linux_x86_64$/-manylinux_2_28_x86_64/' $i/WHEEL
sed -i "s/2\.6\.0+cu126/2.6.0/g" torch/version.py
mv $i torch-2.6.0.dist-info; mv torch-2.6.0+cu126.data torch-2.6.0.data`,
          'edit',
          w,
        ]);
        await sh('/usr/bin/python3', ['-m', 'wheel', 'pack', '-d', dirname(out), w]);
      });

    const f = (s: number): string => `${s.toFixed(1)} s`;
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const actions: Array<{ seconds: number; rssMiB: number }> = [];
    const shells: Array<Awaited<ReturnType<typeof shellWay>>> = [];
    const pythons: Array<Awaited<ReturnType<typeof pythonWay>>> = [];
    // Each way starts with the page cache written back, so none pays for the last one's writes.
    const settle = (): Promise<unknown> => sh('sync', []);
    for (let run = 1; run <= RUNS; run++) {
      await settle();
      const a = await runAction(run);
      actions.push(a);
      if (ACTION_ONLY) {
        log(`run ${run}: promote-pypi (dist/index.js) ${f(a.seconds)}, peak RSS ${a.rssMiB.toFixed(0)} MiB`);
        continue;
      }
      await settle();
      const shell = await shellWay();
      await settle();
      const python = await pythonWay();
      shells.push(shell);
      pythons.push(python);
      log('');
      log(`run ${run}: staging one ${MIB} MiB wheel (download + rewrite + upload to staging), local S3 server:`);
      log(`  promote-pypi (dist/index.js)        ${f(a.seconds)}   peak RSS ${a.rssMiB.toFixed(0)} MiB`);
      log(
        `  shell: unzip, sed, RECORD, zip -9   ${f(shell.total)}   (download ${f(shell.down)}, rewrite ${f(shell.edit)}, upload ${f(shell.up)})`,
      );
      log(
        `  python3 -m wheel unpack/pack        ${f(python.total)}   (download ${f(python.down)}, rewrite ${f(python.edit)}, upload ${f(python.up)})`,
      );
      log(
        `  ratios: ${(shell.total / a.seconds).toFixed(1)}x faster than the shell way, ${(python.total / a.seconds).toFixed(1)}x faster than wheel pack`,
      );
    }
    if (ACTION_ONLY) return;
    const action = median(actions.map((a) => a.seconds));
    const shell = median(shells.map((x) => x.total));
    const python = median(pythons.map((x) => x.total));
    const rssMiB = Math.max(...actions.map((a) => a.rssMiB));
    log('');
    log(
      `median of ${RUNS}: promote-pypi ${f(action)}, shell ${f(shell)} (${(shell / action).toFixed(1)}x), wheel pack ${f(python)} (${(python / action).toFixed(1)}x); peak RSS ${rssMiB.toFixed(0)} MiB`,
    );
    const ok = shell / action >= 5 && python / action >= 3 && rssMiB < 256;
    log(`target (>= 5x shell, >= 3x wheel pack, RSS < 256 MiB): ${ok ? 'met' : 'NOT met'}`);
  } finally {
    s3.destroy();
    await server.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(store, { recursive: true, force: true });
  }
}

await main();
