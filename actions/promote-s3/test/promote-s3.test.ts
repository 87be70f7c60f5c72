import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client, listAll } from '@release-actions/core/s3/client';
import { isVariantFolder } from '@release-actions/core/s3/index-pages';
import { runActionBundle, runActionMain, type ActionResult } from '@release-actions/testkit/action-run';
import {
  releaseBucketLayout,
  seedDigest,
  startS3Server,
  type S3Operation,
  type S3Server,
  type SeedObject,
} from '@release-actions/testkit/s3/index';
import { buildWheel } from '@release-actions/testkit/wheels';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { main } from '../src/main.js';

process.env['AWS_ACCESS_KEY_ID'] = 'S3RVER';
process.env['AWS_SECRET_ACCESS_KEY'] = 'S3RVER';
delete process.env['AWS_PROFILE'];

const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGES = { torch: '2.6.0', torchvision: '0.21.0', torchaudio: '2.6.0' };
const ALL = 'torch=2.6.0, torchvision=0.21.0, torchaudio=2.6.0, libtorch=2.6.0';
const WRITES: S3Operation[] = [
  'PutObject',
  'CopyObject',
  'CreateMultipartUpload',
  'UploadPart',
  'UploadPartCopy',
  'CompleteMultipartUpload',
  'DeleteObject',
];
const MiB = 1024 * 1024;

let server: S3Server;
let s3: S3Client;
let buckets = 0;

beforeAll(async () => {
  server = await startS3Server();
  s3 = createS3Client({ endpointUrl: server.endpoint });
});

afterAll(async () => {
  s3.destroy();
  await server.stop();
});

function layout() {
  return releaseBucketLayout({ packages: PACKAGES, decoys: true });
}

async function freshBucket(entries: SeedObject[], on: S3Server = server): Promise<string> {
  const bucket = `rc-${++buckets}`;
  await on.seed(bucket, entries);
  return bucket;
}

function promoteInputs(bucket: string, extra: Record<string, string> = {}): Record<string, string> {
  return { packages: ALL, bucket, 'endpoint-url': server.endpoint, 'dry-run': 'false', ...extra };
}

async function promote(inputs: Record<string, string>): Promise<ActionResult> {
  return runActionMain('promote-s3', actionDir, main, inputs);
}

function writes(on: S3Server = server): number {
  return WRITES.reduce((n, op) => n + on.count(op), 0);
}

/** Stable keys (not the test prefixes, not index pages) now in the bucket. */
async function promotedKeys(bucket: string, client: S3Client = s3): Promise<string[]> {
  const keys = [...(await listAll(client, bucket, 'whl/')), ...(await listAll(client, bucket, 'libtorch/'))].map(
    (o) => o.key,
  );
  return keys
    .filter((k) => !k.startsWith('whl/test/') && !k.startsWith('libtorch/test/') && !k.endsWith('index.html'))
    .sort();
}

