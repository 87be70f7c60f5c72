import { postUpload } from '@release-actions/core/pypi/upload';
import { releaseFiles } from '@release-actions/core/pypi/json-api';
import { mintTrustedPublishingToken } from '@release-actions/core/pypi/trusted-publishing';
import { validateWheel } from '@release-actions/core/wheel/validate';
import { Digests } from '@release-actions/core/wheel/digests';
import { readFileSync } from 'node:fs';
import { buildWheel, type WheelSpec } from '../wheels.js';
import { startPyPIServer, type PyPIServer } from './server.js';

const TOKEN = 'pypi-test-token';
let server: PyPIServer;

beforeEach(async () => {
  server = await startPyPIServer({ tokens: [TOKEN], maxFileSize: 1 << 20 });
});
afterEach(() => server.stop());

async function wheelFile(spec: Partial<WheelSpec> = {}) {
  const w = await buildWheel({ name: 'torch', version: '2.6.0', requiresPython: '>=3.9.0', ...spec });
  const v = await validateWheel(w.path, { publicOnly: false });
  const d = new Digests();
  d.update(readFileSync(w.path));
  return { path: w.path, filename: w.filename, pythonTag: 'cp311', metadata: v.metadata!, digests: d.digest() };
}

test('an uploaded wheel appears in the JSON API and the simple index with its sha256', async () => {
  const f = await wheelFile();
  expect((await postUpload(server.uploadUrl, { username: '__token__', password: TOKEN }, f)).status).toBe(200);
  const files = await releaseFiles(server.url, 'torch', '2.6.0');
  expect(files.get(f.filename)).toEqual({ filename: f.filename, sha256: f.digests.sha256, size: f.digests.size });
  expect(await releaseFiles(server.url, 'torch', '2.7.0')).toEqual(new Map());
  const page = await (await fetch(`${server.url}/simple/torch/`)).text();
  expect(page).toContain(
    `<a href="../../files/${f.filename}#sha256=${f.digests.sha256}" data-requires-python="&gt;=3.9.0">${f.filename}</a>`,
  );
});

test('uploads are refused like PyPI: bad token 403, wrong digest, local version, unlisted classifier, too large', async () => {
  const upload = (file: Awaited<ReturnType<typeof wheelFile>>, password = TOKEN) =>
    postUpload(server.uploadUrl, { username: '__token__', password }, file);
  const f = await wheelFile();
  expect((await upload(f, 'nope')).status).toBe(403);
  const wrong = await upload({ ...f, digests: { ...f.digests, sha256: '0'.repeat(64) } });
  expect([wrong.status, wrong.reason]).toEqual([
    400,
    'The digest supplied does not match a digest calculated from the uploaded file.',
  ]);
  expect((await upload(await wheelFile({ version: '2.6.0+cu126' }))).reason).toMatch(/local versions/);
  const unlisted = await upload(
    await wheelFile({ classifiers: ['Typing :: Typed', 'Programming Language :: Python :: 3.16'] }),
  );
  expect([unlisted.status, unlisted.reason]).toEqual([
    400,
    "Invalid value for classifiers. Error: 'Programming Language :: Python :: 3.16' is not a valid classifier.",
  ]);
  const tooLarge = await upload(await wheelFile({ platform: 'win_amd64', extraBytes: 2 << 20 }));
  expect([tooLarge.status, tooLarge.reason]).toEqual([400, expect.stringMatching(/^File too large/)]);
  expect(server.files.size).toBe(0);
});

function runnerOidc(server: PyPIServer) {
  const env = {
    ACTIONS_ID_TOKEN_REQUEST_URL: server.idTokenRequestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: server.idTokenRequestToken,
  };
  const getIdToken = async (audience: string): Promise<string> => {
    const r = await fetch(`${env.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=${audience}`, {
      headers: { authorization: `Bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` },
    });
    return ((await r.json()) as { value: string }).value;
  };
  return { env, getIdToken };
}

const loopbackPair = (s: PyPIServer) => {
  const host = new URL(s.url).host;
  return { index: host, upload: host };
};

test('Trusted Publishing mints a token only for an OIDC token issued for the index audience', async () => {
  const { env, getIdToken } = runnerOidc(server);
  const pair = loopbackPair(server);
  const token = await mintTrustedPublishingToken({ indexUrl: server.url, pair, getIdToken, env });
  expect(server.mintedTokens).toEqual([token]);
  await expect(
    mintTrustedPublishingToken({ indexUrl: server.url, pair, getIdToken: () => getIdToken('sigstore'), env }),
  ).rejects.toThrow(/PyPI refused to mint an upload token \(invalid-publisher: .*\)\. .*reusable workflow/);
});

test("an index that is not PyPI but answers PyPI's audience gets no identity token", async () => {
  const impostor = await startPyPIServer({ audience: 'pypi' });
  const { env, getIdToken } = runnerOidc(impostor);
  await expect(
    mintTrustedPublishingToken({ indexUrl: impostor.url, pair: loopbackPair(impostor), getIdToken, env }),
  ).rejects.toThrow(`${new URL(impostor.url).host} answered the OIDC audience "pypi", which is pypi.org's`);
  expect(impostor.issuedIdTokens.size).toBe(0);
  expect(impostor.mintedTokens).toEqual([]);
  await impostor.stop();
});

describe('a silent server is a timeout naming its host', () => {
  const host = () => new URL(server.url).host;

  test('JSON API', async () => {
    server.injectRequest = ({ path }) => (path.endsWith('/json') ? { status: 0, stall: true } : undefined);
    await expect(releaseFiles(server.url, 'torch', '2.6.0', { timeoutMs: 300, attempts: 1 })).rejects.toThrow(
      `${host()} did not answer GET /pypi/torch/2.6.0/json within 0.3 s`,
    );
  });

  test('upload', async () => {
    server.injectUpload = () => ({ status: 0, stall: true });
    const f = await wheelFile();
    await expect(
      postUpload(server.uploadUrl, { username: '__token__', password: TOKEN }, f, { timeoutMs: 300 }),
    ).rejects.toThrow(`${host()} did not answer POST /legacy/ within 0.3 s`);
  });

  test('Trusted Publishing: audience, runner OIDC token, mint', async () => {
    const { env, getIdToken } = runnerOidc(server);
    const pair = loopbackPair(server);
    for (const stalled of ['/_/oidc/audience', '/_/oidc/mint-token']) {
      server.injectRequest = ({ path }) => (path === stalled ? { status: 0, stall: true } : undefined);
      await expect(
        mintTrustedPublishingToken({ indexUrl: server.url, pair, getIdToken, env, timeoutMs: 300 }),
      ).rejects.toThrow(
        `${host()} did not answer ${stalled === '/_/oidc/audience' ? 'GET' : 'POST'} ${stalled} within 0.3 s`,
      );
    }
    server.injectRequest = ({ path }) => (path === '/_actions/id-token' ? { status: 0, stall: true } : undefined);
    await expect(
      mintTrustedPublishingToken({ indexUrl: server.url, pair, getIdToken, env, timeoutMs: 300 }),
    ).rejects.toThrow(
      `could not get the runner's OIDC token: ${host()} did not give the runner's OIDC token within 0.3 s`,
    );
  });
});
