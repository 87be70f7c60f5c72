import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runActionBundle, runActionMain } from '@release-actions/testkit/action-run';
import { startGitHubServer, type GitHubServer } from '@release-actions/testkit/github/index';
import type { StateFile } from '@release-actions/testkit/github/index';
import { main } from '../src/main.js';

const ACTION_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const WRITER = 'ghp_colab_writer';
const WORKFLOW_TOKEN = 'ghs_workflow_token';
const PACKAGES = 'torch=2.6.0, torchvision=0.21.0, torchaudio=2.6.0';
const TITLE = 'Upgrading PyTorch to v2.6.0 and torchvision to v0.21.0 and torchaudio to v2.6.0';

function tracker(extra: StateFile['repos'][number]['issues'] = []): StateFile {
  return {
    tokens: [WRITER],
    readOnlyTokens: [WORKFLOW_TOKEN],
    repos: [
      {
        owner: 'googlecolab',
        name: 'colabtools',
        issues: [
          {
            number: 3500,
            title: 'Upgrading PyTorch to v2.4.0 and torchvision to v0.19.0 and torchaudio to v2.4.0',
            state: 'closed',
            createdAt: '2024-07-25T00:00:00Z',
          },
          {
            number: 4001,
            title: 'Upgrading PyTorch to v2.5.0 and torchvision to v0.20.0 and torchaudio to v2.5.0',
            state: 'closed',
            createdAt: '2024-10-18T00:00:00Z',
          },
          { number: 4100, title: 'Colab cannot import torch after upgrading', createdAt: '2024-12-01T00:00:00Z' },
          ...extra,
        ],
      },
    ],
  };
}

let server: GitHubServer;
afterEach(async () => {
  await server.stop(); // rejects if a response broke GitHub's schema
});

const open = (inputs: Record<string, string> = {}) =>
  runActionMain('open-colab-issue', ACTION_DIR, main, {
    packages: PACKAGES,
    'api-url': server.url,
    'github-token': WRITER,
    ...inputs,
  });
const creates = () => server.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/issues'));
const issues = () => server.state.repos[0]!.issues!;

test('a dry run (the default) shows the title and body it would open and opens nothing', async () => {
  server = await startGitHubServer({ state: tracker() });
  const result = await open();
  expect(result.error).toBeUndefined();
  expect(result.outputs).toMatchObject({ 'issue-url': '', 'issue-number': '', created: 'false' });
  expect(creates()).toHaveLength(0);
  const body = result.receipt!.plan!.operations[0]!.data as { title: string; body: string };
  expect(body.title).toBe(TITLE);
  expect(body.body).toBe(
    [
      'PyTorch 2.6.0 has been released. Could Colab upgrade its preinstalled packages to:',
      '',
      '- torch 2.6.0',
      '- torchvision 0.21.0',
      '- torchaudio 2.6.0',
      '',
      '```',
      'pip install torch==2.6.0 torchvision==0.21.0 torchaudio==2.6.0',
      '```',
      '',
      'Release notes:',
      '- PyTorch: https://github.com/pytorch/pytorch/releases/tag/v2.6.0',
      '- torchvision: https://github.com/pytorch/vision/releases/tag/v0.21.0',
      '- torchaudio: https://github.com/pytorch/audio/releases/tag/v2.6.0',
      '',
      'Similar to #4001',
    ].join('\n'),
  );
  expect(result.summary).toContain('open-colab-issue (dry run)');
  expect(result.summary).toContain(TITLE);
});

test('`Similar to` names the newest earlier issue of the series, found among closed issues by search', async () => {
  server = await startGitHubServer({ state: tracker() });
  const result = await open();
  const table = result.receipt!.tables.find((t) => t.title.startsWith('Issue in'))!;
  expect(table.rows).toContainEqual([
    'similar to',
    '#4001 Upgrading PyTorch to v2.5.0 and torchvision to v0.20.0 and torchaudio to v2.5.0',
  ]);
  expect(server.requests.some((r) => r.url.startsWith('/search/issues?') && !r.url.includes('is%3Aopen'))).toBe(true);
});

