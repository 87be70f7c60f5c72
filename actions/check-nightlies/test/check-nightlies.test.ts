import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runActionMain, type ActionResult } from '@release-actions/testkit/action-run';
import { startGitHubServer, type GitHubServer } from '@release-actions/testkit/github/server';
import { workflowRunsOf, type CiHistory } from '@release-actions/testkit/github/workflow-runs';
import { startHudServer, type HudServer } from '@release-actions/testkit/hud/server';
import { checkNightlies, type Clock } from '../src/main.js';
import {
  greenWorkflows,
  nightlies,
  PYTORCH_RELEASE_MATRIX,
  releaseMatrixWorkflows,
  shaOf,
  withJob,
  type Workflows,
} from './scenarios.js';

const ACTION_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const NOW = Date.parse('2026-12-01T12:00:00Z');

let github: GitHubServer;
let hud: HudServer;
beforeAll(async () => {
  github = await startGitHubServer({ state: { repos: [] } });
  hud = await startHudServer();
});
afterAll(async () => {
  await hud.stop();
  await github.stop();
});
beforeEach(() => {
  github.requests.length = 0;
  hud.requests.length = 0;
});

type Source = 'github' | 'hud';

/** Puts the histories where both stand-ins serve them. */
function serve(...histories: CiHistory[]): void {
  let firstId = 1000;
  github.state.repos = [];
  for (const h of histories) {
    let repo = github.state.repos.find((r) => r.owner === h.owner && r.name === h.repo);
    if (!repo) github.state.repos.push((repo = { owner: h.owner, name: h.repo, workflowRuns: [] }));
    repo.workflowRuns!.push(...workflowRunsOf(h, firstId));
    firstId += 10_000;
    hud.set(h);
  }
}

interface FakeClock extends Clock {
  sleeps: number[];
}

/** A clock whose sleep moves time on at once (and may change the world meanwhile). */
function fakeClock(onSleep: (slept: number) => void = () => {}): FakeClock {
  let t = NOW;
  const sleeps: number[] = [];
  return {
    retryBaseMs: 0,
    now: () => t,
    async sleep(ms) {
      sleeps.push(ms);
      t += ms;
      onSleep(sleeps.length);
    },
    sleeps,
  };
}

function check(source: Source, inputs: Record<string, string>, clock: FakeClock = fakeClock()): Promise<ActionResult> {
  const where: Record<string, string> =
    source === 'hud' ? { source: 'hud', 'hud-url': hud.url } : { 'api-url': github.url };
  return runActionMain('check-nightlies', ACTION_DIR, checkNightlies(clock), {
    'github-token': 'ghs_test',
    ...where,
    ...inputs,
  });
}

const failuresOf = (r: ActionResult) => JSON.parse(r.outputs['failures'] ?? 'null') as Array<Record<string, unknown>>;
const everyDay = (w: Workflows) => () => w;

