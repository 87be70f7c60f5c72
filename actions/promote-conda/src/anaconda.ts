/**
 * anaconda.org's HTTP API, the calls `anaconda copy` makes (binstar_client's `release`,
 * `distribution` and `copy`), over fetch. The token goes only to `api-url`.
 */
import { withRetry } from '@release-actions/core/runtime/retry';

export interface CondaDist {
  /** `<subdir>/<file name>` */
  basename: string;
  subdir: string;
  sha256?: string;
  md5: string;
  size: number;
  labels: string[];
}

export class AnacondaError extends Error {
  constructor(
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** A 5xx or a dropped connection: the request may or may not have taken effect. */
export function isUncertain(e: unknown): boolean {
  return e instanceof AnacondaError && (e.status === undefined || e.status >= 500);
}

interface DistJson {
  basename: string;
  sha256?: string | null;
  md5: string;
  size: number;
  labels?: string[];
  attrs?: { subdir?: string };
}

function toDist(d: DistJson): CondaDist {
  return {
    basename: d.basename,
    subdir: d.attrs?.subdir ?? d.basename.split('/')[0] ?? '',
    ...(d.sha256 ? { sha256: d.sha256 } : {}),
    md5: d.md5,
    size: d.size,
    labels: d.labels ?? [],
  };
}

const path = (...parts: string[]): string => parts.map((p) => p.split('/').map(encodeURIComponent).join('/')).join('/');

export class AnacondaClient {
  constructor(
    private readonly apiUrl: string,
    private readonly token: string,
    private readonly sleep?: (ms: number) => Promise<void>,
  ) {}

  /** The files of a release, or undefined when the owner has no such release. */
  async release(owner: string, pkg: string, version: string): Promise<CondaDist[] | undefined> {
    const data = await this.read<{ distributions: DistJson[] }>(`release/${path(owner, pkg, version)}`);
    return data?.distributions.map(toDist);
  }

  async dist(owner: string, pkg: string, version: string, basename: string): Promise<CondaDist | undefined> {
    const data = await this.read<DistJson>(`dist/${path(owner, pkg, version, basename)}`);
    return data && toDist(data);
  }

  /** One file copied, as `anaconda copy --to-owner` does; never retried here (see the caller). */
  async copy(
    from: { owner: string; label: string },
    to: { owner: string; label: string },
    pkg: string,
    version: string,
    basename: string,
  ): Promise<void> {
    await this.request('POST', `copy/package/${path(from.owner, pkg, version, basename)}`, {
      to_owner: to.owner,
      from_channel: from.label,
      to_channel: to.label,
    });
  }

  private async read<T>(route: string): Promise<T | undefined> {
    try {
      return await withRetry(() => this.request('GET', route) as Promise<T>, {
        attempts: 4,
        baseMs: 200,
        retryable: isUncertain,
        ...(this.sleep ? { sleep: this.sleep } : {}),
      });
    } catch (e) {
      if (e instanceof AnacondaError && e.status === 404) return undefined;
      throw e;
    }
  }

  private async request(method: 'GET' | 'POST', route: string, body?: unknown): Promise<unknown> {
    const url = `${this.apiUrl.replace(/\/+$/, '')}/${route}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(this.token ? { authorization: `token ${this.token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (e) {
      throw new AnacondaError(undefined, `${method} ${url}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const text = await res.text();
    if (!res.ok) {
      let message = text.slice(0, 200);
      try {
        message = (JSON.parse(text) as { error?: string }).error ?? message;
      } catch {
        // not JSON: keep the text
      }
      throw new AnacondaError(res.status, `anaconda.org answered ${res.status} to ${method} /${route}: ${message}`);
    }
    return text ? JSON.parse(text) : undefined;
  }
}
