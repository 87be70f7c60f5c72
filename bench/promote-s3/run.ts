/**
 * Benchmark: promote-s3 against the tools a release engineer would otherwise use.
 *
 *   npx tsx bench/promote-s3/run.ts [--case large,small] [--objects 5000] [--runs 3] [--latency 0] [--concurrency 32]
 *
 * One local S3 server (testkit, s3rver) holds one identical copy of a release-candidate bucket per
 * tool: `--objects` keys under whl/test/, about 1,500 of them the release of torch 2.6.0, torchvision
 * 0.21.0 and torchaudio 2.6.0 (wheels in 36 sub-folders x 9 Python tags), the rest decoys (other
 * versions, nightlies, rc builds, look-alike names). Each tool promotes whl/test/ -> whl/ on its own
 * copy, in the same run, one after the other:
 *   - promote-s3: the bundled action (dist/index.js) as a child process, dry-run false, without and
 *     with index regeneration (the other tools write no index);
 *   - AWS CLI (Debian awscli, /usr/bin/aws): `aws s3 cp --recursive --exclude '*' --include
 *     '*<name>-<version>*'` once per package, as the release script does;
 *   - rclone (Debian rclone): `rclone copy --transfers 32 --checkers 32` with one `--include` per
 *     package, in one pass, server-side copies.
 * Printed: wall time of each, the ratios, the objects each copied, and each tool's CPU and peak RSS.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createS3Client, listAll } from '../../packages/core/src/s3/client.js';
import { copyObject } from '../../packages/core/src/s3/copy.js';
import { inputEnv } from '../../packages/testkit/src/action-run.js';
import { releaseBucketLayout } from '../../packages/testkit/src/s3/release-layout.js';
import type { SeedObject } from '../../packages/testkit/src/s3/seed.js';
import { startS3Server, type S3Request } from '../../packages/testkit/src/s3/server.js';

// The store runs in this process: its garbage from one tool's run is collected before the next starts.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const OBJECTS = arg('objects', 5000);
const CONCURRENCY = arg('concurrency', 32);
const PACKAGES = { torch: '2.6.0', torchvision: '0.21.0', torchaudio: '2.6.0' };

const SUBFOLDERS = [
  'cpu',
  'cpu-cxx11-abi',
  ...[
    'cu92',
    'cu100',
    'cu101',
    'cu102',
    'cu110',
    'cu111',
    'cu113',
    'cu115',
    'cu116',
    'cu117',
    'cu118',
    'cu121',
    'cu124',
    'cu126',
    'cu128',
    'cu129',
    'cu130',
  ],
  ...[
    'rocm4.0.1',
    'rocm4.1',
    'rocm4.2',
    'rocm4.5.2',
    'rocm5.0',
    'rocm5.1.1',
    'rocm5.2',
    'rocm5.3',
    'rocm5.4.2',
    'rocm5.5',
    'rocm5.6',
    'rocm5.7',
    'rocm6.0',
    'rocm6.1',
    'rocm6.2',
  ],
  'cu121_pypi_cudnn',
  'cu124_pypi_cudnn',
  'xpu',
];
const PYTHONS = ['cp38', 'cp39', 'cp310', 'cp311', 'cp312', 'cp313', 'cp313t', 'cp314', 'cp314t'];

const CREDS = {
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_REGION: 'us-east-1',
};

interface Timed {
  seconds: number;
  code: number;
  output: string;
  /** User + system CPU of the command and its children (getrusage, see CPU_OF_CHILD). */
  cpuSeconds: number;
  /** Peak resident memory of the command, or of its largest child. */
  rssMiB: number;
}

/**
 * Runs a command under a few lines of Python that report the CPU and peak memory it used (getrusage
 * of the children): with the store and the tool sharing the machine's cores, a tool's own CPU slows
 * the store down. Nothing is added to the command itself, so every tool is timed as it runs.
 * (A shell's `times` would do, but sh drops the INPUT_* variables whose names hold a hyphen.)
 */