function stable(key: string): string {
  return key.replace(/^whl\/test\//, 'whl/').replace(/^libtorch\/test\//, 'libtorch/');
}

async function text(bucket: string, key: string): Promise<string> {
  const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return r.Body!.transformToString();
}

describe('promote-s3 against a local S3 server', () => {
  const l = layout();
  let bucket: string;
  let first: ActionResult;
  let firstRequests: S3Server['requests'];

  beforeAll(async () => {
    bucket = await freshBucket(l.entries);
    await server.seed('rc-backup', []);
    const start = server.requests.length;
    first = await promote(promoteInputs(bucket, { 'backup-bucket': 'rc-backup', acl: 'public-read' }));
    firstRequests = server.requests.slice(start);
  });

  test('promotes exactly the release: every variant, root-level files and libtorch, no decoy', async () => {
    expect(first.error).toBeUndefined();
    expect(await promotedKeys(bucket)).toEqual(l.release.map(stable).sort());
    expect(first.outputs['promoted-count']).toBe(String(l.release.length));
    expect(first.outputs['skipped-count']).toBe('0');
    const bytes = l.entries.filter((e) => l.release.includes(e.key)).reduce((n, e) => n + (e.size ?? 0), 0);
    expect(first.outputs['bytes']).toBe(String(bytes));
    expect(existsSync(first.outputs['report']!)).toBe(true);
  });

  test('keys with + land at the same key, content, content type, metadata and ACL kept', async () => {
    const withSha = l.entries.find(
      (e) => l.release.includes(e.key) && e.key.includes('+') && e.metadata?.['checksum-sha256'],
    )!;
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: stable(withSha.key) }));
    expect(stable(withSha.key)).toMatch(/\+/);
    expect(head.ETag).toBe(`"${await seedDigest(withSha, 'md5')}"`);
    expect(head.ContentType).toBe('application/zip');
    expect(head.Metadata).toEqual({ 'checksum-sha256': withSha.metadata!['checksum-sha256'] });
    expect(server.aclOf(bucket, stable(withSha.key))).toBe('public-read');
  });

  test('every selected object is backed up under v<torch version>/ before anything is promoted', async () => {
    expect((await listAll(s3, 'rc-backup', '')).map((o) => o.key).sort()).toEqual(
      l.release.map((k) => `v2.6.0/${k}`).sort(),
    );
    expect(l.release.filter((k) => server.aclOf('rc-backup', `v2.6.0/${k}`) !== undefined)).toEqual([]); // backups stay private
    const copies = server.requests.filter(
      (r) => r.operation === 'CopyObject' && (r.bucket === bucket || r.bucket === 'rc-backup'),
    );
    const lastBackup = copies.map((r) => r.bucket).lastIndexOf('rc-backup');
    const firstPromote = copies.map((r) => r.bucket).indexOf(bucket);
    expect(lastBackup).toBeLessThan(firstPromote);
  });

  test('each source prefix listed once, a level and then each sub-folder once, however many packages', () => {
    const listings = server.requests.filter(
      (r) => r.operation === 'ListObjectsV2' && r.bucket === bucket && String(r.query['prefix']).includes('/test/'),
    );
    const prefixes = listings.map((r) => String(r.query['prefix'])).sort();
    const folders = [
      ...new Set(l.release.filter((k) => k.includes('/test/')).map((k) => k.slice(0, k.lastIndexOf('/') + 1))),
    ];
    expect(prefixes).toEqual([...new Set(['libtorch/test/', 'whl/test/', ...folders])].sort());
    expect(prefixes).toContain('whl/test/cu124/');
  });

  test('index pages take each promoted file sha256 from its copy: no promoted file is read back', () => {
    const copies = firstRequests.filter((r) => r.operation === 'CopyObject' && r.bucket === bucket);
    expect(copies.every((r) => r.headers['x-amz-checksum-algorithm'] === 'SHA256')).toBe(true);
    const reads = firstRequests.filter((r) => r.operation === 'GetObject' && r.bucket === bucket);
    expect(reads.filter((r) => !r.key.endsWith('index.html'))).toEqual([]);
  });

  test('destination sub-folders that do not exist yet are not listed while planning', () => {
    const planning = firstRequests.slice(
      0,
      firstRequests.findIndex((r) => r.operation === 'CopyObject'),
    );
    const whole = planning.filter(
      (r) =>
        r.operation === 'ListObjectsV2' &&
        r.bucket === bucket &&
        !String(r.query['prefix']).includes('/test/') &&
        r.query['delimiter'] === undefined,
    );
    expect(whole).toEqual([]);
  });

  test('unparseable keys are reported as ignored; the summary has a table per package and sub-folder', () => {
    const ignored = first.receipt!.tables.find((t) => t.title.startsWith('Ignored'))!;
    expect(ignored.rows.map((r) => r[0]).sort()).toEqual([...l.unparseable].sort());
    const perPackage = first.receipt!.tables.find((t) => t.title.startsWith('Selected'))!;
    expect(perPackage.rows).toContainEqual(['torch', 'cu124_pypi_cudnn', 4, expect.any(Number), 4, 0, 0]);
    expect(perPackage.rows).toContainEqual(['libtorch', 'rocm6.2', 1, expect.any(Number), 1, 0, 0]);
    expect(first.summary).toContain('cu124_pypi_cudnn');
    expect(first.summary).toContain('README.txt');
  });

  test('a re-run copies nothing and reports everything skipped, each existing sub-folder listed once', async () => {
    const before = server.count('CopyObject');
    const start = server.requests.length;
    const again = await promote(promoteInputs(bucket, { 'backup-bucket': 'rc-backup', 'regenerate-index': 'false' }));
    expect(again.error).toBeUndefined();
    expect(server.count('CopyObject')).toBe(before);
    expect(again.outputs['promoted-count']).toBe('0');
    expect(again.outputs['skipped-count']).toBe(String(l.release.length));
    const listed = server.requests
      .slice(start)
      .filter(
        (r) =>
          r.operation === 'ListObjectsV2' &&
          r.bucket === bucket &&
          !String(r.query['prefix']).includes('/test/') &&
          r.query['delimiter'] === undefined,
      )
      .map((r) => r.query['prefix']);
    const subFolders = new Set(
      l.release
        .map(stable)
        .map((k) => k.slice(0, k.lastIndexOf('/') + 1))
        .filter((f) => f !== 'whl/' && f !== 'libtorch/'),
    );
    expect(listed.sort()).toEqual([...subFolders].sort());
  });

  test('index pages: %2B links with #sha256; root-level files on every sub-folder page, every variant folder on the root page', async () => {
    const page = await text(bucket, 'whl/cu124/torch/index.html');
    const file = 'torch-2.6.0+cu124-cp310-cp310-linux_x86_64.whl';
    const entry = l.entries.find((e) => e.key === `whl/test/cu124/${file}`)!;
    expect(page).toContain(
      `<a href="/whl/cu124/torch-2.6.0%2Bcu124-cp310-cp310-linux_x86_64.whl#sha256=${await seedDigest(entry)}">${file}</a>`,
    );
    expect(page).toContain('/whl/torch-2.6.0-cp39-cp39-manylinux_2_28_aarch64.whl#sha256='); // a root-level wheel
    expect(page).not.toContain('/whl/cpu/');
    const rootPage = await text(bucket, 'whl/torch/index.html');
    expect(rootPage).toContain('/whl/torch-2.6.0-cp39-cp39-manylinux_2_28_aarch64.whl#sha256=');
    expect(rootPage).toContain(
      `/whl/cu124/torch-2.6.0%2Bcu124-cp310-cp310-linux_x86_64.whl#sha256=${await seedDigest(entry)}`,
    );
    expect(rootPage).not.toContain('cu124_pypi_cudnn'); // a legacy folder, not part of the index
    expect(await text(bucket, 'whl/cu124/index.html')).toMatch(
      /href="torch\/"[\s\S]*href="torchaudio\/"[\s\S]*href="torchvision\/"/,
    );
  });

  test('libtorch: each variant folder that received archives gets its browse listing of them, a legacy one none', async () => {
    const archives = l.release.map(stable).filter((k) => k.startsWith('libtorch/'));
    const all = [...new Set(archives.map((k) => k.slice(0, k.lastIndexOf('/') + 1)))];
    const folders = all.filter((f) => isVariantFolder(f.split('/')[1]!));
    expect(folders.length).toBeGreaterThan(0);
    await expect(text(bucket, 'libtorch/cpu-cxx11-abi/index.html')).rejects.toThrow(/does not exist/);
    for (const folder of folders) {
      const lines = (await text(bucket, `${folder}index.html`)).split('\n');
      const here = archives.filter((k) => k.startsWith(folder)).map((k) => k.replace(/\+/g, '%2B'));
      expect(lines).toEqual(
        expect.arrayContaining(here.map((k) => `<a href="/${k}">${k.slice(folder.length)}</a><br/>`)),
      );
    }
  });
});

