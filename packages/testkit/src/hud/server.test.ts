import { fakeSha, type CiHistory } from '../github/workflow-runs.js';
import { startHudServer, type HudData, type HudServer } from './server.js';

const history: CiHistory = {
  owner: 'pytorch',
  repo: 'pytorch',
  ref: 'release/2.6',
  commits: [
    {
      sha: fakeSha('c3'),
      time: '2026-12-01T03:00:00Z',
      workflows: { 'linux-binary-manywheel': { 'manywheel-py3_10-cpu-build / build': 'in_progress' } },
    },
    {
      sha: fakeSha('c2'),
      time: '2026-11-30T03:00:00Z',
      workflows: {
        'linux-binary-manywheel': { 'manywheel-py3_10-cpu-build / build': 'failure' },
        'windows-binary-wheel': { 'wheel-py3_10-cpu-build / build': 'success' },
      },
    },
    {
      sha: fakeSha('c1'),
      time: '2026-11-29T03:00:00Z',
      workflows: { 'windows-binary-wheel': { 'wheel-py3_10-cpu-build / build': 'skipped' } },
    },
  ],
};

let hud: HudServer;
beforeEach(async () => {
  hud = await startHudServer();
  hud.set(history);
});
afterEach(() => hud.stop());

const get = async (path: string): Promise<HudData> => {
  const res = await fetch(`${hud.url}${path}`);
  expect(res.status).toBe(200);
  return (await res.json()) as HudData;
};

test('the grid lines jobs up with jobNames, {} where a job did not run, unfinished jobs pending', async () => {
  const data = await get('/api/hud/pytorch/pytorch/release%2F2.6/1?per_page=50');
  expect(data.jobNames).toEqual([
    'linux-binary-manywheel / manywheel-py3_10-cpu-build / build',
    'windows-binary-wheel / wheel-py3_10-cpu-build / build',
  ]);
  expect(data.shaGrid.map((r) => [r.sha, r.jobs.map((j) => j.conclusion ?? '{}')])).toEqual([
    [fakeSha('c3'), ['pending', '{}']],
    [fakeSha('c2'), ['failure', 'success']],
    [fakeSha('c1'), ['{}', 'skipped']],
  ]);
  expect(data.shaGrid[2]!.jobs[0]).toEqual({});
  expect(data.shaGrid[0]!.jobs[1]).toEqual({});
  expect(data.shaGrid[1]!.jobs[0]!.htmlUrl).toMatch(
    /^https:\/\/github\.com\/pytorch\/pytorch\/actions\/runs\/\d+\/job\/\d+$/,
  );
});

test('pages hold per_page commits and name only the jobs on them; past the end is empty', async () => {
  const second = await get('/api/hud/pytorch/pytorch/release%2F2.6/2?per_page=2');
  expect(second.shaGrid.map((r) => r.sha)).toEqual([fakeSha('c1')]);
  expect(second.jobNames).toEqual(['windows-binary-wheel / wheel-py3_10-cpu-build / build']);
  expect(second.shaGrid[0]!.jobs).toHaveLength(1);
  expect((await get('/api/hud/pytorch/pytorch/release%2F2.6/3?per_page=2')).shaGrid).toEqual([]);
  expect((await get('/api/hud/pytorch/vision/nightly/1')).shaGrid).toEqual([]);
});

test('an injected 5xx answers once, then the grid again', async () => {
  hud.fail(503);
  expect((await fetch(`${hud.url}/api/hud/pytorch/pytorch/release%2F2.6/1`)).status).toBe(503);
  expect((await get('/api/hud/pytorch/pytorch/release%2F2.6/1')).shaGrid).toHaveLength(3);
});
