import type { ObjectCannedACL } from '@aws-sdk/client-s3';
import { ConfigurationError } from '@release-actions/core/runtime/errors';
import {
  getBoolean,
  getByteSize,
  getInt,
  getList,
  getRequired,
  getSecret,
  getString,
  getUrl,
} from '@release-actions/core/runtime/inputs';
import type { Receipt } from '@release-actions/core/runtime/receipt';
import { expandTemplate } from '@release-actions/core/runtime/template';
import {
  normalizePrefix,
  parseRequestedPackages,
  type RequestedPackage,
} from '@release-actions/core/release/selection';
import { createS3Client, parseBucketName } from '@release-actions/core/s3/client';
import type { MirrorStore } from './plan.js';
import { promote, type PrefixPair } from './promotion.js';

const ACLS = [
  'private',
  'public-read',
  'public-read-write',
  'authenticated-read',
  'aws-exec-read',
  'bucket-owner-read',
  'bucket-owner-full-control',
] as const;

const MiB = 1024 * 1024;

function prefixPairs(): PrefixPair[] {
  const sources = getList('source-prefixes').map(normalizePrefix);
  const destinations = getList('destination-prefixes').map(normalizePrefix);
  if (sources.length === 0) throw new ConfigurationError('input "source-prefixes" is empty');
  if (sources.length !== destinations.length) {
    throw new ConfigurationError(
      `input "destination-prefixes" has ${destinations.length} prefix(es) for ${sources.length} source prefix(es); they are paired in order`,
    );
  }
  return sources.map((source, i) => {
    const destination = destinations[i]!;
    if (source === destination)
      throw new ConfigurationError(`input "destination-prefixes": "${destination}" is also a source prefix`);
    return { source, destination };
  });
}

function backupPrefix(packages: RequestedPackage[]): string {
  const template = getString('backup-prefix');
  const tagOf = packages.find((p) => p.name === 'torch') ?? packages[0]!;
  return normalizePrefix(expandTemplate('backup-prefix', template, { tag: `v${tagOf.versionText}` }));
}

/** The mirror destination, when `mirror-bucket` names one; keys given together or not at all. */
function mirrorStore(maxSockets: number): MirrorStore | undefined {
  const endpointUrl = getUrl('mirror-endpoint-url');
  const region = getString('mirror-region');
  const accessKeyId = getSecret('mirror-access-key-id');
  const secretAccessKey = getSecret('mirror-secret-access-key');
  const name = getString('mirror-bucket');
  if (name === '') {
    const set = ['mirror-endpoint-url', 'mirror-region', 'mirror-access-key-id', 'mirror-secret-access-key'].filter(
      (_, i) => [endpointUrl, region, accessKeyId, secretAccessKey][i] !== '',
    );
    if (set.length > 0) throw new ConfigurationError(`input "mirror-bucket" is empty, yet ${set.join(', ')} is set`);
    return undefined;
  }
  const bucket = parseBucketName('mirror-bucket', name);
  if ((accessKeyId === '') !== (secretAccessKey === ''))
    throw new ConfigurationError(
      'inputs "mirror-access-key-id" and "mirror-secret-access-key" are given together, or both left empty for the default credential chain',
    );
  const client = createS3Client({
    endpointUrl: endpointUrl || undefined,
    region: region || undefined,
    maxSockets,
    ...(accessKeyId ? { credentials: { accessKeyId, secretAccessKey } } : {}),
  });
  return { client, bucket };
}

export async function main(receipt: Receipt): Promise<void> {
  const packages = parseRequestedPackages('packages', getRequired('packages'));
  const bucket = parseBucketName('bucket', getRequired('bucket'));
  const pairs = prefixPairs();
  const backupBucketInput = getString('backup-bucket');
  const backupBucket = backupBucketInput === '' ? undefined : parseBucketName('backup-bucket', backupBucketInput);
  const acl = getString('acl');
  if (acl !== '' && !(ACLS as readonly string[]).includes(acl)) {
    throw new ConfigurationError(`input "acl" must be empty or one of ${ACLS.join(', ')}, got "${acl}"`);
  }
  const multipartThreshold = getByteSize('multipart-threshold');
  if (multipartThreshold < 5 * MiB || multipartThreshold > 5 * 1024 * MiB) {
    throw new ConfigurationError(
      'input "multipart-threshold" must be between 5 MiB and 5 GiB (the limits of S3 part and copy sizes)',
    );
  }
  const concurrency = getInt('concurrency', { min: 1, max: 256 });
  const options = {
    bucket,
    pairs,
    packages,
    variants: { include: getList('include-variants'), exclude: getList('exclude-variants') },
    backupBucket,
    backupPrefix: backupBucket ? backupPrefix(packages) : '',
    acl: acl === '' ? undefined : (acl as ObjectCannedACL),
    overwrite: getBoolean('overwrite'),
    concurrency,
    multipartThreshold,
    regenerateIndex: getBoolean('regenerate-index'),
    dryRun: getBoolean('dry-run'),
    mirror: mirrorStore(concurrency * 2),
  };
  const client = createS3Client({
    endpointUrl: getUrl('endpoint-url') || undefined,
    region: getString('region') || undefined,
    maxSockets: concurrency * 2,
  });
  try {
    const result = await promote(client, receipt, options);
    receipt.setOutput('promoted-count', result.promoted);
    receipt.setOutput('skipped-count', result.skipped);
    receipt.setOutput('bytes', result.bytes);
  } finally {
    client.destroy();
    options.mirror?.client.destroy();
  }
}
