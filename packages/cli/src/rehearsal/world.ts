import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseWheelFilename } from '@release-actions/core/release/artifact-name';
import {
  buildCoreRepo,
  buildDomainRepo,
  landPullRequests,
  startGitHttpServer,
  type CoreRepo,
  type DomainRepo,
  type GitRepo,
  type LandedPr,
  type PrSpec,
} from '@release-actions/testkit/git/index';
import {
  startGitHubServer,
  type GitHubServer,
  type JobState,
  type RepoState,
} from '@release-actions/testkit/github/index';
import { startPyPIServer, type PyPIServer } from '@release-actions/testkit/pypi/server';
import { releaseBucketLayout } from '@release-actions/testkit/s3/release-layout';
import type { SeedObject } from '@release-actions/testkit/s3/seed';
import { startS3Server, type S3Server } from '@release-actions/testkit/s3/server';
import { buildWheel } from '@release-actions/testkit/wheels';

/**
 * The outside world of a release, on loopback: pytorch/pytorch, pytorch/vision and pytorch/test-infra as
 * real git repositories served over smart HTTP behind the release token, the GitHub API (milestone,
 * nightly and release-candidate workflow runs, the website and Colab's tracker), an RC bucket of the
 * release's wheels over six variants, and PyPI with Trusted Publishing.
 */

export const RELEASE = { torch: '2.6.0', torchvision: '0.21.0', torchaudio: '2.6.0' };
export const RELEASE_TOKEN = 'ghp_release_rehearsal';
export const GITHUB_TOKEN = 'ghs_workflow_rehearsal';
export const MILESTONE = { number: 51, title: '2.6.0' };
/** The fixes of the milestone, landed on main after the cut; the first two get cherry-picked. */
export const FIXES: PrSpec[] = [
  { number: 141001, title: '[inductor] Fix a wrong stride in the fused softmax', fixes: [140990] },
  { number: 141008, title: '[distributed] Restore the NCCL timeout default' },
  { number: 141015, title: '[cuda] Avoid a double free in the caching allocator' },
];

export interface World {
  work: string;
  core: CoreRepo;
  vision: DomainRepo;
  infra: DomainRepo;
  git: { url: string; stop(): Promise<void> };
  github: GitHubServer;
  s3: S3Server;
  pypi: PyPIServer;
  /** Objects of the release in the RC bucket. */
  releaseKeys: string[];
  stop(): Promise<void>;
}

export async function buildWorld(work: string): Promise<World> {
  const gitRoot = join(work, 'git');
  const core = await buildCoreRepo(join(gitRoot, 'pytorch', 'pytorch.git'), { name: 'pytorch/pytorch' });
  const vision = await buildDomainRepo(join(gitRoot, 'pytorch', 'vision.git'), { name: 'pytorch/vision' });
  const infra = await buildDomainRepo(join(gitRoot, 'pytorch', 'test-infra.git'), {
    name: 'pytorch/test-infra',
    version: '2.6.0a0',
  });
  const git = await startGitHttpServer({ root: gitRoot, token: RELEASE_TOKEN });
  const github = await startGitHubServer({
    state: {
      tokens: [RELEASE_TOKEN, GITHUB_TOKEN],
      viewer: 'pytorchbot',
      repos: [
        repoState(core, { workflowRuns: nightlies(core.viableStrict, []), ...milestone() }),
        repoState(vision, { workflowRuns: nightlies(vision.main, ['wheel-py3_12-cuda12_4-test']) }),
        repoState(infra, {}),
        website(),
        { owner: 'googlecolab', name: 'colabtools', defaultBranch: 'main', issues: previousColabIssue() },
      ],
    },
  });
  const s3 = await startS3Server();
  const layout = releaseBucketLayout({ packages: RELEASE, scale: 6 });
  mkdirSync(join(work, 'wheels'));
  await s3.seed('pytorch', await withRealWheels(layout.entries, new Set(layout.release), join(work, 'wheels')));
  await s3.seed('pytorch-backup', []);
  const pypi = await startPyPIServer();
  const world: World = {
    work,
    core,
    vision,
    infra,
    git,
    github,
    s3,
    pypi,
    releaseKeys: layout.release,
    stop: async () => {
      for (const stop of [() => pypi.stop(), () => s3.stop(), () => github.stop(), () => git.stop()]) {
        await stop().catch(() => undefined);
      }
    },
  };
  return world;
}

function repoState(repo: GitRepo, extra: Partial<RepoState>): RepoState {
  const [owner, name] = repo.name.split('/') as [string, string];
  return { owner, name, defaultBranch: 'main', gitDir: repo.path, ...extra };
}

const hoursAgo = (h: number): string => new Date(Date.now() - h * 3600_000).toISOString();

/** Release-matrix build and test jobs, green except the ones named. */
function matrixJobs(red: string[]): JobState[] {
  const names = ['cpu', 'cuda12_4', 'cuda12_6', 'rocm6_2'].flatMap((acc) =>
    ['3_10', '3_11', '3_12', '3_13'].flatMap((py) => [
      `manywheel-py${py}-${acc}-build`,
      `manywheel-py${py}-${acc}-test`,
    ]),
  );
  const all = [...new Set([...names, ...red])];
  return all.map((name) => ({
    name,
    status: 'completed',
    conclusion: red.includes(name) ? 'failure' : 'success',
    startedAt: hoursAgo(5),
    completedAt: hoursAgo(4),
  }));
}

