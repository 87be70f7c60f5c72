import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import * as core from '@actions/core';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { ConfigurationError } from './errors.js';
import type { Operation, Plan } from './plan.js';
import { releaseFiles, type IndexFile } from './pypi-index.js';
import { postUpload, uploadError, type UploadFile } from './pypi-upload.js';
import type { Receipt } from './receipt.js';
import { withRetry, sleep as realSleep } from './retry.js';
import { executePlan } from './run.js';
import { isNotFound, listAll } from './s3-client.js';
import {
  selectionMatrix,
  selectWheels,
  type PackageRelease,
  type SelectedWheel,
  type VariantRule,
} from './wheel-selection.js';
import { rewriteWheel, type RewriteOptions } from './wheel-rewrite.js';
import { validateWheel, type WheelExpectations, type WheelMetadata } from './wheel-validate.js';
import { Digests, type FileDigests } from './zip-stream.js';

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

export const STAGED_SHA256 = 'sha256';
export const STAGED_SOURCE_KEY = 'source-key';
export const STAGED_SOURCE_ETAG = 'source-etag';

export function stagingPrefixFor(template: string, name: string, version: string): string {
  const p = template.replace(/\{(\w+)\}/g, (m, k: string) => {
    if (k === 'name') return name;
    if (k === 'version') return version;
    throw new ConfigurationError(`input "staging-prefix": unknown placeholder ${m}; {name} and {version} are defined`);
  });
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
          const dir = mkdtempSync(join(work, 'stage-'));
          try {
            const src = join(dir, 'source.whl');
            await downloadObject(opts.s3, opts.bucket, op.data.key, src);
            const out = join(dir, 'rewritten.whl');
            const stream = createWriteStream(out, { highWaterMark: 1 << 20 });
            const r = await rewriteWheel(src, stream, { ...opts.rewrite, sourceFilename: op.data.filename });
            stream.end();
            await finished(stream);
            rmSync(src, { force: true });
            const v = await validateWheel(out, opts.expect, { filename: r.filename, sha256: r.sha256 });
            if (v.problems.length)
              throw new ConfigurationError(`${r.filename} failed validation: ${v.problems.join('; ')}`);
            await uploadFile(opts.s3, opts.stagingBucket, op.data.stagingKey, out, {
              [STAGED_SHA256]: r.sha256,
              [STAGED_SOURCE_KEY]: op.data.key,
              [STAGED_SOURCE_ETAG]: op.data.sourceEtag ?? '',
            });
            const check = await head(opts.s3, opts.stagingBucket, op.data.stagingKey);
            if (check?.ContentLength !== r.size)
              throw new Error(`staged ${op.data.stagingKey} has ${check?.ContentLength} bytes, wrote ${r.size}`);
            return {
              sha256: r.sha256,
              size: r.size,
              excluded: r.excluded.length,
              versionFiles: r.versionFiles.join(' '),
            };
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        },
        { dryRun: opts.dryRun },
      );
      counts.staged = outcomes.filter((o) => o.result === 'done').length;
      if (!publishing) return counts;
    }

    // Publish: what the index already holds decides skip / upload / conflict for each file.
    const onIndex = new Map<string, Map<string, IndexFile>>();
    for (const p of opts.packages)
      onIndex.set(`${p.name}==${p.version}`, await releaseFiles(opts.indexUrl, p.name, p.version, { sleep }));
    const staged = new Map<string, { sha256?: string; size?: number }>();
    for (const w of selected) {
      const h = await head(opts.s3, opts.stagingBucket, stagingKey(w));
      if (!h && !opts.dryRun)
        throw new ConfigurationError(
          `${w.targetFilename} is not staged at s3://${opts.stagingBucket}/${stagingKey(w)}; run with mode "stage" (or "both") first`,
        );
      staged.set(w.targetFilename, { sha256: h?.Metadata?.[STAGED_SHA256], size: h?.ContentLength });
    }
    const operations: Operation<UploadData>[] = selected.map((w) => {
      const there = onIndex.get(`${w.package}==${w.version}`)?.get(w.targetFilename);
      const mine = staged.get(w.targetFilename);
      const action = !there
        ? 'create'
        : mine?.sha256 && there.sha256 === mine.sha256
          ? 'skip'
          : mine?.sha256
            ? 'conflict'
            : 'create';
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
              : mine?.sha256
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
    if (opts.dryRun) {
      const outcomes = await executePlan(receipt, plan, async () => undefined, { dryRun: true });
      counts.skipped = outcomes.filter((o) => o.result === 'skipped').length;
      return counts;
    }
    const conflicts = operations.filter((o) => o.action === 'conflict');
    if (conflicts.length) {
      receipt.setPlan(plan as Plan, false);
      throw new ConfigurationError(
        `nothing was uploaded: ${conflicts.map((c) => `${c.data.filename}: ${c.reason}`).join('; ')}`,
      );
    }

    // Validate every staged wheel before the first upload; keep the digests for the upload form.
    const validated = new Map<string, { digests: FileDigests; metadata: WheelMetadata; pythonTag: string }>();
    const problems: string[] = [];
    for (const op of operations.filter((o) => o.action !== 'skip')) {
      const path = join(work, op.data.filename);
      await downloadObject(opts.s3, opts.stagingBucket, op.data.stagingKey, path);
      try {
        const digests = await fileDigests(path);
        const v = await validateWheel(path, opts.expect, { filename: op.data.filename, sha256: digests.sha256 });
        if (v.sha256 !== op.data.sha256)
          v.problems.push(
            `staged sha256 ${v.sha256} differs from the one recorded at staging (${op.data.sha256 ?? 'none'})`,
          );
        if (v.problems.length || !v.metadata || !v.wheel)
          problems.push(`${op.data.filename}: ${v.problems.join('; ')}`);
        else
          validated.set(op.data.filename, {
            digests,
            metadata: v.metadata,
            pythonTag: v.wheel.pythonTag,
          });
      } finally {
        rmSync(path, { force: true });
      }
    }
    if (problems.length)
      throw new ConfigurationError(
        `nothing was uploaded; ${problems.length} staged wheel(s) failed validation: ${problems.join(' | ')}`,
      );

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
    rmSync(work, { recursive: true, force: true });
  }
}