const CPU_OF_CHILD = [
  'import resource, subprocess, sys',
  'code = subprocess.call(sys.argv[1:])',
  'u = resource.getrusage(resource.RUSAGE_CHILDREN)',
  'sys.stderr.write("\\ncpu-seconds %.3f peak-rss-kib %d\\n" % (u.ru_utime + u.ru_stime, u.ru_maxrss))',
  'sys.exit(code)',
].join('\n');

function runTimed(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Timed> {
  const start = process.hrtime.bigint();
  return new Promise((resolveRun) => {
    const child = spawn('python3', ['-c', CPU_OF_CHILD, cmd, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const usage = /\ncpu-seconds ([\d.]+) peak-rss-kib (\d+)\n$/.exec(output);
      if (usage) output = output.slice(0, usage.index);
      resolveRun({
        seconds,
        code: code ?? 1,
        output,
        cpuSeconds: usage ? Number(usage[1]) : NaN,
        rssMiB: usage ? Number(usage[2]) / 1024 : NaN,
      });
    });
  });
}

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('AWS_') || k.startsWith('INPUT_') || k.startsWith('RCLONE_') || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

function check(name: string, r: Timed): void {
  if (r.code !== 0) {
    console.error(r.output.slice(-3000));
    throw new Error(`${name} failed with exit code ${r.code}`);
  }
}

/**
 * The two sizes compared: a large promotion (a whole release among 5,000 keys) and a small one
 * (about 250 objects promoted out of about 3,000), where startup, listing and per-request overhead
 * weigh most.
 */
const CASES = {
  large: { objects: OBJECTS, subfolders: SUBFOLDERS, pythons: PYTHONS },
  small: { objects: 3000, subfolders: SUBFOLDERS.slice(0, 6), pythons: PYTHONS.slice(0, 7) },
};

function buildCase(c: (typeof CASES)[keyof typeof CASES]) {
  // The release, then decoys up to `objects`, all under whl/test/ (libtorch is not part of this run).
  const layoutAt = (scale: number) =>
    releaseBucketLayout({
      packages: PACKAGES,
      subfolders: c.subfolders,
      pythons: c.pythons,
      decoyPythons: 1,
      scale,
      sizes: [2000, 40000],
    });
  let scale = 1;
  let layout = layoutAt(scale);
  const underTest = (l: typeof layout) => l.entries.filter((e) => e.key.startsWith('whl/test/'));
  while (underTest(layout).length < c.objects && scale < 1000) {
    scale += Math.max(1, Math.ceil((c.objects - underTest(layout).length) / (c.subfolders.length * 3)));
    layout = layoutAt(scale);
  }
  const release = new Set(layout.release.filter((k) => k.startsWith('whl/test/')));
  const all = underTest(layout);
  const entries = [
    ...all.filter((e) => release.has(e.key)),
    ...all.filter((e) => !release.has(e.key)).slice(0, Math.max(0, c.objects - release.size)),
  ];
  return { entries, release, bytes: entries.reduce((n, e) => n + (e.size ?? 0), 0) };
}

async function main(): Promise<void> {
  Object.assign(process.env, CREDS);
  const chosen = (process.argv.includes('--case') ? process.argv[process.argv.indexOf('--case') + 1]! : 'large,small')
    .split(',')
    .map((n) => n as keyof typeof CASES);
  const latencies = (process.argv.includes('--latency') ? process.argv[process.argv.indexOf('--latency') + 1]! : '0')
    .split(',')
    .map(Number);
  const runs = arg('runs', 3);
  const results: string[] = [];
  const summary: string[] = [];
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const name of chosen) {
    const { entries, release, bytes } = buildCase(CASES[name]);
    for (const latency of latencies) {
      const each: ScenarioResult[] = [];
      for (let r = 0; r < runs; r++) {
        const one = await scenario(entries, release, bytes, latency, r);
        each.push(one);
        results.push(`[${name}] ${one.text}`);
      }
      const m = (k: keyof ScenarioResult['seconds']): number => median(each.map((e) => e.seconds[k]));
      const mc = (k: keyof ScenarioResult['cpu']): number => median(each.map((e) => e.cpu[k]));
      const waited = (tool: keyof ScenarioResult['waits']): string =>
        (['before', 'between', 'after'] as const)
          .map((k) => `${median(each.map((e) => e.waits[tool][k])).toFixed(2)}`)
          .join(' / ') + ' s';
      const ratios = each.map((e) => (e.seconds.rclone / e.seconds.action).toFixed(2)).join(', ');
      const rss = Math.max(...each.map((e) => e.rssMiB));
      summary.push(
        `${name} (${entries.length} objects, ${release.size} promoted), ${latency} ms per request, median of ${runs}: ` +
          `promote-s3 ${m('action').toFixed(2)} s (with index ${m('indexed').toFixed(2)} s), ` +
          `AWS CLI ${m('aws').toFixed(2)} s (${(m('aws') / m('action')).toFixed(2)}x), rclone ${m('rclone').toFixed(2)} s (${(m('rclone') / m('action')).toFixed(2)}x; each run: ${ratios}); ` +
          `peak RSS ${rss.toFixed(0)} MiB; CPU (median): promote-s3 ${mc('action').toFixed(2)} s with the store ${mc('store').toFixed(2)} s, ` +
          `rclone ${mc('rclone').toFixed(2)} s with the store ${mc('storeForRclone').toFixed(2)} s; ` +
          `the store waiting (median, before / between / after): ${waited('action')} for promote-s3, ${waited('rclone')} for rclone`,
      );
    }
  }
  results.push(
    ["summary (ratios: the other tool's time / promote-s3's, above 1 = promote-s3 faster):", ...summary].join('\n'),
  );
  console.log(`\n${results.join('\n\n')}`);
}

