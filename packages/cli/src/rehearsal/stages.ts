import { RELEASE, RELEASE_TOKEN, cherryPick, landFixes, startCandidateBuilds, type World } from './world.js';
import type { JobRecord, WorkflowRecord } from '../workflow/runner.js';
import type { Value } from '../workflow/expressions.js';
import type { LandedPr } from '@release-actions/testkit/git/index';

/**
 * The release, stage by stage, as a release manager runs it: each stage calls one of the reusable
 * workflows (or the top-level PyPI workflow) with the inputs a caller would give, after whatever the
 * project's developers do in between (landing fixes, cherry-picking them). Each stage says what its
 * run must show; a stage that shows something else fails the rehearsal.
 */

export interface Stage {
  title: string;
  workflow: string;
  event: 'workflow_call' | 'workflow_dispatch';
  inputs: Record<string, Value>;
  secrets?: Record<string, string>;
  /** Runs only in a real (not dry-run) rehearsal: it needs what an earlier stage created. */
  needsWrites?: string;
  /** What happens in the world before the stage (developers landing and cherry-picking fixes). */
  before?: () => Promise<string | undefined>;
  /** A complaint when the run is not what this stage must show. */
  expect: (run: WorkflowRecord) => string | undefined;
}

const pairs = (p: Record<string, string>): string =>
  Object.entries(p)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

export function job(run: WorkflowRecord, id: string): JobRecord {
  const found = run.jobs.find((j) => j.id === id);
  if (!found) throw new Error(`${run.name}: no job ${id}`);
  return found;
}

/** The first complaint among the checks, each `[ok, what was expected]`. */
function check(...checks: Array<[boolean, string]>): string | undefined {
  return checks.find(([ok]) => !ok)?.[1];
}

