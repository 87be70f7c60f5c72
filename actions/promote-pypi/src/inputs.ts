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
import { normalizePrefix, parseRequestedPackages } from '@release-actions/core/release/selection';
import { parseBucketName } from '@release-actions/core/s3/client';
import type { RewriteOptions } from '@release-actions/core/wheel/rewrite';
import { parseVariants, type PackageRelease, type VariantRule } from '@release-actions/core/wheel/selection';
import type { WheelExpectations } from '@release-actions/core/wheel/validate';

/** promote-pypi's inputs, read and checked; defaults come from action.yml. */

export type PromotionMode = 'stage' | 'publish' | 'both';

export interface PromotionInputs {
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
  dryRun: boolean;
  /** Versions the user confirmed for a real publication. */
  confirm: string[];
}

export interface ConnectionInputs {
  /** An API token; empty for Trusted Publishing. */
  password: string;
  endpointUrl?: string;
  region?: string;
}

export function readInputs(): PromotionInputs & ConnectionInputs {
  return {
    packages: parseRequestedPackages('packages', getRequired('packages')).map((p) => ({
      name: p.name,
      version: p.versionText,
    })),
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
    indexUrl: getUrl('index-url'),
    dryRun: getBoolean('dry-run'),
    confirm: splitList(getString('confirm')),
    password: getSecret('password'),
    endpointUrl: getUrl('endpoint-url') || undefined,
    region: getString('region') || undefined,
  };
}
