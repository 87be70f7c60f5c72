import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runWorkflow, type RunOptions, type WorkflowRecord } from './runner.js';

const FIXTURE_ACTIONS = fileURLToPath(new URL('./fixtures/actions', import.meta.url));
const REPO = 'acme/release-actions';
const ECHO = `${REPO}/actions/echo@main`;

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'workflow-runner-'));
  mkdirSync(join(root, '.github', 'workflows'), { recursive: true });
  symlinkSync(FIXTURE_ACTIONS, join(root, 'actions'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function workflow(name: string, text: string): string {
  const file = join(root, '.github', 'workflows', name);
  writeFileSync(file, text);
  return file;
}

function options(extra: Partial<RunOptions> = {}): RunOptions {
  return {
    repository: REPO,
    root,
    event: 'workflow_call',
    github: { repository: 'acme/app', server_url: 'http://git', api_url: 'http://api', token: 'ghs_test' },
    workDir: join(root, 'work'),
    ...extra,
  };
}

const steps = (r: WorkflowRecord, job: string): string[] =>
  r.jobs.find((j) => j.id === job)!.steps.map((s) => `${s.name}: ${s.result}`);

test('jobs run in the order of their needs; outputs travel from a step to the job, to needs, and out of the workflow', async () => {
  const file = workflow(
    'chain.yml',
    `on:
  workflow_call:
    inputs:
      word: { type: string, required: true }
    outputs:
      final:
        value: \${{ jobs.second.outputs.said }}
jobs:
  second:
    needs: first
    runs-on: ubuntu-latest
    outputs:
      said: \${{ steps.say.outputs.echoed }}
    steps:
      - id: say
        uses: ${ECHO}
        with:
          message: \${{ format('{0} again', needs.first.outputs.said) }}
  first:
    runs-on: ubuntu-latest
    outputs:
      said: \${{ steps.say.outputs.echoed }}
      token-length: \${{ steps.say.outputs.token-length }}
    steps:
      - id: say
        uses: ${ECHO}
        with:
          message: \${{ inputs.word }}
`,
  );
  const run = await runWorkflow(file, options({ inputs: { word: 'hello' } }));
  expect(run.result).toBe('success');
  expect(run.jobs.map((j) => j.id)).toEqual(['first', 'second']);
  expect(run.jobs[0]!.outputs).toEqual({ said: 'hello', 'token-length': String('ghs_test'.length) });
  expect(run.outputs).toEqual({ final: 'hello again' });
  const receipts = readdirSync(join(root, 'work', 'receipts'));
  expect(receipts).toHaveLength(2);
  const receipt = JSON.parse(readFileSync(join(root, 'work', 'receipts', receipts[0]!), 'utf8')) as { action: string };
  expect(receipt.action).toBe('echo');
});

test('a wrong step output name fails, naming the outputs the action declares', async () => {
  const file = workflow(
    'typo.yml',
    `on: workflow_call
jobs:
  one:
    runs-on: ubuntu-latest
    outputs:
      said: \${{ steps.say.outputs.echo }}
    steps:
      - id: say
        uses: ${ECHO}
        with: { message: hi }
`,
  );
  await expect(runWorkflow(file, options())).rejects.toThrow(
    /steps\.say\.outputs\.echo: no such output of step say \(acme\/release-actions\/actions\/echo@main\); known: echoed, token-length, report/,
  );
});

test('a wrong job output name in needs fails, naming the job outputs', async () => {
  const file = workflow(
    'needs-typo.yml',
    `on: workflow_call
jobs:
  gate:
    runs-on: ubuntu-latest
    outputs:
      green: \${{ steps.say.outputs.echoed }}
    steps:
      - id: say
        uses: ${ECHO}
        with: { message: 'true' }
  cut:
    needs: gate
    if: needs.gate.outputs.greeen == 'true'
    runs-on: ubuntu-latest
    steps:
      - uses: ${ECHO}
        with: { message: cut }
`,
  );
  await expect(runWorkflow(file, options())).rejects.toThrow(
    /job cut if: .*needs\.gate\.outputs\.greeen: no such output of job gate; known: green/,
  );
});

test('reading a job that is not in needs fails, even though GitHub would read it as empty', async () => {
  const file = workflow(
    'missing-needs.yml',
    `on: workflow_call
jobs:
  gate:
    runs-on: ubuntu-latest
    outputs:
      green: \${{ steps.say.outputs.echoed }}
    steps:
      - id: say
        uses: ${ECHO}
        with: { message: 'true' }
  cut:
    runs-on: ubuntu-latest
    steps:
      - uses: ${ECHO}
        with:
          message: \${{ needs.gate.outputs.green }}
`,
  );
  await expect(runWorkflow(file, options())).rejects.toThrow(
    /needs\.gate: no such job in the needs of cut; there are none/,
  );
});

test('an if: that does not parse fails before anything runs', async () => {
  const file = workflow(
    'bad-if.yml',
    `on: workflow_call
jobs:
  one:
    runs-on: ubuntu-latest
    steps:
      - if: \${{ inputs.skip = true }}
        uses: ${ECHO}
        with: { message: hi }
`,
  );
  await expect(runWorkflow(file, options())).rejects.toThrow(/bad-if\.yml/);
  expect(() => readdirSync(join(root, 'work', 'receipts'))).toThrow();
});

test('an if: on an input the workflow does not take fails, naming its inputs', async () => {
  const file = workflow(
    'unknown-input.yml',
    `on:
  workflow_call:
    inputs:
      skip-gate: { type: boolean, default: false }
jobs:
  gate:
    if: \${{ !inputs.skip_gate }}
    runs-on: ubuntu-latest
    steps:
      - uses: ${ECHO}
        with: { message: hi }
`,
  );
  await expect(runWorkflow(file, options())).rejects.toThrow(
    /inputs\.skip_gate: no such input of unknown-input; known: skip-gate/,
  );
});

test('a failed step fails its job, skips the jobs that need it, and if: always() steps still run', async () => {
  const file = workflow(
    'failure.yml',
    `on: workflow_call
jobs:
  one:
    runs-on: ubuntu-latest
    steps:
      - name: boom
        uses: ${ECHO}
        with: { message: boom, fail: true }
      - name: after
        uses: ${ECHO}
        with: { message: after }
      - name: receipts
        if: always()
        uses: actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02
        with: { name: receipts, path: nothing-here }
  two:
    needs: one
    runs-on: ubuntu-latest
    steps:
      - uses: ${ECHO}
        with: { message: two }
  report:
    needs: [one, two]
    if: always() && needs.one.result == 'failure'
    runs-on: ubuntu-latest
    steps:
      - name: told
        uses: ${ECHO}
        with:
          message: \${{ needs.two.result }}
`,
  );
  const run = await runWorkflow(file, options());
  expect(run.result).toBe('failure');
  expect(steps(run, 'one')).toEqual(['boom: failure', 'after: skipped', 'receipts: success']);
  expect(run.jobs.find((j) => j.id === 'one')!.steps[0]!.error).toBe('told to fail: boom');
  expect(run.jobs.find((j) => j.id === 'two')!.result).toBe('skipped');
  const report = run.jobs.find((j) => j.id === 'report')!;
  expect([report.result, report.steps[0]!.outputs['echoed']]).toEqual(['success', 'skipped']);
});

test('third-party steps are stood in by name; an unknown one is refused; AWS through OIDC needs id-token: write', async () => {
  const aws = (permissions: string): string => `on: workflow_call
jobs:
  promote:
    runs-on: ubuntu-latest
    permissions:
${permissions}
    steps:
      - uses: aws-actions/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502
        with: { role-to-assume: 'arn:aws:iam::1:role/promote', aws-region: us-east-1 }
      - id: say
        uses: ${ECHO}
        with: { message: hi }
`;
  const ok = await runWorkflow(
    workflow('aws.yml', aws('      id-token: write\n      contents: read')),
    options({ runnerEnv: { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' } }),
  );
  expect(ok.result).toBe('success');
  expect(ok.jobs[0]!.steps.map((s) => s.kind)).toEqual(['stand-in', 'action']);
  expect(ok.jobs[0]!.steps[0]!.note).toMatch(/assumed arn:aws:iam::1:role\/promote in us-east-1/);
  const receipt = JSON.parse(readFileSync(ok.jobs[0]!.steps[1]!.receipt!, 'utf8')) as { notes: string[] };
  expect(receipt.notes).toContain('echoed hi; AWS_REGION=us-east-1');

  const denied = await runWorkflow(workflow('aws-denied.yml', aws('      contents: read')), options());
  expect(denied.jobs[0]!.steps[0]!.error).toMatch(/needs "permissions: id-token: write"/);
  expect(denied.result).toBe('failure');

  const unknown = workflow(
    'unknown.yml',
    `on: workflow_call
jobs:
  one:
    runs-on: ubuntu-latest
    steps:
      - uses: someone/something@v1
`,
  );
  await expect(runWorkflow(unknown, options())).rejects.toThrow(/uses: someone\/something@v1: no stand-in/);
});

test('run: steps are evaluated, not executed; their outputs cannot be read', async () => {
  const file = workflow(
    'run.yml',
    `on:
  workflow_call:
    inputs:
      version: { type: string, required: true }
jobs:
  one:
    runs-on: ubuntu-latest
    steps:
      - id: script
        env:
          VERSION: \${{ inputs.version }}
        run: echo "$VERSION"
      - uses: ${ECHO}
        with:
          message: \${{ steps.script.outputs.anything }}
`,
  );
  await expect(runWorkflow(file, options({ inputs: { version: '2.6.0' } }))).rejects.toThrow(
    /steps\.script\.outputs\.anything: no such output of step script \(a run: step, not executed by the rehearsal\)/,
  );
});

test("a relative uses: is refused: inside a called workflow it resolves against the caller's workspace", async () => {
  const file = workflow(
    'relative.yml',
    `on: workflow_call
jobs:
  one:
    runs-on: ubuntu-latest
    steps:
      - uses: ./actions/echo
        with: { message: hi }
`,
  );
  await expect(runWorkflow(file, options())).rejects.toThrow(/relative path resolves against the caller's workspace/);
});

test('inputs are checked: an unknown workflow input, a missing required one, an unknown action input', async () => {
  const file = workflow(
    'inputs.yml',
    `on:
  workflow_call:
    inputs:
      version: { type: string, required: true }
jobs:
  one:
    runs-on: ubuntu-latest
    steps:
      - uses: ${ECHO}
        with:
          message: \${{ inputs.version }}
          mesage: typo
`,
  );
  await expect(runWorkflow(file, options({ inputs: { versoin: '1' } }))).rejects.toThrow(
    /input "versoin" is not an input of workflow_call; inputs: version/,
  );
  await expect(runWorkflow(file, options())).rejects.toThrow(/input "version" is required/);
  await expect(runWorkflow(file, options({ inputs: { version: '1' } }))).rejects.toThrow(
    /unknown input mesage for Echo/,
  );
});

test('a called workflow runs as a job of its caller and cannot take more permissions than the caller grants', async () => {
  workflow(
    'called.yml',
    `on:
  workflow_call:
    inputs:
      word: { type: string, required: true }
    secrets:
      TOKEN: { required: true }
    outputs:
      said: { value: '\${{ jobs.say.outputs.said }}' }
jobs:
  say:
    runs-on: ubuntu-latest
    permissions:
      contents: write
    outputs:
      said: \${{ steps.say.outputs.echoed }}
    steps:
      - id: say
        uses: ${ECHO}
        with:
          message: \${{ inputs.word }}
          token: \${{ secrets.TOKEN }}
`,
  );
  const caller = (permission: string): string =>
    workflow(
      'caller.yml',
      `on: workflow_dispatch
jobs:
  call:
    permissions:
      contents: ${permission}
    uses: ${REPO}/.github/workflows/called.yml@main
    with: { word: called }
    secrets:
      TOKEN: \${{ secrets.RELEASE_TOKEN }}
  after:
    needs: call
    runs-on: ubuntu-latest
    steps:
      - uses: ${ECHO}
        with:
          message: \${{ needs.call.outputs.said }}
`,
    );
  const run = await runWorkflow(
    caller('write'),
    options({ event: 'workflow_dispatch', secrets: { RELEASE_TOKEN: 'ghp_release' } }),
  );
  expect(run.result).toBe('success');
  expect(run.jobs[0]!.called!.jobs[0]!.steps[0]!.outputs['token-length']).toBe(String('ghp_release'.length));
  expect(run.jobs[1]!.steps[0]!.outputs['echoed']).toBe('called');

  const readOnly = options({ event: 'workflow_dispatch', secrets: { RELEASE_TOKEN: 'ghp_release' } });
  await expect(runWorkflow(caller('read'), readOnly)).rejects.toThrow(
    /permissions contents: write exceeds the caller's \(read\)/,
  );
});

test('an action missing from this checkout fails its step, saying so, and the jobs that need it are skipped', async () => {
  const file = workflow(
    'missing.yml',
    `on: workflow_call
jobs:
  gate:
    runs-on: ubuntu-latest
    outputs:
      green: \${{ steps.nightlies.outputs.green }}
    steps:
      - id: nightlies
        uses: ${REPO}/actions/not-landed@main
      - if: always()
        uses: actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02
        with:
          name: gate
          path: \${{ steps.nightlies.outputs.report }}
  cut:
    needs: gate
    runs-on: ubuntu-latest
    steps:
      - uses: ${ECHO}
        with: { message: cut }
`,
  );
  const run = await runWorkflow(file, options());
  expect(run.result).toBe('failure');
  expect(run.jobs[0]!.steps[0]!.error).toBe(
    'action not-landed is not in this checkout (no actions/not-landed/action.yml and src/main.ts): it has not landed yet',
  );
  expect(steps(run, 'gate')).toEqual([
    `${REPO}/actions/not-landed@main: failure`,
    'actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02: success',
  ]);
  expect(run.jobs[1]!.result).toBe('skipped');
});
