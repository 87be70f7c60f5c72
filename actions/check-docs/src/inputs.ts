import { parseRepository, type RepositoryRef } from '@release-actions/core/github/repository';
import { ConfigurationError } from '@release-actions/core/runtime/errors';
import { getBoolean, getRequired, getSecret, getString, getUrl } from '@release-actions/core/runtime/inputs';
import { parseReleaseVersion } from '@release-actions/core/release/version';

export interface Inputs {
  /** `X.Y`, the docs folder's name */
  minor: string;
  version: string;
  repository: RepositoryRef;
  branch: string;
  apiUrl: string;
  token: string;
  failOnMissing: boolean;
}

export function readInputs(): Inputs {
  const version = parseReleaseVersion('version', getRequired('version'));
  const branch = getString('branch');
  if (branch === '')
    throw new ConfigurationError(
      'input "branch" is empty; expected the branch the website is served from, such as site',
    );
  return {
    minor: version.release.slice(0, 2).join('.'),
    version: version.release.join('.'),
    repository: parseRepository('repository', getRequired('repository')),
    branch,
    apiUrl: getUrl('api-url'),
    token: getSecret('github-token'),
    failOnMissing: getBoolean('fail-on-missing'),
  };
}
