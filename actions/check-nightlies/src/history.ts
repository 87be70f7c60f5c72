/**
 * What both sources (the GitHub API and HUD) tell about a ref: its commits newest first, each with
 * the workflow runs on it and, on demand, their jobs.
 */

export interface Target {
  owner: string;
  repo: string;
  /** Branch or tag. */
  ref: string;
}

export const targetName = (t: Target): string => `${t.owner}/${t.repo}@${t.ref}`;

export interface JobRecord {
  workflow: string;
  name: string;
  /** A conclusion (`success`, `failure`, ...) or, for a job that has not finished, `pending`. */
  conclusion: string;
  url: string;
}

export interface RunRecord {
  workflow: string;
  /** The workflow file, where the source knows it (`.github/workflows/nightly.yml`). */
  file?: string;
  url: string;
  finished: boolean;
  /** The run's own conclusion (null while it runs; HUD has none). */
  conclusion: string | null;
  /** The run's jobs, newest attempt; read once and kept. */
  jobs(): Promise<JobRecord[]>;
}

export interface CommitRecord {
  sha: string;
  /** When its newest run was created (GitHub) or the commit time (HUD), ISO 8601. */
  time: string;
  url: string;
  runs: RunRecord[];
}

export interface Source {
  /** Up to `limit` commits of the ref that have runs, newest first. */
  commits(target: Target, limit: number): Promise<CommitRecord[]>;
}

export const PENDING = 'pending';

/** Reads a value once, on first use (jobs listings are the expensive part of a check). */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}
