import { readFileSync } from 'node:fs';
import { createGitHubClient } from '@release-actions/core/github/client';
import { extractSubset, formatSubset, SUBSET_FILE } from '../../scripts/extract-openapi.js';
import { SchemaViolationError, startGitHubServer, type GitHubServer } from './server.js';
import type { StateFile } from './state.js';

const TOKEN = 'ghs_validation';
const sha = 'c'.repeat(40);

function state(): StateFile {
  return {
    repos: [
      {
        owner: 'pytorch',
        name: 'audio',
        branches: { main: sha },
        milestones: [{ number: 4, title: '2.6.0' }],
        issues: [
          { number: 1, title: 'fine', milestone: 4 },
          { number: 2, title: 'broken on purpose', milestone: 4, raw: { node_id: null } },
        ],
      },
    ],
  };
}

const started: GitHubServer[] = [];
async function start(opts: Partial<Parameters<typeof startGitHubServer>[0]> = {}) {
  const server = await startGitHubServer({ state: state(), ...opts });
  started.push(server);
  return {
    server,
    client: createGitHubClient({ token: TOKEN, apiUrl: server.url, retryBaseMs: 0, sleep: async () => {} }),
  };
}
afterEach(async () => {
  for (const s of started.splice(0)) {
    s.takeViolations();
    await s.stop();
  }
});

const repo = { owner: 'pytorch', repo: 'audio' };

test('a state entry that breaks the issue schema is caught, and stop() refuses to pass over it', async () => {
  const { server, client } = await start();
  const res = await client.rest.issues.listForRepo({ ...repo, milestone: '4', state: 'all' });
  expect(res.headers['x-stand-in-schema-violations']).toBe('1');
  expect(server.violations).toEqual([
    {
      operationId: 'issues/list-for-repo',
      method: 'GET',
      path: '/repos/pytorch/audio/issues?milestone=4&state=all',
      status: 200,
      errors: ['/0/node_id must be string {"type":"string"}'],
    },
  ]);
  const stopped = await server.stop().catch((e: unknown) => e);
  started.pop();
  expect(stopped).toBeInstanceOf(SchemaViolationError);
  expect((stopped as Error).message).toContain(
    'GET /repos/pytorch/audio/issues?milestone=4&state=all (issues/list-for-repo, 200): /0/node_id must be string',
  );
});

test('a hook that drops a required field from one response is caught', async () => {
  const { server, client } = await start({
    transformResponse: (ctx, body) => {
      if (ctx.operationId !== 'repos/get') return body;
      const { default_branch: _dropped, ...rest } = body as Record<string, unknown>;
      return rest;
    },
  });
  await client.rest.repos.get(repo);
  await client.rest.git.getRef({ ...repo, ref: 'heads/main' });
  expect(server.takeViolations()).toEqual([
    expect.objectContaining({
      operationId: 'repos/get',
      errors: ["(body) must have required property 'default_branch'"],
    }),
  ]);
});

test('a value outside an enum in the state (milestone state) is caught by the schema', async () => {
  const s = state();
  s.repos[0]!.milestones![0]!.state = 'archived' as 'open';
  const { server, client } = await start({ state: s });
  await client.rest.issues.listMilestones({ ...repo, state: 'all' });
  expect(server.takeViolations()[0]!.errors).toEqual([
    expect.stringMatching(/^\/0\/state must be equal to one of the allowed values/),
  ]);
});

test("error bodies are checked too: a 404 must carry GitHub's basic-error shape", async () => {
  const { server, client } = await start({
    transformResponse: (ctx, body) => (ctx.status === 404 ? { message: 404 } : body),
  });
  await expect(client.rest.repos.get({ owner: 'pytorch', repo: 'nope' })).rejects.toMatchObject({ status: 404 });
  expect(server.takeViolations()).toEqual([
    expect.objectContaining({ status: 404, errors: ['/message must be string {"type":"string"}'] }),
  ]);
});

test('every REST response of a normal session is checked against a schema', async () => {
  const s = state();
  s.repos[0]!.issues!.pop();
  const { server, client } = await start({ state: s });
  await client.rest.repos.get(repo);
  await client.rest.issues.listForRepo({ ...repo, state: 'all' });
  await client.rest.issues.listMilestones(repo);
  await client.rest.git.createRef({ ...repo, ref: 'refs/tags/v2.6.0-rc1', sha });
  await client.rest.git.createRef({ ...repo, ref: 'refs/tags/v2.6.0-rc1', sha }).catch(() => undefined);
  expect(server.requests.map((r) => [r.operationId, r.status, r.validated])).toEqual([
    ['repos/get', 200, true],
    ['issues/list-for-repo', 200, true],
    ['issues/list-milestones', 200, true],
    ['git/create-ref', 201, true],
    ['git/create-ref', 422, true],
  ]);
  expect(server.violations).toEqual([]);
});

test('with validate: false nothing is checked', async () => {
  const { server, client } = await start({ validate: false });
  await client.rest.issues.listForRepo({ ...repo, state: 'all' });
  expect(server.violations).toEqual([]);
  expect(server.requests[0]!.validated).toBeUndefined();
});

test('the committed openapi-subset.json is exactly what the extraction script makes from @octokit/openapi', async () => {
  expect(readFileSync(SUBSET_FILE, 'utf8') === (await formatSubset(extractSubset()))).toBe(true);
});
