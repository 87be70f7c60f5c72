import { globMatches } from '@release-actions/core/release/matrix';
import { PENDING, type CommitRecord, type JobRecord, type RunRecord, type Target } from './history.js';
import type { WorkflowPattern } from './inputs.js';

/**
 * Whether one repository's ref is green, judged the way PyTorch's own tools judge it: on the newest
 * commit whose runs finished, only `success` and `skipped` pass, shards of one job are one job, jobs
 * named `unstable` are ignored, a required workflow with no run is missing, and a failing job is
 * followed back commit by commit to the first bad one (HUD's alerting counts the same streak).
 */

export interface Failure {
  repo: string;
  ref: string;
  workflow: string;
  job: string;
  conclusion: string;
  url: string;
  /** When the first bad commit of the streak ran. */
  since: string;
  /** Consecutive failing commits, this one included (0 for missing and stale). */
  consecutive: number;
  /** The streak reached the end of the history looked at: it is at least `consecutive`. */
  capped: boolean;
  firstBad: string;
  firstBadUrl: string;
  /** False for a failure that has not lasted failure-threshold commits yet. */
  counts: boolean;
}

export interface WorkflowStatus {
  workflow: string;
  status: 'success' | 'failure' | 'pending' | 'missing';
  jobs: number;
  failing: number;
  url: string;
}

export interface Verdict {
  target: Target;
  /** The commit judged (none when the ref has no runs at all). */
  commit?: CommitRecord;
  workflows: WorkflowStatus[];
  failures: Failure[];
  /** Jobs checked on the commit (ignored ones left out), for the matrix. */
  jobs: JobRecord[];
  /** Job groups whose failure counts (see jobKey). */
  failing: Set<string>;
  notes: string[];
}

export interface JudgeOptions {
  workflows: WorkflowPattern[];
  ignoreJobs: string[];
  maxAgeMs: number;
  failureThreshold: number;
  now: number;
  /**
   * What to do when runs on the newest commit have not finished: `wait` (answer 'pending'), `judge`
   * it anyway (the unfinished runs fail), or `fall-back` to the newest commit whose runs all finished.
   */
  unfinished: 'wait' | 'judge' | 'fall-back';
}

const PASSING = new Set(['success', 'skipped']);

export const passes = (conclusion: string): boolean => PASSING.has(conclusion);

/** `test (default, 1, 3, linux.2xlarge)` -> `test (default)`: shards of a job are one job. */
export function stripShard(name: string): string {
  return name.replace(/ \(([^,()]+), \d+, \d+(?:, [^()]*)?\)/g, ' ($1)');
}

export const jobKey = (job: Pick<JobRecord, 'workflow' | 'name'>): string =>
  `${job.workflow} / ${stripShard(job.name)}`;

export function isIgnored(job: Pick<JobRecord, 'workflow' | 'name'>, globs: readonly string[]): boolean {
  return globs.some((g) => globMatches(g, job.name) || globMatches(g, `${job.workflow} / ${job.name}`));
}

function requiredRuns(commit: CommitRecord, patterns: readonly WorkflowPattern[]): RunRecord[] {
  if (patterns.length === 0) return commit.runs;
  return commit.runs.filter((r) => patterns.some((p) => matchesWorkflow(p, r)));
}

function matchesWorkflow(p: WorkflowPattern, run: RunRecord): boolean {
  const file = run.file ?? '';
  return p.regex.test(run.workflow) || (file !== '' && (p.regex.test(file) || p.regex.test(file.split('/').pop()!)));
}

/** The commit to judge, or 'pending' to look again later. */
function pickCommit(commits: CommitRecord[], opts: JudgeOptions): CommitRecord | 'pending' {
  const finished = (c: CommitRecord) => requiredRuns(c, opts.workflows).every((r) => r.finished);
  const newest = commits[0]!;
  if (finished(newest) || opts.unfinished === 'judge') return newest;
  if (opts.unfinished === 'wait') return 'pending';
  return commits.find(finished) ?? newest;
}

/** A run's jobs; a run that failed or is still queued without any job stands as one job of its own. */
async function jobsOf(run: RunRecord): Promise<JobRecord[]> {
  const jobs = await run.jobs();
  if (jobs.length > 0) return jobs;
  if (run.finished && (run.conclusion === null || passes(run.conclusion))) return [];
  return [{ workflow: run.workflow, name: '(run)', conclusion: run.conclusion ?? PENDING, url: run.url }];
}

