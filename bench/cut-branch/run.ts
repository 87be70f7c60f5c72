/**
 * Benchmark: cut-branch against the shell script's way on a pytorch-sized repository.
 *
 *   npx tsx bench/cut-branch/run.ts [--commits 100000] [--files 50000] [--runs 3]
 *
 * Both cut release/2.6 + orig/release/2.6 from viable/strict with the test-infra pins and the xla
 * pin, each pushing to its own copy of the remote, in the same run:
 *   - cut-branch: the bundled action (dist/index.js), dry-run false;
 *   - script: `git clone`, `git checkout -b`, edit, `git commit`, `git push` (cut-release-branch.sh).
 * Bytes received are counted on the server side: every pack upload-pack sends goes through an
 * `uploadpack.packObjectsHook` that counts its bytes (lazy fetches included).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inputEnv } from '../../packages/testkit/src/action-run.js';
import { releaseEdits } from '../../packages/core/src/release/pins.js';
import { generateBigRepo } from './generate.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const opts = {
  commits: arg('commits', 100_000),
  files: arg('files', 50_000),
  fileBytes: arg('file-bytes', 2500),
  changeBytes: arg('change-bytes', 400),
};
const runs = arg('runs', 3);
const scriptRuns = arg('script-runs', 1);

const MiB = 1024 * 1024;
const fmtBytes = (n: number): string => (n >= MiB ? `${(n / MiB).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function dirSize(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? dirSize(p) : statSync(p).size;
  }
  return total;
}

const cacheDir = join(root, 'bench', '.cache', 'cut-branch');
const cached = join(cacheDir, `pytorch-v3-${opts.commits}x${opts.files}-${opts.fileBytes}-${opts.changeBytes}.git`);
mkdirSync(cacheDir, { recursive: true });
if (!existsSync(join(cached, 'bench-complete'))) {
  console.log(`generating ${opts.commits} commits x ${opts.files} files (once; cached in ${cached})`);
  const t = performance.now();
  await generateBigRepo(cached, opts);
  console.log(`  generated in ${((performance.now() - t) / 1000).toFixed(0)} s`);
}
const packBytes = readdirSync(join(cached, 'objects', 'pack'))
  .filter((f) => f.endsWith('.pack'))
  .reduce((n, f) => n + statSync(join(cached, 'objects', 'pack', f)).size, 0);
const commitCount = execFileSync('git', ['rev-list', '--count', 'main'], { cwd: cached, encoding: 'utf8' }).trim();
const fileCount =
  execFileSync('git', ['ls-tree', '-r', '--name-only', 'main'], {
    cwd: cached,
    encoding: 'utf8',
    maxBuffer: 64 * MiB,
  }).split('\n').length - 1;
console.log(`repository: ${commitCount} commits, ${fileCount} files, ${fmtBytes(packBytes)} packed`);

const work = mkdtempSync(join(tmpdir(), 'bench-cut-branch-'));
const counter = join(work, 'pack-bytes.log');
const hook = join(work, 'count-pack.sh');
writeFileSync(
  hook,
  '#!/usr/bin/env bash\n"$@" | tee >(wc -c >> "$BENCH_PACK_LOG")\nstatus=${PIPESTATUS[0]}\nwait $! 2>/dev/null\nexit $status\n',
);
chmodSync(hook, 0o755);
// packObjectsHook is only read from protected (global/system) config, so a private global config carries it.
const globalConfig = join(work, 'gitconfig');
writeFileSync(
  globalConfig,
  `[uploadpack]\n\tpackObjectsHook = ${hook}\n[user]\n\tname = Bench\n\temail = bench@example.com\n[advice]\n\tdetachedHead = false\n`,
);
const env: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_CONFIG_GLOBAL: globalConfig,
  GIT_CONFIG_NOSYSTEM: '1',
  BENCH_PACK_LOG: counter,
};
delete env['NODE_OPTIONS'];

function received(): number {
  if (!existsSync(counter)) return 0;
  const total = readFileSync(counter, 'utf8')
    .split('\n')
    .filter(Boolean)
    .reduce((n, l) => n + Number(l.trim()), 0);
  rmSync(counter);
  return total;
}

/** A copy of the remote to push to (hard links: git never rewrites a pack in place). */
function copyRemote(name: string): string {
  const dest = join(work, name);
  execFileSync('cp', ['-al', cached, dest]);
  return dest;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * MiB }).trim();
}

function verify(remote: string): void {
  const release = git(remote, 'rev-parse', 'refs/heads/release/2.6');
  const orig = git(remote, 'rev-parse', 'refs/heads/orig/release/2.6');
  if (git(remote, 'rev-parse', `${release}^`) !== orig || orig !== git(remote, 'rev-parse', 'viable/strict'))
    throw new Error(`bad cut in ${remote}`);
  if (git(remote, 'show', `${release}:.github/ci_commit_pins/xla.txt`) !== 'r2.6') throw new Error('xla pin missing');
}

