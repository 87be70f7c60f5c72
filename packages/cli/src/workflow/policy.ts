import { isBasicExpression, isLiteral, isMapping, isSequence } from '@actions/workflow-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { entries, field, type ParsedWorkflow } from './parse.js';

/**
 * The rules every release workflow keeps, checked on the parsed file: no expression inside a `run:`
 * script (inputs reach scripts through `env:`), no relative `uses:` in a workflow another repository
 * calls, third-party actions pinned by commit sha, least-privilege permissions per job, receipts uploaded
 * even when a step failed, and one concurrency group per release that never cancels a run.
 */

export const THIS_REPOSITORY = 'pytorch/release-actions';

interface RawStep {
  job: string;
  index: number;
  token: TemplateToken;
}

function jobs(workflow: ParsedWorkflow): Array<[string, TemplateToken]> {
  return entries(field(workflow.root, 'jobs'));
}

function steps(workflow: ParsedWorkflow): RawStep[] {
  const result: RawStep[] = [];
  for (const [job, token] of jobs(workflow)) {
    const list = field(token, 'steps');
    if (!list || !isSequence(list)) continue;
    for (let i = 0; i < list.count; i++) result.push({ job, index: i + 1, token: list.get(i) });
  }
  return result;
}

function text(token: TemplateToken | undefined): string | undefined {
  return token && isLiteral(token) ? token.toString() : undefined;
}

export function isCallable(workflow: ParsedWorkflow): boolean {
  return 'workflow_call' in workflow.template.events;
}

/** `run:` scripts holding `${{ }}`: a value spliced into a shell string can run as code. */
export function expressionsInRun(workflow: ParsedWorkflow): string[] {
  return steps(workflow)
    .filter((s) => {
      const run = field(s.token, 'run');
      return run !== undefined && isBasicExpression(run);
    })
    .map((s) => `${workflow.stem}: job ${s.job} step ${s.index}: \${{ }} inside run: (pass it through env:)`);
}

/** Relative `uses:` resolve against the caller's workspace when another repository calls the workflow. */
export function relativeUses(workflow: ParsedWorkflow): string[] {
  if (!isCallable(workflow)) return [];
  const problems: string[] = [];
  for (const s of steps(workflow)) {
    const uses = text(field(s.token, 'uses'));
    if (uses?.startsWith('./')) problems.push(`${workflow.stem}: job ${s.job} step ${s.index}: relative uses: ${uses}`);
  }
  for (const [job, token] of jobs(workflow)) {
    const uses = text(field(token, 'uses'));
    if (uses?.startsWith('./')) problems.push(`${workflow.stem}: job ${job}: relative uses: ${uses}`);
  }
  return problems;
}

/** Actions of other owners must name a commit: a tag can be moved to other code. */
export function unpinnedActions(workflow: ParsedWorkflow): string[] {
  return steps(workflow)
    .map((s) => text(field(s.token, 'uses')))
    .filter(
      (uses): uses is string => uses !== undefined && !uses.startsWith('./') && !uses.startsWith(`${THIS_REPOSITORY}/`),
    )
    .filter((uses) => !/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(uses))
    .map((uses) => `${workflow.stem}: ${uses} is not pinned by commit sha`);
}

/** `permissions: {}` for the workflow and an explicit grant on every job. */
export function broadPermissions(workflow: ParsedWorkflow): string[] {
  const problems: string[] = [];
  const top = field(workflow.root, 'permissions');
  if (!top || !isMapping(top) || top.count > 0)
    problems.push(`${workflow.stem}: the workflow must grant nothing (permissions: {})`);
  for (const [job, token] of jobs(workflow)) {
    if (!field(token, 'permissions')) problems.push(`${workflow.stem}: job ${job} declares no permissions`);
  }
  return problems;
}

/** Receipts and summaries are kept even when a step before them failed. */
export function uploadsNotAlways(workflow: ParsedWorkflow): string[] {
  return steps(workflow)
    .filter((s) => text(field(s.token, 'uses'))?.startsWith('actions/upload-artifact@'))
    .filter((s) => !/\balways\(\)/.test(ifText(field(s.token, 'if'))))
    .map((s) => `${workflow.stem}: job ${s.job} step ${s.index}: upload-artifact without if: always()`);
}

function ifText(token: TemplateToken | undefined): string {
  if (!token) return '';
  return isBasicExpression(token) ? token.expression : (text(token) ?? '');
}