/** The group's result on one commit: undefined when it did not run or has not finished there. */
async function groupResult(commit: CommitRecord, workflow: string, key: string, ignore: string[]) {
  const run = commit.runs.find((r) => r.workflow === workflow);
  if (!run) return undefined;
  const members = (await jobsOf(run)).filter((j) => jobKey(j) === key && !isIgnored(j, ignore));
  if (members.length === 0 || members.some((j) => j.conclusion === PENDING)) return undefined;
  return members.every((j) => passes(j.conclusion)) ? 'pass' : 'fail';
}

/** Follows a failing group back through older commits until it passed. */
async function streakOf(commits: CommitRecord[], from: number, workflow: string, key: string, ignore: string[]) {
  let consecutive = 1;
  let firstBad = commits[from]!;
  for (let i = from + 1; i < commits.length; i++) {
    const result = await groupResult(commits[i]!, workflow, key, ignore);
    if (result === 'pass') return { consecutive, firstBad, capped: false };
    if (result === 'fail') {
      consecutive++;
      firstBad = commits[i]!;
    }
  }
  return { consecutive, firstBad, capped: true };
}

export async function judge(
  target: Target,
  commits: CommitRecord[],
  opts: JudgeOptions,
  historyLimit: number,
): Promise<Verdict | 'pending'> {
  const verdict: Verdict = { target, workflows: [], failures: [], jobs: [], failing: new Set(), notes: [] };
  const base = { repo: `${target.owner}/${target.repo}`, ref: target.ref };
  const standalone = (workflow: string, conclusion: string, url: string, since: string): Failure => ({
    ...base,
    workflow,
    job: '',
    conclusion,
    url,
    since,
    consecutive: 0,
    capped: false,
    firstBad: '',
    firstBadUrl: '',
    counts: true,
  });
  if (commits.length === 0) {
    verdict.notes.push(`${target.owner}/${target.repo} has no workflow runs for ${target.ref}`);
    const wanted = opts.workflows.length ? opts.workflows.map((p) => p.source) : ['(any workflow)'];
    for (const w of wanted) {
      verdict.failures.push(standalone(w, 'missing', '', ''));
      verdict.workflows.push({ workflow: w, status: 'missing', jobs: 0, failing: 0, url: '' });
    }
    return verdict;
  }
  const commit = pickCommit(commits, opts);
  if (commit === 'pending') return 'pending';
  verdict.commit = commit;
  const at = commits.indexOf(commit);
  if (at > 0)
    verdict.notes.push(
      `${commits
        .slice(0, at)
        .map((c) => c.sha.slice(0, 12))
        .join(', ')}: runs still in progress; judged ${commit.sha.slice(0, 12)}, the newest commit whose runs finished`,
    );

  if (opts.now - Date.parse(commit.time) > opts.maxAgeMs) {
    verdict.failures.push(standalone('(newest run)', 'stale', commit.url, commit.time));
  }

  for (const run of requiredRuns(commit, opts.workflows)) {
    const jobs = (await jobsOf(run)).filter((j) => !isIgnored(j, opts.ignoreJobs));
    verdict.jobs.push(...jobs);
    const groups = new Map<string, JobRecord[]>();
    for (const j of jobs) groups.set(jobKey(j), [...(groups.get(jobKey(j)) ?? []), j]);
    let failing = 0;
    for (const [key, members] of groups) {
      const bad = members.find((j) => !passes(j.conclusion));
      if (!bad) continue;
      const streak = await streakOf(commits, at, run.workflow, key, opts.ignoreJobs);
      const unfinished = bad.conclusion === PENDING;
      const counts = unfinished || streak.consecutive >= opts.failureThreshold;
      if (counts) {
        failing++;
        verdict.failing.add(key);
      }
      verdict.failures.push({
        ...base,
        workflow: run.workflow,
        job: key.slice(run.workflow.length + 3),
        conclusion: bad.conclusion,
        url: bad.url,
        since: streak.firstBad.time,
        consecutive: streak.consecutive,
        capped: streak.capped && commits.length >= historyLimit,
        firstBad: streak.firstBad.sha,
        firstBadUrl: streak.firstBad.url,
        counts,
      });
    }
    const status = !run.finished ? 'pending' : failing > 0 ? 'failure' : 'success';
    verdict.workflows.push({ workflow: run.workflow, status, jobs: groups.size, failing, url: run.url });
  }

  for (const p of opts.workflows) {
    if (commit.runs.some((r) => matchesWorkflow(p, r))) continue;
    verdict.failures.push(standalone(p.source, 'missing', commit.url, ''));
    verdict.workflows.push({ workflow: p.source, status: 'missing', jobs: 0, failing: 0, url: '' });
  }
  return verdict;
}
