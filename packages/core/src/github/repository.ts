import { ConfigurationError } from '../runtime/errors.js';

// a type, not an interface, so that it passes as Octokit's request parameters
export type RepositoryRef = {
  owner: string;
  repo: string;
};

/** `owner/name` as GitHub spells repository names; anything else is the input's mistake. */
export function parseRepository(input: string, value: string): RepositoryRef {
  const m = /^([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)\/([A-Za-z0-9._-]+)$/.exec(value.trim());
  if (!m || m[2] === '.' || m[2] === '..') {
    throw new ConfigurationError(
      `input "${input}": "${value}" is not a repository; expected owner/name such as pytorch/pytorch`,
    );
  }
  return { owner: m[1]!, repo: m[2]! };
}

export function fullName(ref: RepositoryRef): string {
  return `${ref.owner}/${ref.repo}`;
}
