import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runActionBundle, runActionMain } from '@release-actions/testkit/action-run';
import { startGitHubServer, type GitHubServer } from '@release-actions/testkit/github/index';
import { main } from '../src/main.js';

const ACTION_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const TOKEN = 'ghs_reader';
const SITE_SHA = 'a'.repeat(40);

/** Sphinx's page, as the docs build writes it. */
const docsPage = (minor: string): string =>
  `<!DOCTYPE html>\n<html>\n<head>\n  <title>PyTorch documentation &mdash; PyTorch ${minor} documentation</title>\n</head>\n` +
  `<body><div class="version"><a href='https://pytorch.org/docs/versions.html'>${minor} &#x25BC</a></div></body>\n</html>\n`;

const versionsPage = (minors: string[]): string =>
  `<html><body><ul>\n${minors
    .map(
      (m, i) =>
        `<li class="toctree-l1"><a class="reference internal" href="${m}/">v${m}.0${i === 0 ? ' (stable release)' : ''}</a></li>`,
    )
    .join('\n')}\n</ul></body></html>\n`;

function site(files: Record<string, string>) {
  return {
    tokens: [TOKEN],
    repos: [
      {
        owner: 'pytorch',
        name: 'pytorch.github.io',
        defaultBranch: 'site',
        branches: { site: SITE_SHA },
        files: { site: files },
      },
    ],
  };
}

const published = {
  'docs/2.6/index.html': docsPage('2.6'),
  'docs/2.5/index.html': docsPage('2.5'),
  'docs/versions.html': versionsPage(['2.6', '2.5']),
  'docs/stable/index.html': docsPage('2.6'),
};

let server: GitHubServer;
afterEach(async () => {
  await server.stop(); // rejects if a response broke GitHub's schema
});

const check = (inputs: Record<string, string> = {}) =>
  runActionMain('check-docs', ACTION_DIR, main, {
    version: '2.6.0',
    'api-url': server.url,
    'github-token': TOKEN,
    ...inputs,
  });

test('published docs: the release folder, the versions list and the stable docs all name it', async () => {
  server = await startGitHubServer({ state: site(published) });
  const result = await check();
  expect(result.error).toBeUndefined();
  expect(result.outputs).toMatchObject({ ok: 'true', missing: '' });
  expect(result.receipt!.tables[0]!.rows.map((r) => r[2])).toEqual(['found', 'found', 'found']);
  // read-only: nothing but reads reached GitHub
  expect(server.requests.every((r) => r.method === 'GET')).toBe(true);
});

test('docs not published yet: each missing piece is named, and the step still passes by default', async () => {
  server = await startGitHubServer({
    state: site({
      'docs/2.5/index.html': docsPage('2.5'),
      'docs/versions.html': versionsPage(['2.5']),
      'docs/stable/index.html': docsPage('2.5'),
    }),
  });
  const result = await check();
  expect(result.error).toBeUndefined();
  expect(result.outputs['ok']).toBe('false');
  expect(result.outputs['missing']!.split('\n')).toEqual([
    'the 2.6 docs (docs/2.6/index.html): not there',
    '2.6 in the versions list (docs/versions.html): no link to 2.6/',
    'the stable docs naming 2.6 (docs/stable/index.html): names 2.5, not 2.6',
  ]);
});

test('with fail-on-missing, a stable page still on the last release fails the step in one line', async () => {
  server = await startGitHubServer({ state: site({ ...published, 'docs/stable/index.html': docsPage('2.5') }) });
  const result = await check({ 'fail-on-missing': 'true' });
  expect(result.error).toBe(
    'the docs of 2.6.0 are not fully published: the stable docs naming 2.6 (docs/stable/index.html): names 2.5, not 2.6',
  );
  expect(result.outputs).toMatchObject({ ok: 'false' });
});

test('a versions list that only mentions the version in text, without a link to its folder, does not count', async () => {
  server = await startGitHubServer({
    state: site({ ...published, 'docs/versions.html': '<p>2.6 is coming soon</p>' + versionsPage(['2.5']) }),
  });
  const result = await check();
  expect(result.outputs['missing']).toBe('2.6 in the versions list (docs/versions.html): no link to 2.6/');
});

test('a branch that is not there is an error, not "missing"', async () => {
  server = await startGitHubServer({ state: site(published) });
  const result = await check({ branch: 'gh-pages' });
  expect(result.error).toBe('pytorch/pytorch.github.io has no branch or tag "gh-pages"');
});

test('a version that is not X.Y.Z fails in one line naming the input, before any request', async () => {
  server = await startGitHubServer({ state: site(published) });
  const result = await check({ version: '2.6' });
  expect(result.error).toBe(
    'input "version": "2.6" is not a full release version; expected MAJOR.MINOR.PATCH such as 2.6.0',
  );
  expect(server.requests).toHaveLength(0);
});

test('the bundled dist/index.js checks through INPUT_* variables', async () => {
  server = await startGitHubServer({ state: site(published) });
  const result = await runActionBundle(ACTION_DIR, { version: 'v2.6.0', 'api-url': server.url, 'github-token': TOKEN });
  expect(result.error).toBeUndefined();
  expect(result.exitCode).toBe(0);
  expect(result.outputs).toMatchObject({ ok: 'true', missing: '' });
});
