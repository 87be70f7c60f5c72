import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { parseRequestedPackages } from '@release-actions/core/release/selection';
import { Receipt } from '@release-actions/core/runtime/receipt';
import { copySource, createS3Client } from '@release-actions/core/s3/client';
import {
  NO_CACHE_CONTROL,
  PROD_CACHE_CONTROL,
  updateIndexPages,
  type IndexPagesRequest,
} from '@release-actions/core/s3/index-pages';
import { startS3Server, type S3Request, type S3Server, type SeedObject } from '@release-actions/testkit/s3/index';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promote, type PromotionOptions } from '../src/promotion.js';

/**
 * The index pages of a prefix, rule by rule as PyTorch's generator builds them, against the S3
 * stand-in through the AWS SDK.
 */

process.env['AWS_ACCESS_KEY_ID'] = 'S3RVER';
process.env['AWS_SECRET_ACCESS_KEY'] = 'S3RVER';
delete process.env['AWS_PROFILE'];

let server: S3Server;
let s3: S3Client;
let buckets = 0;

beforeAll(async () => {
  server = await startS3Server();
  s3 = createS3Client({ endpointUrl: server.endpoint, maxAttempts: 1 });
});

afterAll(async () => {
  s3.destroy();
  await server.stop();
});

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

const ROOT_TORCH = 'whl/torch-2.6.0-cp312-none-macosx_11_0_arm64.whl';
const CU126_TORCH = 'whl/cu126/torch-2.6.0+cu126-cp312-cp312-linux_x86_64.whl';
const CPU_TORCH = 'whl/cpu/torch-2.6.0+cpu-cp312-cp312-linux_x86_64.whl';
const ROOT_NUMPY = 'whl/numpy-2.1.0-cp312-cp312-macosx_11_0_arm64.whl';
/** Files of the same project that are not part of the `whl/` prefix. */
const ELSEWHERE = [
  'whl/test/cu126/torch-2.7.0+cu126-cp312-cp312-linux_x86_64.whl',
  'whl/nightly/cu126/torch-2.8.0.dev20260101+cu126-cp312-cp312-linux_x86_64.whl',
  'whl/nightly/torch-2.8.0.dev20260101-cp312-none-macosx_11_0_arm64.whl',
  'whl/cpu-cxx11-abi/torch-2.6.0+cpu.cxx11.abi-cp312-cp312-linux_x86_64.whl',
  'whl/cu124_pypi_cudnn/torch-2.6.0+cu124-cp312-cp312-linux_x86_64.whl',
];

/** A file whose body is its key, with its sha256 as `checksum-sha256` user metadata. */
function file(key: string): SeedObject {
  return { key, body: key, contentType: 'application/zip', metadata: { 'checksum-sha256': sha256(key) } };
}

async function bucketWith(objects: SeedObject[]): Promise<string> {
  const bucket = `pages-${++buckets}`;
  await server.seed(bucket, objects);
  return bucket;
}

function request(bucket: string, promoted: string[], extra: Partial<IndexPagesRequest> = {}): IndexPagesRequest {
  return { source: { client: s3, bucket }, prefix: 'whl/', promoted, concurrency: 8, ...extra };
}

async function text(bucket: string, key: string): Promise<string> {
  const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return r.Body!.transformToString();
}

/** The keys a page links to, in page order. */
async function linked(bucket: string, key: string): Promise<string[]> {
  return [...(await text(bucket, key)).matchAll(/href="\/([^"#]+)/g)].map((m) => decodeURIComponent(m[1]!));
}

async function requestsDuring(fn: () => Promise<unknown>, bucket: string): Promise<S3Request[]> {
  const start = server.requests.length;
  await fn();
  return server.requests.slice(start).filter((r) => r.bucket === bucket);
}

const puts = (requests: S3Request[]): string[] =>
  requests
    .filter((r) => r.operation === 'PutObject')
    .map((r) => r.key)
    .sort();

/** Runs `before` once, just before the first PutObject of `key` this client sends. */
function clientThatStalls(key: string, before: () => Promise<void>): S3Client {
  const client = createS3Client({ endpointUrl: server.endpoint, maxAttempts: 1 });
  let done = false;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Key?: string };
      if (context.commandName === 'PutObjectCommand' && input.Key === key && !done) {
        done = true;
        await before();
      }
      return next(args);
    },
    { step: 'initialize', name: 'stallBeforePut' },
  );
  return client;
}