let runId = 9_000_000;
function nightlies(sha: string, red: string[]): RepoState['workflowRuns'] {
  return [
    {
      id: ++runId,
      name: 'Build nightly wheels',
      path: '.github/workflows/nightly.yml',
      event: 'schedule',
      headBranch: 'nightly',
      headSha: sha,
      status: 'completed',
      conclusion: red.length > 0 ? 'failure' : 'success',
      createdAt: hoursAgo(6),
      updatedAt: hoursAgo(4),
      jobs: matrixJobs(red),
    },
  ];
}

/** The builds a release-candidate tag starts (the stand-in's CI answering the tag push). */
export function startCandidateBuilds(world: World, repo: string, tag: string, sha: string): void {
  const state = world.github.state.repos.find((r) => `${r.owner}/${r.name}` === repo)!;
  state.workflowRuns = [
    ...(state.workflowRuns ?? []),
    {
      id: ++runId,
      name: 'Build release wheels',
      path: '.github/workflows/release.yml',
      event: 'push',
      headBranch: tag,
      headSha: sha,
      status: 'completed',
      conclusion: 'success',
      createdAt: hoursAgo(2),
      updatedAt: hoursAgo(1),
      jobs: matrixJobs([]),
    },
  ];
}

/** The milestone: three fixes (an issue and two pull requests) and a feature request that is skipped. */
function milestone(): Pick<RepoState, 'milestones' | 'issues' | 'pulls' | 'labels'> {
  const [softmax, nccl, allocator] = FIXES as [PrSpec, PrSpec, PrSpec];
  // Closed by the merge bot, not merged: judged by the commits that mention them.
  const pr = (spec: PrSpec): NonNullable<RepoState['pulls']>[number] => ({
    number: spec.number,
    title: spec.title,
    state: 'closed',
    milestone: MILESTONE.number,
    head: `gh/dev/${spec.number}/head`,
  });
  return {
    labels: [{ name: 'release-feature-request' }, { name: 'high priority' }],
    milestones: [
      { number: 49, title: '2.5.1', state: 'closed' },
      { number: MILESTONE.number, title: MILESTONE.title, state: 'open' },
    ],
    issues: [
      {
        number: softmax.fixes![0]!,
        title: 'Fused softmax gives wrong results for non-contiguous inputs',
        state: 'closed',
        milestone: MILESTONE.number,
        labels: ['high priority'],
      },
      {
        number: 140995,
        title: 'Add a new scheduler to torch.optim',
        state: 'open',
        milestone: MILESTONE.number,
        labels: ['release-feature-request'],
      },
    ],
    pulls: [pr(nccl), pr(allocator)],
  };
}

/** pytorch.github.io, whose `site` branch holds the release's documentation. */
function website(): RepoState {
  const docs = {
    'docs/2.6/index.html': '<html><title>PyTorch 2.6 documentation</title></html>\n',
    'docs/stable/index.html': '<html><title>PyTorch 2.6 documentation</title></html>\n',
    'docs/versions.html':
      '<ul><li><a href="2.6/">v2.6.0 (stable release)</a></li><li><a href="2.5/">v2.5.0</a></li></ul>\n',
  };
  return {
    owner: 'pytorch',
    name: 'pytorch.github.io',
    defaultBranch: 'site',
    branches: { site: 'b'.repeat(40) },
    commits: [{ sha: 'b'.repeat(40), message: 'Publish the 2.6 documentation' }],
    files: { site: docs, ['b'.repeat(40)]: docs },
  };
}

function previousColabIssue(): RepoState['issues'] {
  return [
    {
      number: 4900,
      title: 'Upgrading PyTorch to v2.5.0 and torchvision to v0.20.0 and torchaudio to v2.5.0',
      state: 'closed',
      user: 'pytorchbot',
    },
  ];
}

/** Lands the milestone's fixes on main, after the cut. */
export async function landFixes(world: World): Promise<LandedPr[]> {
  return landPullRequests(
    world.core,
    'main',
    FIXES.map((fix) => ({ ...fix, files: { [`torch/fixes/${fix.number}.py`]: `fixed = ${fix.number}\n` } })),
  );
}

/** Cherry-picks landed fixes onto the release branch the way `git cherry-pick -x` records it. */
export async function cherryPick(world: World, landed: LandedPr[], firstPick: number): Promise<string> {
  const picks = landed.map((fix, i) => ({
    number: firstPick + i,
    title: `[release/2.6] ${fix.title.replace(/ \(#\d+\)$/, '')}`,
    body: `Cherry-pick of #${fix.number}.\n\n(cherry picked from commit ${fix.sha})`,
    files: { [`torch/fixes/${fix.number}.py`]: `fixed = ${fix.number}\n` },
  }));
  await landPullRequests(world.core, 'release/2.6', picks);
  return execFileSync('git', ['--git-dir', world.core.path, 'rev-parse', 'refs/heads/release/2.6'], {
    encoding: 'utf8',
  }).trim();
}

/** Gives the release's wheels real contents (the layout's other objects are opaque bytes). */
export async function withRealWheels(entries: SeedObject[], release: Set<string>, dir: string): Promise<SeedObject[]> {
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
