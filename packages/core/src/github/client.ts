import * as core from '@actions/core';
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck';
import { ConfigurationError } from '../runtime/errors.js';
import { sleep as realSleep } from '../runtime/retry.js';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface GitHubClientOptions {
  token: string;
  /** REST root: `https://api.github.com`, `https://ghes.example.com/api/v3`, or a local stand-in. */
  apiUrl?: string;
  /** How many times a rate-limited or 5xx request is tried again (default 4). */
  retries?: number;
  /** Waits for rate limits go through this, so tests never wait for real. */
  sleep?: (ms: number) => Promise<void>;
  /** Unit of the 5xx backoff (1, 4, 9… units); default 1000 ms. */
  retryBaseMs?: number;
  /**
   * Minimum spacing of writes and GraphQL queries (writes that notify, such as new issues and PRs, wait
   * three times as long). GitHub asks for one second to avoid secondary rate limits; a loopback server
   * has none, so it defaults to 0 there.
   */
  writeIntervalMs?: number;
  /** Longest rate-limit wait accepted before giving up (default 15 minutes). */
  maxWaitMs?: number;
  /** How long one request (answer and body) may take before it fails naming the host (default 60 s). */
  timeoutMs?: number;
  userAgent?: string;
}

/** Thrown when GitHub refuses the token itself (401): retrying cannot help, the input must change. */
export class GitHubAuthError extends ConfigurationError {
  readonly status = 401;
}

const DEFAULT_API_URL = 'https://api.github.com';

/** Thrown when GitHub does not answer in time; its message names the host and the request. */
export class GitHubTimeoutError extends Error {
  override readonly name = 'GitHubTimeoutError';
}

/**
 * fetch with a deadline over the whole exchange, body included (API answers are small, so it is read
 * here). A missed deadline is an error that names the host, instead of a step that hangs until the
 * job's own timeout.
 */
function fetchWithTimeout(timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    try {
      const res = await fetch(input, { ...init, signal });
      const body = res.status === 204 || res.status === 205 ? null : await res.arrayBuffer();
      const read = new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
      // A constructed Response has no URL; pagination resolves the next page's link against it.
      Object.defineProperty(read, 'url', { value: res.url });
      return read;
    } catch (e) {
      if (!deadline.aborted) throw e;
      throw new GitHubTimeoutError(
        `GitHub at ${url.host} did not answer ${init?.method ?? 'GET'} ${url.pathname} within ${timeoutMs / 1000} s`,
      );
    }
  };
}

function isLoopback(apiUrl: string): boolean {
  try {
    const host = new URL(apiUrl).hostname;
    return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host);
  } catch {
    return false;
  }
}

function normalizeApiUrl(apiUrl: string | undefined): string {
  const url = (apiUrl ?? '').trim() || DEFAULT_API_URL;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('not http');
  } catch {
    throw new ConfigurationError(`api-url "${url}" is not an http(s) URL; expected e.g. https://api.github.com`);
  }
  return url.replace(/\/+$/, '');
}

/**
 * An Octokit for REST (`client.rest.*`, `client.paginate`) and GraphQL (`client.graphql`) that waits
 * out primary and secondary rate limits, retries 5xx answers, and never lets the token reach a log.
 */
export function createGitHubClient(opts: GitHubClientOptions): GitHubClient {
  const token = opts.token?.trim();
  if (!token) throw new ConfigurationError('github-token is empty; pass a token (e.g. ${{ github.token }})');
  core.setSecret(token);
  const baseUrl = normalizeApiUrl(opts.apiUrl);
  const retries = opts.retries ?? 4;
  const wait = opts.sleep ?? realSleep;
  const maxWaitMs = opts.maxWaitMs ?? 15 * 60_000;
  const writeIntervalMs = opts.writeIntervalMs ?? (isLoopback(baseUrl) ? 0 : 1000);

  // The plugin's own delay is switched off (base value 0) and replaced by an awaited `wait`, so the
  // wait is injectable; the handler decides whether another try is worth it.
  const onLimit =
    (kind: string) =>
    async (retryAfterSeconds: number, options: { method?: string; url?: string }, _o: unknown, retryCount: number) => {
      const ms = Math.max(0, retryAfterSeconds) * 1000;
      const what = `${options.method ?? 'GET'} ${options.url ?? ''}`;
      if (retryCount >= retries || ms > maxWaitMs) {
        core.warning(`GitHub ${kind} rate limit on ${what}: giving up after ${retryCount + 1} tries`);
        return false;
      }
      core.info(`GitHub ${kind} rate limit on ${what}: retrying in ${Math.ceil(ms / 1000)} s`);
      await wait(ms);
      return true;
    };

  const client = getOctokit(
    token,
    {
      baseUrl,
      userAgent: opts.userAgent ?? 'release-actions',
      request: { fetch: fetchWithTimeout(opts.timeoutMs ?? 60_000) },
      log: {
        debug: (m: string) => core.debug(m),
        info: (m: string) => core.debug(m),
        warn: (m: string) => core.warning(m),
        error: (m: string) => core.error(m),
      },
      throttle: {
        onRateLimit: onLimit('primary'),
        onSecondaryRateLimit: onLimit('secondary'),
        retryAfterBaseValue: 0,
        fallbackSecondaryRateRetryAfter: 60,
        write: new Bottleneck.Group({ maxConcurrent: 1, minTime: writeIntervalMs }),
        // Writes that notify people (issues, PRs) get the plugin's wider spacing, scaled the same way.
        notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 3 * writeIntervalMs }),
        search: new Bottleneck.Group({ maxConcurrent: 1, minTime: 2 * writeIntervalMs }),
        // The plugin's shared default groups would make every client in the process queue together.
        id: `release-actions-${Math.random().toString(36).slice(2)}`,
      },
      retry: {
        retries,
        retryAfterBaseValue: opts.retryBaseMs ?? 1000,
        doNotRetry: [400, 401, 403, 404, 410, 422, 451],
      },
    },
    throttling,
    retry,
  );

  // A POST that failed may still have been performed (its answer lost): the retry plugin must not
  // repeat it blindly. Creates go through createOnce, which looks before it tries again. GraphQL
  // queries are POSTs too, but reads; mutations are not used.
  client.hook.before('request', (options) => {
    if (options.method === 'POST' && options.url !== '/graphql') options.request = { ...options.request, retries: 0 };
  });

  client.hook.error('request', async (error, options) => {
    const status = (error as { status?: number }).status;
    if (status === 401) {
      const message =
        (error as { response?: { data?: { message?: string } } }).response?.data?.message ?? 'Unauthorized';
      const url = (error as { request?: { url?: string } }).request?.url ?? `${baseUrl}${String(options.url)}`;
      throw new GitHubAuthError(
        `GitHub refused the token (401 ${message}) for ${options.method} ${url.replace(/\?.*/, '')}; check github-token and api-url`,
      );
    }
    throw error;
  });
  return client;
}
