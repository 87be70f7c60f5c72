import { parseRepository, type RepositoryRef } from '@release-actions/core/github/repository';
import { ConfigurationError } from '@release-actions/core/runtime/errors';
import { getBoolean, getList, getRequired, getSecret, getString, getUrl } from '@release-actions/core/runtime/inputs';
import { parseRequestedPackages, type RequestedPackage } from '@release-actions/core/release/selection';

export interface Inputs {
  packages: RequestedPackage[];
  repository: RepositoryRef;
  title: string;
  body: string;
  labels: string[];
  apiUrl: string;
  token: string;
  dryRun: boolean;
}

export function readInputs(): Inputs {
  const title = getString('title');
  if (title === '')
    throw new ConfigurationError('input "title" is empty; expected a title template such as "Upgrading {upgrades}"');
  return {
    packages: parseRequestedPackages('packages', getRequired('packages')),
    repository: parseRepository('repository', getRequired('repository')),
    title,
    body: getString('body'),
    labels: getList('labels'),
    apiUrl: getUrl('api-url'),
    token: getSecret('github-token'),
    dryRun: getBoolean('dry-run'),
  };
}
