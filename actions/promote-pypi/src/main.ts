import * as core from '@actions/core';
import {
  getBoolean,
  getByteSize,
  getEnum,
  getLines,
  getRequired,
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
import { parseVariants } from '@release-actions/core/wheel/selection';

export async function main(receipt: Receipt): Promise<void> {
  const packages = parseRequestedPackages('packages', getRequired('packages')).map((p) => ({
    name: p.name,
    version: p.versionText,
  }));
  const password = getSecret('password');
  const indexUrl = getUrl('index-url');
  const s3 = createS3Client({
    endpointUrl: getUrl('endpoint-url') || undefined,
    region: getString('region') || undefined,
  });
  const counts = await promoteToPyPI(receipt, {
    packages,
    bucket: parseBucketName('bucket', getRequired('bucket')),
    sourcePrefix: normalizePrefix(getString('source-prefix')),
    variants: parseVariants('variants', parseKeyValueLines('variants', getString('variants'))),
    rewrite: {
      platformTags: parseKeyValueLines('platform-tags', getString('platform-tags')),
      excludeFiles: getLines('exclude-files'),
      versionFiles: getLines('version-files'),
    },
    stagingBucket: parseBucketName('staging-bucket', getRequired('staging-bucket')),
    stagingPrefix: getString('staging-prefix'),
    mode: getEnum('mode', ['stage', 'publish', 'both'] as const),
    expect: {
      requiresPython: getString('expect-requires-python') || undefined,
      requiresDist: getLines('expect-requires-dist'),
      maxFileSize: getByteSize('max-file-size'),
    },
    repositoryUrl: getUrl('repository-url'),
    indexUrl,
    credentials: async () => {
      if (password) return { username: '__token__', password };
      const token = await mintTrustedPublishingToken({ indexUrl, getIdToken: (audience) => core.getIDToken(audience) });
      core.setSecret(token);
      return { username: '__token__', password: token };
    },
    dryRun: getBoolean('dry-run'),
    confirm: splitList(getString('confirm')),
    s3,
  }).finally(() => s3.destroy());
  receipt.setOutput('staged', counts.staged);
  receipt.setOutput('uploaded', counts.uploaded);
  receipt.setOutput('skipped', counts.skipped);
}