describe('which files a page lists', () => {
  let bucket: string;
  beforeAll(async () => {
    bucket = await bucketWith([ROOT_TORCH, CU126_TORCH, CPU_TORCH, ROOT_NUMPY, ...ELSEWHERE].map(file));
    await updateIndexPages(request(bucket, [CU126_TORCH]));
  });

  test("a sub-folder's project page lists its own files and the prefix root's", async () => {
    expect(await linked(bucket, 'whl/cu126/torch/index.html')).toEqual([CU126_TORCH, ROOT_TORCH]);
  });

  test("the root's project page lists the root's and every variant sub-folder's files, never another channel's or a legacy folder's", async () => {
    expect(await linked(bucket, 'whl/torch/index.html')).toEqual([CPU_TORCH, CU126_TORCH, ROOT_TORCH]);
  });

  test('package lists: the root lists every project of the prefix, a sub-folder its own and the root projects', async () => {
    expect(await linked(bucket, 'whl/index.html')).toEqual([]);
    expect(await text(bucket, 'whl/index.html')).toMatch(
      /<a href="numpy\/">numpy<\/a><br\/>\n\s*<a href="torch\/">torch<\/a>/,
    );
    expect(await text(bucket, 'whl/cu126/index.html')).toMatch(/href="numpy\/"[\s\S]*href="torch\/"/);
  });

  test('a project with files only at the root gets its page in the sub-folder that received files', async () => {
    expect(await linked(bucket, 'whl/cu126/numpy/index.html')).toEqual([ROOT_NUMPY]);
  });

  test('promoting into a new sub-folder gives it the root files and a page for each root project', async () => {
    const rocm = 'whl/rocm6.2.4/torch-2.6.0+rocm6.2.4-cp312-cp312-linux_x86_64.whl';
    await server.seed(bucket, [file(rocm)]);
    const written = puts(await requestsDuring(() => updateIndexPages(request(bucket, [rocm])), bucket));
    expect(await linked(bucket, 'whl/rocm6.2.4/torch/index.html')).toEqual([rocm, ROOT_TORCH]);
    expect(await linked(bucket, 'whl/rocm6.2.4/numpy/index.html')).toEqual([ROOT_NUMPY]);
    expect(await linked(bucket, 'whl/torch/index.html')).toEqual([CPU_TORCH, CU126_TORCH, rocm, ROOT_TORCH]);
    expect(written).toEqual([
      'whl/rocm6.2.4/index.html',
      'whl/rocm6.2.4/numpy/index.html',
      'whl/rocm6.2.4/torch/index.html',
      'whl/torch/index.html',
    ]);
  });
});

