import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { data } from '@actions/expressions';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import type { Job, ReusableWorkflowJob, Step, WorkflowJob } from '@actions/workflow-parser/model/workflow-template';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { isSequence } from '@actions/workflow-parser';
import { actionExists, actionMetadata, runActionStep } from './action-step.js';
import {
  asText,
  condition,
  evaluateMapping,
  evaluateToken,
  statusFunctions,
  StrictDictionary,
  strictStrings,
  toData,
  type Scope,
  type Value,
} from './expressions.js';
import { entries, field, literal, loadWorkflow, WorkflowError, type ParsedWorkflow } from './parse.js';
import { standInFor } from './stand-ins.js';

/**
 * Runs a workflow file the way GitHub would, on this machine: jobs in the order of their `needs`,
 * `if:` conditions, expressions over the real contexts, matrices, reusable workflow calls, and each
 * step of this repository's actions through the action's real code. Third-party actions are stood in
 * by name; `run:` scripts are not executed (their environment and script are evaluated, so a wrong
 * name in them still fails). Anything GitHub would quietly read as empty (an undeclared output, a job
 * missing from `needs`, an unknown input) fails the run here.
 */

export type Result = 'success' | 'failure' | 'skipped';

export interface StepRecord {
  id: string;
  name: string;
  kind: 'action' | 'stand-in' | 'run';
  uses?: string;
  result: Result;
  outputs: Record<string, string>;
  error?: string;
  note?: string;
  receipt?: string;
  summary?: string;
  /** A run: step's evaluated environment and script. */
  env?: Record<string, string>;
  script?: string;
}

export interface JobRecord {
  /** `<workflow stem>/<job id>`, with the matrix values when there is a matrix. */
  path: string;
  id: string;
  name: string;
  result: Result;
  outputs: Record<string, string>;
  permissions: Record<string, string>;
  environment?: string;
  concurrency?: string;
  steps: StepRecord[];
  /** The jobs of a called reusable workflow. */
  called?: WorkflowRecord;
}

export interface WorkflowRecord {
  file: string;
  name: string;
  event: string;
  result: Result;
  outputs: Record<string, string>;
  jobs: JobRecord[];
}

export interface GitHubValues {
  repository: string;
  server_url: string;
  api_url: string;
  token: string;
  ref?: string;
  sha?: string;
  actor?: string;
  repository_owner?: string;
  run_id?: string;
}

export interface RunOptions {
  /** owner/name of this repository: `uses: <it>/actions/<name>@<ref>` runs `<root>/actions/<name>`. */
  repository: string;
  root: string;
  event: 'workflow_dispatch' | 'workflow_call';
  inputs?: Record<string, Value>;
  secrets?: Record<string, string>;
  vars?: Record<string, string>;
  github: GitHubValues;
  /** Variables the runner machine provides to every step (e.g. the stand-ins' credentials). */
  runnerEnv?: Record<string, string>;
  /** The runner's OIDC endpoint, given to jobs granted `id-token: write`. */
  oidc?: { requestUrl: string; requestToken: string };
  /** Receipts go to `<workDir>/receipts`, artifacts to `<workDir>/artifacts`. */
  workDir: string;
  log?: (line: string) => void;
  /** A job's permissions cannot exceed its caller's. */
  callerPermissions?: Record<string, string>;
}

const CONTEXTS = [
  'github',
  'inputs',
  'env',
  'secrets',
  'vars',
  'needs',
  'steps',
  'matrix',
  'strategy',
  'runner',
  'job',
];

export async function runWorkflow(file: string, options: RunOptions): Promise<WorkflowRecord> {
  const workflow = await loadWorkflow(file);
  return new WorkflowRun(workflow, options).run();
}

class WorkflowRun {
  private readonly inputs: data.Dictionary;
  private readonly secrets: data.Dictionary;
  private readonly jobs = new Map<string, JobRecord>();
  private workflowEnv: Record<string, string> = {};
  private stepCount = 0;

