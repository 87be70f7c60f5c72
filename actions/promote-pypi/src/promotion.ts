import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import * as core from '@actions/core';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ConfigurationError } from '@release-actions/core/runtime/errors';
import type { Operation, Plan } from '@release-actions/core/runtime/plan';
import { releaseFiles, type IndexFile } from '@release-actions/core/pypi/json-api';
import { postUpload, uploadError, type UploadFile } from '@release-actions/core/pypi/upload';
import type { Receipt } from '@release-actions/core/runtime/receipt';
import { withRetry, sleep as realSleep } from '@release-actions/core/runtime/retry';
import { executePlan } from '@release-actions/core/runtime/run';
import { isNotFound, listAll, UPLOAD_CHECKSUM } from '@release-actions/core/s3/client';
import {
  selectionMatrix,
  selectWheels,
  type PackageRelease,
  type SelectedWheel,
  type VariantRule,
} from '@release-actions/core/wheel/selection';
import { rewriteWheel, type RewriteOptions } from '@release-actions/core/wheel/rewrite';
import { validateWheel, type WheelExpectations, type WheelMetadata } from '@release-actions/core/wheel/validate';
import {
  Digests,
  readCentralDirectoryFrom,
  remoteZipSource,
  type FileDigests,
  type RandomAccess,
} from '@release-actions/core/wheel/zip';
import { globToRegExp } from '@release-actions/core/runtime/glob';
import { expandTemplate } from '@release-actions/core/runtime/template';

/**
 * promote-pypi: select one variant per platform from the release's wheels in S3, rewrite them for
 * PyPI into a staging prefix, validate every staged wheel, then upload them to the index once. The
 * plan is computed from what staging and the index already hold, so a re-run does only what is left,
 * and a file already on the index with different content stops the run before any upload.
 */

export type PromotionMode = 'stage' | 'publish' | 'both';