test('dry-run (the default) prints the plan and changes nothing', async () => {
  const l = layout();
  const bucket = await freshBucket(l.entries);
  const before = writes();
  const { 'dry-run': _, ...inputs } = promoteInputs(bucket);
  const r = await promote(inputs);
  expect(r.error).toBeUndefined();
  expect(writes()).toBe(before);
  expect(await promotedKeys(bucket)).toEqual([]);
  expect(r.outputs['promoted-count']).toBe(String(l.release.length));
  expect(r.summary).toContain('(dry run)');
  expect(r.receipt!.outcomes.every((o) => o.result === 'planned')).toBe(true);
});

test('variants can be included or excluded by sub-folder or local label', async () => {
  const l = layout();
  const bucket = await freshBucket(l.entries);
  const r = await promote(
    promoteInputs(bucket, {
      'include-variants': 'cu124, rocm6.2, cpu',
      'exclude-variants': 'rocm6.2, cpu',
      'regenerate-index': 'false',
    }),
  );
  expect(r.error).toBeUndefined();
  const keys = await promotedKeys(bucket);
  expect(keys.length).toBeGreaterThan(0);
  expect(keys.every((k) => k.includes('/cu124/'))).toBe(true);
});

test('a destination holding different content is a conflict that stops the run before any copy; overwrite replaces it', async () => {
  const l = layout();
  const victim = l.release.find((k) => k.startsWith('whl/test/cu118/torch-'))!;
  const size = l.entries.find((e) => e.key === victim)!.size!;
  const bucket = await freshBucket([...l.entries, { key: stable(victim), size, contentSeed: 'something else' }]);
  await server.seed('conflict-backup', []);
  const before = writes();
  const r = await promote(promoteInputs(bucket, { 'backup-bucket': 'conflict-backup' }));
  expect(r.error).toMatch(
    /^1 conflict\(s\), nothing was changed: s3:\/\/rc-\d+\/whl\/cu118\/torch-.*MD5 ETag differs.*overwrite/,
  );
  expect(r.error).not.toContain('\n');
  expect(writes()).toBe(before);

  const o = await promote(promoteInputs(bucket, { overwrite: 'true', 'regenerate-index': 'false' }));
  expect(o.error).toBeUndefined();
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: stable(victim) }));
  expect(head.ETag).toBe(`"${await seedDigest({ key: victim, size }, 'md5')}"`);
});