interface ScenarioResult {
  text: string;
  seconds: { action: number; indexed: number; aws: number; rclone: number };
  /** CPU seconds of promote-s3 (no index) and rclone, and of the store while serving each. */
  cpu: { action: number; rclone: number; store: number; storeForRclone: number };
  rssMiB: number;
  waits: { action: StoreWaits; rclone: StoreWaits };
}

async function scenario(
  entries: SeedObject[],
  release: Set<string>,
  bytes: number,
  latency: number,
  rotation: number,
): Promise<ScenarioResult> {
  const lines: string[] = [];
  const log = (line: string): void => {
    lines.push(line);
  };
  // The store lives in memory when the machine has a tmpfs: on disk, writeback stalls made the same
  // run vary by 40% from one try to the next, whichever tool was copying at the time.
  const store = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'bench-promote-s3-store-'));
  const server = await startS3Server({ latencyMs: 0, directory: store });
  const client = createS3Client({ endpointUrl: server.endpoint });
  const buckets = {
    action: 'bench-action',
    indexed: 'bench-action-index',
    aws: 'bench-awscli',
    rclone: 'bench-rclone',
  };
  const t0 = Date.now();
  for (const b of Object.values(buckets)) await server.seed(b, entries, 32);
  // A fresh server compiles its copy and listing paths on first use: a round on a scratch bucket pays
  // for that here rather than in whichever tool goes first.
  const warm = entries.slice(0, 400);
  await server.seed('bench-warmup', warm, 32);
  const listed = await listAll(client, 'bench-warmup', 'whl/');
  for (let i = 0; i < listed.length; i += 16)
    await Promise.all(
      listed
        .slice(i, i + 16)
        .map((o) =>
          copyObject(
            client,
            { bucket: 'bench-warmup', key: o.key, size: o.size, etag: o.etag },
            { bucket: 'bench-warmup', key: `warm/${o.key}` },
            { multipartThreshold: Number.MAX_SAFE_INTEGER },
          ),
        ),
    );
  server.latencyMs = latency;
  log(
    `seeded ${Object.keys(buckets).length} buckets x ${entries.length} objects (${(bytes / 1e6).toFixed(1)} MB each) in ${((Date.now() - t0) / 1000).toFixed(1)} s; ` +
      `${release.size} objects are the release of ${Object.entries(PACKAGES)
        .map(([p, v]) => `${p} ${v}`)
        .join(', ')}`,
  );

  const work = mkdtempSync(join(tmpdir(), 'bench-promote-s3-'));
  const packagesInput = Object.entries(PACKAGES)
    .map(([p, v]) => `${p}=${v}`)
    .join(', ');

  const runAction = async (bucket: string, index: boolean): Promise<Timed> => {
    const out = join(work, `out-${bucket}`);
    writeFileSync(out, '');
    // Every input, with action.yml's defaults for those not given, as the runner passes them.
    const inputs = inputEnv(join(root, 'actions/promote-s3'), {
      packages: packagesInput,
      bucket,
      'source-prefixes': 'whl/test/',
      'destination-prefixes': 'whl/',
      'endpoint-url': server.endpoint,
      'dry-run': 'false',
      'regenerate-index': String(index),
      concurrency: String(CONCURRENCY),
    });
    const env = cleanEnv({
      ...CREDS,
      ...inputs,
      GITHUB_OUTPUT: out,
      RELEASE_ACTIONS_REPORT_DIR: join(work, 'reports'),
    });
    const r = await runTimed(process.execPath, [join(root, 'actions/promote-s3/dist/index.js')], env);
    check(`promote-s3 (${bucket})`, r);
    return r;
  };

  const serverCpu: Record<string, number> = {};
  const connections: Record<string, number> = {};
  const spans: Record<string, { start: number; end: number }> = {};
  const measure = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    // Each tool starts on a settled store and machine: the last tool's garbage collected, its
    // process gone. Without this, whichever tool followed rclone waited 0.15 s longer for its first
    // answer.
    collectGarbage();
    await new Promise((r) => setTimeout(r, 500));
    const before = process.cpuUsage();
    const opened = server.connections;
    const start = performance.now();
    const r = await fn();
    spans[name] = { start, end: performance.now() };
    const d = process.cpuUsage(before);
    serverCpu[name] = (d.user + d.system) / 1e6;
    connections[name] = server.connections - opened;
    return r;
  };
  const awsEnv = cleanEnv({
    ...CREDS,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  });
  const runAws = async (): Promise<Timed> => {
    const start = process.hrtime.bigint();
    let output = '';
    let cpuSeconds = 0;
    let rssMiB = 0;
    for (const [p, v] of Object.entries(PACKAGES)) {
      const r = await runTimed(
        '/usr/bin/aws',
        [
          's3',
          'cp',
          '--recursive',
          '--only-show-errors',
          '--endpoint-url',
          server.endpoint,
          `s3://${buckets.aws}/whl/test/`,
          `s3://${buckets.aws}/whl/`,
          '--exclude',
          '*',
          '--include',
          `*${p}-${v}*`,
        ],
        awsEnv,
      );
      check(`aws s3 cp (${p})`, r);
      output += r.output;
      cpuSeconds += r.cpuSeconds;
      rssMiB = Math.max(rssMiB, r.rssMiB);
    }
    return { seconds: Number(process.hrtime.bigint() - start) / 1e9, code: 0, output, cpuSeconds, rssMiB };
  };
  const rcloneEnv = cleanEnv({
    RCLONE_CONFIG_BENCH_TYPE: 's3',
    RCLONE_CONFIG_BENCH_PROVIDER: 'Other',
    RCLONE_CONFIG_BENCH_ENDPOINT: server.endpoint,
    RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: 'S3RVER',
    RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: 'S3RVER',
    RCLONE_CONFIG_BENCH_REGION: 'us-east-1',
    RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE: 'true',
    RCLONE_CONFIG: join(work, 'rclone.conf'),
  });
  const includes = Object.entries(PACKAGES).flatMap(([p, v]) => ['--include', `*${p}-${v}*`]);
  const runRclone = async (): Promise<Timed> => {
    const r = await runTimed(
      '/usr/bin/rclone',
      [
        'copy',
        `bench:${buckets.rclone}/whl/test`,
        `bench:${buckets.rclone}/whl`,
        '--transfers',
        '32',
        '--checkers',
        '32',
        ...includes,
      ],
      rcloneEnv,
    );
    check('rclone copy', r);
    return r;
  };

  // The order rotates from run to run, so no tool always goes first after seeding (or last).
  const tools = [
    ['action', () => runAction(buckets.action, false)],
    ['indexed', () => runAction(buckets.indexed, true)],
    ['aws', runAws],
    ['rclone', runRclone],
  ] as const;
  const timed: Record<string, Timed> = {};
  for (let i = 0; i < tools.length; i++) {
    const [name, fn] = tools[(i + rotation) % tools.length]!;
    timed[name] = await measure(name, fn);
  }
  const action = timed['action']!;
  const indexed = timed['indexed']!;
  const aws = timed['aws']!;
  const awsSeconds = aws.seconds;
  const rclone = timed['rclone']!;

  const copied = async (bucket: string): Promise<number> => {
    const keys = (await listAll(client, bucket, 'whl/')).map((o) => o.key);
    return keys.filter((k) => !k.startsWith('whl/test/') && !k.endsWith('index.html')).length;
  };
  const counts = {
    action: await copied(buckets.action),
    indexed: await copied(buckets.indexed),
    aws: await copied(buckets.aws),
    rclone: await copied(buckets.rclone),
  };
  const requestsOf = (bucket: string): string => {
    const byOp = new Map<string, number>();
    const keys = new Map<string, Set<string>>();
    // Answers other than 2xx (errors a client may retry) are counted apart, by status, and so are
    // requests never answered (a connection dropped); a key sent more than once shows as fewer keys.
    for (const r of server.requests) {
      if (r.bucket !== bucket) continue;
      const failed = r.status === undefined ? ' unanswered' : r.status < 200 || r.status > 299 ? ` ${r.status}` : '';
      const op = `${r.operation}${failed}`;
      byOp.set(op, (byOp.get(op) ?? 0) + 1);
      if (r.key !== '') keys.set(op, (keys.get(op) ?? new Set()).add(r.key));
    }
    return [...byOp]
      .map(([op, n]) => {
        const distinct = keys.get(op)?.size ?? n;
        return `${op} ${n}${distinct < n ? ` (${distinct} keys)` : ''}`;
      })
      .join(', ');
  };
  const waits = {
    action: storeWaits(server.requests, buckets.action, spans['action']!),
    rclone: storeWaits(server.requests, buckets.rclone, spans['rclone']!),
  };
  const requests = {
    action: requestsOf(buckets.action),
    indexed: requestsOf(buckets.indexed),
    aws: requestsOf(buckets.aws),
    rclone: requestsOf(buckets.rclone),
  };
  client.destroy();
  await server.stop();
  rmSync(work, { recursive: true, force: true });
  rmSync(store, { recursive: true, force: true });

  const f = (s: number): string => `${s.toFixed(2)} s`;
  const rows: Array<[string, number, number, string]> = [
    [
      'promote-s3 (dist, no index)',
      action.seconds,
      counts.action,
      `peak RSS ${action.rssMiB.toFixed(0)} MiB, CPU ${action.cpuSeconds.toFixed(1)} s`,
    ],
    [
      'promote-s3 (dist, with index)',
      indexed.seconds,
      counts.indexed,
      `peak RSS ${indexed.rssMiB.toFixed(0)} MiB, CPU ${indexed.cpuSeconds.toFixed(1)} s`,
    ],
    [
      'aws s3 cp x3 (awscli)',
      awsSeconds,
      counts.aws,
      `one listing + substring filter per package, peak RSS ${aws.rssMiB.toFixed(0)} MiB, CPU ${aws.cpuSeconds.toFixed(1)} s`,
    ],
    [
      'rclone copy (32/32)',
      rclone.seconds,
      counts.rclone,
      `one pass, 3 --include, peak RSS ${rclone.rssMiB.toFixed(0)} MiB, CPU ${rclone.cpuSeconds.toFixed(1)} s`,
    ],
  ];
  log(
    `\n${entries.length} objects under whl/test/, ${release.size} selected, concurrency ${CONCURRENCY}, one s3rver on loopback, ${latency} ms added per request\n`,
  );
  log(['tool'.padEnd(32), 'time'.padStart(10), 'copied'.padStart(8), '  note'].join(''));
  for (const [name, s, n, note] of rows)
    log([name.padEnd(32), f(s).padStart(10), String(n).padStart(8), `  ${note}`].join(''));
  log('\nrequests received by the server:');
  for (const [k, v] of Object.entries(requests))
    log(`  ${k}: ${v} (server CPU ${serverCpu[k]?.toFixed(1)} s, ${connections[k] ?? '?'} connections)`);
  log('\ntime with no request of the tool at the store (the store waiting for it):');
  for (const [k, w] of Object.entries(waits))
    log(
      `  ${k}: ${f(w.before)} before its first request, ${f(w.between)} between requests, ${f(w.after)} after its last answer`,
    );
  log(
    `\nAWS CLI / promote-s3: ${(awsSeconds / action.seconds).toFixed(1)}x   rclone / promote-s3: ${(rclone.seconds / action.seconds).toFixed(1)}x`,
  );
  log(
    `with index regeneration: AWS CLI ${(awsSeconds / indexed.seconds).toFixed(1)}x, rclone ${(rclone.seconds / indexed.seconds).toFixed(1)}x`,
  );
  const ok =
    awsSeconds / action.seconds >= 3 &&
    rclone.seconds > action.seconds &&
    Math.max(action.rssMiB, indexed.rssMiB) < 256;
  log(`target (>= 3x AWS CLI, faster than rclone, RSS < 256 MiB): ${ok ? 'met' : 'NOT met'}`);
  return {
    text: lines.join('\n'),
    seconds: { action: action.seconds, indexed: indexed.seconds, aws: awsSeconds, rclone: rclone.seconds },
    cpu: {
      action: action.cpuSeconds,
      rclone: rclone.cpuSeconds,
      store: serverCpu['action'] ?? NaN,
      storeForRclone: serverCpu['rclone'] ?? NaN,
    },
    rssMiB: Math.max(action.rssMiB, indexed.rssMiB),
    waits,
  };
}

