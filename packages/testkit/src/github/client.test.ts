import { ConfigurationError } from '@release-actions/core/runtime/errors';
import { createGitHubClient, GitHubAuthError } from '@release-actions/core/github/client';
import { startGitHubServer, type GitHubServer } from './server.js';

const TOKEN = 'ghp_secretTokenThatMustNotLeak42';

let server: GitHubServer;
let waits: number[];
const sleep = async (ms: number): Promise<void> => {
  waits.push(ms);
};

beforeEach(async () => {
  waits = [];
  server = await startGitHubServer({
    state: {
      tokens: [TOKEN],
      repos: [{ owner: 'pytorch', name: 'vision', branches: { main: 'a'.repeat(40) } }],
    },
  });
});
afterEach(async () => {
  await server.stop();
});

const repo = { owner: 'pytorch', repo: 'vision' };
const client = (extra: { retries?: number } = {}) =>
  createGitHubClient({ token: TOKEN, apiUrl: server.url, sleep, retryBaseMs: 0, ...extra });
const calls = (path: string) => server.requests.filter((r) => r.url === path).length;

test('a secondary rate limit (403 + retry-after) is waited out and retried', async () => {
  server.injectFault({ method: 'GET', path: '/repos/pytorch/vision', status: 403, headers: { 'retry-after': '7' } });
  const { data } = await client().rest.repos.get(repo);
  expect(data.name).toBe('vision');
  expect(calls('/repos/pytorch/vision')).toBe(2);
  expect(waits).toEqual([7000]);
});

test('a primary rate limit (x-ratelimit-remaining 0) waits until x-ratelimit-reset', async () => {
  const reset = Math.floor(Date.now() / 1000) + 30;
  server.injectFault({
    path: /\/git\/ref\//,
    status: 403,
    headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
  });
  const { data } = await client().rest.git.getRef({ ...repo, ref: 'heads/main' });
  expect(data.object.sha).toBe('a'.repeat(40));
  expect(waits).toHaveLength(1);
  expect(waits[0]).toBeGreaterThanOrEqual(29_000);
  expect(waits[0]).toBeLessThanOrEqual(32_000);
});

test('429 too many requests is retried as well', async () => {
  server.injectFault({ path: '/repos/pytorch/vision', status: 429, headers: { 'retry-after': '1' } });
  await client().rest.repos.get(repo);
  expect(calls('/repos/pytorch/vision')).toBe(2);
});

test('a rate limit that outlasts the retries fails with the 403', async () => {
  server.injectFault({ path: '/repos/pytorch/vision', status: 403, times: 10, headers: { 'retry-after': '1' } });
  await expect(client({ retries: 2 }).rest.repos.get(repo)).rejects.toMatchObject({ status: 403 });
  expect(calls('/repos/pytorch/vision')).toBe(3);
});

test('a create that fails with 5xx is not repeated by the client: it may have been made (see createOnce)', async () => {
  server.injectFault({ method: 'POST', path: '/git/refs', status: 500 });
  const create = client().rest.git.createRef({ ...repo, ref: 'refs/heads/release/0.21', sha: 'a'.repeat(40) });
  await expect(create).rejects.toMatchObject({ status: 500 });
  expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
});

test('a 502 then success is retried', async () => {
  server.injectFault({ method: 'GET', path: '/repos/pytorch/vision', status: 502 });
  const { data } = await client().rest.repos.get(repo);
  expect(data.default_branch).toBe('main');
  expect(calls('/repos/pytorch/vision')).toBe(2);
});

test('5xx answers on reads are retried, and a 500 that persists fails after the retries', async () => {
  server.injectFault({ path: '/repos/pytorch/vision', status: 502 });
  await client().rest.repos.get(repo);
  expect(calls('/repos/pytorch/vision')).toBe(2);
  server.requests.length = 0;

  server.injectFault({ path: '/repos/pytorch/vision', status: 500, times: 10 });
  await expect(client({ retries: 2 }).rest.repos.get(repo)).rejects.toMatchObject({ status: 500 });
  expect(calls('/repos/pytorch/vision')).toBe(3);
});