/** One queue per release (`release-<version>`), never cancelling a release step half-way. */
export function concurrencyProblems(workflow: ParsedWorkflow): string[] {
  const groups = [
    field(workflow.root, 'concurrency'),
    ...jobs(workflow).map(([, t]) => field(t, 'concurrency')),
  ].filter((t): t is TemplateToken => t !== undefined);
  if (groups.length === 0) return [`${workflow.stem}: no concurrency group`];
  return groups.flatMap((g) => {
    const group = field(g, 'group');
    const expression = group && isBasicExpression(group) ? group.expression : text(group);
    const problems: string[] = [];
    if (!expression || !/release-/.test(expression) || !/inputs\.version/.test(expression)) {
      problems.push(`${workflow.stem}: concurrency group ${expression ?? '(none)'} is not release-<version>`);
    }
    if (text(field(g, 'cancel-in-progress')) !== 'false') {
      problems.push(`${workflow.stem}: concurrency must say cancel-in-progress: false`);
    }
    return problems;
  });
}

const LEVEL = ['none', 'read', 'write'];

function grants(token: TemplateToken | undefined): Record<string, string> {
  return Object.fromEntries(entries(token).map(([k, v]) => [k, text(v) ?? 'none']));
}

/**
 * A job calling one of this repository's reusable workflows gives it what it declares: only inputs and
 * secrets it takes, every required one, and at least the permissions its jobs ask for (a called
 * workflow cannot have more than its caller grants). `load` reads a called workflow by file name.
 */
export function callerProblems(caller: ParsedWorkflow, load: (file: string) => ParsedWorkflow): string[] {
  const problems: string[] = [];
  for (const [job, token] of jobs(caller)) {
    const uses = text(field(token, 'uses'));
    const m = uses && new RegExp(`^${THIS_REPOSITORY}/\\.github/workflows/([\\w.-]+)@`).exec(uses);
    if (!m) continue;
    const called = load(m[1]!);
    const at = `${caller.stem}: job ${job} -> ${m[1]}`;
    for (const kind of ['inputs', 'secrets'] as const) {
      const declared = entries(field(called.root, 'on', 'workflow_call', kind));
      const given = entries(field(token, kind === 'inputs' ? 'with' : 'secrets')).map(([k]) => k);
      for (const name of given) {
        if (!declared.some(([k]) => k === name)) problems.push(`${at}: ${kind} ${name} is not declared`);
      }
      for (const [name, def] of declared) {
        const required = text(field(def, 'required')) === 'true' && field(def, 'default') === undefined;
        if (required && !given.includes(name)) problems.push(`${at}: required ${kind} ${name} is not given`);
      }
    }
    const granted = grants(field(token, 'permissions'));
    for (const [calledJob, calledToken] of jobs(called)) {
      for (const [scope, level] of Object.entries(grants(field(calledToken, 'permissions')))) {
        if (LEVEL.indexOf(level) > LEVEL.indexOf(granted[scope] ?? 'none')) {
          problems.push(
            `${at}: job ${calledJob} needs ${scope}: ${level}, the caller grants ${granted[scope] ?? 'none'}`,
          );
        }
      }
    }
  }
  return problems;
}

/**
 * A workflow input that only passes a value through to one of our actions' inputs defaults to what
 * the action does: defaults live in action.yml, and a copy in a workflow goes stale while the action
 * moves on (the PyPI CUDA build, the variants of the day). Returns each workflow input whose default
 * differs; `actionInputs` gives an action's inputs and defaults by its folder name.
 */
export function staleDefaults(
  workflow: ParsedWorkflow,
  actionInputs: (action: string) => Record<string, { default?: string }>,
): string[] {
  const declared = new Map(
    ['workflow_call', 'workflow_dispatch'].flatMap((event) => entries(field(workflow.root, 'on', event, 'inputs'))),
  );
  const problems = new Set<string>();
  const same = (a: string, b: string): boolean => a.trim().replace(/\s+/g, ' ') === b.trim().replace(/\s+/g, ' ');
  for (const s of steps(workflow)) {
    const m = new RegExp(`^${THIS_REPOSITORY}/actions/([\\w.-]+)@`).exec(text(field(s.token, 'uses')) ?? '');
    if (!m) continue;
    const inputs = actionInputs(m[1]!);
    for (const [name, value] of entries(field(s.token, 'with'))) {
      const passed = isBasicExpression(value) ? /^inputs\.([\w-]+)$/.exec(value.expression.trim())?.[1] : undefined;
      const own = passed === undefined ? undefined : text(field(declared.get(passed), 'default'));
      const theirs = inputs[name]?.default;
      if (own === undefined || theirs === undefined || same(own, theirs)) continue;
      problems.add(
        `${workflow.stem}: input ${passed} defaults to ${JSON.stringify(own.trim())}, ${m[1]}'s ${name} to ${JSON.stringify(theirs.trim())}`,
      );
    }
  }
  return [...problems];
}
