import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { textTable } from '@release-actions/core/runtime/render';
import { REPO_ROOT } from '../run-action.js';
import { WorkflowError } from '../workflow/parse.js';
import { runWorkflow, type JobRecord, type WorkflowRecord } from '../workflow/runner.js';
import { releaseStages, type Stage } from './stages.js';
import { GITHUB_TOKEN, buildWorld, type World } from './world.js';

/**
 * The whole release rehearsed by running the reusable workflow files themselves on the stand-in world:
 * GitHub's parser and evaluator decide which jobs and steps run and with what, and every step of this
 * repository's actions runs through the action's real code. The receipts of every step land in one
 * folder; the summary lists every job and step, and what was stood in.
 */

export const REPOSITORY = 'pytorch/release-actions';

export interface StageResult {
  stage: Stage;
  status: 'passed' | 'FAILED' | 'not run';
  complaint?: string;
  run?: WorkflowRecord;
  note?: string;
}

export interface RehearsalResult {
  ok: boolean;
  stages: StageResult[];
  receipts: string;
  seconds: number;
}

export async function rehearseWorkflows(opts: {
  dryRun: boolean;
  out: string;
  log?: (line: string) => void;
}): Promise<RehearsalResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const started = Date.now();
  rmSync(opts.out, { recursive: true, force: true });
  const work = mkdtempSync(join(tmpdir(), 'release-rehearsal-'));
  let world: World | undefined;
  try {
    world = await buildWorld(work);
    log(describeWorld(world));
    const results: StageResult[] = [];
    const stages = releaseStages(world, opts.dryRun);
    for (const [i, stage] of stages.entries()) {
      log(`\n=== [${i + 1}/${stages.length}] ${stage.title}\n    ${stage.workflow} (${stage.event})`);
      results.push(await runStage(stage, world, opts, log));
      const r = results.at(-1)!;
      log(`--- ${r.status}${r.complaint ? `: ${r.complaint}` : ''}${r.note ? ` (${r.note})` : ''}`);
    }
    const receipts = join(opts.out, 'receipts');
    const result: RehearsalResult = {
      ok: results.every((r) => r.status !== 'FAILED'),
      stages: results,
      receipts,
      seconds: (Date.now() - started) / 1000,
    };
    log(summary(result, opts.dryRun));
    return result;
  } finally {
    await world?.stop();
    if (!process.env['KEEP_REHEARSAL']) rmSync(work, { recursive: true, force: true });
  }
}

async function runStage(
  stage: Stage,
  world: World,
  opts: { dryRun: boolean; out: string },
  log: (line: string) => void,
): Promise<StageResult> {
  if (opts.dryRun && stage.needsWrites) return { stage, status: 'not run', note: `dry run: ${stage.needsWrites}` };
  const happened = await stage.before?.();
  if (happened) log(`    meanwhile: ${happened}`);
  try {
    const run = await runWorkflow(join(REPO_ROOT, '.github', 'workflows', stage.workflow), {
      repository: REPOSITORY,
      root: REPO_ROOT,
      event: stage.event,
      inputs: stage.inputs,
      secrets: stage.secrets,
      github: {
        repository: 'pytorch/pytorch',
        server_url: world.git.url,
        api_url: world.github.url,
        token: GITHUB_TOKEN,
        ref: 'refs/heads/main',
        actor: 'release-manager',
      },
      runnerEnv: { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' },
      oidc: { requestUrl: world.pypi.idTokenRequestUrl, requestToken: world.pypi.idTokenRequestToken },
      workDir: opts.out,
      log: (line) => log(`    ${line}`),
    });
    const missing = missingActions(run);
    const complaint = missing.length > 0 ? `not landed yet: ${missing.join(', ')}` : stage.expect(run);
    return { stage, status: complaint ? 'FAILED' : 'passed', complaint, run };
  } catch (e) {
    if (!(e instanceof WorkflowError)) throw e;
    return { stage, status: 'FAILED', complaint: e.message };
  }
}

function describeWorld(world: World): string {
  return [
    `Rehearsal workspace: ${world.work}`,
    `git (smart HTTP, token required): ${world.git.url} — pytorch/pytorch, pytorch/vision, pytorch/test-infra`,
    `GitHub stand-in: ${world.github.url} — milestone 2.6.0, nightly runs (pytorch/vision red), pytorch.github.io, googlecolab/colabtools`,
    `S3 stand-in: ${world.s3.endpoint} — s3://pytorch with ${world.releaseKeys.length} objects of the release over 6 variants`,
    `PyPI stand-in: ${world.pypi.url} — Trusted Publishing through the runner's OIDC endpoint`,
  ].join('\n');
}

/** Actions of this repository the run needed but this checkout does not have. */
export function missingActions(run: WorkflowRecord): string[] {
  const names = flatten(run)
    .flatMap((j) => j.steps)
    .map((s) => /^action (\S+) is not in this checkout/.exec(s.error ?? '')?.[1])
    .filter((n): n is string => n !== undefined);
  return [...new Set(names)];
}

/** `pytorch/release-actions/actions/promote-s3@main` -> `promote-s3`; other names as they are. */
function stepLabel(name: string): string {
  return new RegExp(`^${REPOSITORY}/actions/([^@]+)@`).exec(name)?.[1] ?? name.replace(/@[0-9a-f]{40}$/, '');
}

function flatten(run: WorkflowRecord): JobRecord[] {
  return run.jobs.flatMap((j) => (j.called ? [j, ...flatten(j.called)] : [j]));
}

export function summary(result: RehearsalResult, dryRun: boolean): string {
  const rows: Array<Array<string | number>> = [];
  const standIns = new Set<string>();
  const environments = new Set<string>();
  for (const [i, r] of result.stages.entries()) {
    if (!r.run) {
      rows.push([i + 1, r.stage.workflow, '', '', r.status, r.note ?? r.complaint ?? '']);
      continue;
    }
    for (const j of flatten(r.run)) {
      if (j.environment) environments.add(j.environment);
      if (j.steps.length === 0) rows.push([i + 1, j.path, '', '', j.result, j.called ? 'reusable workflow' : '']);
      for (const s of j.steps) {
        if (s.kind === 'stand-in' && s.result !== 'skipped') standIns.add(s.uses!.split('@')[0]!);
        const detail = s.receipt ? relative(process.cwd(), s.receipt) : (s.error ?? s.note ?? '');
        rows.push([i + 1, j.path, stepLabel(s.name), s.kind, s.result, detail]);
      }
    }
  }
  const stages = result.stages.map(
    (r, i) =>
      `  ${i + 1}. ${r.status.padEnd(7)} ${r.stage.title}${r.complaint ? `\n              ${r.complaint}` : ''}`,
  );
  let receipts = 0;
  try {
    receipts = readdirSync(result.receipts).length;
  } catch {
    // no step wrote a receipt
  }
  return [
    `\n=== Rehearsal ${result.ok ? 'passed' : 'FAILED'}${dryRun ? ' (dry run: every plan shown, nothing applied)' : ''} in ${result.seconds.toFixed(1)} s`,
    ...stages,
    '',
    textTable(['stage', 'job', 'step', 'kind', 'result', 'receipt / note'], rows),
    '',
    `Stood in: ${[...standIns].sort().join(', ') || 'nothing'}; environments approved by the rehearsal: ${[...environments].sort().join(', ') || 'none'}; run: steps evaluated, not executed.`,
    `Receipts: ${relative(process.cwd(), result.receipts) || '.'} (${receipts} files)`,
  ].join('\n');
}