describe.each<Source>(['github', 'hud'])('from %s', (source) => {
  test('all green: every workflow of the newest nightly passed', async () => {
    serve(
      nightlies('pytorch/pytorch', 5, everyDay(greenWorkflows())),
      nightlies('pytorch/vision', 5, everyDay(greenWorkflows())),
    );
    const result = await check(source, {
      repositories: 'pytorch/pytorch\npytorch/vision@nightly',
      'release-date': '2025-01-29',
    });
    expect(result.error).toBeUndefined();
    expect(result.outputs).toMatchObject({ green: 'true', failures: '[]', 'missing-cells': '[]' });
    expect(JSON.parse(result.outputs['python-versions']!)).toEqual(['3.10', '3.11', '3.12', '3.13']);
    expect(result.summary).toContain('pytorch/pytorch@nightly: green at');
    expect(result.summary).toContain('pytorch/vision@nightly: green at');
    const table = result.receipt!.tables.find((t) => t.title.startsWith('pytorch/pytorch@nightly'))!;
    expect(table.rows.map((r) => [typeof r[0] === 'object' ? r[0].text : r[0], r[1], r[2], r[3]]).sort()).toEqual([
      ['docs', 'success', 1, 0],
      ['linux-binary-manywheel', 'success', 9, 0],
      // three shards of one test job are one job, and the unstable job is not looked at
      ['trunk', 'success', 2, 0],
    ]);
  });

  test('a failing job fails the check, with how many nightlies it has failed and the first bad one', async () => {
    const h = nightlies('pytorch/pytorch', 6, (day) =>
      day < 3
        ? withJob(greenWorkflows(), 'linux-binary-manywheel', 'manywheel-py3_12-cuda12_6-test / test', 'failure')
        : greenWorkflows(),
    );
    serve(h);
    const result = await check(source, { repositories: 'pytorch/pytorch' });
    expect(result.error).toBe('not green: 1 failing (see failures)');
    expect(result.outputs['green']).toBe('false');
    const [failure, ...rest] = failuresOf(result);
    expect(rest).toEqual([]);
    expect(failure).toMatchObject({
      repo: 'pytorch/pytorch',
      ref: 'nightly',
      workflow: 'linux-binary-manywheel',
      job: 'manywheel-py3_12-cuda12_6-test / test',
      conclusion: 'failure',
      since: '2026-11-29T03:00:00Z',
      consecutive: 3,
      'first-bad': shaOf(h, 2),
    });
    expect(failure!['url']).toMatch(/^https:\/\/github\.com\/pytorch\/pytorch\/actions\/runs\/\d+\/job\/\d+$/);
    expect(result.summary).toContain(
      `<a href="https://github.com/pytorch/pytorch/commit/${shaOf(h, 2)}">${shaOf(h, 2).slice(0, 12)}</a>`,
    );
    expect(result.summary).toContain('pytorch/pytorch@nightly: NOT green');
  });

  test('a failing shard fails its job once, named without the shard', async () => {
    serve(
      nightlies('pytorch/pytorch', 3, (day) =>
        day === 0
          ? withJob(
              greenWorkflows(),
              'trunk',
              'linux-jammy-py3.10-gcc11 / test (default, 2, 3, linux.2xlarge)',
              'timed_out',
            )
          : greenWorkflows(),
      ),
    );
    const result = await check(source, { repositories: 'pytorch/pytorch' });
    expect(failuresOf(result)).toEqual([
      expect.objectContaining({
        workflow: 'trunk',
        job: 'linux-jammy-py3.10-gcc11 / test (default)',
        conclusion: 'timed_out',
        consecutive: 1,
      }),
    ]);
  });

  test('a stale nightly is not green: the newest run is older than max-age', async () => {
    serve(nightlies('pytorch/pytorch', 3, everyDay(greenWorkflows()), { newest: '2026-11-29T03:00:00Z' }));
    const result = await check(source, { repositories: 'pytorch/pytorch', 'max-age': '36h' });
    expect(result.outputs['green']).toBe('false');
    expect(failuresOf(result)).toEqual([
      expect.objectContaining({ workflow: '(newest run)', conclusion: 'stale', since: '2026-11-29T03:00:00Z' }),
    ]);
    const fresh = await check(source, { repositories: 'pytorch/pytorch', 'max-age': '3d' });
    expect(fresh.outputs['green']).toBe('true');
  });

  test('a required workflow with no run on the commit is missing, which is not green', async () => {
    serve(nightlies('pytorch/pytorch', 3, everyDay(greenWorkflows())));
    const result = await check(source, {
      repositories: 'pytorch/pytorch',
      workflows: 'Linux-Binary-.*\nwindows-binary-wheel',
    });
    expect(result.error).toBe('not green: 1 failing (see failures)');
    expect(failuresOf(result)).toEqual([
      expect.objectContaining({ workflow: 'windows-binary-wheel', conclusion: 'missing' }),
    ]);
    // only the required workflows are looked at: a red docs build does not matter to them
    serve(
      nightlies('pytorch/pytorch', 3, everyDay(withJob(greenWorkflows(), 'docs', 'build-docs-python-true', 'failure'))),
    );
    const narrowed = await check(source, { repositories: 'pytorch/pytorch', workflows: 'linux-binary-manywheel' });
    expect(narrowed.outputs['green']).toBe('true');
  });

  test('a failing unstable job is ignored, as PyTorch ignores it', async () => {
    const unstable = 'linux-jammy-rocm-py3.10 / test (default, 1, 2, linux.rocm.gpu.2) [unstable]';
    serve(nightlies('pytorch/pytorch', 3, everyDay(withJob(greenWorkflows(), 'trunk', unstable, 'failure'))));
    const result = await check(source, { repositories: 'pytorch/pytorch' });
    expect(result.error).toBeUndefined();
    expect(result.outputs['green']).toBe('true');
    // and an ignore-jobs list without it brings it back
    const strict = await check(source, { repositories: 'pytorch/pytorch', 'ignore-jobs': 'docs / *' });
    expect(failuresOf(strict)).toEqual([
      expect.objectContaining({ job: 'linux-jammy-rocm-py3.10 / test (default) [unstable]' }),
    ]);
  });

  test('pending, then green: wait polls while the newest nightly runs, without really waiting', async () => {
    const running = withJob(
      greenWorkflows(),
      'linux-binary-manywheel',
      'manywheel-py3_13-cuda12_6-test / test',
      'in_progress',
    );
    serve(
      nightlies('pytorch/pytorch', 3, (day) => (day === 0 ? running : greenWorkflows()), {
        newest: '2026-12-01T11:00:00Z',
      }),
    );
    const clock = fakeClock((looks) => {
      if (looks === 2)
        serve(nightlies('pytorch/pytorch', 3, everyDay(greenWorkflows()), { newest: '2026-12-01T11:00:00Z' }));
    });
    const result = await check(source, { repositories: 'pytorch/pytorch', wait: '2h', 'poll-interval': '10m' }, clock);
    expect(result.error).toBeUndefined();
    expect(result.outputs['green']).toBe('true');
    expect(clock.sleeps).toEqual([600_000, 600_000]);
  });

  test('without wait, runs in progress are left for the newest finished nightly; after wait, they fail', async () => {
    const running = withJob(
      greenWorkflows(),
      'linux-binary-manywheel',
      'manywheel-py3_13-cuda12_6-test / test',
      'in_progress',
    );
    const h = nightlies('pytorch/pytorch', 3, (day) => (day === 0 ? running : greenWorkflows()), {
      newest: '2026-12-01T11:00:00Z',
    });
    serve(h);
    const now = await check(source, { repositories: 'pytorch/pytorch' });
    expect(now.outputs['green']).toBe('true');
    expect(now.receipt!.notes.join('\n')).toContain(
      `${shaOf(h, 0).slice(0, 12)}: runs still in progress; judged ${shaOf(h, 1).slice(0, 12)}`,
    );

    const clock = fakeClock();
    const late = await check(source, { repositories: 'pytorch/pytorch', wait: '30m', 'poll-interval': '20m' }, clock);
    expect(clock.sleeps).toEqual([1_200_000, 600_000]);
    expect(failuresOf(late)).toEqual([
      expect.objectContaining({ job: 'manywheel-py3_13-cuda12_6-test / test', conclusion: 'pending' }),
    ]);
  });

  test('failure-threshold: one bad nightly does not count yet, two do', async () => {
    const bad = withJob(greenWorkflows(), 'trunk', 'linux-jammy-py3.10-gcc11 / build', 'failure');
    serve(nightlies('pytorch/pytorch', 4, (day) => (day === 0 ? bad : greenWorkflows())));
    const once = await check(source, { repositories: 'pytorch/pytorch', 'failure-threshold': '2' });
    expect(once.outputs['green']).toBe('true');
    expect(once.summary).toContain('failure (below failure-threshold)');
    serve(nightlies('pytorch/pytorch', 4, (day) => (day <= 1 ? bad : greenWorkflows())));
    const twice = await check(source, { repositories: 'pytorch/pytorch', 'failure-threshold': '2' });
    expect(failuresOf(twice)).toEqual([
      expect.objectContaining({ job: 'linux-jammy-py3.10-gcc11 / build', consecutive: 2 }),
    ]);
  });

  test('a missing matrix cell fails the check and shows in the grid', async () => {
    serve(nightlies('pytorch/pytorch', 2, everyDay(greenWorkflows())));
    const result = await check(source, {
      repositories: 'pytorch/pytorch',
      'expect-matrix': 'os=linux; arch=x86_64; accelerator=cpu,cu126,rocm7.1; python=3.12,3.13',
    });
    expect(result.error).toBe('not green: 2 matrix cell(s) without a build (see missing-cells)');
    expect(JSON.parse(result.outputs['missing-cells']!)).toEqual([
      {
        repo: 'pytorch/pytorch',
        ref: 'nightly',
        os: 'linux',
        arch: 'x86_64',
        accelerator: 'rocm7.1',
        python: '3.12',
        status: 'missing',
      },
      {
        repo: 'pytorch/pytorch',
        ref: 'nightly',
        os: 'linux',
        arch: 'x86_64',
        accelerator: 'rocm7.1',
        python: '3.13',
        status: 'missing',
      },
    ]);
    expect(JSON.parse(result.outputs['python-versions']!)).toEqual(['3.12', '3.13']);
    const grid = result.receipt!.tables.find((t) => t.title.startsWith('Release matrix of pytorch/pytorch@nightly'))!;
    const marks = grid.rows.map((r) => r.map((c) => (typeof c === 'object' ? c.text : c)));
    expect(grid.header).toEqual(['os', 'arch', 'accelerator', '3.12', '3.13']);
    expect(marks).toEqual([
      ['linux', 'x86_64', 'cpu', '✅', '✅'],
      ['linux', 'x86_64', 'cu126', '✅', '✅'],
      ['linux', 'x86_64', 'rocm7.1', '⬜', '⬜'],
    ]);
  });

  test("PyTorch's release matrix of today, from its binary build job names", async () => {
    const day = '2026-01-21';
    serve(nightlies('pytorch/pytorch', 2, everyDay(releaseMatrixWorkflows(day))));
    const inputs = { repositories: 'pytorch/pytorch', 'expect-matrix': PYTORCH_RELEASE_MATRIX, 'release-date': day };
    const result = await check(source, inputs);
    expect(result.error).toBeUndefined();
    expect(JSON.parse(result.outputs['python-versions']!)).toEqual(['3.10', '3.11', '3.12', '3.13', '3.14', '3.14t']);
    const grid = result.receipt!.tables.find((t) => t.title.startsWith('Release matrix'))!;
    expect(grid.rows).toHaveLength(7 + 4 + 5 + 1 + 1);
    expect(
      grid.rows
        .find((r) => r[0] === 'windows' && r[1] === 'aarch64')!
        .slice(3)
        .map((c) => (typeof c === 'object' ? c.text : c)),
    ).toEqual(['', '✅', '✅', '✅', '', '']);
    if (source === 'github') {
      // 42 cells x 3 jobs in one workflow: the jobs come in pages of 100
      expect(github.requests.some((r) => /\/jobs\?.*page=2/.test(r.url))).toBe(true);
    }

    // the free-threaded 3.14t build for Windows CUDA 13.0 did not run
    serve(
      nightlies(
        'pytorch/pytorch',
        2,
        everyDay(
          releaseMatrixWorkflows(day, (c) => c.os === 'windows' && c.accelerator === 'cu130' && c.python === '3.14t'),
        ),
      ),
    );
    const gap = await check(source, inputs);
    expect(JSON.parse(gap.outputs['missing-cells']!)).toEqual([
      expect.objectContaining({
        os: 'windows',
        arch: 'x86_64',
        accelerator: 'cu130',
        python: '3.14t',
        status: 'missing',
      }),
    ]);
  });

  test('many repositories are checked together, through 5xx answers', async () => {
    const repos = ['pytorch/pytorch', 'pytorch/vision', 'pytorch/audio', 'pytorch/ao'];
    serve(...repos.map((r) => nightlies(r, 3, everyDay(greenWorkflows()))));
    if (source === 'github') github.injectFault({ path: '/repos/pytorch/audio/actions/runs', status: 502, times: 2 });
    else hud.fail(503, 2);
    const clock = fakeClock();
    const result = await check(source, { repositories: repos.join(', ') }, clock);
    expect(result.error).toBeUndefined();
    expect(result.receipt!.tables.filter((t) => / green at /.test(t.title))).toHaveLength(4);
  });
});