describe('which pages a promotion writes', () => {
  test('a root file changes the project page of the root and of every sub-folder, and no other page', async () => {
    const bucket = await bucketWith([ROOT_TORCH, CU126_TORCH, CPU_TORCH, ROOT_NUMPY].map(file));
    await updateIndexPages(request(bucket, [CU126_TORCH, CPU_TORCH, ROOT_TORCH]));
    const newRoot = 'whl/torch-2.6.0-cp313-none-macosx_11_0_arm64.whl';
    await server.seed(bucket, [file(newRoot)]);
    const requests = await requestsDuring(() => updateIndexPages(request(bucket, [newRoot])), bucket);
    expect(puts(requests)).toEqual(['whl/cpu/torch/index.html', 'whl/cu126/torch/index.html', 'whl/torch/index.html']);
    expect(await linked(bucket, 'whl/cpu/torch/index.html')).toEqual([CPU_TORCH, ROOT_TORCH, newRoot]);
  });

  test('a re-run writes nothing: every page is already what it would write', async () => {
    const bucket = await bucketWith([ROOT_TORCH, CU126_TORCH, CPU_TORCH].map(file));
    await updateIndexPages(request(bucket, [CU126_TORCH]));
    let result;
    const requests = await requestsDuring(async () => {
      result = await updateIndexPages(request(bucket, [CU126_TORCH]));
    }, bucket);
    expect(puts(requests)).toEqual([]);
    expect(result).toMatchObject({ written: [], unchanged: 4 });
  });

  test('pages come from the bucket: a link to a deleted object goes, a file the old page missed is listed', async () => {
    const gone = 'whl/cu126/torch-2.5.0+cu126-cp312-cp312-linux_x86_64.whl';
    const missed = 'whl/cu126/torch-2.5.1+cu126-cp312-cp312-linux_x86_64.whl';
    const oldPage = `<html><body><a href="/${gone.replace('+', '%2B')}#sha256=${'a'.repeat(64)}">x</a></body></html>`;
    const bucket = await bucketWith([
      file(CU126_TORCH),
      file(missed),
      { key: 'whl/cu126/torch/index.html', body: oldPage, contentType: 'text/html' },
    ]);
    await updateIndexPages(request(bucket, [CU126_TORCH]));
    expect(await linked(bucket, 'whl/cu126/torch/index.html')).toEqual([missed, CU126_TORCH]);
  });

  test('no page for files outside the variant folders, nor for what pip cannot install', async () => {
    const bucket = await bucketWith([file(ELSEWHERE[3]!), file('whl/cu126/README.txt')]);
    const requests = await requestsDuring(
      () => updateIndexPages(request(bucket, [ELSEWHERE[3]!, 'whl/cu126/README.txt'])),
      bucket,
    );
    expect(requests).toEqual([]);
  });
});

