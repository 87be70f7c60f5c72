import { ConfigurationError } from '../runtime/errors.js';

/** The GitHub server the workflow runs against (GitHub Enterprise sets GITHUB_SERVER_URL), without a trailing slash. */
export function githubServerUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env['GITHUB_SERVER_URL'] || 'https://github.com').replace(/\/+$/, '');
}

/**
 * The git URL of `repository` (owner/name) on the GitHub server: what an empty `remote-url` input
 * means. action.yml cannot compute it, because `repository` may be given instead of defaulted.
 */
export function githubRemoteUrl(repository: string, env: NodeJS.ProcessEnv = process.env): string {
  if (repository === '')
    throw new ConfigurationError('input "remote-url" is empty and there is no "repository" to derive it from');
  return `${githubServerUrl(env)}/${repository}.git`;
}
