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

/**
 * The origins a GitHub token belongs to: the workflow's GitHub server and, when given, the server of
 * `api-url` (`https://api.github.com` -> `https://github.com`, `https://ghes/api/v3` -> `https://ghes`,
 * a stand-in's own origin otherwise).
 */
export function githubServerOrigins(apiUrl = '', env: NodeJS.ProcessEnv = process.env): string[] {
  const origins = [originOf(githubServerUrl(env))];
  if (apiUrl.trim() !== '') origins.push(originOf(serverOfApiUrl(apiUrl.trim())));
  return [...new Set(origins.filter((o) => o !== ''))];
}

function serverOfApiUrl(apiUrl: string): string {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    return '';
  }
  if (url.hostname === 'api.github.com') return 'https://github.com';
  if (url.hostname.startsWith('api.') && url.hostname.endsWith('.ghe.com')) return `https://${url.hostname.slice(4)}`;
  return url.origin;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\./.test(hostname);
}

/**
 * Why a GitHub token must not go to `url`, or undefined when it may: only to a GitHub server origin,
 * and only over https (plain http only on loopback, where the stand-ins run).
 */
export function tokenRefusal(url: string, servers: string[]): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'it is not a URL';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return `${parsed.protocol} is not https`;
  if (!servers.includes(parsed.origin)) return `${parsed.origin} is not the GitHub server (${servers.join(', ')})`;
  if (parsed.protocol === 'http:' && !isLoopback(parsed.hostname)) return 'plain http would expose it';
  return undefined;
}
