import { ConfigurationError } from '@release-actions/core/runtime/errors';
import { getBoolean, getEnum, getList, getRequired, getSecret, getString } from '@release-actions/core/runtime/inputs';

export type Mode = 'fixes' | 'cherry-picks';
export type FailOn = 'missing' | 'open' | 'reverts';

export interface Inputs {
  repository: { owner: string; name: string };
  remoteUrl: string;
  apiUrl: string;
  token: string;
  /** A milestone number, or a title to look up. */
  milestone: number | string;
  releaseBranch: string;
  /** Empty: orig/<release-branch> when it exists, else the merge base. */
  cutPoint: string;
  /** Empty: the repository's default branch. */
  mainBranch: string;
  skipLabels: string[];
  failOn: Set<FailOn>;
  mode: Mode;
  /** undefined: no tracker; 'create': find by title or open it; a number: that issue. */
  tracker: number | 'create' | undefined;
  dryRun: boolean;
}

const FAIL_ON: readonly (FailOn | 'none')[] = ['missing', 'open', 'reverts', 'none'];

export function readInputs(): Inputs {
  const repository = parseRepository(getString('repository'));
  const token = getSecret('github-token');
  const server = (process.env['GITHUB_SERVER_URL'] || 'https://github.com').replace(/\/+$/, '');
  const remoteUrl = getString('remote-url') || `${server}/${repository.owner}/${repository.name}.git`;
  const mode = getEnum('mode', ['fixes', 'cherry-picks'] as const);
  return {
    repository,
    remoteUrl,
    apiUrl: getString('api-url'),
    token,
    milestone: parseMilestone(getRequired('milestone')),
    releaseBranch: parseBranch('release-branch', getRequired('release-branch')),
    cutPoint: getString('cut-point'),
    mainBranch: getString('main-branch') && parseBranch('main-branch', getString('main-branch')),
    skipLabels: getList('skip-labels'),
    failOn: parseFailOn(getList('fail-on')),
    mode,
    tracker: parseTracker(getString('tracker-issue'), mode),
    dryRun: getBoolean('dry-run'),
  };
}

function parseRepository(text: string): { owner: string; name: string } {
  const m = /^([\w.-]+)\/([\w.-]+)$/.exec(text);
  if (!m) throw new ConfigurationError(`input "repository": "${text}" is not owner/name`);
  return { owner: m[1]!, name: m[2]! };
}

function parseMilestone(text: string): number | string {
  return /^\d+$/.test(text) ? Number(text) : text;
}

function parseBranch(input: string, text: string): string {
  const name = text.replace(/^refs\/heads\//, '');
  if (!/^[\w./-]+$/.test(name) || name.includes('..') || name.startsWith('-')) {
    throw new ConfigurationError(`input "${input}": "${text}" is not a branch name such as release/2.6`);
  }
  return name;
}

export function parseFailOn(items: string[]): Set<FailOn> {
  for (const item of items) {
    if (!(FAIL_ON as readonly string[]).includes(item)) {
      throw new ConfigurationError(`input "fail-on": "${item}" is not one of ${FAIL_ON.join(', ')}`);
    }
  }
  if (items.includes('none')) {
    if (items.length > 1) throw new ConfigurationError('input "fail-on": "none" cannot be combined with other values');
    return new Set();
  }
  return new Set(items as FailOn[]);
}

function parseTracker(text: string, mode: Mode): number | 'create' | undefined {
  if (text === '') return undefined;
  if (mode !== 'cherry-picks') {
    throw new ConfigurationError('input "tracker-issue" needs "mode: cherry-picks"');
  }
  if (text === 'create') return 'create';
  if (/^\d+$/.test(text) && Number(text) > 0) return Number(text);
  throw new ConfigurationError(`input "tracker-issue": "${text}" is not an issue number or "create"`);
}
