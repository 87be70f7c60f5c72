import type { GitHubClient } from '@release-actions/core/github/client';
import { ConfigurationError } from '@release-actions/core/runtime/errors';
import {
  once,
  PENDING,
  type CommitRecord,
  type JobRecord,
  type RunRecord,
  type Source,
  type Target,
} from './history.js';

/**
 * Workflow runs of a branch or tag from the GitHub REST API (`GET /repos/{o}/{r}/actions/runs?branch=`,
 * newest first, 100 a page), grouped by commit; each run's jobs (`.../runs/{id}/jobs`, latest attempt)
 * are listed only when asked for.
 */

/** Pages of runs read at most: enough for a few weeks of nightlies of a repository with many workflows. */
const MAX_RUN_PAGES = 10;

type Run = Awaited<
  ReturnType<GitHubClient['rest']['actions']['listWorkflowRunsForRepo']>
>['data']['workflow_runs'][number];

export function githubSource(client: GitHubClient, apiUrl: string): Source {
  return {
    async commits(target, limit) {
      const runs = await newestRuns(client, target, limit).catch((e: unknown) => {
        if ((e as { status?: number }).status !== 404) throw e;
        throw new ConfigurationError(
          `${target.owner}/${target.repo}: GitHub answered 404 for its workflow runs at ${apiUrl}; check the name and that github-token can read its Actions`,
        );
      });
      return groupByCommit(client, target, runs, limit);
    },
  };
}

/** Runs newest first until `limit` commits are complete (a run of a commit past the limit is seen). */
async function newestRuns(client: GitHubClient, target: Target, limit: number): Promise<Run[]> {
  const runs: Run[] = [];
  const shas = new Set<string>();
  let pages = 0;
  const iterator = client.paginate.iterator(client.rest.actions.listWorkflowRunsForRepo, {
    owner: target.owner,
    repo: target.repo,
    branch: target.ref,
    per_page: 100,
  });
  for await (const page of iterator) {
    for (const run of page.data) {
      shas.add(run.head_sha);
      if (shas.size > limit) return runs;
      runs.push(run);
    }
    if (++pages >= MAX_RUN_PAGES) break;
  }
  return runs;
}

function groupByCommit(client: GitHubClient, target: Target, runs: Run[], limit: number): CommitRecord[] {
  const commits = new Map<string, CommitRecord>();
  for (const run of runs) {
    let commit = commits.get(run.head_sha);
    if (!commit) {
      commit = {
        sha: run.head_sha,
        time: run.created_at,
        url: `${run.repository.html_url}/commit/${run.head_sha}`,
        runs: [],
      };
      commits.set(run.head_sha, commit);
    }
    // A workflow re-triggered on the same commit: its newest run (seen first) is the one that counts.
    const workflow = run.name ?? run.path;
    if (commit.runs.some((r) => r.workflow === workflow)) continue;
    commit.runs.push(runRecord(client, target, run, workflow));
  }
  return [...commits.values()].slice(0, limit);
}

function runRecord(client: GitHubClient, target: Target, run: Run, workflow: string): RunRecord {
  return {
    workflow,
    file: run.path,
    url: run.html_url,
    finished: run.status === 'completed',
    conclusion: run.status === 'completed' ? (run.conclusion ?? 'unknown') : null,
    jobs: once(async () => {
      const jobs = await client.paginate(client.rest.actions.listJobsForWorkflowRun, {
        owner: target.owner,
        repo: target.repo,
        run_id: run.id,
        filter: 'latest',
        per_page: 100,
      });
      return jobs.map((j): JobRecord => ({
        workflow,
        name: j.name,
        conclusion: j.status === 'completed' ? (j.conclusion ?? 'unknown') : PENDING,
        url: j.html_url ?? run.html_url,
      }));
    }),
  };
}
