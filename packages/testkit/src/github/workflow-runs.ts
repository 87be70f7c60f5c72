/**
 * CI history for tests of nightly checks: commits of one ref, newest first, each with the workflows
 * that ran on it and their jobs' results. One history feeds both the GitHub stand-in (as workflow runs
 * with jobs in the state file format) and the HUD stand-in (as a `shaGrid`), so the same scenario is
 * checked through either source.
 */
import type { JobState, WorkflowRunState } from './state.js';

/** A job's result: a conclusion, or `queued` / `in_progress` for a job that has not finished. */
export type JobResult =
  | 'success'
  | 'failure'
  | 'neutral'
  | 'cancelled'
  | 'skipped'
  | 'timed_out'
  | 'action_required'
  | 'queued'
  | 'in_progress';

export interface CiCommit {
  sha: string;
  /** When its runs were created (ISO 8601). */
  time: string;
  title?: string;
  /** workflow name -> job name -> result */
  workflows: Record<string, Record<string, JobResult>>;
}

export interface CiHistory {
  owner: string;
  repo: string;
  /** Branch or tag the runs are for. */
  ref: string;
  /** Newest first. */
  commits: CiCommit[];
}

const FAILING = new Set<JobResult>(['failure', 'cancelled', 'timed_out', 'action_required']);
const UNFINISHED = new Set<JobResult>(['queued', 'in_progress']);

export const isUnfinished = (r: JobResult): boolean => UNFINISHED.has(r);

/** The run of one workflow on one commit: in progress while a job is, else failed if a job failed. */
function runOf(id: number, ref: string, commit: CiCommit, workflow: string, jobs: Record<string, JobResult>) {
  const results = Object.values(jobs);
  const running = results.some(isUnfinished);
  const run: WorkflowRunState = {
    id,
    name: workflow,
    path: `.github/workflows/${workflow.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.yml`,
    event: 'push',
    headBranch: ref,
    headSha: commit.sha,
    ...(commit.title ? { title: commit.title } : {}),
    status: running ? 'in_progress' : 'completed',
    conclusion: running ? null : results.some((r) => FAILING.has(r)) ? 'failure' : 'success',
    createdAt: commit.time,
    updatedAt: commit.time,
    jobs: Object.entries(jobs).map(([name, result]): JobState => {
      const unfinished = isUnfinished(result);
      return {
        name,
        status: unfinished ? (result as 'queued' | 'in_progress') : 'completed',
        conclusion: unfinished ? null : (result as Exclude<JobResult, 'queued' | 'in_progress'>),
        startedAt: commit.time,
        ...(unfinished ? { completedAt: null } : {}),
      };
    }),
  };
  return run;
}

/** The history as the GitHub stand-in's `workflowRuns`, ids counting up from `firstId`. */
export function workflowRunsOf(history: CiHistory, firstId = 1000): WorkflowRunState[] {
  let id = firstId;
  return history.commits.flatMap((commit) =>
    Object.entries(commit.workflows).map(([workflow, jobs]) => runOf(id++, history.ref, commit, workflow, jobs)),
  );
}

/** A fake 40-hex sha made from a label, so scenarios can say `sha('nightly-3')`. */
export function fakeSha(label: string): string {
  let h = 0x811c9dc5;
  const out: string[] = [];
  for (let round = 0; out.join('').length < 40; round++) {
    for (const c of `${label}#${round}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
    out.push(h.toString(16).padStart(8, '0'));
  }
  return out.join('').slice(0, 40);
}