export interface PyPIPromotionOptions {
  packages: PackageRelease[];
  bucket: string;
  sourcePrefix: string;
  variants: VariantRule[];
  rewrite: Pick<RewriteOptions, 'platformTags' | 'excludeFiles' | 'versionFiles'>;
  stagingBucket: string;
  /** With `{name}` and `{version}` placeholders. */
  stagingPrefix: string;
  mode: PromotionMode;
  expect: WheelExpectations;
  repositoryUrl: string;
  indexUrl: string;
  /** Resolves the upload credentials when the first upload is about to happen. */
  credentials: () => Promise<{ username: string; password: string }>;
  dryRun: boolean;
  /** Versions the user confirmed for a real publication. */
  confirm: string[];
  s3: S3Client;
  workDir?: string;
  /** How long to wait for an uploaded file to appear in the JSON API. */
  verifyAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface PromotionCounts {
  staged: number;
  uploaded: number;
  skipped: number;
}

interface StageData {
  key: string;
  stagingKey: string;
  filename: string;
  sourceEtag?: string;
}

interface UploadData {
  stagingKey: string;
  filename: string;
  package: string;
  version: string;
  sha256?: string;
}

export const STAGED_SOURCE_KEY = 'source-key';
export const STAGED_SOURCE_ETAG = 'source-etag';

export function stagingPrefixFor(template: string, name: string, version: string): string {
  const p = expandTemplate('staging-prefix', template, { name, version });
  return p === '' || p.endsWith('/') ? p : `${p}/`;
}

async function head(s3: S3Client, bucket: string, key: string) {
  try {
    return await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** Ranged GETs of an object, for reading a zip's central directory and small entries. */
export function s3Access(s3: S3Client, bucket: string, key: string, size: number): RandomAccess {
  const get = async (start: number, length: number): Promise<Readable> => {
    const res = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${start + length - 1}` }),
    );
    return res.Body as Readable;
  };
  return {
    size,
    async read(position, length) {
      if (length === 0) return Buffer.alloc(0);
      const parts: Buffer[] = [];
      for await (const c of await get(position, length)) parts.push(c as Buffer);
      const b = Buffer.concat(parts);
      if (b.length !== length)
        throw new Error(`s3://${bucket}/${key}: asked ${length} bytes at ${position}, got ${b.length}`);
      return b;
    },
    range: (position, length) => ({
      async *[Symbol.asyncIterator]() {
        if (length > 0) for await (const c of await get(position, length)) yield c as Buffer;
      },
    }),
  };
}

/** The whole object, front to back. */
export async function* s3Stream(s3: S3Client, bucket: string, key: string): AsyncGenerator<Buffer> {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  for await (const c of res.Body as Readable) yield c as Buffer;
}

/** Streams an object to a file. */
export async function downloadObject(s3: S3Client, bucket: string, key: string, path: string): Promise<void> {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  await pipeline(res.Body as Readable, createWriteStream(path, { highWaterMark: 1 << 20 }));
}

/** Streams a file to an object (multipart above 16 MiB, at most 4 parts in flight). */
export async function uploadFile(
  s3: S3Client,
  bucket: string,
  key: string,
  path: string,
  metadata: Record<string, string> = {},
): Promise<void> {
  await new Upload({
    client: s3,
    params: {
      Bucket: bucket,
      Key: key,
      Body: createReadStream(path, { highWaterMark: 1 << 20 }),
      Metadata: metadata,
      ContentType: 'application/zip',
      ...UPLOAD_CHECKSUM,
    },
    partSize: 16 << 20,
    queueSize: 4,
  }).done();
}

async function fileDigests(path: string): Promise<FileDigests> {
  const d = new Digests();
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) d.update(chunk as Buffer);
  return d.digest();
}

/**
 * Every `version-files` glob must name a file in at least one selected wheel: a misspelt path would
 * otherwise publish `__version__ = '2.6.0+cu126'` for good. Only the central directories are read
 * (two ranged GETs per wheel), before anything is staged.
 */
async function checkVersionFiles(opts: PyPIPromotionOptions, selected: SelectedWheel[]): Promise<void> {
  const globs = opts.rewrite.versionFiles ?? [];
  if (globs.length === 0) return;
  const unmatched = new Map(globs.map((g) => [g, globToRegExp(g)]));
  for (const w of selected) {
    if (unmatched.size === 0) return;
    const entries = await readCentralDirectoryFrom(s3Access(opts.s3, opts.bucket, w.key, w.size));
    for (const [glob, re] of unmatched) if (entries.some((e) => re.test(e.name))) unmatched.delete(glob);
  }
  if (unmatched.size > 0) {
    throw new ConfigurationError(
      `input "version-files": ${[...unmatched.keys()].map((g) => `"${g}"`).join(', ')} matches no file in any of the ${selected.length} wheel(s) chosen; nothing was staged or uploaded`,
    );
  }
}

export function checkConfirm(packages: PackageRelease[], confirm: string[]): void {
  const missing = [...new Set(packages.map((p) => p.version))].filter((v) => !confirm.includes(v));
  if (missing.length) {
    throw new ConfigurationError(
      `input "confirm" must name the version of every package published (${[...new Set(packages.map((p) => p.version))].join(', ')}); got "${confirm.join(', ')}". A PyPI upload can never be undone`,
    );
  }
}

export async function promoteToPyPI(receipt: Receipt, opts: PyPIPromotionOptions): Promise<PromotionCounts> {
  const counts: PromotionCounts = { staged: 0, uploaded: 0, skipped: 0 };
  // In mode both, the receipt's plan holds the staging and the upload operations together.
  let stagePlan: Plan | undefined;
  const publishing = opts.mode !== 'stage';
  if (publishing && !opts.dryRun) checkConfirm(opts.packages, opts.confirm);
  const work = mkdtempSync(join(opts.workDir ?? tmpdir(), 'promote-pypi-'));
  const sleep = opts.sleep ?? realSleep;
  try {
    const listing = await listAll(opts.s3, opts.bucket, opts.sourcePrefix);
    const selected = selectWheels(listing, opts.packages, opts.variants, opts.rewrite.platformTags ?? []);
    const stagingKey = (w: SelectedWheel): string =>
      `${stagingPrefixFor(opts.stagingPrefix, w.package, w.version)}${w.targetFilename}`;
    const platforms = [...new Set(selected.map((s) => s.platform))].sort();
    receipt.addTable(
      'Wheels chosen for PyPI (variant per Python tag x platform)',
      ['package', 'python', ...platforms],
      selectionMatrix(selected).map((r) => [r.package, r.pythonTag, ...platforms.map((p) => r.cells[p] ?? 'missing')]),
    );
    receipt.addTable(
      'Rewrites',
      ['source', 'PyPI file', 'bytes'],
      selected.map((s) => [s.key, s.targetFilename, s.size]),
    );

    // Stage: rewrite each selected wheel into the staging prefix.
    if (opts.mode !== 'publish') {
      await checkVersionFiles(opts, selected);
      const operations: Operation<StageData>[] = [];
      for (const w of selected) {
        const key = stagingKey(w);
        const existing = await head(opts.s3, opts.stagingBucket, key);
        const sameSource =
          existing?.Metadata?.[STAGED_SOURCE_KEY] === w.key &&
          existing?.Metadata?.[STAGED_SOURCE_ETAG] === (w.etag ?? '');
        operations.push({
          id: `stage ${w.key}`,
          kind: 'stage-wheel',
          target: `s3://${opts.stagingBucket}/${key}`,
          action: !existing ? 'create' : sameSource ? 'skip' : 'update',
          reason: !existing
            ? `rewrite of ${w.key}`
            : sameSource
              ? 'already staged from the same source object'
              : 'staged from another source object; restaged',
          bytes: w.size,
          data: { key: w.key, stagingKey: key, filename: w.source.filename, sourceEtag: w.etag },
        });
      }
      const plan: Plan<StageData> = { action: 'promote-pypi', operations };
      const outcomes = await executePlan(
        receipt,
        plan,
        async (op) => {
          // One GET streams the source through the rewrite into a multipart upload: no local copy.
          const source = await remoteZipSource(s3Access(opts.s3, opts.bucket, op.data.key, op.bytes ?? 0), () =>
            s3Stream(opts.s3, opts.bucket, op.data.key),
          );
          const body = new PassThrough({ highWaterMark: 1 << 20 });
          const upload = new Upload({
            client: opts.s3,
            params: {
              Bucket: opts.stagingBucket,
              Key: op.data.stagingKey,
              Body: body,
              ContentType: 'application/zip',
              Metadata: { [STAGED_SOURCE_KEY]: op.data.key, [STAGED_SOURCE_ETAG]: op.data.sourceEtag ?? '' },
              ...UPLOAD_CHECKSUM,
            },
            partSize: 8 << 20,
            queueSize: 8,
          });
          const uploaded = upload.done();
          uploaded.catch(() => undefined);
          let r: Awaited<ReturnType<typeof rewriteWheel>>;
          try {
            r = await rewriteWheel(source, body, {
              ...opts.rewrite,
              sourceFilename: op.data.filename,
              hashOutput: false,
            });
            const max = opts.expect.maxFileSize;
            if (max !== undefined && r.size > max) {
              throw new ConfigurationError(`${r.filename} is ${r.size} bytes, more than max-file-size (${max} bytes)`);
            }
            body.end();
            await uploaded;
          } catch (e) {
            body.destroy();
            await upload.abort().catch(() => undefined);
            throw e;
          }
          const check = await head(opts.s3, opts.stagingBucket, op.data.stagingKey);
          if (check?.ContentLength !== r.size)
            throw new Error(`staged ${op.data.stagingKey} has ${check?.ContentLength} bytes, wrote ${r.size}`);
          return {
            size: r.size,
            excluded: r.excluded.length,
            versionFiles: r.versionFiles.join(' '),
          };
        },
        { dryRun: opts.dryRun },
      );
      counts.staged = outcomes.filter((o) => o.result === 'done').length;
      stagePlan = plan as Plan;
      if (!publishing) {
        counts.skipped = outcomes.filter((o) => o.result === 'skipped').length;
        return counts;
      }
    }

    // Publish: every staged wheel is read and validated first; its sha256 against what the index
    // already holds decides skip / upload / conflict, before the first upload.
    const onIndex = new Map<string, Map<string, IndexFile>>();
    for (const p of opts.packages)
      onIndex.set(`${p.name}==${p.version}`, await releaseFiles(opts.indexUrl, p.name, p.version, { sleep }));
    const validated = new Map<string, { digests: FileDigests; metadata: WheelMetadata; pythonTag: string }>();
    const problems = new Map<string, string>();
    for (const w of selected) {
      const key = stagingKey(w);
      if (!(await head(opts.s3, opts.stagingBucket, key))) {
        if (opts.dryRun) continue;
        throw new ConfigurationError(
          `${w.targetFilename} is not staged at s3://${opts.stagingBucket}/${key}; run with mode "stage" (or "both") first`,
        );
      }
      const path = join(work, w.targetFilename);
      await downloadObject(opts.s3, opts.stagingBucket, key, path);
      try {
        const digests = await fileDigests(path);
        const v = await validateWheel(path, opts.expect, { filename: w.targetFilename, sha256: digests.sha256 });
        // Invalid wheels keep their digests too: a file already on the index with the same sha256 is skipped.
        validated.set(w.targetFilename, {
          digests,
          metadata: v.metadata!,
          pythonTag: v.wheel?.pythonTag ?? w.pythonTag,
        });
        if (v.problems.length || !v.metadata) problems.set(w.targetFilename, v.problems.join('; ') || 'no METADATA');
      } finally {
        rmSync(path, { force: true });
      }
    }
    const operations: Operation<UploadData>[] = selected.map((w) => {
      const there = onIndex.get(`${w.package}==${w.version}`)?.get(w.targetFilename);
      const mine = validated.get(w.targetFilename)?.digests;
      const action = !there || !mine ? 'create' : there.sha256 === mine.sha256 ? 'skip' : 'conflict';
      return {
        id: `upload ${w.targetFilename}`,
        kind: 'upload-wheel',
        target: `${opts.repositoryUrl} ${w.targetFilename}`,
        action,
        reason:
          action === 'skip'
            ? 'already on the index with the same sha256'
            : action === 'conflict'
              ? `the index holds a different file under this name (sha256 ${there!.sha256}, staged ${mine!.sha256}); a PyPI file name can never be reused`
              : mine
                ? `from s3://${opts.stagingBucket}/${stagingKey(w)}`
                : 'after staging',
        bytes: mine?.size,
        data: {
          stagingKey: stagingKey(w),
          filename: w.targetFilename,
          package: w.package,
          version: w.version,
          sha256: mine?.sha256,
        },
      };
    });
    const plan: Plan<UploadData> = { action: 'promote-pypi', operations };
    const invalid = operations.filter((o) => o.action !== 'skip' && problems.has(o.data.filename));
    const conflicts = operations.filter((o) => o.action === 'conflict');
    if (conflicts.length || invalid.length) {
      receipt.setPlan(plan as Plan, opts.dryRun);
      if (conflicts.length)
        throw new ConfigurationError(
          `nothing was uploaded: ${conflicts.map((c) => `${c.data.filename}: ${c.reason}`).join('; ')}`,
        );
      throw new ConfigurationError(
        `nothing was uploaded; ${invalid.length} staged wheel(s) failed validation: ${invalid.map((o) => `${o.data.filename}: ${problems.get(o.data.filename)}`).join(' | ')}`,
      );
    }
    if (opts.dryRun) {
      const outcomes = await executePlan(receipt, plan, async () => undefined, { dryRun: true });
      counts.skipped = outcomes.filter((o) => o.result === 'skipped').length;
      return counts;
    }

    const credentials = await opts.credentials();
    const verifyAttempts = opts.verifyAttempts ?? 10;
    const outcomes = await executePlan(
      receipt,
      plan,
      async (op) => {
        const facts = validated.get(op.data.filename)!;
        const alreadyThere = async (): Promise<boolean> => {
          const there = (await releaseFiles(opts.indexUrl, op.data.package, op.data.version, { sleep })).get(
            op.data.filename,
          );
          if (!there) return false;
          if (there.sha256 === facts.digests.sha256) return true;
          throw new ConfigurationError(
            `${op.data.filename} appeared on the index with a different sha256 (${there.sha256}); stopping`,
          );
        };
        const path = join(work, op.data.filename);
        await downloadObject(opts.s3, opts.stagingBucket, op.data.stagingKey, path);
        try {
          const d = await fileDigests(path);
          if (d.sha256 !== facts.digests.sha256)
            throw new ConfigurationError(
              `s3://${opts.stagingBucket}/${op.data.stagingKey} changed after validation; stopping`,
            );
          const file: UploadFile = {
            path,
            filename: op.data.filename,
            pythonTag: facts.pythonTag,
            metadata: facts.metadata,
            digests: d,
          };
          await withRetry(
            async (attempt) => {
              // After a dropped connection the upload may have landed: ask the index before sending again.
              if (attempt > 1 && (await alreadyThere())) return;
              const res = await postUpload(opts.repositoryUrl, credentials, file);
              if (res.status >= 200 && res.status < 300) return;
              const message = `upload of ${op.data.filename} failed: ${uploadError(res)}`;
              if (res.status >= 500 || res.status === 429) throw new Error(message);
              throw new ConfigurationError(message);
            },
            {
              attempts: 4,
              sleep,
              retryable: (e) => !(e instanceof ConfigurationError),
              onRetry: (e) => core.warning(`${e instanceof Error ? e.message : String(e)}; retrying`),
            },
          );
        } finally {
          rmSync(path, { force: true });
        }
        for (let i = 1; ; i++) {
          if (await alreadyThere()) break;
          if (i >= verifyAttempts)
            throw new Error(`${op.data.filename} was uploaded but does not appear in ${opts.indexUrl} JSON API`);
          await sleep(Math.min(30_000, 1000 * 2 ** (i - 1)));
        }
        return { sha256: facts.digests.sha256, size: facts.digests.size, blake2_256: facts.digests.blake2_256 };
      },
      { dryRun: false },
    );
    counts.uploaded = outcomes.filter((o) => o.result === 'done').length;
    counts.skipped = outcomes.filter((o) => o.result === 'skipped').length;
    return counts;
  } finally {
    if (stagePlan && receipt.plan && receipt.plan !== stagePlan) {
      receipt.setPlan(
        { action: stagePlan.action, operations: [...stagePlan.operations, ...receipt.plan.operations] },
        opts.dryRun,
      );
    }
    rmSync(work, { recursive: true, force: true });
  }
}
