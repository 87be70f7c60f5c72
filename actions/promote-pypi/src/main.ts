import * as core from '@actions/core';
import {
  getBoolean,
  getByteSize,
  getEnum,
  getLines,
  getSecret,
  getString,
  getUrl,
  parseKeyValueLines,
  splitList,
} from '@release-actions/core/runtime/inputs';
import { mintTrustedPublishingToken } from '@release-actions/core/pypi/json-api';
import { promoteToPyPI } from './promotion.js';
import type { Receipt } from '@release-actions/core/runtime/receipt';
import { normalizePrefix, parseRequestedPackages } from '@release-actions/core/release/selection';
import { createS3Client, parseBucketName } from '@release-actions/core/s3/client';
import { DEFAULT_VARIANTS, parseVariants } from '@release-actions/core/wheel/selection';

export async function main(receipt: Receipt): Promise<void> {
  const packages = parseRequestedPackages('packages', getString('packages')).map((p) => ({
    name: p.name,
    version: p.versionText,
  }));
  const password = getSecret('password');
  const indexUrl = getUrl('index-url', 'https://pypi.org/');
  const s3 = createS3Client({
    endpointUrl: getUrl('endpoint-url') || undefined,
    region: getString('region') || undefined,
  });
  const counts = await promoteToPyPI(receipt, {
    packages,
    bucket: parseBucketName('bucket', getString('bucket', 'pytorch')),
    sourcePrefix: normalizePrefix(getString('source-prefix', 'whl/test/')),
    variants: parseVariants('variants', parseKeyValueLines('variants', getString('variants', DEFAULT_VARIANTS))),
    rewrite: {
      platformTags: parseKeyValueLines('platform-tags', getString('platform-tags')),
      excludeFiles: getLines('exclude-files'),
      versionFiles: getLines('version-files'),
    },
    stagingBucket: parseBucketName('staging-bucket', getString('staging-bucket', 'pytorch-backup')),
    stagingPrefix: getString('staging-prefix', '{name}-{version}-pypi-staging/'),
    mode: getEnum('mode', ['stage', 'publish', 'both'] as const, 'both'),
    expect: {
      requiresPython: getString('expect-requires-python') || undefined,
      requiresDist: getLines('expect-requires-dist'),
      maxFileSize: getByteSize('max-file-size', 1000 * 1000 * 1000),
    },
    repositoryUrl: getUrl('repository-url', 'https://upload.pypi.org/legacy/'),
    indexUrl,
    credentials: async () => {
      if (password) return { username: '__token__', password };
      const token = await mintTrustedPublishingToken({ indexUrl, getIdToken: (audience) => core.getIDToken(audience) });
      core.setSecret(token);
      return { username: '__token__', password: token };
    },
    dryRun: getBoolean('dry-run', true),
    confirm: splitList(getString('confirm')),
    s3,
  }).finally(() => s3.destroy());
  receipt.setOutput('staged', counts.staged);
  receipt.setOutput('uploaded', counts.uploaded);
  receipt.setOutput('skipped', counts.skipped);
}