test('overwrite with a backup-bucket backs up what it replaces first, and never replaces that backup', async () => {
  const l = releaseBucketLayout({
    packages: { torch: '2.6.0' },
    subfolders: ['cpu', 'cu118'],
    pythons: ['cp310'],
    decoys: false,
  });
  const victim = l.release.find((k) => k.startsWith('whl/test/cu118/torch-'))!;
  const size = l.entries.find((e) => e.key === victim)!.size!;
  const replaced: SeedObject = { key: stable(victim), size, contentSeed: 'the wheel users downloaded so far' };
  const bucket = await freshBucket([...l.entries, replaced]);
  await server.seed('undo-backup', []);
  const start = server.requests.length;
  const inputs = promoteInputs(bucket, {
    packages: 'torch=2.6.0',
    overwrite: 'true',
    'backup-bucket': 'undo-backup',
    'regenerate-index': 'false',
  });
  const r = await promote(inputs);
  expect(r.error).toBeUndefined();
  const undo = `v2.6.0/${stable(victim)}`;
  const backup = await s3.send(new HeadObjectCommand({ Bucket: 'undo-backup', Key: undo }));
  expect(backup.ETag).toBe(`"${await seedDigest(replaced, 'md5')}"`);
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: stable(victim) }));
  expect(head.ETag).toBe(`"${await seedDigest({ key: victim, size }, 'md5')}"`);
  const copies = server.requests.slice(start).filter((q) => q.operation === 'CopyObject');
  const backedUp = copies.findIndex((q) => q.bucket === 'undo-backup' && q.key === undo);
  const overwritten = copies.findIndex((q) => q.bucket === bucket && q.key === stable(victim));
  expect(backedUp).toBeGreaterThanOrEqual(0);
  expect(backedUp).toBeLessThan(overwritten);

  // Replaced again by something else: the first backup is the undo, and it is kept.
  await server.seed(bucket, [{ ...replaced, contentSeed: 'yet another wheel' }]);
  const before = writes();
  const again = await promote(inputs);
  expect(again.error).toMatch(
    /^1 conflict\(s\), nothing was changed: s3:\/\/undo-backup\/v2\.6\.0\/whl\/cu118\/.*a backup is never replaced/,
  );
  expect(writes()).toBe(before);
});

test('the same bytes already there without a sha256 (another tool put them there) are copied again to carry one, with no backup', async () => {
  const l = releaseBucketLayout({
    packages: { torch: '2.6.0' },
    subfolders: ['cpu'],
    pythons: ['cp310'],
    decoys: false,
  });
  const earlier = l.release.find((k) => k.startsWith('whl/test/cpu/torch-'))!;
  const entry = l.entries.find((e) => e.key === earlier)!;
  // the same bytes (same content seed and size), seeded without any checksum
  const bucket = await freshBucket([...l.entries, { ...entry, key: stable(earlier), contentSeed: earlier }]);
  await server.seed('refresh-backup', []);
  const inputs = promoteInputs(bucket, {
    packages: 'torch=2.6.0',
    'backup-bucket': 'refresh-backup',
    'regenerate-index': 'false',
  });
  const plan = await promote({ ...inputs, 'dry-run': 'true' });
  const op = plan.receipt!.plan!.operations.find((o) => o.target === `s3://${bucket}/${stable(earlier)}`)!;
  expect([op.action, op.reason]).toEqual([
    'update',
    'already there (size and ETag) without a sha256: copied again to carry one',
  ]);

  const r = await promote(inputs);
  expect(r.error).toBeUndefined();
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: stable(earlier), ChecksumMode: 'ENABLED' }));
  expect(head.ChecksumSHA256).toBe(Buffer.from(await seedDigest(entry), 'hex').toString('base64'));
  // the same bytes replace nothing: no undo backup of them, only the release's own backups
  const backups = (await listAll(s3, 'refresh-backup', '')).map((o) => o.key);
  const torch = l.release.filter((k) => k.startsWith('whl/'));
  expect(backups.sort()).toEqual(torch.map((k) => `v2.6.0/${k}`).sort());

  const again = await promote(inputs);
  expect(again.outputs['skipped-count']).toBe(String(torch.length));
});

