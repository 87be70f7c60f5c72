import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBoolean } from '@release-actions/core/runtime/inputs';
import { textTable } from '@release-actions/core/runtime/render';
import { buildCoreRepo, buildDomainRepo, liveBranches } from '@release-actions/testkit/git/index';
import { startGitHubServer } from '@release-actions/testkit/github/index';
import { releaseBucketLayout } from '@release-actions/testkit/s3/release-layout';
import { startS3Server } from '@release-actions/testkit/s3/server';
import type { SeedObject } from '@release-actions/testkit/s3/seed';
import { startPyPIServer } from '@release-actions/testkit/pypi/server';
import { buildWheel } from '@release-actions/testkit/wheels';
import { parseWheelFilename } from '@release-actions/core/release/artifact-name';
import { listActions, runAction } from './run-action.js';

/**
 * The whole release on this machine, with no credentials: local stand-ins for the git remotes,
 * GitHub, S3 and PyPI, seeded like a real release, and every action run through its real code with
 * the inputs a release manager would give it.
 */

const RELEASE = { torch: '2.6.0', torchvision: '0.21.0', torchaudio: '2.6.0' };
const TOKEN = 'ghs_rehearsal';
const PYPI_TOKEN = 'pypi-rehearsal-token';
/** Today's practice with this bucket's builds: which variant reaches PyPI for each platform. */
const PYPI_VARIANTS = [
  'linux_x86_64=cu124.with.pypi.cudnn',
  'manylinux_2_28_aarch64=cpu',
  'win_amd64=cpu',
  'macosx_*=',
];

interface Step {
  title: string;
  action: string;
  inputs: Record<string, string>;
  /** Returns a complaint when the outputs are not what this step must produce. */
  check?: (outputs: Record<string, string>) => string | undefined;
  /** Real (non-dry-run) steps are left out of `--dry-run true` rehearsals. */
  writes?: boolean;
}

