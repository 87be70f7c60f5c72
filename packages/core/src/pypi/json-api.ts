import { ConfigurationError } from '../runtime/errors.js';
import { withRetry, type RetryOptions } from '../runtime/retry.js';

/**
 * What an index already holds (its JSON API, `/pypi/<name>/<version>/json`), and PyPI Trusted
 * Publishing: exchanging the runner's OIDC token for a short-lived upload token.
 */

export interface IndexFile {
  filename: string;
  sha256: string;
  size: number;
}

class RetryableHttpError extends Error {}

function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** Files of one release, by file name; empty when the project or the version does not exist yet. */
export async function releaseFiles(
  indexUrl: string,
  name: string,
  version: string,
  retry: RetryOptions = {},
): Promise<Map<string, IndexFile>> {
  const url = joinUrl(indexUrl, `pypi/${encodeURIComponent(name)}/${encodeURIComponent(version)}/json`);
  return withRetry(
    async () => {
      let res: Response;
      try {
        res = await fetch(url, { headers: { accept: 'application/json' } });
      } catch (e) {
        throw new RetryableHttpError(`GET ${url}: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (res.status === 404) return new Map();
      if (res.status >= 500 || res.status === 429) throw new RetryableHttpError(`GET ${url}: HTTP ${res.status}`);
      if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
      const body = (await res.json()) as {
        urls?: Array<{ filename: string; digests?: { sha256?: string }; size?: number }>;
      };
      return new Map(
        (body.urls ?? []).map((u) => [
          u.filename,
          { filename: u.filename, sha256: u.digests?.sha256 ?? '', size: u.size ?? -1 },
        ]),
      );
    },
    { attempts: 5, ...retry, retryable: (e) => e instanceof RetryableHttpError },
  );
}

export interface TrustedPublishingOptions {
  indexUrl: string;
  /** The runner's OIDC token for an audience (`core.getIDToken`). */
  getIdToken: (audience: string) => Promise<string>;
  env?: NodeJS.ProcessEnv;
}

export const TRUSTED_PUBLISHING_HELP =
  'PyPI Trusted Publishing needs the job to have "permissions: id-token: write" and to be a top-level job of the workflow registered as the trusted publisher on PyPI; it does not work from inside a reusable workflow (a PyPI limitation): call this action from a job of the top-level workflow, or pass an API token as "password"';

/** Mints a short-lived PyPI API token from the runner's OIDC identity. */
export async function mintTrustedPublishingToken(opts: TrustedPublishingOptions): Promise<string> {
  const env = opts.env ?? process.env;
  if (!env['ACTIONS_ID_TOKEN_REQUEST_URL'] || !env['ACTIONS_ID_TOKEN_REQUEST_TOKEN']) {
    throw new ConfigurationError(`no "password" was given and no OIDC token is available. ${TRUSTED_PUBLISHING_HELP}`);
  }
  const audienceRes = await fetch(joinUrl(opts.indexUrl, '_/oidc/audience'));
  if (!audienceRes.ok)
    throw new ConfigurationError(
      `the index does not offer Trusted Publishing (GET _/oidc/audience: HTTP ${audienceRes.status})`,
    );
  const { audience } = (await audienceRes.json()) as { audience?: string };
  if (!audience) throw new ConfigurationError('the index answered no OIDC audience');
  let idToken: string;
  try {
    idToken = await opts.getIdToken(audience);
  } catch (e) {
    throw new ConfigurationError(
      `could not get the runner's OIDC token: ${e instanceof Error ? e.message : String(e)}. ${TRUSTED_PUBLISHING_HELP}`,
    );
  }
  const mint = await fetch(joinUrl(opts.indexUrl, '_/oidc/mint-token'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: idToken }),
  });
  const body = (await mint.json().catch(() => ({}))) as {
    token?: string;
    message?: string;
    errors?: Array<{ code?: string; description?: string }>;
  };
  if (!mint.ok || !body.token) {
    const why =
      (body.errors ?? []).map((e) => `${e.code ?? ''}: ${e.description ?? ''}`).join('; ') ||
      body.message ||
      `HTTP ${mint.status}`;
    throw new ConfigurationError(`PyPI refused to mint an upload token (${why}). ${TRUSTED_PUBLISHING_HELP}`);
  }
  return body.token;
}
