import { createGitHubClient, type GitHubClient } from '@release-actions/core/github/client';
import {
  createIssueOnce,
  editIssueBody,
  explainAccessError,
  findIssueByTitle,
  issueAction,
  searchIssueTitles,
  titleQuery,
} from '@release-actions/core/github/issues';
import { ConfigurationError } from '@release-actions/core/runtime/errors';
import { startGitHubServer, type GitHubServer, type GitHubServerOptions } from './server.js';
import type { IssueState, StateFile } from './state.js';

const TOKEN = 'ghp_writer';
const READ_ONLY = 'ghs_readonly';
const colab = { owner: 'googlecolab', repo: 'colabtools' };
const TITLE = 'Upgrading PyTorch to v2.6.0 and torchvision to v0.21.0 and torchaudio to v2.6.0';

/** A tracker with a long history: the issue looked for is old and closed, far beyond the newest 100. */
function scenario(): StateFile {
  const filler: IssueState[] = Array.from({ length: 300 }, (_, i) => ({
    number: 100 + i,
    title: `Colab runtime question ${i}`,
    state: 'closed',
  }));
  return {
    tokens: [TOKEN],
    readOnlyTokens: [READ_ONLY],
    repos: [
      {
        owner: 'googlecolab',
        name: 'colabtools',
        issues: [
          { number: 4001, title: 'Upgrading PyTorch to v2.5.0 and torchvision to v0.20.0', state: 'closed' },
          { number: 42, title: `${TITLE} and more`, state: 'closed' },
          { number: 57, title: TITLE, state: 'closed', body: 'old body' },
          ...filler,
        ],
        pulls: [{ number: 58, title: TITLE, head: 'upgrade-torch' }],
      },
    ],
  };
}

let server: GitHubServer;
let client: GitHubClient;

async function start(options: Partial<GitHubServerOptions> = {}, token = TOKEN): Promise<void> {
  server = await startGitHubServer({ state: scenario(), ...options });
  client = createGitHubClient({ token, apiUrl: server.url, sleep: async () => {}, retryBaseMs: 0 });
}
afterEach(async () => {
  await server.stop(); // rejects if a response broke GitHub's schema
});

const posts = () => server.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/issues'));
const issuesTitled = (title: string) =>
  server.state.repos[0]!.issues!.filter((i) => i.title === title).map((i) => i.number);

describe('finding an issue by its exact title', () => {
  test('finds an old closed issue through search, not a longer title that contains it, nor a pull request', async () => {
    await start();
    const found = await findIssueByTitle(client, colab, TITLE);
    expect(found).toMatchObject({ number: 57, state: 'closed', body: 'old body', title: TITLE });
    expect(found!.url).toBe('https://github.com/googlecolab/colabtools/issues/57');
    expect(server.requests.some((r) => r.url.startsWith('/search/issues?'))).toBe(true);
  });

  test('an absent title is not found', async () => {
    await start();
    expect(await findIssueByTitle(client, colab, 'Upgrading PyTorch to v9.9.9')).toBeUndefined();
  });

  test('searching a phrase lists matching issues newest first, closed ones included', async () => {
    await start();
    const found = await searchIssueTitles(client, colab, 'Upgrading PyTorch to', { state: 'closed' });
    expect(found.map((i) => i.number)).toEqual([4001, 57, 42]);
  });

  test('a long title is cut at a word to fit the 256 characters GitHub accepts in a query', () => {
    const q = titleQuery(colab, 'word '.repeat(80) + '"quoted"');
    expect(q.length).toBeLessThanOrEqual(256);
    expect(q).toMatch(/^repo:googlecolab\/colabtools is:issue in:title "word( word)*"$/);
  });
});