export async function rehearse(flags: Record<string, string>): Promise<boolean> {
  const planOnly = parseBoolean('dry-run', flags['dry-run'] ?? 'false');

  const work = mkdtempSync(join(tmpdir(), 'release-rehearsal-'));
  const stops: Array<() => Promise<void>> = [];
  const log = (s: string): void => console.log(s);
  try {
    log(`Rehearsal workspace: ${work}`);
    const core = await buildCoreRepo(join(work, 'pytorch.git'), { name: 'pytorch/pytorch' });
    const vision = await buildDomainRepo(join(work, 'vision.git'), { name: 'pytorch/vision' });
    log(
      `git: ${core.name} (main ${core.main.slice(0, 12)}, viable/strict ${core.viableStrict.slice(0, 12)}), ${vision.name}`,
    );

    const github = await startGitHubServer({
      state: {
        tokens: [TOKEN],
        viewer: 'pytorchbot',
        repos: [
          { owner: 'pytorch', name: 'pytorch', defaultBranch: 'main', branches: liveBranches(core), gitDir: core.path },
          {
            owner: 'pytorch',
            name: 'vision',
            defaultBranch: 'main',
            branches: liveBranches(vision),
            gitDir: vision.path,
          },
        ],
      },
    });
    stops.push(() => github.stop());
    log(`GitHub stand-in: ${github.url}`);

    const s3 = await startS3Server();
    stops.push(() => s3.stop());
    const layout = releaseBucketLayout({ packages: RELEASE, scale: 6 });
    mkdirSync(join(work, 'wheels'));
    await s3.seed('pytorch', await withRealWheels(layout.entries, new Set(layout.release), join(work, 'wheels')));
    await s3.seed('pytorch-backup', []);
    const pypi = await startPyPIServer({ tokens: [PYPI_TOKEN] });
    stops.push(() => pypi.stop());
    log(`PyPI stand-in: ${pypi.url}`);
    log(
      `S3 stand-in: ${s3.endpoint}, s3://pytorch seeded with ${layout.entries.length} objects (${layout.release.length} in the release)`,
    );

    // The stand-ins accept any credentials; the SDK's default chain reads these.
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_REGION: 'us-east-1',
    });
    const gh = { 'github-token': TOKEN, 'api-url': github.url };
    const s3Inputs = { 'endpoint-url': s3.endpoint, region: 'us-east-1' };
    const pairs = (p: Record<string, string>): string =>
      Object.entries(p)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ');
    const packages = pairs({ ...RELEASE, libtorch: RELEASE.torch });
    const cutCore = {
      ...gh,
      repository: 'pytorch/pytorch',
      'remote-url': core.url,
      pins: '.github/ci_commit_pins/xla.txt=r{major}.{minor}',
    };
    const tagCore = { repository: 'pytorch/pytorch', 'remote-url': core.url, version: '2.6.0' };
    const promoteS3 = { ...s3Inputs, packages, 'backup-bucket': 'pytorch-backup' };
    const versions = [...new Set(Object.values(RELEASE))].join(', ');
    const pypiInputs = {
      packages: pairs(RELEASE),
      variants: PYPI_VARIANTS.join('\n'),
      'platform-tags': 'linux_x86_64=manylinux_2_28_x86_64',
      'expect-requires-python': '>=3.9.0',
      'repository-url': pypi.uploadUrl,
      'index-url': pypi.url,
      password: PYPI_TOKEN,
    };

    const steps: Step[] = [
      {
        title: 'Plan the branch cut of pytorch/pytorch from viable/strict (dry run)',
        action: 'cut-branch',
        inputs: cutCore,
      },
      {
        title: 'Cut release/2.6 and orig/release/2.6, open the version-bump PR',
        action: 'cut-branch',
        writes: true,
        inputs: { ...cutCore, 'bump-main': 'true', 'dry-run': 'false' },
        check: (o) => (o['created'] === 'true' ? undefined : `expected created=true, got ${o['created']}`),
      },
      {
        title: 'Cut the same branches again: nothing to do',
        action: 'cut-branch',
        writes: true,
        inputs: { ...cutCore, 'bump-main': 'true', 'dry-run': 'false' },
        check: (o) =>
          o['created'] === 'false' ? undefined : `a re-run must create nothing, got created=${o['created']}`,
      },
      {
        title: 'Cut the domain library pytorch/vision from main, writing version.txt',
        action: 'cut-branch',
        writes: true,
        inputs: {
          ...gh,
          repository: 'pytorch/vision',
          'remote-url': vision.url,
          'source-ref': 'main',
          'write-version-txt': 'true',
          'dry-run': 'false',
        },
      },
      {
        title: 'Tag the first release candidate v2.6.0-rc1',
        action: 'tag-rc',
        writes: true,
        inputs: { ...tagCore, rc: 'next', 'dry-run': 'false' },
        check: (o) => (o['tag'] === 'v2.6.0-rc1' ? undefined : `expected tag v2.6.0-rc1, got ${o['tag']}`),
      },
      {
        title: 'Plan the promotion of the release candidate in S3 (dry run)',
        action: 'promote-s3',
        inputs: promoteS3,
      },
      {
        title: 'Promote the release candidate in S3 to stable, with backup and package index',
        action: 'promote-s3',
        writes: true,
        inputs: { ...promoteS3, 'dry-run': 'false' },
        check: (o) =>
          Number(o['promoted-count']) === layout.release.length
            ? undefined
            : `expected ${layout.release.length} objects promoted, got ${o['promoted-count']}`,
      },
      {
        title: 'Promote again: everything is already there',
        action: 'promote-s3',
        writes: true,
        inputs: { ...promoteS3, 'dry-run': 'false' },
        check: (o) =>
          o['promoted-count'] === '0' ? undefined : `a re-run must copy nothing, got ${o['promoted-count']}`,
      },
      {
        title: 'Plan the PyPI publication: stage, validate, upload (dry run)',
        action: 'promote-pypi',
        inputs: { ...s3Inputs, ...pypiInputs },
      },
      {
        title: 'Stage the PyPI wheels, validate them all, then publish them once',
        action: 'promote-pypi',
        writes: true,
        inputs: { ...s3Inputs, ...pypiInputs, 'dry-run': 'false', confirm: versions },
        check: (o) => (Number(o['uploaded']) > 0 ? undefined : `expected uploads, got uploaded=${o['uploaded']}`),
      },
      {
        title: 'Publish again: every file is already on PyPI with the same sha256',
        action: 'promote-pypi',
        writes: true,
        inputs: { ...s3Inputs, ...pypiInputs, 'dry-run': 'false', confirm: versions },
        check: (o) =>
          o['uploaded'] === '0' ? undefined : `a re-run must upload nothing, got uploaded=${o['uploaded']}`,
      },
      {
        title: 'Tag the final release v2.6.0 on the latest release candidate',
        action: 'tag-rc',
        writes: true,
        inputs: { ...tagCore, final: 'true', 'dry-run': 'false' },
        check: (o) => (o['tag'] === 'v2.6.0' ? undefined : `expected tag v2.6.0, got ${o['tag']}`),
      },
    ];

    const available = new Set(listActions());
    const chosen = steps.filter((s) => available.has(s.action) && !(planOnly && s.writes));
    const rows: Array<Array<string | number>> = [];
    let ok = true;
    for (const [i, step] of chosen.entries()) {
      log(
        `\n=== [${i + 1}/${chosen.length}] ${step.title}\n    release-actions ${step.action} ${describe(step.inputs)}\n`,
      );
      const { receipt, outputs } = await runAction(step.action, step.inputs, process.env);
      const complaint = receipt.status === 'success' ? step.check?.(outputs) : receipt.error;
      rows.push([i + 1, step.action, complaint ? 'FAILED' : 'ok', outputs['report'] ?? '']);
      if (complaint) {
        log(`\nrehearsal step failed: ${complaint}`);
        ok = false;
        break;
      }
    }
    log(`\n=== Rehearsal ${ok ? 'passed' : 'FAILED'}\n${textTable(['step', 'action', 'result', 'receipt'], rows)}`);
    return ok;
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    if (!process.env['KEEP_REHEARSAL']) rmSync(work, { recursive: true, force: true });
  }
}

/** Gives the release's wheels real contents (the layout's other objects are opaque bytes). */
async function withRealWheels(entries: SeedObject[], release: Set<string>, dir: string): Promise<SeedObject[]> {
  return Promise.all(
    entries.map(async (entry) => {
      const wheel = release.has(entry.key) ? parseWheelFilename(entry.key.split('/').pop()!) : undefined;
      if (!wheel) return entry;
      const built = await buildWheel({
        name: wheel.distribution,
        version: wheel.version,
        pythonTag: wheel.pythonTag,
        abiTag: wheel.abiTag,
        platform: wheel.platformTag,
        requiresPython: '>=3.9.0',
        dir,
      });
      return { key: entry.key, body: readFileSync(built.path), contentType: entry.contentType };
    }),
  );
}

function describe(inputs: Record<string, string>): string {
  return Object.entries(inputs)
    .filter(([k]) => k !== 'github-token' && k !== 'password')
    .map(([k, v]) => `--${k} ${JSON.stringify(v)}`)
    .join(' ');
}
