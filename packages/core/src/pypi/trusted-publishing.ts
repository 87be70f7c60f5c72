import { ConfigurationError } from '../runtime/errors.js';
import { DEFAULT_TIMEOUT_MS, fetchWithTimeout, withTimeout } from './http.js';
import { joinUrl } from './json-api.js';

/**
 * PyPI Trusted Publishing: the runner's OIDC token exchanged for a short-lived upload token. A token
 * minted at an index is good for that index's upload host only, so the two are paired before anything
 * is asked of either, and the OIDC audience of PyPI and TestPyPI is never taken from a server's answer:
 * a server that is not PyPI would otherwise obtain an identity token PyPI accepts.
 */

/** An index (where the JSON API is read and tokens are minted) and the host its uploads go to. */
export interface IndexPair {
  /** Host (with port, if any) of `index-url`. */
  index: string;
  /** Host (with port, if any) of `repository-url`. */
  upload: string;
  /** The OIDC audience the index expects; asked of the index when not known. */
  audience?: string;
}

export const KNOWN_INDEXES: readonly IndexPair[] = [
  { index: 'pypi.org', upload: 'upload.pypi.org', audience: 'pypi' },
  { index: 'test.pypi.org', upload: 'test.pypi.org', audience: 'testpypi' },
];

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function parseHttpUrl(input: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError(`input "${input}": "${value}" is not a URL`);
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))) return url;
  throw new ConfigurationError(`input "${input}" must be an https URL (http only on loopback), got "${value}"`);
}

/** `index-host=upload-host`, as the `index-pair` input names a pair PyPI's defaults do not cover. */
export function parseIndexPair(input: string, value: string): [string, string] | undefined {
  if (value.trim() === '') return undefined;
  const m = /^\s*([^\s=/]+)\s*=\s*([^\s=/]+)\s*$/.exec(value);
  if (!m) throw new ConfigurationError(`input "${input}" expects index-host=upload-host, got "${value}"`);
  return [m[1]!.toLowerCase(), m[2]!.toLowerCase()];
}

/**
 * The pair `index-url` and `repository-url` form: PyPI's own pairs, a loopback host (a local
 * stand-in) with itself, or the one the user named. Both
 * URLs must be https (http only on loopback, for local stand-ins); anything else is refused in one
 * line naming both inputs, before any request is made.
 */
export function pairIndexWithUpload(indexUrl: string, repositoryUrl: string, named?: [string, string]): IndexPair {
  const index = parseHttpUrl('index-url', indexUrl).host;
  const upload = parseHttpUrl('repository-url', repositoryUrl).host;
  const known = KNOWN_INDEXES.find((p) => p.index === index);
  if (named) {
    if (named[0] === index && named[1] === upload) return { index, upload, audience: known?.audience };
    throw new ConfigurationError(
      `inputs "index-url" (${index}) and "repository-url" (${upload}) are not the pair "index-pair" names (${named[0]} with ${named[1]})`,
    );
  }
  if (known?.upload === upload) return known;
  // A local stand-in serves both on one port; a token minted there never leaves the machine.
  if (index === upload && LOOPBACK.has(new URL(indexUrl).hostname)) return { index, upload };
  const pairs = [
    ...KNOWN_INDEXES.map((p) => `${p.index} with ${p.index === p.upload ? 'itself' : p.upload}`),
    'a loopback host with itself',
  ].join(', ');
  throw new ConfigurationError(
    `inputs "index-url" (${index}) and "repository-url" (${upload}) do not belong together: ${known ? `${index} uploads to ${known.upload}` : `the known pairs are ${pairs}`}; name another pair with "index-pair" (index-host=upload-host)`,
  );
}

export interface TrustedPublishingOptions {
  indexUrl: string;
  /** The index and upload host, as `pairIndexWithUpload` checked them. */
  pair: IndexPair;
  /** The runner's OIDC token for an audience (`core.getIDToken`). */
  getIdToken: (audience: string) => Promise<string>;
  env?: NodeJS.ProcessEnv;
  /** Per request (audience, OIDC token, mint). */
  timeoutMs?: number;
}

export const TRUSTED_PUBLISHING_HELP =
  'PyPI Trusted Publishing needs the job to have "permissions: id-token: write" and to be a top-level job of the workflow registered as the trusted publisher on PyPI; it does not work from inside a reusable workflow (a PyPI limitation): call this action from a job of the top-level workflow, or pass an API token as "password"';

/** The audience PyPI and TestPyPI expect is known; another index is asked, and may not claim theirs. */
async function audienceFor(opts: TrustedPublishingOptions, timeoutMs: number): Promise<string> {
  if (opts.pair.audience) return opts.pair.audience;
  const res = await fetchWithTimeout(joinUrl(opts.indexUrl, '_/oidc/audience'), {}, timeoutMs);
  if (!res.ok)
    throw new ConfigurationError(
      `the index does not offer Trusted Publishing (GET _/oidc/audience: HTTP ${res.status})`,
    );
  const { audience } = JSON.parse(res.text) as { audience?: string };
  if (!audience) throw new ConfigurationError('the index answered no OIDC audience');
  const owner = KNOWN_INDEXES.find((p) => p.audience === audience);
  if (owner)
    throw new ConfigurationError(
      `${opts.pair.index} answered the OIDC audience "${audience}", which is ${owner.index}'s; no identity token is requested for it`,
    );
  return audience;
}

/** Mints a short-lived PyPI API token from the runner's OIDC identity. */
export async function mintTrustedPublishingToken(opts: TrustedPublishingOptions): Promise<string> {
  const env = opts.env ?? process.env;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const tokenUrl = env['ACTIONS_ID_TOKEN_REQUEST_URL'];
  if (!tokenUrl || !env['ACTIONS_ID_TOKEN_REQUEST_TOKEN']) {
    throw new ConfigurationError(`no "password" was given and no OIDC token is available. ${TRUSTED_PUBLISHING_HELP}`);
  }
  const audience = await audienceFor(opts, timeoutMs);
  let idToken: string;
  try {
    idToken = await withTimeout(
      opts.getIdToken(audience),
      timeoutMs,
      () => `${new URL(tokenUrl).host} did not give the runner's OIDC token within ${timeoutMs / 1000} s`,
    );
  } catch (e) {
    throw new ConfigurationError(
      `could not get the runner's OIDC token: ${e instanceof Error ? e.message : String(e)}. ${TRUSTED_PUBLISHING_HELP}`,
    );
  }
  const mint = await fetchWithTimeout(
    joinUrl(opts.indexUrl, '_/oidc/mint-token'),
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: idToken }) },
    timeoutMs,
  );
  const body = parseJson(mint.text) as {
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

function parseJson(text: string): object {
  try {
    return JSON.parse(text) as object;
  } catch {
    return {};
  }
}
