import { ConfigurationError } from '../runtime/errors.js';
import { joinUrl } from './json-api.js';

/** PyPI Trusted Publishing: the runner's OIDC token exchanged for a short-lived upload token. */

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