test('404 and 422 are not retried', async () => {
  await expect(client().rest.repos.get({ owner: 'pytorch', repo: 'nope' })).rejects.toMatchObject({ status: 404 });
  expect(calls('/repos/pytorch/nope')).toBe(1);
  const err = await client()
    .rest.git.createRef({ ...repo, ref: 'refs/heads/main', sha: 'a'.repeat(40) })
    .catch((e: unknown) => e);
  expect(err).toMatchObject({ status: 422, message: expect.stringContaining('Reference already exists') });
  expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
});

test('a rejected token fails at once with a one-line message naming github-token', async () => {
  const bad = createGitHubClient({ token: 'ghp_wrong', apiUrl: server.url, sleep, retryBaseMs: 0 });
  const err = await bad.rest.repos.get(repo).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(GitHubAuthError);
  expect(err).toBeInstanceOf(ConfigurationError);
  const message = (err as Error).message;
  expect(message).toBe(
    `GitHub refused the token (401 Bad credentials) for GET ${server.url}/repos/pytorch/vision; check github-token and api-url`,
  );
  expect(server.requests).toHaveLength(1);
});

test('GraphQL goes through the same client', async () => {
  const data = await client().graphql<{ repository: { defaultBranchRef: { name: string; target: { oid: string } } } }>(
    'query($o: String!, $n: String!) { repository(owner: $o, name: $n) { defaultBranchRef { name target { oid } } } }',
    { o: 'pytorch', n: 'vision' },
  );
  expect(data.repository.defaultBranchRef).toEqual({ name: 'main', target: { oid: 'a'.repeat(40) } });
});

test('a rate-limited GraphQL query is retried', async () => {
  server.injectFault({ path: '/graphql', status: 403, headers: { 'retry-after': '2' } });
  const data = await client().graphql<{ viewer: { login: string } }>('{ viewer { login } }');
  expect(data.viewer.login).toBe('release-bot');
  expect(waits).toEqual([2000]);
});

test('the token is masked and never written to the log, even when requests fail', async () => {
  const written: string[] = [];
  // Swap the writers by hand: the log is whatever reaches stdout, stderr or the console.
  const saved = { out: process.stdout.write, err: process.stderr.write, console: { ...console } };
  const capture = ((chunk: unknown, ...rest: unknown[]): boolean => {
    written.push(String(chunk));
    (rest.find((r) => typeof r === 'function') as (() => void) | undefined)?.();
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const)
    console[m] = (...a: unknown[]) => void written.push(a.map(String).join(' '));
  const env = process.env['RUNNER_DEBUG'];
  process.env['RUNNER_DEBUG'] = '1';
  let errors: unknown[];
  try {
    server.injectFault({ path: '/repos/pytorch/vision', status: 403, times: 10, headers: { 'retry-after': '1' } });
    server.injectFault({ path: '/git/ref/', status: 502, times: 10 });
    const c = client({ retries: 1 });
    errors = await Promise.all([
      c.rest.repos.get(repo).catch((e: unknown) => e),
      c.rest.git.getRef({ ...repo, ref: 'heads/main' }).catch((e: unknown) => e),
      createGitHubClient({ token: 'ghp_otherBadToken', apiUrl: server.url, sleep })
        .rest.issues.listForRepo(repo)
        .catch((e: unknown) => e),
    ]);
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    Object.assign(console, saved.console);
    if (env === undefined) delete process.env['RUNNER_DEBUG'];
    else process.env['RUNNER_DEBUG'] = env;
  }
  const masks = written.filter((w) => w.startsWith('::add-mask::'));
  expect(masks).toEqual([`::add-mask::${TOKEN}\n`, '::add-mask::ghp_otherBadToken\n']);
  const rest = written.filter((w) => !w.startsWith('::add-mask::')).join('\n');
  expect(rest).toMatch(/rate limit/); // the retries were logged…
  expect(rest).not.toContain(TOKEN); // …without the token
  expect(rest).not.toContain('ghp_otherBadToken');
  for (const e of errors) {
    expect(e).toBeInstanceOf(Error);
    expect(JSON.stringify(e, Object.getOwnPropertyNames(e))).not.toContain(TOKEN);
  }
});

test('bad api-url and empty token are one-line input errors', () => {
  expect(() => createGitHubClient({ token: TOKEN, apiUrl: 'ftp://example.com' })).toThrow(
    'api-url "ftp://example.com" is not an http(s) URL',
  );
  expect(() => createGitHubClient({ token: '  ', apiUrl: server.url })).toThrow(ConfigurationError);
});
