import { startCondaServer, type CondaServer } from './server.js';

let server: CondaServer;
beforeEach(async () => {
  server = await startCondaServer({
    tokens: { writer: ['stable'] },
    owners: {
      test: {
        pkg: { '1.0': [{ basename: 'noarch/pkg-1.0-0.conda', sha256: 'a'.repeat(64), md5: 'b'.repeat(32), size: 10 }] },
      },
    },
  });
});
afterEach(() => server.stop());

const call = async (method: string, path: string, body?: unknown, token = 'writer') => {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as unknown };
};

test('a release lists its files with the fields binstar_client reads', async () => {
  const { status, body } = await call('GET', '/release/test/pkg/1.0');
  expect(status).toBe(200);
  expect(body).toMatchObject({
    distributions: [
      {
        basename: 'noarch/pkg-1.0-0.conda',
        sha256: 'a'.repeat(64),
        md5: 'b'.repeat(32),
        size: 10,
        labels: ['main'],
        attrs: { subdir: 'noarch' },
      },
    ],
  });
  expect(await call('GET', '/release/stable/pkg/1.0')).toMatchObject({
    status: 404,
    body: { error: expect.any(String) },
  });
});

test('a copy lands once; copying the same file again is a 409 conflict, as on anaconda.org', async () => {
  const payload = { to_owner: 'stable', from_channel: 'main', to_channel: 'main' };
  const first = await call('POST', '/copy/package/test/pkg/1.0/noarch/pkg-1.0-0.conda', payload);
  expect(first).toMatchObject({ status: 200, body: [{ basename: 'noarch/pkg-1.0-0.conda', owner: 'stable' }] });
  expect((await call('GET', '/dist/stable/pkg/1.0/noarch/pkg-1.0-0.conda')).status).toBe(200);
  expect((await call('POST', '/copy/package/test/pkg/1.0/noarch/pkg-1.0-0.conda', payload)).status).toBe(409);
});

test('a token without write access to the destination owner gets 403; an unknown token 401', async () => {
  const payload = { to_owner: 'test', from_channel: 'main', to_channel: 'main' };
  expect((await call('POST', '/copy/package/test/pkg/1.0/noarch/pkg-1.0-0.conda', payload)).status).toBe(403);
  expect((await call('GET', '/release/test/pkg/1.0', undefined, 'nope')).status).toBe(401);
});