describe('creating an issue once', () => {
  const fresh = { title: 'Upgrading PyTorch to v2.7.0', body: 'pip install torch==2.7.0', labels: ['pytorch'] };

  test('creates it the first time and finds it the second time, with one POST in all', async () => {
    await start();
    const first = await createIssueOnce(client, colab, fresh);
    const second = await createIssueOnce(client, colab, fresh);
    expect(first.created).toBe(true);
    expect(first.issue).toMatchObject({ title: fresh.title, body: fresh.body, labels: ['pytorch'], state: 'open' });
    expect(second).toEqual({ issue: first.issue, created: false });
    expect(posts()).toHaveLength(1);
    expect(issuesTitled(fresh.title)).toEqual([first.issue.number]);
  });

  test('an issue created moments ago is found although the search index does not show it yet', async () => {
    await start({ searchIndexLagMs: 60_000 });
    const first = await createIssueOnce(client, colab, fresh);
    expect((await searchIssueTitles(client, colab, fresh.title)).map((i) => i.number)).toEqual([]);
    const again = await createIssueOnce(client, colab, fresh);
    expect(again).toEqual({ issue: first.issue, created: false });
    expect(issuesTitled(fresh.title)).toHaveLength(1);
  });

  test('a create whose answer was lost (502 after GitHub made the issue) is looked up, not repeated', async () => {
    await start({ searchIndexLagMs: 60_000 });
    server.injectFault({
      method: 'POST',
      path: '/repos/googlecolab/colabtools/issues',
      status: 502,
      lostResponse: true,
    });
    const result = await createIssueOnce(client, colab, fresh);
    expect(result.created).toBe(true);
    expect(posts()).toHaveLength(1);
    expect(issuesTitled(fresh.title)).toEqual([result.issue.number]);
  });

  test('a create that failed before GitHub made anything is tried again', async () => {
    await start();
    server.injectFault({ method: 'POST', path: '/repos/googlecolab/colabtools/issues', status: 503 });
    const result = await createIssueOnce(client, colab, fresh);
    expect(result.created).toBe(true);
    expect(posts()).toHaveLength(2);
    expect(issuesTitled(fresh.title)).toEqual([result.issue.number]);
  });

  test('a token that cannot write gets one line saying which token is needed', async () => {
    await start({}, READ_ONLY);
    const error = await createIssueOnce(client, colab, fresh).catch((e: unknown) =>
      explainAccessError(e, colab, 'issues: write on googlecolab/colabtools'),
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe(
      'GitHub answered 403 (Resource not accessible by integration) for googlecolab/colabtools: github-token needs issues: write on googlecolab/colabtools',
    );
    expect(issuesTitled(fresh.title)).toEqual([]);
  });
});

describe('editing an issue in place', () => {
  test('the body is replaced on the same issue and read back', async () => {
    await start();
    const existing = await findIssueByTitle(client, colab, TITLE);
    const wanted = { title: TITLE, body: 'new body' };
    expect(issueAction(existing, wanted)).toBe('update');
    const edited = await editIssueBody(client, colab, existing!.number, wanted.body);
    expect(edited).toMatchObject({ number: 57, body: 'new body', state: 'closed' });
    expect(issueAction(edited, wanted)).toBe('skip');
    expect(issueAction(undefined, wanted)).toBe('create');
  });
});

describe('the stand-in search', () => {
  const search = (q: string) => client.rest.search.issuesAndPullRequests({ q }).catch((e: { status: number }) => e);

  test('refuses a query that does not say issues or pull requests, as GitHub does', async () => {
    await start();
    expect(await search('repo:googlecolab/colabtools Upgrading')).toMatchObject({ status: 422 });
  });

  test('refuses a qualifier it does not understand rather than ignoring it', async () => {
    await start();
    expect(await search('repo:googlecolab/colabtools is:issue milestone:2.6')).toMatchObject({ status: 422 });
  });

  test('matches words of a phrase in order, ignoring case and punctuation', async () => {
    await start();
    const { data } = await client.rest.search.issuesAndPullRequests({
      q: 'repo:googlecolab/colabtools is:pr in:title "upgrading pytorch to V2.6.0"',
    });
    expect(data.items.map((i) => i.number)).toEqual([58]);
  });
});