  constructor(
    private readonly workflow: ParsedWorkflow,
    private readonly options: RunOptions,
  ) {
    this.inputs = this.resolveInputs();
    this.secrets = this.resolveSecrets();
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  private where(...parts: string[]): string {
    return [this.workflow.stem, ...parts].join(' ');
  }

  async run(): Promise<WorkflowRecord> {
    const scope = this.scope({}, this.where('env'));
    this.workflowEnv = evaluateMapping(this.workflow.template.env, scope);
    for (const job of orderByNeeds(this.workflow)) {
      const record = await this.runJob(job);
      this.jobs.set(job.id.value, record);
    }
    const records = [...this.jobs.values()];
    const result: Result = records.some((j) => j.result === 'failure') ? 'failure' : 'success';
    return {
      file: this.workflow.file,
      name: this.workflow.name,
      event: this.options.event,
      result,
      outputs: this.workflowOutputs(),
      jobs: records,
    };
  }

  // ---- inputs and secrets -------------------------------------------------------------------

  private resolveInputs(): data.Dictionary {
    const event = this.options.event;
    const declared = literal(field(this.workflow.root, 'on', event, 'inputs')) as
      Record<string, { type?: string; required?: boolean; default?: Value; options?: string[] }> | undefined;
    if (!field(this.workflow.root, 'on', event) && !hasEvent(this.workflow, event)) {
      throw new WorkflowError(`${this.workflow.file}: not triggered by ${event}`);
    }
    const given = this.options.inputs ?? {};
    const defs = declared ?? {};
    for (const name of Object.keys(given)) {
      if (!(name in defs)) {
        throw new WorkflowError(
          `${this.where()}: input "${name}" is not an input of ${event}; inputs: ${Object.keys(defs).join(', ') || 'none'}`,
        );
      }
    }
    const values: Record<string, Value> = {};
    for (const [name, def] of Object.entries(defs)) {
      const raw = given[name] ?? def.default ?? (def.type === 'boolean' ? false : def.type === 'number' ? 0 : '');
      if (def.required && (given[name] === undefined || given[name] === '') && def.default === undefined) {
        throw new WorkflowError(`${this.where()}: input "${name}" is required`);
      }
      values[name] = typed(name, raw, def.type ?? 'string', def.options);
    }
    // An input of the other trigger reads as null, as on GitHub; a name neither declares is an error.
    const other = event === 'workflow_call' ? 'workflow_dispatch' : 'workflow_call';
    for (const name of entries(field(this.workflow.root, 'on', other, 'inputs')).map(([k]) => k)) {
      if (!(name in values)) values[name] = null;
    }
    return strictStrings('inputs', `input of ${this.workflow.stem}`, values);
  }

  private resolveSecrets(): data.Dictionary {
    const given = this.options.secrets ?? {};
    const values: Record<string, Value> = { GITHUB_TOKEN: this.options.github.token };
    if (this.options.event !== 'workflow_call') return toData({ ...given, ...values }) as data.Dictionary;
    const declared = (literal(field(this.workflow.root, 'on', 'workflow_call', 'secrets')) ?? {}) as Record<
      string,
      { required?: boolean } | null
    >;
    for (const name of Object.keys(given)) {
      if (!(name in declared)) {
        throw new WorkflowError(
          `${this.where()}: secret "${name}" is not a secret of workflow_call; secrets: ${Object.keys(declared).join(', ') || 'none'}`,
        );
      }
    }
    for (const [name, def] of Object.entries(declared)) {
      if (def?.required && !given[name]) throw new WorkflowError(`${this.where()}: secret "${name}" is required`);
      values[name] = given[name] ?? '';
    }
    return strictStrings('secrets', `secret of ${this.workflow.stem} (workflow_call)`, values);
  }

  // ---- contexts ----------------------------------------------------------------------------

  private scope(
    extra: Record<string, data.ExpressionData>,
    where: string,
    functions?: Map<string, FunctionDefinition>,
  ): Scope {
    const gh = this.options.github;
    const contexts = new data.Dictionary(
      {
        key: 'github',
        value: toData({ ...gh, repository_owner: gh.repository.split('/')[0]!, event_name: this.options.event }),
      },
      { key: 'inputs', value: this.inputs },
      { key: 'secrets', value: this.secrets },
      { key: 'vars', value: toData(this.options.vars ?? {}) },
      { key: 'runner', value: toData({ os: 'Linux', arch: 'X64', temp: join(this.options.workDir, 'tmp') }) },
      ...Object.entries(extra).map(([key, value]) => ({ key, value })),
    );
    for (const name of CONTEXTS) if (!contexts.get(name)) contexts.add(name, new data.Dictionary());
    return { contexts, functions, where };
  }

  private needsContext(job: WorkflowJob): data.Dictionary {
    const pairs: Record<string, data.ExpressionData> = {};
    for (const need of job.needs ?? []) {
      const record = this.jobs.get(need.value)!;
      pairs[need.value] = new data.Dictionary(
        { key: 'result', value: new data.StringData(record.result) },
        {
          key: 'outputs',
          value: strictStrings(`needs.${need.value}.outputs`, `output of job ${need.value}`, record.outputs),
        },
      );
    }
    return new StrictDictionary('needs', `job in the needs of ${job.id.value}`, pairs);
  }

  private jobsContext(): data.Dictionary {
    const pairs: Record<string, data.ExpressionData> = {};
    for (const [id, record] of this.jobs) {
      pairs[id] = new data.Dictionary(
        { key: 'result', value: new data.StringData(record.result) },
        { key: 'outputs', value: strictStrings(`jobs.${id}.outputs`, `output of job ${id}`, record.outputs) },
      );
    }
    return new StrictDictionary('jobs', `job of ${this.workflow.stem}`, pairs);
  }

  private workflowOutputs(): Record<string, string> {
    if (this.options.event !== 'workflow_call') return {};
    const scope = this.scope({ jobs: this.jobsContext() }, this.where('on.workflow_call.outputs'));
    const result: Record<string, string> = {};
    for (const [name, def] of entries(field(this.workflow.root, 'on', 'workflow_call', 'outputs'))) {
      const value = field(def, 'value');
      result[name] = value ? asText(evaluateToken(value, { ...scope, where: `${scope.where}.${name}` })) : '';
    }
    return result;
  }

  // ---- jobs ---------------------------------------------------------------------------------

  private async runJob(job: WorkflowJob): Promise<JobRecord> {
    const id = job.id.value;
    const needs = (job.needs ?? []).map((n) => this.jobs.get(n.value)!);
    const allSucceeded = needs.every((n) => n.result === 'success');
    const anyFailed = needs.some((n) => n.result === 'failure');
    const needsContext = this.needsContext(job);
    const scope = this.scope(
      { needs: needsContext },
      this.where('job', id, 'if'),
      statusFunctions(allSucceeded, anyFailed),
    );
    const declaredOutputs = entries(job.outputs ?? field(this.workflow.root, 'jobs', id, 'outputs')).map(([k]) => k);
    const base: JobRecord = {
      path: `${this.workflow.stem}/${id}`,
      id,
      name: job.name?.toString() ?? id,
      result: 'skipped',
      outputs: Object.fromEntries(declaredOutputs.map((k) => [k, ''])),
      permissions: this.permissions(id),
      steps: [],
    };
    if (!condition(job.if, scope)) {
      this.log(`- ${base.path}: skipped (if: ${job.if.expression})`);
      return base;
    }
    if (job.type === 'reusableWorkflowJob') return this.callWorkflow(job as ReusableWorkflowJob, base, needsContext);
    return this.runStepsJob(job as Job, base, needsContext);
  }

  private permissions(jobId: string): Record<string, string> {
    const raw = literal(
      field(this.workflow.root, 'jobs', jobId, 'permissions') ?? field(this.workflow.root, 'permissions'),
    );
    const caller = this.options.callerPermissions;
    // Without permissions of its own, a called workflow's job gets what its caller's job has.
    if (raw === undefined && caller) return caller;
    const granted = normalizePermissions(raw);
    if (caller) {
      for (const [scope, level] of Object.entries(granted)) {
        if (rank(level) > rank(caller[scope] ?? 'none')) {
          throw new WorkflowError(
            `${this.where('job', jobId)}: permissions ${scope}: ${level} exceeds the caller's (${caller[scope] ?? 'none'}); a called workflow cannot have more than its caller grants`,
          );
        }
      }
    }
    return granted;
  }

  private async callWorkflow(job: ReusableWorkflowJob, base: JobRecord, needs: data.Dictionary): Promise<JobRecord> {
    const id = job.id.value;
    const uses = job.ref.value;
    const file = this.localWorkflow(uses, id);
    const scope = this.scope({ needs }, this.where('job', id, 'with'), statusFunctions(true, false));
    const inputs = Object.fromEntries(
      entries(job['input-values']).map(([k, v]) => [k, evaluateToken(v, { ...scope, where: `${scope.where}.${k}` })]),
    );
    const secrets = job['inherit-secrets']
      ? Object.fromEntries(
          this.secrets
            .pairs()
            .filter((p) => p.key !== 'GITHUB_TOKEN')
            .map((p) => [p.key, p.value.coerceString()]),
        )
      : evaluateMapping(job['secret-values'], { ...scope, where: this.where('job', id, 'secrets') });
    this.log(`- ${base.path}: calls ${uses}`);
    const called = await runWorkflow(file, {
      ...this.options,
      event: 'workflow_call',
      inputs,
      secrets,
      callerPermissions: base.permissions,
    });
    return { ...base, result: called.result, outputs: called.outputs, called };
  }

  private localWorkflow(uses: string, jobId: string): string {
    const m = /^([^/]+\/[^/]+)\/\.github\/workflows\/([^@/]+\.ya?ml)@(.+)$/.exec(uses);
    if (!m || m[1] !== this.options.repository) {
      throw new WorkflowError(
        `${this.where('job', jobId)}: uses: ${uses}: only ${this.options.repository}/.github/workflows/<file>@<ref> can be called here`,
      );
    }
    return join(this.options.root, '.github', 'workflows', m[2]!);
  }

  private async runStepsJob(job: Job, base: JobRecord, needs: data.Dictionary): Promise<JobRecord> {
    const id = job.id.value;
    const where = this.where('job', id);
    const plain = this.scope({ needs }, where);
    const strategy = job.strategy ? evaluateToken(job.strategy, { ...plain, where: `${where} strategy` }) : null;
    const combos = matrixCombinations(strategy, where);
    const records: JobRecord[] = [];
    for (const [index, matrix] of combos.entries()) {
      const strategy = { 'job-index': index, 'job-total': combos.length };
      records.push(await this.runSteps(job, base, needs, matrix, strategy));
      if (records.at(-1)!.result === 'failure') break;
    }
    const last = records.at(-1)!;
    return records.length === 1 ? last : { ...last, path: base.path, steps: records.flatMap((r) => r.steps) };
  }

  private async runSteps(
    job: Job,
    base: JobRecord,
    needs: data.Dictionary,
    matrix: Record<string, Value> | undefined,
    strategy: Record<string, Value>,
  ): Promise<JobRecord> {
    const id = job.id.value;
    const path = matrix ? `${base.path} (${Object.values(matrix).map(asText).join(', ')})` : base.path;
    const where = this.where('job', matrix ? `${id}(${Object.values(matrix).map(asText).join(',')})` : id);
    const matrixData = matrix ? strictStrings('matrix', 'matrix value', matrix) : new data.Dictionary();
    const jobScope = (
      extra: Record<string, data.ExpressionData>,
      at: string,
      fns?: Map<string, FunctionDefinition>,
    ): Scope => this.scope({ needs, matrix: matrixData, strategy: toData(strategy), ...extra }, `${where} ${at}`, fns);

    const environment = job.environment
      ? asText(evaluateToken(field(job.environment, 'name') ?? job.environment, jobScope({}, 'environment')))
      : undefined;
    const concurrencyToken = job.concurrency ?? this.workflow.template.concurrency;
    const concurrency = concurrencyToken
      ? asText(evaluateToken(field(concurrencyToken, 'group') ?? concurrencyToken, jobScope({}, 'concurrency')))
      : undefined;
    let env = { ...this.workflowEnv, ...evaluateMapping(job.env, jobScope({ env: toData(this.workflowEnv) }, 'env')) };
    this.log(`- ${path}${environment ? ` [environment ${environment}]` : ''}`);

    const steps = new Map<string, { record: StepRecord; declared: string[] | null }>();
    const records: StepRecord[] = [];
    let failed = false;
    const rawSteps = field(this.workflow.root, 'jobs', id, 'steps');
    for (const [index, step] of job.steps.entries()) {
      const raw = rawSteps && isSequence(rawSteps) ? rawSteps.get(index) : undefined;
      const at = `step ${step.id.startsWith('__') ? index + 1 : step.id}`;
      const stepsContext = this.stepsContext(steps, id);
      const scope = jobScope({ steps: stepsContext, env: toData(env) }, at, statusFunctions(!failed, failed));
      const { record, declared, exportEnv } = await this.runStep(step, raw, scope, {
        env,
        environment,
        permissions: base.permissions,
        jobPath: path,
      });
      records.push(record);
      steps.set(step.id, { record, declared });
      env = { ...env, ...exportEnv };
      const continueOnError = step['continue-on-error'] === true;
      if (record.result === 'failure' && !continueOnError) failed = true;
      this.log(
        `    ${record.result === 'success' ? 'ok' : record.result.padEnd(7)} ${record.name}${record.error ? `: ${record.error}` : ''}`,
      );
    }
    const outputScope = jobScope({ steps: this.stepsContext(steps, id), env: toData(env) }, 'outputs');
    const outputs = { ...base.outputs, ...evaluateMapping(job.outputs, outputScope) };
    return {
      ...base,
      path,
      result: failed ? 'failure' : 'success',
      outputs,
      environment,
      concurrency,
      steps: records,
    };
  }

  private stepsContext(
    steps: Map<string, { record: StepRecord; declared: string[] | null }>,
    jobId: string,
  ): data.Dictionary {
    const pairs: Record<string, data.ExpressionData> = {};
    for (const [id, { record, declared }] of steps) {
      if (id.startsWith('__')) continue;
      const holds =
        record.kind === 'run'
          ? `output of step ${id} (a run: step, not executed by the rehearsal)`
          : `output of step ${id} (${record.uses})`;
      // An action missing from this checkout has already failed its step, loudly; its outputs read empty.
      const outputs = declared
        ? strictStrings(
            `steps.${id}.outputs`,
            holds,
            Object.fromEntries(declared.map((k) => [k, record.outputs[k] ?? ''])),
          )
        : new data.Dictionary();
      pairs[id] = new data.Dictionary(
        { key: 'outputs', value: outputs },
        { key: 'outcome', value: new data.StringData(record.result) },
        { key: 'conclusion', value: new data.StringData(record.result) },
      );
    }
    return new StrictDictionary('steps', `step before this one in job ${jobId}`, pairs);
  }

  private async runStep(
    step: Step,
    raw: TemplateToken | undefined,
    scope: Scope,
    job: { env: Record<string, string>; environment?: string; permissions: Record<string, string>; jobPath: string },
  ): Promise<{ record: StepRecord; declared: string[] | null; exportEnv?: Record<string, string> }> {
    const name = step.name?.toString() ?? ('uses' in step ? step.uses.value : step.id);
    const uses = 'uses' in step ? step.uses.value : undefined;
    const kind: StepRecord['kind'] = uses === undefined ? 'run' : this.isOwnAction(uses) ? 'action' : 'stand-in';
    const declared = uses === undefined ? [] : this.declaredOutputs(uses);
    const skipped: StepRecord = { id: step.id, name, kind, uses, result: 'skipped', outputs: {} };
    if (!('if' in step) || !condition(step.if, scope)) return { record: skipped, declared };

    const plain: Scope = { ...scope, functions: undefined };
    const stepEnv = {
      ...job.env,
      ...evaluateMapping('env' in step ? step.env : undefined, { ...plain, where: `${scope.where} env` }),
    };
    const withInputs = evaluateMapping(field(raw, 'with'), { ...plain, where: `${scope.where} with` });
    if (kind === 'run') {
      const script = asText(
        evaluateToken((step as { run: TemplateToken }).run, { ...plain, where: `${scope.where} run` }),
      );
      return {
        record: {
          ...skipped,
          result: 'success',
          env: evaluateMapping('env' in step ? step.env : undefined, plain),
          script,
          note: 'run: not executed',
        },
        declared,
      };
    }
    if (kind === 'stand-in') {
      try {
        const result = standInFor(uses!).run({
          with: withInputs,
          permissions: job.permissions,
          runnerEnv: this.options.runnerEnv ?? {},
          artifactsDir: join(this.options.workDir, 'artifacts'),
          workspace: join(this.options.workDir, 'workspace'),
        });
        return {
          record: { ...skipped, result: 'success', outputs: result.outputs ?? {}, note: result.note },
          declared,
          exportEnv: result.exportEnv,
        };
      } catch (e) {
        if (e instanceof WorkflowError && /no stand-in/.test(e.message)) throw e;
        return {
          record: { ...skipped, result: 'failure', error: e instanceof Error ? e.message : String(e) },
          declared,
        };
      }
    }
    const action = this.actionName(uses!);
    if (declared === null) {
      const error = `action ${action} is not in this checkout (no actions/${action}/action.yml and src/main.ts): it has not landed yet`;
      return { record: { ...skipped, result: 'failure', error }, declared };
    }
    const n = ++this.stepCount;
    const result = await runActionStep({
      name: action,
      actionDir: join(this.options.root, 'actions', action),
      with: withInputs,
      env: { ...this.runnerVariables(job.permissions), ...stepEnv },
      context: this.options.github,
      stepDir: join(this.options.workDir, 'steps', `${String(n).padStart(3, '0')}-${action}`),
      reportDir: join(this.options.workDir, 'receipts'),
    });
    return {
      record: {
        ...skipped,
        result: result.error ? 'failure' : 'success',
        outputs: result.outputs,
        error: result.error,
        receipt: result.receipt,
        summary: result.summary,
      },
      declared,
    };
  }

  /** The variables a runner sets for every step, and the OIDC endpoint when the job may ask for a token. */
  private runnerVariables(permissions: Record<string, string>): Record<string, string> {
    const gh = this.options.github;
    const vars: Record<string, string> = {
      ...this.options.runnerEnv,
      GITHUB_ACTIONS: 'true',
      GITHUB_REPOSITORY: gh.repository,
      GITHUB_SERVER_URL: gh.server_url,
      GITHUB_API_URL: gh.api_url,
      GITHUB_EVENT_NAME: this.options.event,
      RUNNER_TEMP: join(this.options.workDir, 'tmp'),
    };
    mkdirSync(vars['RUNNER_TEMP']!, { recursive: true });
    if (permissions['id-token'] === 'write' && this.options.oidc) {
      vars['ACTIONS_ID_TOKEN_REQUEST_URL'] = this.options.oidc.requestUrl;
      vars['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] = this.options.oidc.requestToken;
    }
    return vars;
  }

  private isOwnAction(uses: string): boolean {
    if (uses.startsWith('./')) {
      throw new WorkflowError(
        `uses: ${uses}: a relative path resolves against the caller's workspace; use ${this.options.repository}/${uses.slice(2)}@<ref>`,
      );
    }
    return uses.startsWith(`${this.options.repository}/actions/`);
  }

  private actionName(uses: string): string {
    const m = /^[^/]+\/[^/]+\/actions\/([^@/]+)@.+$/.exec(uses);
    if (!m) throw new WorkflowError(`uses: ${uses}: expected ${this.options.repository}/actions/<name>@<ref>`);
    return m[1]!;
  }

  /** The outputs a step may be read for; null for an action not in this checkout. */
  private declaredOutputs(uses: string): string[] | null {
    if (!this.isOwnAction(uses)) return standInFor(uses).outputs;
    const dir = join(this.options.root, 'actions', this.actionName(uses));
    if (!actionExists(dir)) return null;
    return [...Object.keys(actionMetadata(dir).outputs), 'report'];
  }
}

function hasEvent(workflow: ParsedWorkflow, event: string): boolean {
  return event in workflow.template.events;
}

function typed(name: string, raw: Value, type: string, options?: string[]): Value {
  if (type === 'boolean') {
    if (typeof raw === 'boolean') return raw;
    if (raw === 'true' || raw === 'false') return raw === 'true';
    throw new WorkflowError(`input "${name}": expected true or false, got ${JSON.stringify(raw)}`);
  }
  if (type === 'number') {
    const n = Number(raw);
    if (Number.isNaN(n)) throw new WorkflowError(`input "${name}": expected a number, got ${JSON.stringify(raw)}`);
    return n;
  }
  const text = asText(raw);
  if (type === 'choice' && options && !options.includes(text)) {
    throw new WorkflowError(`input "${name}": expected one of ${options.join(', ')}, got ${JSON.stringify(text)}`);
  }
  return text;
}

/** Jobs in an order where every job comes after the jobs it needs (file order otherwise). */
export function orderByNeeds(workflow: ParsedWorkflow): WorkflowJob[] {
  const byId = new Map(workflow.template.jobs.map((j) => [j.id.value, j]));
  const done = new Set<string>();
  const ordered: WorkflowJob[] = [];
  const visit = (job: WorkflowJob, path: string[]): void => {
    const id = job.id.value;
    if (done.has(id)) return;
    if (path.includes(id))
      throw new WorkflowError(`${workflow.file}: jobs need each other: ${[...path, id].join(' -> ')}`);
    for (const need of job.needs ?? []) {
      const needed = byId.get(need.value);
      if (!needed) throw new WorkflowError(`${workflow.file}: job ${id} needs ${need.value}, which is not a job`);
      visit(needed, [...path, id]);
    }
    done.add(id);
    ordered.push(job);
  };
  for (const job of workflow.template.jobs) visit(job, []);
  return ordered;
}

function matrixCombinations(strategy: Value, where: string): Array<Record<string, Value> | undefined> {
  const matrix = strategy && typeof strategy === 'object' && !Array.isArray(strategy) ? strategy['matrix'] : undefined;
  if (matrix === undefined || matrix === null) return [undefined];
  if (typeof matrix !== 'object' || Array.isArray(matrix))
    throw new WorkflowError(`${where}: strategy.matrix must be a mapping`);
  let combos: Array<Record<string, Value>> = [{}];
  for (const [key, values] of Object.entries(matrix)) {
    if (key === 'include' || key === 'exclude')
      throw new WorkflowError(`${where}: strategy.matrix.${key} is not supported by this runner`);
    if (!Array.isArray(values)) throw new WorkflowError(`${where}: strategy.matrix.${key} must be a list`);
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  }
  if (combos.length === 0 || Object.keys(combos[0]!).length === 0)
    throw new WorkflowError(`${where}: the matrix is empty`);
  return combos;
}

const LEVELS = ['none', 'read', 'write'];
function rank(level: string): number {
  return LEVELS.indexOf(level);
}

const ALL_SCOPES = [
  'actions',
  'attestations',
  'checks',
  'contents',
  'deployments',
  'discussions',
  'id-token',
  'issues',
  'packages',
  'pages',
  'pull-requests',
  'repository-projects',
  'security-events',
  'statuses',
];

function normalizePermissions(raw: unknown): Record<string, string> {
  if (raw === 'read-all') return Object.fromEntries(ALL_SCOPES.map((s) => [s, 'read']));
  if (raw === 'write-all' || raw === undefined || raw === null)
    return Object.fromEntries(ALL_SCOPES.map((s) => [s, 'write']));
  return raw as Record<string, string>;
}
