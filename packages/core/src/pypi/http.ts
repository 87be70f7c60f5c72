/** Requests to an index: every one bounded in time, and a timeout named after the host that was silent. */

export const DEFAULT_TIMEOUT_MS = 60_000;

export class HttpTimeoutError extends Error {
  override readonly name = 'HttpTimeoutError';
}

export function timeoutMessage(url: URL, method: string, timeoutMs: number): string {
  return `${url.host} did not answer ${method} ${url.pathname} within ${timeoutMs / 1000} s`;
}

/** `fetch` that gives up after `timeoutMs` (the body included) with an HttpTimeoutError naming the host. */
export async function fetchWithTimeout(
  url: string,
  init: RequestInit = {},
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<{ status: number; ok: boolean; text: string }> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(url, { ...init, signal });
    return { status: res.status, ok: res.ok, text: await res.text() };
  } catch (e) {
    if (signal.aborted) throw new HttpTimeoutError(timeoutMessage(new URL(url), init.method ?? 'GET', timeoutMs));
    throw e;
  }
}

/** Waits for `promise` at most `timeoutMs`, for requests made by a library that takes no timeout. */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HttpTimeoutError(what())), timeoutMs);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
