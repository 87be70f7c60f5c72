import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client, listAll } from '@release-actions/core/s3/client';
import { runActionBundle, runActionMain, type ActionResult } from '@release-actions/testkit/action-run';
import {
  releaseBucketLayout,
  seedDigest,
  startS3Server,
  type S3Operation,
  type S3Server,
  type SeedObject,
} from '@release-actions/testkit/s3/index';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/main.js';

/**
 * A mirror destination (Cloudflare R2 at PyTorch) on a second S3 stand-in with its own endpoint and
 * keys: every promoted object is also streamed there, with its sha256 as metadata, under the same plan.
 */

process.env['AWS_ACCESS_KEY_ID'] = 'S3RVER';
process.env['AWS_SECRET_ACCESS_KEY'] = 'S3RVER';

const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const MiB = 1024 * 1024;
const WRITES: S3Operation[] = ['PutObject', 'CopyObject', 'CreateMultipartUpload', 'UploadPart', 'UploadPartCopy'];

let primary: S3Server;
let mirror: S3Server;
let s3: S3Client;
let r2: S3Client;
let buckets = 0;

beforeAll(async () => {
  [primary, mirror] = await Promise.all([startS3Server(), startS3Server({ accessKeyIds: ['R2KEYID'] })]);
  s3 = createS3Client({ endpointUrl: primary.endpoint });
  r2 = createS3Client({ endpointUrl: mirror.endpoint });
});

afterAll(async () => {
  s3.destroy();
  r2.destroy();
  await Promise.all([primary.stop(), mirror.stop()]);
});

const big: SeedObject = {
  key: 'whl/test/cu124/torchvision-0.21.0+cu124-cp312-cp312-linux_x86_64.whl',
  size: 13 * MiB,
  contentType: 'application/zip',
};

function layout() {
  const l = releaseBucketLayout({
    packages: { torchvision: '0.21.0' },
    subfolders: ['cpu', 'cu124'],
    pythons: ['cp310', 'cp311'],
    decoys: true,
  });
  return { entries: [...l.entries, big], release: [...l.release, big.key] };
}

