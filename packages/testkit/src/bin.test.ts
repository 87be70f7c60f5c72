import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const TSX = join(HERE, '..', '..', '..', 'node_modules', '.bin', 'tsx');

/** Starts the stand-in command, waits for the line that gives its address, then stops it. */
async function firstAddress(args: string[]): Promise<string> {
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
  await expect(firstAddress(['ftp'])).rejects.toThrow('usage: release-actions-testkit <s3|github|pypi>');
}, 60_000);
