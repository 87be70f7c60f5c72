import {
  parseCellPatterns,
  parseExpectMatrix,
  type CellPattern,
  type ExpectedMatrix,
} from '@release-actions/core/release/matrix';
import { nep29Versions, parseReleaseDate } from '@release-actions/core/release/python';
import { ConfigurationError } from '@release-actions/core/runtime/errors';
import {
  getDuration,
  getEnum,
  getInt,
  getLines,
  getList,
  getRequired,
  getSecret,
  getString,
  getUrl,
  splitList,
  splitLines,
} from '@release-actions/core/runtime/inputs';
import type { Target } from './history.js';

/** How many commits back a failing job is followed to find when it started failing. */
export const HISTORY_COMMITS = 20;

export interface WorkflowPattern {
  source: string;
  regex: RegExp;
}

export interface Settings {
  targets: Target[];
  /** Required workflows; empty = every workflow that ran on the commit. */
  workflows: WorkflowPattern[];
  source: 'github' | 'hud';
  hudUrl: string;
  maxAgeMs: number;
  failureThreshold: number;
  ignoreJobs: string[];
  waitMs: number;
  pollIntervalMs: number;
  /** The expected release matrix, when one is described. */
  matrix?: ExpectedMatrix;
  /** The Python versions the release must support. */
  pythons: string[];
  cellPatterns: CellPattern[];
  apiUrl: string;
  token: string;
}

const DEFAULT_REF = 'nightly';

export function parseTargets(input: string, items: readonly string[]): Target[] {
  if (items.length === 0) throw new ConfigurationError(`input "${input}" is required`);
  const seen = new Map<string, Target>();
  for (const item of items) {
    const m = /^([\w.-]+)\/([\w.-]+)(?:@(\S+))?$/.exec(item);
    if (!m) throw new ConfigurationError(`input "${input}": "${item}" is not owner/repo or owner/repo@ref`);
    const target = { owner: m[1]!, repo: m[2]!, ref: m[3] ?? DEFAULT_REF };
    seen.set(`${target.owner}/${target.repo}@${target.ref}`.toLowerCase(), target);
  }
  return [...seen.values()];
}

/** Whole-name, case-insensitive regular expressions, as PyTorch's fetch_latest_green_commit.py matches them. */
export function parseWorkflowPatterns(input: string, items: readonly string[]): WorkflowPattern[] {
  return items.map((source) => {
    try {
      return { source, regex: new RegExp(`^(?:${source})$`, 'i') };
    } catch (e) {
      throw new ConfigurationError(
        `input "${input}": ${JSON.stringify(source)} is not a regular expression (${(e as Error).message})`,
      );
    }
  });
}

export function readSettings(now: Date): Settings {
  const targets = parseTargets('repositories', splitList(getRequired('repositories')));
  const releaseDate = parseReleaseDate('release-date', getString('release-date'), now);
  const matrixText = getString('expect-matrix');
  const matrix = matrixText === '' ? undefined : parseExpectMatrix('expect-matrix', matrixText, releaseDate);
  return {
    targets,
    workflows: parseWorkflowPatterns('workflows', splitLines(getString('workflows'))),
    source: getEnum('source', ['github', 'hud'] as const),
    hudUrl: getUrl('hud-url'),
    maxAgeMs: getDuration('max-age'),
    failureThreshold: getInt('failure-threshold', { min: 1, max: HISTORY_COMMITS }),
    ignoreJobs: getList('ignore-jobs'),
    waitMs: getDuration('wait'),
    pollIntervalMs: getDuration('poll-interval'),
    matrix,
    pythons: matrix?.pythons ?? nep29Versions(releaseDate),
    cellPatterns: parseCellPatterns('cell-patterns', getLines('cell-patterns')),
    apiUrl: getString('api-url'),
    token: getSecret('github-token'),
  };
}