const stable = (key: string): string => key.replace(/^whl\/test\//, 'whl/').replace(/^libtorch\/test\//, 'libtorch/');
const writes = (on: S3Server): number => WRITES.reduce((n, op) => n + on.count(op), 0);

async function seeded(): Promise<{ bucket: string; mirrorBucket: string; l: ReturnType<typeof layout> }> {
  const l = layout();
  const bucket = `rc-${++buckets}`;
  const mirrorBucket = `downloads-${buckets}`;
  await primary.seed(bucket, l.entries);
  await mirror.seed(mirrorBucket, []);
  return { bucket, mirrorBucket, l };
}

function promote(bucket: string, mirrorBucket: string, extra: Record<string, string> = {}): Promise<ActionResult> {
  return runActionMain('promote-s3', actionDir, main, {
    packages: 'torchvision=0.21.0',
    bucket,
    'endpoint-url': primary.endpoint,
    'multipart-threshold': '6 MiB',
    'regenerate-index': 'false',
    'dry-run': 'false',
    'mirror-endpoint-url': mirror.endpoint,
    'mirror-bucket': mirrorBucket,
    'mirror-access-key-id': 'S3RVER',
    'mirror-secret-access-key': 'mirror secret',
    ...extra,
  });
}

/** The access key id each request to `on` was signed with (SigV4's `Credential=<key>/...`). */
function signers(on: S3Server, since: number): Set<string> {
  return new Set(
    on.requests.slice(since).map((q) => /Credential=([^/]+)\//.exec(String(q.headers['authorization']))?.[1] ?? '-'),
  );
}

async function mirrored(bucket: string): Promise<string[]> {
  return (await listAll(r2, bucket, '')).map((o) => o.key).sort();
}

test('a dry run plans a mirror copy per promoted object and writes to neither store', async () => {
  const { bucket, mirrorBucket, l } = await seeded();
  const before = [writes(primary), writes(mirror)];
  const r = await promote(bucket, mirrorBucket, { 'dry-run': 'true' });
  expect(r.error).toBeUndefined();
  const planned = r.receipt!.outcomes.filter((o) => o.kind === 'mirror-object');
  expect(planned.map((o) => o.target).sort()).toEqual(l.release.map((k) => `s3://${mirrorBucket}/${stable(k)}`).sort());
  expect(planned.every((o) => o.action === 'create' && o.result === 'planned')).toBe(true);
  expect([writes(primary), writes(mirror)]).toEqual(before);
});

describe('applied, then run again', () => {
  let bucket: string;
  let mirrorBucket: string;
  let l: ReturnType<typeof layout>;
  let first: ActionResult;
  let start: { primary: number; mirror: number };

  beforeAll(async () => {
    ({ bucket, mirrorBucket, l } = await seeded());
    start = { primary: primary.requests.length, mirror: mirror.requests.length };
    first = await promote(bucket, mirrorBucket);
  });

  test('every promoted object is in the mirror: same bytes, content type, and its sha256 as metadata', async () => {
    expect(first.error).toBeUndefined();
    expect(await mirrored(mirrorBucket)).toEqual(l.release.map(stable).sort());
    for (const e of [big, l.entries.find((x) => x.key.includes('cu124') && x.key !== big.key)!]) {
      const o = await r2.send(new GetObjectCommand({ Bucket: mirrorBucket, Key: stable(e.key) }));
      const sha256 = await seedDigest(e);
      expect(o.Metadata?.['checksum-sha256']).toBe(sha256);
      expect(o.ContentType).toBe(e.contentType ?? 'binary/octet-stream');
      const { createHash } = await import('node:crypto');
      expect(
        createHash('sha256')
          .update(await o.Body!.transformToByteArray())
          .digest('hex'),
      ).toBe(sha256);
    }
  });

  test('each primary copy has its sha256 as the S3 checksum, and the mirror took it from there', async () => {
    for (const key of l.release.filter((k) => k !== big.key)) {
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: stable(key), ChecksumMode: 'ENABLED' }));
      const entry = l.entries.find((e) => e.key === key)!;
      expect(head.ChecksumSHA256).toBe(Buffer.from(await seedDigest(entry), 'hex').toString('base64'));
    }
    // S3 keeps no full-object SHA-256 for a copy in parts: the big one carries it as metadata, found
    // by reading its source once, before its parts were copied.
    const copied = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: stable(big.key) }));
    expect(copied.Metadata?.['checksum-sha256']).toBe(await seedDigest(big));
    // Nothing read twice: each object below the threshold is read once, by its mirror copy; the big
    // one once whole (to hash it) and once in ranges (its mirror copy).
    const reads = primary.requests
      .slice(start.primary)
      .filter((q) => q.bucket === bucket && q.operation === 'GetObject');
    const whole = reads.filter((q) => !q.headers['range']).map((q) => q.key);
    expect(whole.sort()).toEqual([...l.release].sort());
    const ranges = reads.filter((q) => q.headers['range']).map((q) => `${q.key} ${String(q.headers['range'])}`);
    expect(ranges.every((r) => r.startsWith(`${big.key} bytes=`))).toBe(true);
    expect(new Set(ranges).size).toBe(ranges.length);
  });

  test('the mirror gets streamed writes (PutObject, multipart above the threshold), no copy between stores', () => {
    const sent = mirror.requests.slice(start.mirror);
    expect(sent.filter((q) => q.operation === 'CopyObject' || q.operation === 'UploadPartCopy')).toEqual([]);
    expect(sent.filter((q) => q.operation === 'PutObject')).toHaveLength(l.release.length - 1);
    expect(sent.filter((q) => q.operation === 'UploadPart' && q.key === stable(big.key)).length).toBeGreaterThan(1);
    // Its own keys, not the primary's.
    expect(sent.every((q) => String(q.headers['authorization'] ?? '').includes('Credential=S3RVER/'))).toBe(true);
  });

  test('a re-run plans every mirror copy as a skip and writes nothing', async () => {
    const before = [writes(primary), writes(mirror)];
    const again = await promote(bucket, mirrorBucket);
    expect(again.error).toBeUndefined();
    const mirrors = again.receipt!.outcomes.filter((o) => o.kind === 'mirror-object');
    expect(mirrors).toHaveLength(l.release.length);
    expect(mirrors.every((o) => o.result === 'skipped')).toBe(true);
    expect([writes(primary), writes(mirror)]).toEqual(before);
  });
});

test('a mirror object with other content is a conflict that stops the run before any write, to either store', async () => {
  const { bucket, mirrorBucket, l } = await seeded();
  const victim = l.release.find((k) => k.includes('/cpu/'))!;
  const size = l.entries.find((e) => e.key === victim)!.size!;
  await mirror.seed(mirrorBucket, [{ key: stable(victim), size, contentSeed: 'something else' }]);
  const before = [writes(primary), writes(mirror)];
  const r = await promote(bucket, mirrorBucket);
  expect(r.error).toMatch(
    new RegExp(
      `^1 conflict\\(s\\), nothing was changed: s3://${mirrorBucket}/${stable(victim).replace(/[.+]/g, '\\$&')}`,
    ),
  );
  expect([writes(primary), writes(mirror)]).toEqual(before);
});