export function releaseStages(world: World, dryRun: boolean): Stage[] {
  const release = { RELEASE_TOKEN };
  const aws = {
    'aws-role-arn': 'arn:aws:iam::308535385114:role/release-promote',
    's3-endpoint-url': world.s3.endpoint,
  };
  const s3Packages = pairs({ ...RELEASE, libtorch: RELEASE.torch });
  const pypiPackages = pairs(RELEASE);
  const pypiVariants = [
    'linux_x86_64=cu124.with.pypi.cudnn',
    'manylinux_2_28_aarch64=cpu',
    'win_amd64=cpu',
    'macosx_*=',
  ].join('\n');
  const cut = {
    version: '2.6',
    repository: 'pytorch/pytorch',
    pins: '.github/ci_commit_pins/xla.txt=r{major}.{minor}',
    'infra-repositories': '["pytorch/test-infra"]',
    'gate-repositories': 'pytorch/pytorch\npytorch/vision',
    'dry-run': dryRun,
  };
  const candidate = {
    version: '2.6.0',
    repository: 'pytorch/pytorch',
    'release-branch': 'release/2.6',
    'dry-run': dryRun,
  };
  let landed: LandedPr[] = [];

  return [
    {
      title: 'Gate: the nightlies of pytorch/vision are red, so the branch cut waits',
      workflow: 'release-branch-cut.yml',
      event: 'workflow_call',
      inputs: { ...cut, 'dry-run': false },
      secrets: release,
      needsWrites: 'it would cut for real if the gate let it',
      expect: (run) =>
        check(
          [
            job(run, 'gate').outputs['green'] === 'false',
            'the gate must report green=false for the red vision nightly',
          ],
          [job(run, 'cut').result === 'skipped', 'the cut must be skipped while the nightlies are red'],
        ),
    },
    {
      title:
        'Branch cut: release/2.6 in pytorch/pytorch (from viable/strict, pinned) and pytorch/test-infra, gate skipped',
      workflow: 'release-branch-cut.yml',
      event: 'workflow_call',
      inputs: { ...cut, 'skip-gate': true },
      secrets: release,
      expect: (run) =>
        check(
          [job(run, 'cut').result === 'success', 'the core cut must succeed'],
          [run.outputs['branch'] === 'release/2.6', `expected branch release/2.6, got ${run.outputs['branch']}`],
          [job(run, 'cut-infra').result === 'success', 'the test-infra cut must succeed'],
          [dryRun || run.outputs['bump-pr-url'] !== '', 'the version bump must be opened on main'],
        ),
    },
    {
      title: 'Milestone check: a fix landed on main after the cut is missing from release/2.6, so no tag',
      workflow: 'release-candidate.yml',
      event: 'workflow_call',
      inputs: candidate,
      secrets: release,
      needsWrites: 'release/2.6 exists only after a real cut',
      before: async () => {
        landed = await landFixes(world);
        await cherryPick(world, landed.slice(0, 2), 141100);
        return `landed ${landed.length} fixes on main; cherry-picked ${landed.length - 1} onto release/2.6`;
      },
      expect: (run) =>
        check(
          [job(run, 'milestone').result === 'failure', 'the milestone check must fail on the missing fix'],
          [job(run, 'milestone').outputs['missing-count'] === '1', 'exactly one fix must be missing'],
          [job(run, 'tag').result === 'skipped', 'no tag while a fix is missing'],
        ),
    },
    {
      title: 'RC tag and build check: the missing fix cherry-picked, v2.6.0-rc1 tagged, its builds green',
      workflow: 'release-candidate.yml',
      event: 'workflow_call',
      inputs: candidate,
      secrets: release,
      needsWrites: 'release/2.6 exists only after a real cut',
      before: async () => {
        const tip = await cherryPick(world, landed.slice(2), 141102);
        startCandidateBuilds(world, 'pytorch/pytorch', 'v2.6.0-rc1', tip);
        return `cherry-picked the last fix; the tag's builds (stand-in CI) will run on ${tip.slice(0, 12)}`;
      },
      expect: (run) =>
        check(
          [job(run, 'milestone').outputs['missing-count'] === '0', 'no fix may be missing now'],
          [run.outputs['tag'] === 'v2.6.0-rc1', `expected tag v2.6.0-rc1, got ${run.outputs['tag']}`],
          [run.outputs['green'] === 'true', 'the candidate builds must be green'],
        ),
    },
    {
      title: "Domain cut: pytorch/vision's release/0.21 from main, once the core release candidate is built",
      workflow: 'release-domain-branch-cut.yml',
      event: 'workflow_call',
      inputs: { version: '0.21', repository: 'pytorch/vision', 'core-ref': 'v2.6.0-rc1', 'dry-run': dryRun },
      secrets: release,
      needsWrites: 'the core release candidate exists only after a real tag',
      expect: (run) =>
        check([run.outputs['branch'] === 'release/0.21', `expected release/0.21, got ${run.outputs['branch']}`]),
    },
    {
      title: 'Promotion: the plan, then (approved) S3 with backup and index pages, and the PyPI wheels staged',
      workflow: 'release-promote.yml',
      event: 'workflow_call',
      inputs: {
        version: '2.6.0',
        packages: s3Packages,
        'pypi-packages': pypiPackages,
        'pypi-variants': pypiVariants,
        'pypi-platform-tags': 'linux_x86_64=manylinux_2_28_x86_64',
        ...aws,
        'dry-run': dryRun,
      },
      expect: (run) =>
        check(
          [
            Number(job(run, 'plan').outputs['promoted-count']) === world.releaseKeys.length,
            'the plan must promote every release object',
          ],
          [dryRun || job(run, 'apply').result === 'success', 'the apply job must succeed'],
          [dryRun || Number(run.outputs['staged']) > 0, 'wheels must be staged for PyPI'],
        ),
    },
    {
      title: 'PyPI publish: the top-level workflow uploads the staged wheels once, through Trusted Publishing',
      workflow: 'release-pypi.yml',
      event: 'workflow_dispatch',
      inputs: {
        packages: pypiPackages,
        confirm: [...new Set(Object.values(RELEASE))].join(', '),
        variants: pypiVariants,
        'platform-tags': 'linux_x86_64=manylinux_2_28_x86_64',
        'expect-requires-python': '>=3.9.0',
        ...aws,
        'repository-url': world.pypi.uploadUrl,
        'index-url': world.pypi.url,
        'dry-run': dryRun,
      },
      needsWrites: 'only wheels staged by a real promotion can be published',
      expect: (run) =>
        check(
          [job(run, 'publish').result === 'success', 'the publish job must succeed'],
          [world.pypi.mintedTokens.length > 0, 'the upload token must come from Trusted Publishing'],
          [Number(job(run, 'publish').steps[1]?.outputs['uploaded']) > 0, 'wheels must be uploaded'],
        ),
    },
    {
      title: "Release day: the documentation is published, and the issue in Colab's tracker is opened",
      workflow: 'release-day.yml',
      event: 'workflow_call',
      inputs: { version: '2.6.0', packages: pypiPackages, 'dry-run': dryRun },
      secrets: { COLAB_TOKEN: RELEASE_TOKEN },
      expect: (run) =>
        check(
          [run.outputs['docs-ok'] === 'true', 'the 2.6 documentation must be found'],
          [dryRun || /\/issues\/\d+$/.test(run.outputs['colab-issue-url'] ?? ''), 'the Colab issue must be opened'],
        ),
    },
  ];
}