describe('an object replaced between the plan and its copy', () => {
  const victim = 'whl/test/cu124/torch-2.6.0+cu124-cp311-cp311-linux_x86_64.whl';
  const entries: SeedObject[] = [
    { key: victim, size: 13 * MiB, contentType: 'application/zip' },
    { key: 'whl/test/cpu/torch-2.6.0+cpu-cp311-cp311-linux_x86_64.whl', size: 1000 },
  ];

  test.each([
    ['copied whole (CopyObject)', '5 GiB', 'CopyObject'],
    ['copied in parts (UploadPartCopy)', '6 MiB', 'UploadPartCopy'],
  ] as const)('%s: is not published, and the run stops naming it', async (_, threshold, operation) => {
    const bucket = await freshBucket(entries);
    server.onceBefore(
      (q) => q.bucket === bucket && q.operation === operation && q.key === stable(victim),
      () => server.seed(bucket, [{ key: victim, size: 13 * MiB, contentSeed: 'a rebuilt wheel' }]),
    );
    const r = await promote(
      promoteInputs(bucket, {
        packages: 'torch=2.6.0',
        'source-prefixes': 'whl/test/',
        'destination-prefixes': 'whl/',
        'multipart-threshold': threshold,
        'regenerate-index': 'false',
      }),
    );
    expect(r.error).toContain(`s3://${bucket}/${victim} changed after the plan was made`);
    expect(r.error).not.toContain('\n');
    await expect(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: stable(victim) }))).rejects.toMatchObject({
      name: 'NotFound',
    });
    const copy = r.receipt!.outcomes.find((o) => o.target === `s3://${bucket}/${stable(victim)}`)!;
    expect(copy.result).toBe('failed');
  });
});

describe('copies checked by listing their folders', () => {
  const entries: SeedObject[] = [
    ...['cp310', 'cp311', 'cp312'].map((py) => ({
      key: `whl/test/cpu/torch-2.6.0+cpu-${py}-${py}-linux_x86_64.whl`,
      size: 1000,
    })),
    ...['cp310', 'cp311', 'cp312', 'cp313'].map((py) => ({
      key: `whl/test/cu124/torch-2.6.0+cu124-${py}-${py}-linux_x86_64.whl`,
      size: 1000,
    })),
  ];
  const inputs = (bucket: string) =>
    promoteInputs(bucket, {
      packages: 'torch=2.6.0',
      'source-prefixes': 'whl/test/',
      'destination-prefixes': 'whl/',
      'regenerate-index': 'false',
      concurrency: '1',
    });
  const isListingOf =
    (bucket: string, folder: string) =>
    (q: { bucket: string; operation: S3Operation; query: Record<string, string> }) =>
      q.bucket === bucket &&
      q.operation === 'ListObjectsV2' &&
      q.query['prefix'] === folder &&
      q.query['delimiter'] === '/';

  test('a folder is listed once its last copy is done, while the copies into the next folder go on', async () => {
    const bucket = await freshBucket(entries);
    const r = await promote(inputs(bucket));
    expect(r.error).toBeUndefined();
    const ofBucket = server.requests.filter((q) => q.bucket === bucket && !q.injected);
    const cpuListing = ofBucket.findIndex(isListingOf(bucket, 'whl/cpu/'));
    const copies = ofBucket.flatMap((q, i) => (q.operation === 'CopyObject' ? [{ key: q.key, i }] : []));
    expect(copies).toHaveLength(7);
    expect(cpuListing).toBeGreaterThan(Math.max(...copies.filter((c) => c.key.startsWith('whl/cpu/')).map((c) => c.i)));
    expect(cpuListing).toBeLessThan(Math.max(...copies.map((c) => c.i)));
    expect(ofBucket.filter(isListingOf(bucket, 'whl/cu124/'))).toHaveLength(1);
    const outcomes = r.receipt!.outcomes.filter((o) => o.result === 'done');
    expect(outcomes).toHaveLength(7);
    for (const o of outcomes) expect(o.verified).toMatchObject({ verifiedBy: 'listing', size: 1000 });
  });

  test('a copy its folder listing does not show stops the run, naming it', async () => {
    const bucket = await freshBucket(entries);
    const lost = 'whl/cpu/torch-2.6.0+cpu-cp311-cp311-linux_x86_64.whl';
    server.onceBefore(isListingOf(bucket, 'whl/cpu/'), async () => {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: lost }));
    });
    const r = await promote(inputs(bucket));
    expect(r.error).toBe(`verification failed after copying: s3://${bucket}/${lost} is missing`);
    // The other folder's copies were not abandoned half-way: a re-run completes the promotion.
    const again = await promote(inputs(bucket));
    expect(again.error).toBeUndefined();
    expect(again.receipt!.outcomes.filter((o) => o.result === 'done').map((o) => o.target)).toEqual([
      `s3://${bucket}/${lost}`,
    ]);
  });
});

test('throttling (503 SlowDown) is retried with backoff and the promotion completes', async () => {
  const l = releaseBucketLayout({
    packages: { torchaudio: '2.6.0' },
    subfolders: ['cpu', 'cu124'],
    pythons: ['cp310'],
    decoys: false,
  });
  const bucket = await freshBucket(l.entries);
  server.failNext(1, { match: (req) => req.bucket === bucket && req.operation === 'ListObjectsV2' });
  server.failNext(5, { match: (req) => req.bucket === bucket && req.operation === 'CopyObject' });
  const r = await promote(promoteInputs(bucket, { packages: 'torchaudio=2.6.0', 'regenerate-index': 'false' }));
  expect(r.error).toBeUndefined();
  expect(server.requests.filter((q) => q.bucket === bucket && q.injected === 503)).toHaveLength(6);
  expect(await promotedKeys(bucket)).toEqual(l.release.map(stable).sort());
  // Without index pages to write too, every promoted copy asks the store for its SHA-256.
  const copies = server.requests.filter((q) => q.bucket === bucket && q.operation === 'CopyObject' && !q.injected);
  expect(copies.length).toBe(l.release.length);
  expect(copies.filter((q) => q.headers['x-amz-checksum-algorithm'] !== 'SHA256')).toEqual([]);
});

