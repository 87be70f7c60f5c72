import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const TSX = join(HERE, '..', '..', '..', 'node_modules', '.bin', 'tsx');

/**
 * Starts the stand-in command, waits for the line that gives its address, runs `use` against it,
 * then stops it.
 */
async function firstAddress(args: string[], use?: (url: string) => Promise<void>): Promise<string> {
  const env = { ...process.env };
  delete env['NODE_OPTIONS'];
  const child = spawn(TSX, [join(HERE, 'bin.ts'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  try {
    return await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    }).then(async (url) => {
      await use?.(url);
      return url;
    });
  } finally {
    child.kill('SIGTERM');
  }
}

test.each([
  ['s3', ['s3']],
  ['github', ['github', '--state', join(HERE, 'github', 'examples', 'release-2.6.json')]],
  ['pypi', ['pypi', '--token', 'pypi-t']],
])(
  'the %s stand-in starts from the command line and answers on loopback',
  async (_name, args) => {
    const url = await firstAddress(args);
    const res = await fetch(`${url}/`).catch((e: unknown) => e);
    expect(res).not.toBeInstanceOf(Error);
  },
  60_000,
);

test('a stand-in the command does not know is one error line', async () => {
  await expect(firstAddress(['ftp'])).rejects.toThrow('usage: release-actions-testkit <s3|github|pypi|hud>');
}, 60_000);

test('s3 --buckets creates the empty buckets named', async () => {
  let names: string[] = [];
  await firstAddress(['s3', '--buckets', 'staging-a, staging-b'], async (url) => {
    const s3 = new S3Client({
      endpoint: url,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    names = ((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name!).sort();
    s3.destroy();
  });
  expect(names).toEqual(['staging-a', 'staging-b']);
}, 60_000);
