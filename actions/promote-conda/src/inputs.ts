import { ConfigurationError } from '@release-actions/core/runtime/errors';
import { getBoolean, getList, getRequired, getSecret, getString, getUrl } from '@release-actions/core/runtime/inputs';
import { parseRequestedPackages, type RequestedPackage } from '@release-actions/core/release/selection';

export interface Inputs {
  packages: RequestedPackage[];
  from: { owner: string; label: string };
  to: { owner: string; label: string };
  platforms: string[];
  apiUrl: string;
  token: string;
  dryRun: boolean;
}

const OWNER = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const SUBDIR = /^(noarch|[a-z0-9]+-[a-z0-9_]+)$/;

function owner(name: string, value: string): string {
  if (!OWNER.test(value)) throw new ConfigurationError(`input "${name}": "${value}" is not an anaconda.org owner name`);
  return value;
}

function label(name: string, value: string): string {
  if (!OWNER.test(value)) throw new ConfigurationError(`input "${name}": "${value}" is not a label name such as main`);
  return value;
}

export function readInputs(): Inputs {
  const from = {
    owner: owner('from-owner', getRequired('from-owner')),
    label: label('from-label', getString('from-label')),
  };
  const to = { owner: owner('to-owner', getRequired('to-owner')), label: label('to-label', getString('to-label')) };
  if (from.owner === to.owner && from.label === to.label) {
    throw new ConfigurationError(
      `inputs "from-owner" and "to-owner" are both ${from.owner}/${from.label}; nothing to promote`,
    );
  }
  const platforms = getList('platforms');
  const bad = platforms.find((p) => !SUBDIR.test(p));
  if (bad !== undefined || platforms.length === 0) {
    throw new ConfigurationError(
      `input "platforms": ${bad === undefined ? 'empty' : `"${bad}" is not a conda platform`}; expected e.g. linux-64, osx-arm64, win-64, noarch`,
    );
  }
  const dryRun = getBoolean('dry-run');
  const token = getSecret('anaconda-token');
  if (!dryRun && token === '') {
    throw new ConfigurationError(
      `input "anaconda-token" is empty; copying needs a token that can write to ${to.owner}`,
    );
  }
  return {
    packages: parseRequestedPackages('packages', getRequired('packages')),
    from,
    to,
    platforms,
    apiUrl: getUrl('api-url'),
    token,
    dryRun,
  };
}
