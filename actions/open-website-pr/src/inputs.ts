import { readFileSync } from 'node:fs';
import { parseIdentity, type Identity } from '@release-actions/core/git/runner';
import { githubRemoteUrl } from '@release-actions/core/git/remote';
import { fullName, parseRepository, type RepositoryRef } from '@release-actions/core/github/repository';
import { ConfigurationError } from '@release-actions/core/runtime/errors';
import {
  getBoolean,
  getRequired,
  getSecret,
  getString,
  getUrl,
  parseKeyValueLines,
} from '@release-actions/core/runtime/inputs';
import { parseReleaseVersion } from '@release-actions/core/release/version';
import { OPERATING_SYSTEMS, parseMatrix, type OperatingSystem, type ReleaseMatrix } from './site-entry.js';

export interface Inputs {
  version: string;
  repository: RepositoryRef;
  remoteUrl: string;
  base: string;
  versionsFile: string;
  matrix: ReleaseMatrix;
  test: boolean;
  committer: Identity;
  apiUrl: string;
  token: string;
  dryRun: boolean;
}

/** An input action.yml gives a default for, emptied by the caller: one line saying what was expected. */
function nonEmpty(name: string, value: string, expected: string): string {
  if (value === '') throw new ConfigurationError(`input "${name}" is empty; expected ${expected}`);
  return value;
}

function readMatrix(): ReleaseMatrix {
  const matrix: ReleaseMatrix = {};
  for (const [os, path] of parseKeyValueLines('matrix', getRequired('matrix'))) {
    if (!(OPERATING_SYSTEMS as readonly string[]).includes(os))
      throw new ConfigurationError(
        `input "matrix": unknown operating system "${os}"; expected linux, macos or windows`,
      );
    if (matrix[os as OperatingSystem]) throw new ConfigurationError(`input "matrix": ${os} is given twice`);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new ConfigurationError(
        `input "matrix": cannot read ${os}=${path}: ${(e as NodeJS.ErrnoException).code ?? e}`,
      );
    }
    matrix[os as OperatingSystem] = parseMatrix(os, path, text);
  }
  if (!matrix.linux)
    throw new ConfigurationError(
      'input "matrix" has no linux=<path> line; the accelerator versions are read from the Linux matrix',
    );
  return matrix;
}

export function readInputs(): Inputs {
  const version = parseReleaseVersion('version', getRequired('version'));
  const repository = parseRepository('repository', getRequired('repository'));
  const committerText = getRequired('committer');
  const committer = parseIdentity(committerText);
  if (!committer) throw new ConfigurationError(`input "committer": "${committerText}" is not "Name <email>"`);
  return {
    version: version.release.join('.'),
    repository,
    remoteUrl: getString('remote-url') || githubRemoteUrl(fullName(repository)),
    base: nonEmpty('base', getString('base'), 'the branch the website is served from, such as site'),
    versionsFile: nonEmpty('versions-file', getString('versions-file'), 'a path such as published_versions.json'),
    matrix: readMatrix(),
    test: getBoolean('test'),
    committer,
    apiUrl: getUrl('api-url'),
    token: getSecret('github-token'),
    dryRun: getBoolean('dry-run'),
  };
}