interface StoreWaits {
  /** From the tool's start to its first request, as the store saw it. */
  before: number;
  /** Between its first request and its last answer, while none of its requests was at the store. */
  between: number;
  /** From its last answer to the tool's exit. */
  after: number;
}

/**
 * Where the store waited for a tool, in seconds, from the requests it received for the tool's bucket:
 * with both on one machine, time the store spends waiting is time only the tool's own work (starting,
 * parsing, planning, exiting) fills.
 */
function storeWaits(requests: readonly S3Request[], bucket: string, span: { start: number; end: number }): StoreWaits {
  const own = requests.filter((r) => r.bucket === bucket && r.receivedAt >= span.start && r.receivedAt <= span.end);
  if (own.length === 0) return { before: NaN, between: NaN, after: NaN };
  let between = 0;
  let busyUntil = own[0]!.receivedAt;
  // Requests are recorded as they arrive, so in arrival order.
  for (const r of own) {
    if (r.receivedAt > busyUntil) between += r.receivedAt - busyUntil;
    busyUntil = Math.max(busyUntil, r.answeredAt ?? span.end);
  }
  return {
    before: (own[0]!.receivedAt - span.start) / 1000,
    between: between / 1000,
    after: Math.max(0, span.end - busyUntil) / 1000,
  };
}

await main();
