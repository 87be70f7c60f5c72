import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGitHubClient } from '@release-actions/core/github/client';

/** A server on loopback that reads requests and never answers them (or answers headers only). */
let server: Server;
let url: string;
let mode: 'silent' | 'headers-only';
beforeEach(async () => {
  mode = 'silent';
  server = createServer((_req, res) => {
    if (mode === 'headers-only') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"name":');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const client = () =>
  createGitHubClient({ token: 'ghs_timeout', apiUrl: url, timeoutMs: 300, retries: 0, sleep: async () => {} });

test('a GitHub request that gets no answer fails in time with an error naming the host', async () => {
  const started = Date.now();
  await expect(client().rest.repos.get({ owner: 'pytorch', repo: 'vision' })).rejects.toThrow(
    `GitHub at ${new URL(url).host} did not answer GET /repos/pytorch/vision within 0.3 s`,
  );
  expect(Date.now() - started).toBeLessThan(5_000);
});

test('an answer whose body stops half-way fails the same way', async () => {
  mode = 'headers-only';
  await expect(client().rest.repos.get({ owner: 'pytorch', repo: 'vision' })).rejects.toThrow(
    /did not answer GET \/repos\/pytorch\/vision within 0.3 s/,
  );
});

test('with the deadline in place, a response keeps its URL (pagination of comparisons resolves against it)', async () => {
  const { startGitHubServer } = await import('./server.js');
  const gh = await startGitHubServer({
    state: { tokens: ['ghs_pages'], repos: [{ owner: 'pytorch', name: 'vision', branches: { main: 'a'.repeat(40) } }] },
  });
  try {
    const c = createGitHubClient({ token: 'ghs_pages', apiUrl: gh.url, timeoutMs: 5_000, sleep: async () => {} });
    const r = await c.rest.repos.get({ owner: 'pytorch', repo: 'vision' });
    expect(r.url).toBe(`${gh.url}/repos/pytorch/vision`);
  } finally {
    await gh.stop();
  }
});