describe('what a link says', () => {
  const full = 'whl/cu126/torchvision-0.21.0+cu126-cp312-cp312-linux_x86_64.whl';
  const composite = 'whl/cu126/torchvision-0.21.0+cu126-cp313-cp313-linux_x86_64.whl';
  const metadataOnly = 'whl/cu126/torchvision-0.21.0+cu126-cp311-cp311-linux_x86_64.whl';
  const nothing = 'whl/cu126/torchvision-0.21.0+cu126-cp310-cp310-linux_x86_64.whl';
  const copied = 'whl/cu126/torchvision-0.21.0+cu126-cp39-cp39-linux_x86_64.whl';
  const METADATA = 'Metadata-Version: 2.1\nName: torchvision\nVersion: 0.21.0+cu126\n';
  let bucket: string;
  let requests: S3Request[];
  let page: string;

  beforeAll(async () => {
    bucket = await bucketWith([
      { key: 'staging/full.whl', body: full },
      file(composite),
      file(metadataOnly),
      { key: nothing, body: nothing },
      { key: copied, body: copied },
      { key: `${full}.metadata`, body: METADATA },
    ]);
    // S3 computes a full-object SHA-256 for a copy that asks for one.
    await s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: full,
        CopySource: copySource(bucket, 'staging/full.whl'),
        ChecksumAlgorithm: 'SHA256',
      }),
    );
    // A multipart upload's composite checksum (a hash of the parts' hashes), as S3 answers it.
    const stored = join(
      server.directory,
      bucket,
      'whl',
      'cu126',
      `${composite.split('/').pop()}._S3rver_metadata.json`,
    );
    const metadata = JSON.parse(readFileSync(stored, 'utf8')) as Record<string, string>;
    metadata['x-amz-checksum-sha256'] = `${Buffer.from('f'.repeat(64), 'hex').toString('base64')}-3`;
    writeFileSync(stored, JSON.stringify(metadata));

    requests = await requestsDuring(
      () =>
        updateIndexPages(
          request(bucket, [full, composite, metadataOnly, nothing, copied], {
            known: new Map([[copied, sha256(copied)]]),
          }),
        ),
      bucket,
    );
    page = await text(bucket, 'whl/cu126/torchvision/index.html');
  });

  const link = (key: string): string => new RegExp(`<a href="/${key.replace('+', '%2B')}[^>]*>`).exec(page)![0];

  test('sha256 from the S3 full-object checksum, with PEP 658 and PEP 714 attributes when <file>.metadata exists', () => {
    const meta = sha256(METADATA);
    expect(link(full)).toBe(
      `<a href="/${full.replace('+', '%2B')}#sha256=${sha256(full)}" data-dist-info-metadata="sha256=${meta}" data-core-metadata="sha256=${meta}">`,
    );
  });

  test('a composite (multipart) checksum is not a file hash: the checksum-sha256 metadata is used instead', () => {
    expect(link(composite)).toContain(`#sha256=${sha256(composite)}"`);
    expect(link(metadataOnly)).toContain(`#sha256=${sha256(metadataOnly)}"`);
  });

  test('without a stated checksum the link has no fragment; what the copy answered is used as is', () => {
    expect(link(nothing)).toBe(`<a href="/${nothing.replace('+', '%2B')}">`);
    expect(link(copied)).toContain(`#sha256=${sha256(copied)}"`);
  });

  test('no file is read for its hash: one HEAD per file the promotion did not hash, none for the copied one', () => {
    const reads = requests.filter((r) => r.operation === 'GetObject' && r.key.endsWith('.whl'));
    expect(reads).toEqual([]);
    const heads = requests.filter((r) => r.operation === 'HeadObject' && r.key.endsWith('.whl'));
    expect(heads.map((r) => r.key).sort()).toEqual([composite, full, metadataOnly, nothing].sort());
  });

  test('one listing per prefix level: the root (once for its folders, once after the ETags are read), each variant folder once', () => {
    const listings = requests.filter((r) => r.operation === 'ListObjectsV2').map((r) => r.query['prefix']);
    expect(listings.sort()).toEqual(['whl/', 'whl/', 'whl/cu126/']);
  });

  test('pages are text/html with PyTorch cache headers and the ACL asked for', async () => {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'whl/cu126/torchvision/index.html' }));
    expect(head.ContentType).toBe('text/html');
    expect(head.CacheControl).toBe(PROD_CACHE_CONTROL);

    const test = 'whl/test/cu126/torchvision-0.21.0+cu126-cp312-cp312-linux_x86_64.whl';
    await server.seed(bucket, [file(test)]);
    await updateIndexPages(request(bucket, [test], { prefix: 'whl/test/', acl: 'public-read' }));
    for (const key of [
      'whl/test/torchvision/index.html',
      'whl/test/cu126/torchvision/index.html',
      'whl/test/index.html',
    ]) {
      const h = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      expect([key, h.CacheControl, h.ContentType, server.aclOf(bucket, key)]).toEqual([
        key,
        NO_CACHE_CONTROL,
        'text/html',
        'public-read',
      ]);
    }
  });
});

test('nightly pages carry no sha256, as PyTorch serves them, so nothing is read for it', async () => {
  const nightly = 'whl/nightly/cu126/torch-2.8.0.dev20260101+cu126-cp312-cp312-linux_x86_64.whl';
  const bucket = await bucketWith([file(nightly)]);
  const requests = await requestsDuring(
    () => updateIndexPages(request(bucket, [nightly], { prefix: 'whl/nightly/' })),
    bucket,
  );
  expect(await text(bucket, 'whl/nightly/cu126/torch/index.html')).toContain(
    `<a href="/${nightly.replace('+', '%2B')}">`,
  );
  expect(requests.filter((r) => r.key.endsWith('.whl'))).toEqual([]);
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'whl/nightly/torch/index.html' }));
  expect(head.CacheControl).toBe(NO_CACHE_CONTROL);
});