test('applied, it opens the issue once; a re-run finds it by title and opens nothing', async () => {
  // the search index lags: the re-run must find the new issue without it
  server = await startGitHubServer({ state: tracker(), searchIndexLagMs: 60_000 });
  const first = await open({ 'dry-run': 'false', labels: 'pytorch' });
  expect(first.error).toBeUndefined();
  const opened = issues().find((i) => i.title === TITLE)!;
  expect(opened).toMatchObject({ state: 'open', labels: ['pytorch'] });
  expect(opened.body).toContain('Similar to #4001');
  expect(first.outputs).toEqual({
    'issue-url': `https://github.com/googlecolab/colabtools/issues/${opened.number}`,
    'issue-number': String(opened.number),
    created: 'true',
    report: expect.any(String),
  });

  const again = await open({ 'dry-run': 'false', labels: 'pytorch' });
  expect(again.error).toBeUndefined();
  expect(again.outputs).toMatchObject({ 'issue-url': first.outputs['issue-url'], created: 'false' });
  expect(creates()).toHaveLength(1);
  expect(issues().filter((i) => i.title === TITLE)).toHaveLength(1);
});

test('an issue with the same title that was closed long ago counts too: its URL is the output', async () => {
  server = await startGitHubServer({
    state: tracker([{ number: 4200, title: TITLE, state: 'closed', createdAt: '2025-01-30T00:00:00Z' }]),
  });
  const result = await open({ 'dry-run': 'false' });
  expect(result.error).toBeUndefined();
  expect(result.outputs).toMatchObject({
    'issue-url': 'https://github.com/googlecolab/colabtools/issues/4200',
    'issue-number': '4200',
    created: 'false',
  });
  expect(result.receipt!.outcomes).toEqual([expect.objectContaining({ action: 'skip', result: 'skipped' })]);
  expect(creates()).toHaveLength(0);
});

test("the workflow's own token gets 403, explained in one line naming the token needed", async () => {
  server = await startGitHubServer({ state: tracker() });
  const result = await open({ 'dry-run': 'false', 'github-token': WORKFLOW_TOKEN });
  expect(result.error).toBe(
    "GitHub answered 403 (Resource not accessible by integration) for googlecolab/colabtools: github-token needs issues: write on googlecolab/colabtools (a personal access token or GitHub App token; the workflow's GITHUB_TOKEN cannot write to another repository)",
  );
  expect(issues().some((i) => i.title === TITLE)).toBe(false);
});

test('a repository the token cannot see (404) is explained the same way, before any search', async () => {
  server = await startGitHubServer({ state: tracker() });
  const result = await open({ repository: 'googlecolab/private-tracker' });
  expect(result.error).toMatch(
    /^GitHub answered 404 \(Not Found\) for googlecolab\/private-tracker: github-token needs issues: write on googlecolab\/private-tracker /,
  );
  expect(server.requests.some((r) => r.url.startsWith('/search/'))).toBe(false);
});

test('bad inputs fail in one line naming the input, before any request', async () => {
  server = await startGitHubServer({ state: tracker() });
  expect((await open({ packages: 'torch' })).error).toBe(
    'input "packages" expects name=version pairs such as torch=2.6.0, got "torch"',
  );
  expect((await open({ repository: 'colabtools' })).error).toBe(
    'input "repository": "colabtools" is not a repository; expected owner/name such as pytorch/pytorch',
  );
  expect((await open({ body: 'see {notes}' })).error).toMatch(
    /^input "body": unknown placeholder \{notes\}; expected one of /,
  );
  expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
});

test('the bundled dist/index.js opens the issue when run with INPUT_* variables', async () => {
  server = await startGitHubServer({ state: tracker() });
  const result = await runActionBundle(ACTION_DIR, {
    packages: PACKAGES,
    'api-url': server.url,
    'github-token': WRITER,
    'dry-run': 'false',
  });
  expect(result.error).toBeUndefined();
  expect(result.exitCode).toBe(0);
  const opened = issues().find((i) => i.title === TITLE)!;
  expect(result.outputs).toMatchObject({ 'issue-number': String(opened.number), created: 'true' });
  // the token reaches the log only in the runner's masking command
  const logged = result.stdout!.split('\n').filter((l) => !l.startsWith('::add-mask::'));
  expect(logged.join('\n')).not.toContain(WRITER);
});