test('the ref may be a tag or a release branch', async () => {
  const rc = nightlies(
    'pytorch/pytorch',
    1,
    everyDay(withJob(greenWorkflows(), 'docs', 'build-docs-python-true', 'cancelled')),
    {
      ref: 'v2.6.0-rc1',
    },
  );
  serve(rc, nightlies('pytorch/pytorch', 2, everyDay(greenWorkflows()), { ref: 'release/2.6' }));
  const result = await check('github', { repositories: 'pytorch/pytorch@v2.6.0-rc1\npytorch/pytorch@release/2.6' });
  expect(failuresOf(result)).toEqual([
    expect.objectContaining({ ref: 'v2.6.0-rc1', workflow: 'docs', conclusion: 'cancelled', consecutive: 1 }),
  ]);
  expect(github.requests.map((r) => r.url)).toEqual(
    expect.arrayContaining([
      expect.stringContaining('branch=v2.6.0-rc1'),
      expect.stringContaining('branch=release%2F2.6'),
    ]),
  );
  const fromHud = await check('hud', { repositories: 'pytorch/pytorch@release/2.6' });
  expect(fromHud.outputs['green']).toBe('true');
  expect(hud.requests).toContain('/api/hud/pytorch/pytorch/release%2F2.6/1?per_page=50');
});