describe('conditional writes', () => {
  test('a page another promotion rewrote after it was read is built again, with both promotions files', async () => {
    const bucket = await bucketWith([file(CU126_TORCH), file(CPU_TORCH)]);
    await updateIndexPages(request(bucket, [CU126_TORCH, CPU_TORCH]));
    const mine = 'whl/cu126/torch-2.6.1+cu126-cp312-cp312-linux_x86_64.whl';
    const theirs = 'whl/cpu/torch-2.6.1+cpu-cp312-cp312-linux_x86_64.whl';
    await server.seed(bucket, [file(mine)]);
    const client = clientThatStalls('whl/torch/index.html', async () => {
      // The other promotion copies its file and writes its pages meanwhile.
      await server.seed(bucket, [file(theirs)]);
      await updateIndexPages(request(bucket, [theirs]));
    });
    try {
      const r = await updateIndexPages({ ...request(bucket, [mine]), source: { client, bucket } });
      expect(r.conflicts).toBe(1);
      expect(await linked(bucket, 'whl/torch/index.html')).toEqual([CPU_TORCH, theirs, CU126_TORCH, mine]);
    } finally {
      client.destroy();
    }
  });

  test('two promotions at once do not lose each other links', async () => {
    const bucket = await bucketWith([file(ROOT_TORCH), file(CU126_TORCH)]);
    await updateIndexPages(request(bucket, [ROOT_TORCH, CU126_TORCH]));
    const a = 'whl/cu126/torch-2.6.1+cu126-cp312-cp312-linux_x86_64.whl';
    const b = 'whl/torch-2.6.1-cp312-none-macosx_11_0_arm64.whl';
    await server.seed(bucket, [file(a), file(b)]);
    // Both read every ETag before either writes: the one that writes second must be refused.
    let arrived = 0;
    let release!: () => void;
    const bothRead = new Promise<void>((resolve) => (release = resolve));
    const meet = async (): Promise<void> => {
      if (++arrived === 2) release();
      await bothRead;
    };
    const clients = [clientThatStalls('whl/torch/index.html', meet), clientThatStalls('whl/torch/index.html', meet)];
    try {
      const [ra, rb] = await Promise.all([
        updateIndexPages({ ...request(bucket, [a]), source: { client: clients[0]!, bucket } }),
        updateIndexPages({ ...request(bucket, [b]), source: { client: clients[1]!, bucket } }),
      ]);
      expect(ra.conflicts + rb.conflicts).toBeGreaterThanOrEqual(1);
      expect(await linked(bucket, 'whl/torch/index.html')).toEqual([CU126_TORCH, a, ROOT_TORCH, b]);
      expect(await linked(bucket, 'whl/cu126/torch/index.html')).toEqual([CU126_TORCH, a, ROOT_TORCH, b]);
    } finally {
      for (const c of clients) c.destroy();
    }
  });

  test('a page deleted after it was read is written again, not lost', async () => {
    const bucket = await bucketWith([file(CU126_TORCH)]);
    await updateIndexPages(request(bucket, [CU126_TORCH]));
    const client = clientThatStalls('whl/cu126/torch/index.html', async () => {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'whl/cu126/torch/index.html' }));
    });
    const newer = 'whl/cu126/torch-2.6.1+cu126-cp312-cp312-linux_x86_64.whl';
    await server.seed(bucket, [file(newer)]);
    try {
      await updateIndexPages({ ...request(bucket, [newer]), source: { client, bucket } });
      expect(await linked(bucket, 'whl/cu126/torch/index.html')).toEqual([CU126_TORCH, newer]);
    } finally {
      client.destroy();
    }
  });

  test('pages are written to every destination, each with its own condition', async () => {
    const bucket = await bucketWith([file(CU126_TORCH)]);
    const mirror = await bucketWith([{ key: 'whl/cu126/torch/index.html', body: 'stale', contentType: 'text/html' }]);
    const r = await updateIndexPages(
      request(bucket, [CU126_TORCH], {
        destinations: [
          { client: s3, bucket },
          { client: s3, bucket: mirror },
        ],
      }),
    );
    expect(await text(mirror, 'whl/cu126/torch/index.html')).toBe(await text(bucket, 'whl/cu126/torch/index.html'));
    expect(await text(mirror, 'whl/torch/index.html')).toBe(await text(bucket, 'whl/torch/index.html'));
    expect(r.written.filter((w) => w.bucket === mirror).map((w) => [w.key, w.created])).toContainEqual([
      'whl/cu126/torch/index.html',
      false,
    ]);
    await s3.send(new PutObjectCommand({ Bucket: mirror, Key: 'whl/torch/index.html', Body: 'changed' }));
    const again = await updateIndexPages(
      request(bucket, [CU126_TORCH], {
        destinations: [
          { client: s3, bucket },
          { client: s3, bucket: mirror },
        ],
      }),
    );
    expect(again.written.map((w) => `${w.bucket}/${w.key}`)).toEqual([`${mirror}/whl/torch/index.html`]);
  });
});