const PINS = '.github/ci_commit_pins/xla.txt=r{major}.{minor}';

function runCutBranch(i: number): { seconds: number; bytes: number } {
  const remote = copyRemote(`remote-action-${i}`);
  received();
  const out = join(work, `out-${i}`);
  writeFileSync(out, '');
  // Every input, with action.yml's defaults for those not given, as the runner passes them.
  const inputs: Record<string, string> = {
    ...inputEnv(join(root, 'actions', 'cut-branch'), {
      'remote-url': pathToFileURL(remote).href,
      repository: 'pytorch/pytorch',
      version: '',
      'source-ref': 'viable/strict',
      branches: 'release/{major}.{minor}, orig/release/{major}.{minor}',
      'pin-repositories': 'pytorch/test-infra',
      pins: PINS,
      'dry-run': 'false',
    }),
    RUNNER_TEMP: work,
    GITHUB_OUTPUT: out,
    RELEASE_ACTIONS_REPORT_DIR: join(work, 'reports'),
  };
  const t = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'actions', 'cut-branch', 'dist', 'index.js')], {
    env: { ...env, ...inputs },
    encoding: 'utf8',
  });
  const seconds = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`cut-branch failed:\n${r.stdout}\n${r.stderr}`);
  verify(remote);
  return { seconds, bytes: received() };
}

function runScript(i: number): { seconds: number; bytes: number; cloneSize: number } {
  const remote = copyRemote(`remote-script-${i}`);
  received();
  const clone = join(work, `clone-${i}`);
  const t = performance.now();
  // cut-release-branch.sh + apply-release-changes.sh, step by step.
  git(work, 'clone', '-q', pathToFileURL(remote).href, clone);
  git(clone, 'checkout', '-q', '-b', 'release/2.6', 'origin/viable/strict');
  const paths = git(clone, 'ls-files', '.github/workflows', '.github/actions').split('\n').filter(Boolean);
  const files = new Map(paths.map((p) => [p, readFileSync(join(clone, p), 'utf8')]));
  files.set('.github/ci_commit_pins/xla.txt', readFileSync(join(clone, '.github/ci_commit_pins/xla.txt'), 'utf8'));
  for (const e of releaseEdits({
    branch: 'release/2.6',
    repositories: ['pytorch/test-infra', 'pytorch/pytorch'],
    files,
    pins: [['.github/ci_commit_pins/xla.txt', 'r2.6']],
  })) {
    writeFileSync(join(clone, e.path), e.after);
  }
  git(clone, 'commit', '-q', '-a', '-m', '[RELEASE-ONLY CHANGES] Branch Cut for Release 2.6');
  git(clone, 'push', '-q', 'origin', 'release/2.6', 'origin/viable/strict:refs/heads/orig/release/2.6');
  const seconds = (performance.now() - t) / 1000;
  verify(remote);
  const cloneSize = dirSize(join(clone, '.git', 'objects'));
  return { seconds, bytes: received(), cloneSize };
}

try {
  console.log(`\ncut-branch (bundled action, ${runs} run(s))`);
  const ours = Array.from({ length: runs }, (_, i) => {
    const r = runCutBranch(i);
    console.log(`  run ${i + 1}: ${r.seconds.toFixed(2)} s, received ${fmtBytes(r.bytes)}`);
    return r;
  });
  console.log(`\nscript way: git clone + checkout + edit + commit + push (${scriptRuns} run(s))`);
  const theirs = Array.from({ length: scriptRuns }, (_, i) => {
    const r = runScript(i);
    console.log(
      `  run ${i + 1}: ${r.seconds.toFixed(2)} s, received ${fmtBytes(r.bytes)} (clone's objects: ${fmtBytes(r.cloneSize)})`,
    );
    return r;
  });
  const t1 = median(ours.map((r) => r.seconds));
  const t2 = median(theirs.map((r) => r.seconds));
  const b1 = median(ours.map((r) => r.bytes));
  const b2 = median(theirs.map((r) => r.bytes));
  console.log('\nresult (medians)');
  console.log(
    `  time:  cut-branch ${t1.toFixed(2)} s   script ${t2.toFixed(2)} s   ${(t2 / t1).toFixed(1)}x faster (target >= 20x)`,
  );
  console.log(
    `  bytes: cut-branch ${fmtBytes(b1)}   script ${fmtBytes(b2)}   ${(b2 / Math.max(1, b1)).toFixed(0)}x fewer (target >= 100x)`,
  );
  // A server that ignores the partial-clone filter sends every file: then the comparison is meaningless.
  if (b1 > packBytes / 10) console.log('  the remote did not honour --filter=blob:none (check uploadpack.allowFilter)');
  const ok = t2 / t1 >= 20 && b2 / Math.max(1, b1) >= 100;
  console.log(ok ? '  targets met' : '  TARGETS NOT MET');
} finally {
  rmSync(work, { recursive: true, force: true });
}
