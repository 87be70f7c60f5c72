/**
 * A local stand-in for HUD's JSON API (hud.pytorch.org): `GET /api/hud/{owner}/{repo}/{branch}/{page}
 * ?per_page=N` answers `{ shaGrid, jobNames }` the way torchci does: commits newest first, `jobs[i]`
 * lined up with `jobNames[i]`, `{}` where a job did not run on that commit, unfinished jobs as
 * `pending`. Pages start at 1; a page past the end has an empty grid.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isUnfinished, type CiHistory } from '../github/workflow-runs.js';

/** One job cell of HUD's grid (the fields torchci's JobData has that a release check reads). */
export interface HudJob {
  id?: number;
  conclusion?: string;
  htmlUrl?: string;
  logUrl?: string;
  durationS?: number;
  failureLines?: string[];
}

export interface HudRow {
  sha: string;
  time: string;
  commitUrl: string;
  commitTitle: string;
  prNum: number | null;
  author: string;
  jobs: HudJob[];
}

export interface HudData {
  shaGrid: HudRow[];
  jobNames: string[];
}

/** The full grid of a history (HUD names a job `workflow / job`). */
export function hudDataOf(history: CiHistory, htmlUrl = 'https://github.com'): HudData {
  const full = `${history.owner}/${history.repo}`;
  const names = new Set<string>();
  for (const c of history.commits)
    for (const [wf, jobs] of Object.entries(c.workflows)) for (const j of Object.keys(jobs)) names.add(`${wf} / ${j}`);
  const jobNames = [...names].sort();
  let id = 7_000_000;
  const shaGrid = history.commits.map((c): HudRow => {
    const runId = ++id * 10;
    return {
      sha: c.sha,
      time: c.time,
      commitUrl: `${htmlUrl}/${full}/commit/${c.sha}`,
      commitTitle: c.title ?? `nightly ${c.time.slice(0, 10)}`,
      prNum: null,
      author: 'pytorchbot',
      jobs: jobNames.map((name, i): HudJob => {
        const sep = name.indexOf(' / ');
        const result = c.workflows[name.slice(0, sep)]?.[name.slice(sep + 3)];
        if (result === undefined) return {};
        const jobId = runId * 1000 + i;
        return {
          id: jobId,
          conclusion: isUnfinished(result) ? 'pending' : result,
          htmlUrl: `${htmlUrl}/${full}/actions/runs/${runId}/job/${jobId}`,
          logUrl: `https://ossci-raw-job-status.s3.amazonaws.com/log/${jobId}`,
          durationS: 600,
          failureLines: result === 'failure' ? ['RuntimeError: the nightly failed'] : [],
        };
      }),
    };
  });
  return { shaGrid, jobNames };
}

export interface HudServer {
  url: string;
  /** Paths (with query) requested so far. */
  requests: string[];
  /** Replaces what HUD shows for a repository's branch (a history, or a grid as HUD would send it). */
  set(history: CiHistory): void;
  setData(owner: string, repo: string, branch: string, data: HudData): void;
  /** The next `times` requests get `status` (a 5xx, say) instead of their answer. */
  fail(status: number, times?: number): void;
  stop(): Promise<void>;
}

/** Only the jobs that ran on the page's commits are named, as HUD does. */
function page(data: HudData, pageNo: number, perPage: number): HudData {
  const rows = data.shaGrid.slice((pageNo - 1) * perPage, pageNo * perPage);
  const used = data.jobNames.map((_, i) => rows.some((r) => r.jobs[i]?.conclusion !== undefined));
  return {
    shaGrid: rows.map((r) => ({ ...r, jobs: r.jobs.filter((_, i) => used[i]) })),
    jobNames: data.jobNames.filter((_, i) => used[i]),
  };
}

export async function startHudServer(options: { port?: number; htmlUrl?: string } = {}): Promise<HudServer> {
  const grids = new Map<string, HudData>();
  const requests: string[] = [];
  const faults: number[] = [];
  const key = (owner: string, repo: string, branch: string) => `${owner}/${repo}/${branch}`.toLowerCase();

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://hud.local');
    requests.push(url.pathname + url.search);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const fault = faults.shift();
    if (fault !== undefined) return send(fault, { error: 'stand-in fault' });
    const m = /^\/api\/hud\/([^/]+)\/([^/]+)\/([^/]+)\/(\d+)$/.exec(url.pathname);
    if (req.method !== 'GET' || !m) return send(404, { error: 'not found' });
    const [owner, repo, branch, pageNo] = m.slice(1).map(decodeURIComponent) as [string, string, string, string];
    const data = grids.get(key(owner, repo, branch)) ?? { shaGrid: [], jobNames: [] };
    const perPage = Math.max(1, Math.min(100, Number(url.searchParams.get('per_page')) || 50));
    send(200, page(data, Math.max(1, Number(pageNo)), perPage));
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    set(history) {
      grids.set(key(history.owner, history.repo, history.ref), hudDataOf(history, options.htmlUrl));
    },
    setData(owner, repo, branch, data) {
      grids.set(key(owner, repo, branch), data);
    },
    fail(status, times = 1) {
      for (let i = 0; i < times; i++) faults.push(status);
    },
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