/** A real promotion of `packages` from whl/test/ to whl/ with its index pages. */
function promotionOf(bucket: string, packages: string): PromotionOptions {
  return {
    bucket,
    pairs: [{ source: 'whl/test/', destination: 'whl/' }],
    packages: parseRequestedPackages('packages', packages),
    variants: { include: [], exclude: [] },
    backupPrefix: '',
    overwrite: false,
    concurrency: 8,
    multipartThreshold: 5 * 1024 ** 3,
    regenerateIndex: true,
    dryRun: false,
  };
}

test("a wheel's PEP 658 metadata is promoted with it, and the stable page announces it", async () => {
  const wheel = 'whl/test/cu124/torch-2.6.0+cu124-cp312-cp312-linux_x86_64.whl';
  const metadata = 'Metadata-Version: 2.1\nName: torch\nVersion: 2.6.0+cu124\n';
  const bucket = await bucketWith([file(wheel), { key: `${wheel}.metadata`, body: metadata }]);
  const r = await promote(s3, new Receipt('promote-s3'), promotionOf(bucket, 'torch=2.6.0'));
  expect(r.ignored).toEqual([]);
  const stable = wheel.replace('whl/test/', 'whl/');
  expect(await text(bucket, `${stable}.metadata`)).toBe(metadata);
  const digest = sha256(metadata);
  expect(await text(bucket, 'whl/cu124/torch/index.html')).toContain(
    `#sha256=${sha256(wheel)}" data-dist-info-metadata="sha256=${digest}" data-core-metadata="sha256=${digest}">`,
  );
  // the metadata file is no link of its own
  expect(await linked(bucket, 'whl/cu124/torch/index.html')).toEqual([stable]);
});

test('two promote-s3 runs at once: the one that writes last keeps the pages and links of the other', async () => {
  const files = [
    'whl/test/cu124/torch-2.6.0+cu124-cp312-cp312-linux_x86_64.whl',
    'whl/test/torch-2.6.0-cp312-none-macosx_11_0_arm64.whl',
    'whl/test/cu124/torchvision-0.21.0+cu124-cp312-cp312-linux_x86_64.whl',
    'whl/test/cpu/torchvision-0.21.0+cpu-cp312-cp312-linux_x86_64.whl',
  ];
  const bucket = await bucketWith(files.map(file));
  const options = (packages: string): PromotionOptions => promotionOf(bucket, packages);
  // The torchvision promotion copies its files and writes its pages while the torch promotion,
  // which listed the bucket before those copies, is about to write the shared package lists.
  const client = clientThatStalls('whl/index.html', async () => {
    await promote(s3, new Receipt('promote-s3'), options('torchvision=0.21.0'));
  });
  try {
    await promote(client, new Receipt('promote-s3'), options('torch=2.6.0'));
  } finally {
    client.destroy();
  }
  const [torchCu124, torchRoot, visionCu124, visionCpu] = files.map((k) => k.replace('whl/test/', 'whl/'));
  expect(await linked(bucket, 'whl/torch/index.html')).toEqual([torchCu124, torchRoot]);
  expect(await linked(bucket, 'whl/torchvision/index.html')).toEqual([visionCpu, visionCu124]);
  expect(await linked(bucket, 'whl/cu124/torch/index.html')).toEqual([torchCu124, torchRoot]);
  expect(await linked(bucket, 'whl/cpu/torch/index.html')).toEqual([torchRoot]);
  for (const list of ['whl/index.html', 'whl/cu124/index.html', 'whl/cpu/index.html'])
    expect([list, await text(bucket, list)]).toEqual([
      list,
      expect.stringMatching(/href="torch\/"[\s\S]*href="torchvision\/"/),
    ]);
});

