import { withRetry } from '@release-actions/core/runtime/retry';
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
 * HUD's JSON API: `GET {hud}/api/hud/{owner}/{repo}/{branch}/{page}?per_page=50` answers
 * `{ shaGrid: [{ sha, time, commitUrl, jobs: [...] }], jobNames: [...] }`, commits newest first, with
 * `jobs[i]` lined up with `jobNames[i]` (`workflow / job`) and `{}` where no job ran. HUD has no runs:
 * a commit's jobs are grouped into one run per workflow.
 */

const PER_PAGE = 50;
const MAX_PAGES = 4;

interface HudJob {
  conclusion?: string;
  htmlUrl?: string;
}

interface HudRow {
  sha: string;
  time: string;
  commitUrl?: string;
  jobs: HudJob[];
}

interface HudPage {
  shaGrid: HudRow[];
  jobNames: string[];
}

class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    url: string,
  ) {
    super(`HUD answered ${status} for ${url}`);
  }
}

export function hudSource(hudUrl: string, sleep: (ms: number) => Promise<void>): Source {
  const root = hudUrl.replace(/\/+$/, '');
  return {
    async commits(target, limit) {
      const commits: CommitRecord[] = [];
      for (let page = 1; page <= MAX_PAGES && commits.length < limit; page++) {
        const url = `${root}/api/hud/${enc(target.owner)}/${enc(target.repo)}/${enc(target.ref)}/${page}?per_page=${PER_PAGE}`;
        const data = await fetchPage(url, sleep);
        for (const row of data.shaGrid) {
          const commit = commitOf(row, data.jobNames, target);
          if (commit.runs.length > 0) commits.push(commit);
        }
        if (data.shaGrid.length < PER_PAGE) break;
      }
      return commits.slice(0, limit);
    },
  };
}

const enc = encodeURIComponent;

async function fetchPage(url: string, sleep: (ms: number) => Promise<void>): Promise<HudPage> {
  const body = await withRetry(
    async () => {
      const res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(60_000) });
      if (!res.ok) throw new HttpStatusError(res.status, url);
      return (await res.json()) as unknown;
    },
    {
      attempts: 5,
      sleep,
      // 5xx, 429 and dropped connections are worth another try; a 404 is not
      retryable: (e) => !(e instanceof HttpStatusError) || e.status >= 500 || e.status === 429,
    },
  );
  const page = body as Partial<HudPage>;
  if (!Array.isArray(page.shaGrid) || !Array.isArray(page.jobNames)) {
    throw new Error(`HUD answered ${url} with something that is not a grid ({ shaGrid, jobNames })`);
  }
  return page as HudPage;
}

function commitOf(row: HudRow, jobNames: string[], target: Target): CommitRecord {
  const byWorkflow = new Map<string, JobRecord[]>();
  row.jobs.forEach((job, i) => {
    const full = jobNames[i];
    if (!full || job.conclusion === undefined) return;
    const sep = full.indexOf(' / ');
    const workflow = sep < 0 ? full : full.slice(0, sep);
    const name = sep < 0 ? full : full.slice(sep + 3);
    const list = byWorkflow.get(workflow) ?? [];
    list.push({ workflow, name, conclusion: job.conclusion || PENDING, url: job.htmlUrl ?? '' });
    byWorkflow.set(workflow, list);
  });
  const commitUrl = row.commitUrl ?? `https://github.com/${target.owner}/${target.repo}/commit/${row.sha}`;
  const runs = [...byWorkflow].map(([workflow, jobs]): RunRecord => ({
    workflow,
    url: jobs[0]?.url.replace(/\/job\/\d+$/, '') || commitUrl,
    finished: jobs.every((j) => j.conclusion !== PENDING),
    conclusion: null,
    jobs: once(async () => jobs),
  }));
  return { sha: row.sha, time: row.time, url: commitUrl, runs };
}