test('a server killed half-way, then a re-run: the promotion completes, nothing copied twice', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'promote-kill-'));
  const saved = process.env['AWS_MAX_ATTEMPTS'];
  try {
    const l = layout();
    const one = await startS3Server({ directory: dir, seed: { pytorch: l.entries } });
    one.stopAfter(60, (q) => q.operation === 'CopyObject');
    process.env['AWS_MAX_ATTEMPTS'] = '1';
    const failed = await promote({ ...promoteInputs('pytorch'), 'endpoint-url': one.endpoint, concurrency: '8' });
    await one.stopped;
    expect(failed.error).toBeDefined();
    process.env['AWS_MAX_ATTEMPTS'] = saved ?? '';
    if (saved === undefined) delete process.env['AWS_MAX_ATTEMPTS'];

    const two = await startS3Server({ directory: dir });
    const client = createS3Client({ endpointUrl: two.endpoint });
    const rerun = await promote({ ...promoteInputs('pytorch'), 'endpoint-url': two.endpoint });
    expect(rerun.error).toBeUndefined();
    // What the first run finished is found at the destination and skipped; only the rest is copied.
    const skipped = rerun
      .receipt!.outcomes.filter((o) => o.kind === 'copy-object' && o.result === 'skipped')
      .map((o) => o.target);
    const copied = two.requests.filter((q) => q.operation === 'CopyObject').map((q) => `s3://pytorch/${q.key}`);
    expect(skipped.length).toBeGreaterThanOrEqual(60);
    expect(copied.length).toBeGreaterThan(0);
    expect(copied.filter((k) => skipped.includes(k))).toEqual([]);
    expect(copied.length + skipped.length).toBe(l.release.length);
    expect(await promotedKeys('pytorch', client)).toEqual(l.release.map(stable).sort());
    client.destroy();
    await two.stop();
  } finally {
    if (saved === undefined) delete process.env['AWS_MAX_ATTEMPTS'];
    else process.env['AWS_MAX_ATTEMPTS'] = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('large objects', () => {
  const big = (key: string): SeedObject => ({
    key,
    size: 13 * MiB,
    contentType: 'application/zip',
    metadata: { flavor: 'big' },
  });
  const entries = [
    big('whl/test/cu124/torch-2.6.0+cu124-cp310-cp310-linux_x86_64.whl'),
    big('libtorch/test/cu124/libtorch-cxx11-abi-shared-with-deps-2.6.0+cu124.zip'),
    { key: 'whl/test/cu124/torch-2.6.0+cu124-cp311-cp311-linux_x86_64.whl', size: 1000 },
  ];
  const inputs = (bucket: string) =>
    promoteInputs(bucket, { packages: 'torch=2.6.0, libtorch=2.6.0', 'multipart-threshold': '6 MiB' });

  const large = entries.filter((x) => (x.size ?? 0) > 6 * MiB);

  /** Each large object arrived whole: size, content type, metadata and every byte. */
  async function checkCopies(bucket: string): Promise<void> {
    for (const e of large) {
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: stable(e.key) }));
      expect(head.ContentLength).toBe(13 * MiB);
      expect(head.ContentType).toBe('application/zip');
      expect(head.Metadata?.['flavor']).toBe('big');
      // S3 keeps no full-object SHA-256 for an object written in parts: it travels as metadata
      expect(head.Metadata?.['checksum-sha256']).toBe(await seedDigest(e));
      const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: stable(e.key) }));
      expect(
        createHash('sha256')
          .update(await body.Body!.transformToByteArray())
          .digest('hex'),
      ).toBe(await seedDigest(e));
    }
  }

  /** The requests of one operation sent for `keys` since `start`. */
  function sent(start: number, operation: S3Operation, keys: string[]) {
    return server.requests.slice(start).filter((q) => q.operation === operation && keys.includes(q.key));
  }

  test('objects above multipart-threshold are copied in parts server-side, verified, and skipped on a re-run', async () => {
    const bucket = await freshBucket(entries);
    const start = server.requests.length;
    const r = await promote(inputs(bucket));
    expect(r.error).toBeUndefined();
    const destinations = large.map((e) => stable(e.key));
    // Server-side: parts copied from the source, no whole-object copy. The bytes go through the
    // runner once, to hash them (the sources state no SHA-256), and only the version the plan saw.
    expect(sent(start, 'UploadPartCopy', destinations).length).toBeGreaterThanOrEqual(2 * large.length);
    expect(sent(start, 'CopyObject', destinations)).toEqual([]);
    const reads = sent(
      start,
      'GetObject',
      large.map((e) => e.key),
    );
    expect(reads.map((q) => q.key).sort()).toEqual(large.map((e) => e.key).sort());
    expect(reads.every((q) => q.headers['range'] === undefined && q.headers['if-match'] !== undefined)).toBe(true);
    await checkCopies(bucket);
    const rerun = server.requests.length;
    const again = await promote(inputs(bucket));
    expect(again.outputs['skipped-count']).toBe('3');
    expect(sent(rerun, 'UploadPartCopy', destinations)).toEqual([]);
  });

  test('where UploadPartCopy is NotImplemented, large objects are streamed (ranged GET -> multipart upload)', async () => {
    const bucket = await freshBucket(entries);
    server.uploadPartCopy = 'not-implemented';
    try {
      const start = server.requests.length;
      const r = await promote(inputs(bucket));
      expect(r.error).toBeUndefined();
      // Streamed through the runner a range at a time (after one read to hash each).
      const ranged = sent(
        start,
        'GetObject',
        large.map((e) => e.key),
      ).filter((q) => q.headers['range'] !== undefined);
      expect(ranged.length).toBeGreaterThanOrEqual(2 * large.length);
      expect(ranged.every((q) => /^bytes=\d+-\d+$/.test(String(q.headers['range'])))).toBe(true);
      expect(
        sent(
          start,
          'UploadPart',
          large.map((e) => stable(e.key)),
        ).length,
      ).toBeGreaterThanOrEqual(2 * large.length);
      await checkCopies(bucket);
      const again = await promote(inputs(bucket));
      expect(again.outputs['skipped-count']).toBe('3');
    } finally {
      server.uploadPartCopy = 'supported';
    }
  });
});