describe('libtorch listings, as PyTorch writes them under libtorch/ (to_libtorch_html)', () => {
  const CU126 = 'libtorch/cu126/libtorch-cxx11-abi-shared-with-deps-2.6.0+cu126.zip';
  const CU126_OLD = 'libtorch/cu126/libtorch-cxx11-abi-shared-with-deps-2.5.1+cu126.zip';
  const CPU = 'libtorch/cpu/libtorch-shared-with-deps-2.6.0+cpu.zip';
  const ROOT = 'libtorch/libtorch-macos-arm64-2.6.0.zip';
  const others = [
    'libtorch/cu126/README.txt',
    'libtorch/test/cu126/libtorch-cxx11-abi-shared-with-deps-2.7.0+cu126.zip',
    'libtorch/cpu-cxx11-abi/libtorch-cxx11-abi-shared-with-deps-2.6.0+cpu.zip',
  ];

  test('a folder lists its own archives (never the root), the root every archive; sorted, never cached', async () => {
    const bucket = await bucketWith([CU126, CU126_OLD, CPU, ROOT, ...others].map(file));
    const r = await updateIndexPages(request(bucket, [CU126, ROOT], { prefix: 'libtorch/' }));
    // cu126 received an archive, and the root holds archives; cpu/ received none
    expect(r.written.map((w) => w.key).sort()).toEqual(['libtorch/cu126/index.html', 'libtorch/index.html']);
    expect(await text(bucket, 'libtorch/cu126/index.html')).toBe(
      [
        '<a href="/libtorch/cu126/libtorch-cxx11-abi-shared-with-deps-2.5.1%2Bcu126.zip">libtorch-cxx11-abi-shared-with-deps-2.5.1%2Bcu126.zip</a><br/>',
        '<a href="/libtorch/cu126/libtorch-cxx11-abi-shared-with-deps-2.6.0%2Bcu126.zip">libtorch-cxx11-abi-shared-with-deps-2.6.0%2Bcu126.zip</a><br/>',
      ].join('\n'),
    );
    expect(await text(bucket, 'libtorch/index.html')).toBe(
      [
        '<a href="/libtorch/cpu/libtorch-shared-with-deps-2.6.0%2Bcpu.zip">cpu/libtorch-shared-with-deps-2.6.0%2Bcpu.zip</a><br/>',
        '<a href="/libtorch/cu126/libtorch-cxx11-abi-shared-with-deps-2.5.1%2Bcu126.zip">cu126/libtorch-cxx11-abi-shared-with-deps-2.5.1%2Bcu126.zip</a><br/>',
        '<a href="/libtorch/cu126/libtorch-cxx11-abi-shared-with-deps-2.6.0%2Bcu126.zip">cu126/libtorch-cxx11-abi-shared-with-deps-2.6.0%2Bcu126.zip</a><br/>',
        '<a href="/libtorch/libtorch-macos-arm64-2.6.0.zip">libtorch-macos-arm64-2.6.0.zip</a><br/>',
      ].join('\n'),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'libtorch/cu126/index.html' }));
    expect([head.ContentType, head.CacheControl]).toEqual(['text/html', NO_CACHE_CONTROL]);

    const again = await updateIndexPages(request(bucket, [CU126, ROOT], { prefix: 'libtorch/' }));
    expect([again.written, again.unchanged]).toEqual([[], 2]);
  });

  test('no root listing where the root holds no archive', async () => {
    const bucket = await bucketWith([CU126, CPU].map(file));
    const r = await updateIndexPages(request(bucket, [CPU], { prefix: 'libtorch/' }));
    expect(r.written.map((w) => w.key)).toEqual(['libtorch/cpu/index.html']);
  });
});
