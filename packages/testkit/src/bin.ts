#!/usr/bin/env -S npx tsx
/**
 * Starts one stand-in on loopback and keeps it running until interrupted, so a scenario can be
 * exercised by hand or by any test:
 *   release-actions-testkit s3 [--port N] [--directory DIR] [--release torch=2.6.0,torchvision=0.21.0] [--buckets a,b]
 *   release-actions-testkit github [--port N] --state state.json [--persist true]
 *   release-actions-testkit pypi [--port N] [--token T]
 *   release-actions-testkit hud [--port N] --history history.json
 */
import { releaseBucketLayout } from './s3/release-layout.js';
import { startS3Server } from './s3/server.js';
import { startGitHubServer } from './github/server.js';
import { startPyPIServer } from './pypi/server.js';
import { startHudServer } from './hud/server.js';
import type { CiHistory } from './github/workflow-runs.js';
import { readFileSync } from 'node:fs';

function flags(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i]!;
    const value = argv[i + 1];
    if (!name.startsWith('--') || value === undefined) throw new Error(`expected --name value pairs, got "${name}"`);
    out[name.slice(2)] = value;
  }
  return out;
}

function port(value: string | undefined): number {
  const n = Number(value ?? 0);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port must be a port number, got "${value}"`);
  return n;
}

async function main(argv: string[]): Promise<void> {
  const [server, ...rest] = argv;
  const f = flags(rest);
  let stop: () => Promise<void>;
  if (server === 's3') {
    const s3 = await startS3Server({ port: port(f['port']), directory: f['directory'] });
    if (f['release']) {
      const packages = Object.fromEntries(f['release'].split(',').map((p) => p.trim().split('=') as [string, string]));
      const layout = releaseBucketLayout({ packages });
      await s3.seed(f['bucket'] ?? 'pytorch', layout.entries);
      console.log(`seeded s3://${f['bucket'] ?? 'pytorch'} with ${layout.entries.length} objects`);
    }
    for (const bucket of (f['buckets'] ?? '').split(',').map((b) => b.trim())) if (bucket) await s3.seed(bucket, []);
    console.log(`S3 endpoint: ${s3.endpoint} (credentials: any access key, e.g. S3RVER/S3RVER)`);
    stop = () => s3.stop();
  } else if (server === 'github') {
    if (!f['state']) throw new Error('--state <file.json> is required (see packages/testkit/README.md)');
    const gh = await startGitHubServer({ state: f['state'], port: port(f['port']), persist: f['persist'] === 'true' });
    console.log(`GitHub API: ${gh.url} (pass it as api-url; any token works)`);
    stop = () => gh.stop();
  } else if (server === 'pypi') {
    const token = f['token'] ?? 'pypi-local-token';
    const pypi = await startPyPIServer({ port: port(f['port']), tokens: [token] });
    console.log(`PyPI: upload ${pypi.uploadUrl} (user __token__, password ${token}), index ${pypi.url}`);
    stop = () => pypi.stop();
  } else if (server === 'hud') {
    if (!f['history']) throw new Error('--history <file.json> is required (a CiHistory or an array of them)');
    const parsed = JSON.parse(readFileSync(f['history'], 'utf8')) as CiHistory | CiHistory[];
    const hud = await startHudServer({ port: port(f['port']) });
    for (const h of Array.isArray(parsed) ? parsed : [parsed]) hud.set(h);
    console.log(`HUD: ${hud.url} (pass it as hud-url with source: hud)`);
    stop = () => hud.stop();
  } else {
    throw new Error('usage: release-actions-testkit <s3|github|pypi|hud> [--port N] [...]');
  }
  const shutdown = (): void => void stop().finally(() => process.exit(0));
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