test('each mirror copy is read back: one that does not hold what was sent fails the run, naming it', async () => {
  const { bucket, mirrorBucket } = await seeded();
  const key = stable(big.key);
  // Between the multipart upload's completion and its check, the object is replaced by a shorter one.
  mirror.onceBefore(
    (q) => q.operation === 'HeadObject' && q.bucket === mirrorBucket && q.key === key,
    () => mirror.seed(mirrorBucket, [{ key, size: 1024 }]),
  );
  const r = await promote(bucket, mirrorBucket);
  expect(r.error).toContain(`verification failed: s3://${mirrorBucket}/${key} has 1024 bytes, the source ${big.size}`);
  const checked = r.receipt!.outcomes.filter((o) => o.kind === 'mirror-object' && o.result === 'done');
  expect(checked.length).toBeGreaterThan(0);
  expect(checked.every((o) => typeof o.verified?.['sha256'] === 'string' && o.verified['size'] !== undefined)).toBe(
    true,
  );
});

test('mirror inputs: the keys go together, and no mirror setting without a mirror-bucket', async () => {
  const { bucket, mirrorBucket } = await seeded();
  const lone = await promote(bucket, mirrorBucket, { 'mirror-secret-access-key': '' });
  expect(lone.error).toMatch(/^inputs "mirror-access-key-id" and "mirror-secret-access-key" are given together/);
  const stray = await promote(bucket, '', {});
  expect(stray.error).toMatch(/^input "mirror-bucket" is empty, yet mirror-endpoint-url, mirror-access-key-id/);
});

test('with index pages, the mirror gets the same pages as the primary, and a re-run writes none', async () => {
  const { bucket, mirrorBucket } = await seeded();
  const r = await promote(bucket, mirrorBucket, { 'regenerate-index': 'true' });
  expect(r.error).toBeUndefined();
  const pages = async (client: S3Client, b: string): Promise<Map<string, string>> => {
    const keys = (await listAll(client, b, 'whl/')).map((o) => o.key).filter((k) => k.endsWith('index.html'));
    const bodies = await Promise.all(
      keys.map(async (k) => (await client.send(new GetObjectCommand({ Bucket: b, Key: k }))).Body!.transformToString()),
    );
    return new Map(keys.map((k, i) => [k, bodies[i]!]));
  };
  const onPrimary = await pages(s3, bucket);
  // the project pages of each variant folder and of the prefix root, and the folders' package lists
  expect([...onPrimary.keys()]).toEqual(
    expect.arrayContaining(['whl/torchvision/index.html', 'whl/cu124/torchvision/index.html', 'whl/cpu/index.html']),
  );
  expect(onPrimary.get('whl/cu124/torchvision/index.html')).toContain('torchvision-0.21.0+cu124-cp312');
  // the file copied in parts too has its sha256, from its copy
  expect(onPrimary.get('whl/cu124/torchvision/index.html')).toContain(
    `/${stable(big.key).replace('+', '%2B')}#sha256=${await seedDigest(big)}"`,
  );
  expect(await pages(r2, mirrorBucket)).toEqual(onPrimary);

  const before = [writes(primary), writes(mirror)];
  const again = await promote(bucket, mirrorBucket, { 'regenerate-index': 'true' });
  expect(again.error).toBeUndefined();
  expect([writes(primary), writes(mirror)]).toEqual(before);
});

test('a mirror that throttles its writes gets them again, body and all, and the run completes', async () => {
  const { bucket, mirrorBucket, l } = await seeded();
  // A streamed body cannot be sent twice by the SDK: each retry reads the source again.
  mirror.failNext(3, { match: (q) => q.bucket === mirrorBucket && q.operation === 'PutObject' });
  mirror.failNext(1, { match: (q) => q.bucket === mirrorBucket && q.operation === 'UploadPart' });
  const r = await promote(bucket, mirrorBucket);
  expect(r.error).toBeUndefined();
  const throttled = mirror.requests.filter((q) => q.bucket === mirrorBucket && q.injected === 503);
  expect(throttled.map((q) => q.operation).sort()).toEqual(['PutObject', 'PutObject', 'PutObject', 'UploadPart']);
  expect(await mirrored(mirrorBucket)).toEqual(l.release.map(stable).sort());
  // every throttled object whole: its bytes hash to the sha256 it was sent with
  const { createHash } = await import('node:crypto');
  for (const q of throttled) {
    const o = await r2.send(new GetObjectCommand({ Bucket: mirrorBucket, Key: q.key }));
    const sha256 = createHash('sha256')
      .update(await o.Body!.transformToByteArray())
      .digest('hex');
    expect(o.Metadata?.['checksum-sha256']).toBe(sha256);
    expect(sha256).toBe(await seedDigest(l.entries.find((e) => stable(e.key) === q.key)!));
  }
});