test('pip resolves the promoted wheels from the generated index; other versions on the bucket stay, a link to a missing file goes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'promote-pip-'));
  try {
    const wheels = await Promise.all([
      buildWheel({ name: 'torch', version: '2.6.0+cu124', pythonTag: 'py3', abiTag: 'none', platform: 'any', dir }),
      buildWheel({
        name: 'torchvision',
        version: '0.21.0+cu124',
        pythonTag: 'py3',
        abiTag: 'none',
        platform: 'any',
        dir,
      }),
    ]);
    const old = 'torch-2.5.1+cu124-py3-none-any.whl';
    const oldSha = createHash('sha256').update(old).digest('hex');
    const missing = `<a href="/whl/cu124/torch-2.4.0%2Bcu124-py3-none-any.whl#sha256=${'a'.repeat(64)}">x</a><br/>`;
    const bucket = await freshBucket([
      ...wheels.map((w) => ({
        key: `whl/test/cu124/${w.filename}`,
        body: readFileSync(w.path),
        contentType: 'application/zip',
      })),
      { key: `whl/cu124/${old}`, body: old, metadata: { 'checksum-sha256': oldSha } },
      { key: 'whl/cu124/torch/index.html', body: `<html><body>${missing}</body></html>` },
      { key: 'whl/cu124/numpy/index.html', body: '<html><body></body></html>' },
      { key: 'whl/cu124/index.html', body: '<html><body><a href="numpy/">numpy</a></body></html>' },
    ]);
    const r = await promote(
      promoteInputs(bucket, {
        packages: 'torch=2.6.0, torchvision=0.21.0',
        'source-prefixes': 'whl/test/',
        'destination-prefixes': 'whl/',
      }),
    );
    expect(r.error).toBeUndefined();
    const page = await text(bucket, 'whl/cu124/torch/index.html');
    expect(page).toContain(`<a href="/whl/cu124/torch-2.5.1%2Bcu124-py3-none-any.whl#sha256=${oldSha}">${old}</a>`);
    expect(page).not.toContain('torch-2.4.0');
    expect(page).toContain(`torch-2.6.0%2Bcu124-py3-none-any.whl#sha256=${wheels[0]!.sha256}`);
    expect(await text(bucket, 'whl/cu124/index.html')).toContain('href="numpy/"');

    // A static web server over the bucket, as download.pytorch.org is.
    const web = createServer(async (req, res) => {
      const path = decodeURIComponent(new URL(req.url!, 'http://x').pathname).slice(1);
      try {
        const o = await s3.send(
          new GetObjectCommand({ Bucket: bucket, Key: path.endsWith('/') ? `${path}index.html` : path }),
        );
        res.writeHead(200, { 'content-type': o.ContentType ?? 'application/octet-stream' });
        res.end(Buffer.from(await o.Body!.transformToByteArray()));
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    const port = (web.address() as AddressInfo).port;
    try {
      const out = join(dir, 'downloads');
      await promisify(execFile)(
        '/usr/bin/python3',
        [
          '-m',
          'pip',
          'download',
          '--no-deps',
          '--no-cache-dir',
          '--disable-pip-version-check',
          '--index-url',
          `http://127.0.0.1:${port}/whl/cu124/`,
          '-d',
          out,
          'torch==2.6.0+cu124',
          'torchvision==0.21.0',
        ],
        { env: { ...process.env, PIP_CONFIG_FILE: '/dev/null' } },
      );
      expect(readdirSync(out).sort()).toEqual(wheels.map((w) => w.filename).sort());
    } finally {
      web.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('bad inputs: one line naming the problem, nothing copied', () => {
  let bucket: string;
  beforeAll(async () => {
    bucket = await freshBucket(layout().entries);
  });

  test.each([
    [{ packages: '2.6' }, /"packages" expects name=version pairs such as torch=2\.6\.0, got "2\.6"/],
    [{ packages: 'v2.6.0-rc1' }, /"packages" expects name=version pairs/],
    [{ packages: 'torch=2.6' }, /"packages: torch": "2\.6" is not a full release version/],
    [{ packages: 'torch=2.6.0rc1' }, /is not a full release version \(it is a pre-release\)/],
    [{ packages: 'torch=2.6.0, torch=2.6.0' }, /names torch twice/],
    [
      { packages: 'torch=2.6.0, torchdata=0.7.1' },
      /no files of torchdata 0\.7\.1 under s3:\/\/rc-\d+\/whl\/test\/, s3:\/\/rc-\d+\/libtorch\/test\/; nothing was copied/,
    ],
    [{ 'destination-prefixes': 'whl/' }, /"destination-prefixes" has 1 prefix\(es\) for 2 source prefix\(es\)/],
    [{ concurrency: '0' }, /"concurrency" must be between 1 and 256/],
    [{ 'multipart-threshold': '1 KiB' }, /"multipart-threshold" must be between 5 MiB and 5 GiB/],
    [{ acl: 'public' }, /"acl" must be empty or one of private, public-read/],
    [{ 'dry-run': 'maybe' }, /"dry-run" must be true or false/],
    [{ 'backup-bucket': 'b', 'backup-prefix': '{version}/' }, /"backup-bucket": "b" is not an S3 bucket name/],
    [{ 'backup-bucket': 'backups', 'backup-prefix': '{version}/' }, /"backup-prefix": unknown placeholder \{version\}/],
    [{ 'endpoint-url': 'ftp://x' }, /"endpoint-url" must be an http\(s\) URL/],
  ])('%j', async (given, message) => {
    const before = writes();
    const inputs = promoteInputs(bucket, { packages: 'torch=2.6.0', ...given });
    const r = await promote(inputs);
    expect(r.error).toMatch(message);
    expect(r.error).not.toContain('\n');
    expect(writes()).toBe(before);
  });
});

test('the bundled dist/index.js promotes through INPUT_* variables and writes its outputs', async () => {
  const l = releaseBucketLayout({
    packages: { torchvision: '0.21.0' },
    subfolders: ['cpu', 'cu124'],
    pythons: ['cp310', 'cp311'],
    decoys: true,
  });
  const bucket = await freshBucket(l.entries);
  const r = await runActionBundle(
    actionDir,
    promoteInputs(bucket, { packages: 'torchvision=0.21.0' }),
    {},
    { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' },
  );
  expect(r.error).toBeUndefined();
  expect(r.exitCode).toBe(0);
  expect(r.outputs['promoted-count']).toBe(String(l.release.length));
  expect(await promotedKeys(bucket)).toEqual(l.release.map(stable).sort());
  expect(JSON.parse(readFileSync(r.outputs['report']!, 'utf8'))).toMatchObject({
    action: 'promote-s3',
    status: 'success',
    dryRun: false,
  });
  // The index pages, written by the bundle: the root's lists every variant folder's files.
  const rootPage = await text(bucket, 'whl/torchvision/index.html');
  const inVariants = l.release.map(stable).filter((k) => /^whl\/(cpu|cu124)\/.*\.whl$/.test(k));
  expect(inVariants.length).toBeGreaterThan(0);
  for (const key of inVariants) expect(rootPage).toContain(`<a href="/${key.replace('+', '%2B')}#sha256=`);
  // a wheel promoted with its PEP 658 metadata is announced with it
  const described = l.release.find((k) => k.endsWith('.whl.metadata'))!;
  expect(rootPage).toMatch(
    new RegExp(
      `${stable(described).slice(0, -'.metadata'.length).replace('+', '%2B').replace(/\./g, '\\.')}#sha256=[0-9a-f]{64}" data-dist-info-metadata="sha256=[0-9a-f]{64}"`,
    ),
  );
});
