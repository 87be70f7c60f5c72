import * as core from '@actions/core';
import { backoffDelay, sleep as realSleep } from '../runtime/retry.js';

/**
 * Creates a GitHub object (pull request, issue, ref, tag, release) at most once. A create whose answer
 * was lost (5xx, timeout, dropped connection) may have been performed: before trying again, and on
 * the 422 a repeated create earns, look for the object, and use it when it is there.
 */
export interface CreateOnceSpec<T> {
  /** Shown in the log: `pull request automated/version-bump-2.7 -> main`. */
  what: string;
  /** The object if it exists already. */
  find: () => Promise<T | undefined>;
  /** Creates it; the client sends creates once per call (see createGitHubClient). */
  create: () => Promise<T>;
}

export interface CreateOnceOptions {
  /** Creates tried at most (default 3). */
  attempts?: number;
  baseMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface CreatedOnce<T> {
  value: T;
  /** False when the object was there before this call. */
  created: boolean;
}

function statusOf(e: unknown): number | undefined {
  const status = (e as { status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

/** Whether a failed create may nevertheless have been performed. */
function outcomeUnknown(e: unknown): boolean {
  const status = statusOf(e);
  return status === undefined || status >= 500 || (e instanceof Error && e.name === 'GitHubTimeoutError');
}

export async function createOnce<T>(spec: CreateOnceSpec<T>, opts: CreateOnceOptions = {}): Promise<CreatedOnce<T>> {
  const { attempts = 3, baseMs = 1000 } = opts;
  const wait = opts.sleep ?? realSleep;
  const existing = await spec.find();
  if (existing !== undefined) return { value: existing, created: false };
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await spec.create(), created: true };
    } catch (e) {
      const status = statusOf(e);
      if (!outcomeUnknown(e) && status !== 422) throw e;
      const found = await spec.find();
      if (found !== undefined) {
        core.info(`${spec.what}: the create failed (${status ?? 'no answer'}), but it was made; using it`);
        return { value: found, created: true };
      }
      if (status === 422 || attempt >= attempts) throw e;
      const delay = backoffDelay(attempt, baseMs, 30_000);
      core.info(`${spec.what}: the create failed (${status ?? 'no answer'}) and made nothing; trying again`);
      await wait(delay);
    }
  }
}