test('the bundle masks the mirror keys and sends them only to the mirror; the primary gets the runner keys', async () => {
  const { bucket, mirrorBucket, l } = await seeded();
  const since = { primary: primary.requests.length, mirror: mirror.requests.length };
  const r = await runActionBundle(
    actionDir,
    {
      packages: 'torchvision=0.21.0',
      bucket,
      'endpoint-url': primary.endpoint,
      'dry-run': 'false',
      'mirror-endpoint-url': mirror.endpoint,
      'mirror-bucket': mirrorBucket,
      'mirror-access-key-id': 'R2KEYID',
      'mirror-secret-access-key': 'r2 secret never logged',
    },
    {},
    { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' },
  );
  const sent = { primary: signers(primary, since.primary), mirror: signers(mirror, since.mirror) };
  expect(r.error).toBeUndefined();
  // with action.yml's defaults: index pages too, on both stores
  expect(await mirrored(mirrorBucket)).toEqual(expect.arrayContaining([...l.release.map(stable), 'whl/index.html']));
  expect(r.stdout).toContain('::add-mask::R2KEYID');
  expect(r.stdout).toContain('::add-mask::r2 secret never logged');
  const unmasked = r.stdout!.split('\n').filter((line) => !line.startsWith('::add-mask::'));
  expect(unmasked.join('\n')).not.toMatch(/R2KEYID|r2 secret never logged/);
  expect(sent.mirror).toEqual(new Set(['R2KEYID']));
  expect(sent.primary).toEqual(new Set(['S3RVER']));
});

test('without mirror keys, the mirror is reached with the default credential chain (the AWS_* variables)', async () => {
  const { bucket, mirrorBucket, l } = await seeded();
  const since = mirror.requests.length;
  const r = await promote(bucket, mirrorBucket, { 'mirror-access-key-id': '', 'mirror-secret-access-key': '' });
  const sent = signers(mirror, since);
  expect(r.error).toBeUndefined();
  expect(await mirrored(mirrorBucket)).toEqual(l.release.map(stable).sort());
  expect(sent).toEqual(new Set([process.env['AWS_ACCESS_KEY_ID']]));
});

test('with overwrite, a mirror object with other content is replaced by the promoted one, and only it', async () => {
  const { bucket, mirrorBucket, l } = await seeded();
  const victim = l.release.find((k) => k.includes('/cpu/'))!;
  const entry = l.entries.find((e) => e.key === victim)!;
  await mirror.seed(mirrorBucket, [{ key: stable(victim), size: entry.size, contentSeed: 'something else' }]);
  const r = await promote(bucket, mirrorBucket, { overwrite: 'true' });
  expect(r.error).toBeUndefined();
  const mirrors = r.receipt!.outcomes.filter((o) => o.kind === 'mirror-object');
  expect(mirrors.filter((o) => o.action === 'update').map((o) => o.target)).toEqual([
    `s3://${mirrorBucket}/${stable(victim)}`,
  ]);
  expect(mirrors.every((o) => o.result === 'done')).toBe(true);
  const o = await r2.send(new GetObjectCommand({ Bucket: mirrorBucket, Key: stable(victim) }));
  const { createHash } = await import('node:crypto');
  expect(
    createHash('sha256')
      .update(await o.Body!.transformToByteArray())
      .digest('hex'),
  ).toBe(await seedDigest(entry));
});

test('a mirror object with the same bytes but no checksum-sha256 is copied again to carry it; a re-run skips it', async () => {
  const { bucket, mirrorBucket, l } = await seeded();
  const earlier = l.release.find((k) => k.includes('/cpu/'))!;
  const entry = l.entries.find((e) => e.key === earlier)!;
  await mirror.seed(mirrorBucket, [{ ...entry, key: stable(earlier), contentSeed: earlier }]);
  const r = await promote(bucket, mirrorBucket);
  expect(r.error).toBeUndefined();
  const op = r.receipt!.outcomes.find((o) => o.target === `s3://${mirrorBucket}/${stable(earlier)}`)!;
  expect([op.action, op.result]).toEqual(['update', 'done']);
  const head = await r2.send(new HeadObjectCommand({ Bucket: mirrorBucket, Key: stable(earlier) }));
  expect(head.Metadata?.['checksum-sha256']).toBe(await seedDigest(entry));
  const again = await promote(bucket, mirrorBucket);
  const mirrors = again.receipt!.outcomes.filter((o) => o.kind === 'mirror-object');
  expect(mirrors.every((o) => o.result === 'skipped')).toBe(true);
});