test('a ref with no runs at all is missing; a repository the token cannot see is a one-line error', async () => {
  serve(nightlies('pytorch/executorch', 0, everyDay(greenWorkflows())));
  const result = await check('github', { repositories: 'pytorch/executorch' });
  expect(failuresOf(result)).toEqual([expect.objectContaining({ repo: 'pytorch/executorch', conclusion: 'missing' })]);
  expect(result.receipt!.notes).toContain('pytorch/executorch has no workflow runs for nightly');

  const unknown = await check('github', { repositories: 'pytorch/nope' });
  expect(unknown.error).toBe(
    `pytorch/nope: GitHub answered 404 for its workflow runs at ${github.url}; check the name and that github-token can read its Actions`,
  );
});

test.each([
  [{ repositories: 'pytorch' }, 'input "repositories": "pytorch" is not owner/repo or owner/repo@ref'],
  [{ 'failure-threshold': '0' }, 'input "failure-threshold" must be between 1 and 20, got 0'],
  [{ source: 'circleci' }, 'input "source" must be one of github, hud, got "circleci"'],
  [{ 'max-age': 'soon' }, 'input "max-age" must be a duration such as 90s, 15m, 2h or 1d, got "soon"'],
  [{ workflows: 'linux-(' }, 'input "workflows": "linux-(" is not a regular expression'],
  [
    { 'release-date': '2026-13-01' },
    'input "release-date": "2026-13-01" is not a date; expected YYYY-MM-DD such as 2025-01-29',
  ],
  [
    { 'expect-matrix': 'os=linux; arch=x86_64; accelerator=cpu; python=3.12\nexclude: accelerator=cuda*' },
    'input "expect-matrix" line 2: "exclude: accelerator=cuda*" excludes no cell; check its values',
  ],
  [
    { 'expect-matrix': 'os=linux; python=nep29' },
    'input "expect-matrix": arch, accelerator are not given; expected a line such as os=linux; arch=x86_64; accelerator=cpu,cu126; python=nep29',
  ],
  [
    { 'expect-matrix': 'os=linux; arch=x86_64; accelerator=cpu; python=3.12', 'cell-patterns': '' },
    'input "cell-patterns" is empty; expect-matrix needs patterns to read job names',
  ],
])('bad input %j is a one-line error before any request', async (inputs, message) => {
  serve(nightlies('pytorch/pytorch', 1, everyDay(greenWorkflows())));
  const result = await check('github', { repositories: 'pytorch/pytorch', ...inputs });
  expect(result.error).toContain(message);
  expect(result.error).not.toContain('\n');
  expect(github.requests).toEqual([]);
});
