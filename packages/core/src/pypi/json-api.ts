import { withRetry, type RetryOptions } from '../runtime/retry.js';

/** What an index already holds: its JSON API, `/pypi/<name>/<version>/json`. */

export interface IndexFile {
  filename: string;
  sha256: string;
  size: number;
}

class RetryableHttpError extends Error {}

export function joinUrl(base: string, path: string): string {
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
