import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readActionMetadata } from '@release-actions/core/runtime/action-metadata';
import { ACTIONS_DIR, REPO_ROOT } from '../run-action.js';
import { loadWorkflow, type ParsedWorkflow } from './parse.js';
import {
  broadPermissions,
  callerProblems,
  concurrencyProblems,
  expressionsInRun,
  isCallable,
  relativeUses,
  staleDefaults,
  unpinnedActions,
  uploadsNotAlways,
} from './policy.js';

const WORKFLOWS = join(REPO_ROOT, '.github', 'workflows');
const EXAMPLES = join(REPO_ROOT, 'examples');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

const files = [...yamlFiles(WORKFLOWS), ...yamlFiles(EXAMPLES)];
let all: ParsedWorkflow[];
beforeAll(async () => {
  // Loading is the schema check: GitHub's parser refuses a workflow its schema does not allow.
  all = await Promise.all(files.map((f) => loadWorkflow(f)));
});
const release = (): ParsedWorkflow[] => all.filter((w) => w.stem !== 'ci');

async function parse(text: string): Promise<ParsedWorkflow> {
  const dir = mkdtempSync(join(tmpdir(), 'policy-'));
  try {
    writeFileSync(join(dir, 'bad.yml'), text);
    return await loadWorkflow(join(dir, 'bad.yml'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const BAD = `on:
  workflow_call:
    inputs:
      version: { type: string, required: true }
concurrency:
  group: deploy
  cancel-in-progress: true
jobs:
  cut:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: ./actions/cut-branch
      - run: echo "\${{ inputs.version }}"
      - uses: actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02
        with: { name: receipts, path: receipts }
`;

test('every workflow and example parses against the workflow schema, and the reusable ones are all there', () => {
  expect(all.map((w) => w.stem).sort()).toEqual(
    [
      'ci',
      'patch-release',
      'release',
      'release',
      'release-branch-cut',
      'release-candidate',
      'release-day',
      'release-domain-branch-cut',
      'release-promote',
      'release-pypi',
      'release-pypi',
    ].sort(),
  );
  const callable = all.filter(isCallable).map((w) => w.stem);
  expect(callable.sort()).toEqual(
    [
      'patch-release',
      'release-branch-cut',
      'release-candidate',
      'release-day',
      'release-domain-branch-cut',
      'release-promote',
    ].sort(),
  );
  for (const w of all.filter(isCallable))
    expect([w.stem, 'workflow_dispatch' in w.template.events]).toEqual([w.stem, true]);
});

test('no workflow interpolates an input (or anything else) inside run:', async () => {
  expect(all.flatMap(expressionsInRun)).toEqual([]);
  expect(expressionsInRun(await parse(BAD))).toEqual([
    'bad: job cut step 3: ${{ }} inside run: (pass it through env:)',
  ]);
});

test('a callable workflow has no relative uses:', async () => {
  expect(all.flatMap(relativeUses)).toEqual([]);
  expect(relativeUses(await parse(BAD))).toEqual(['bad: job cut step 2: relative uses: ./actions/cut-branch']);
});

test('third-party actions are pinned by commit sha', async () => {
  expect(all.flatMap(unpinnedActions)).toEqual([]);
  expect(unpinnedActions(await parse(BAD))).toEqual(['bad: actions/checkout@v4 is not pinned by commit sha']);
});

test('release workflows grant nothing at the top and say what each job may do', async () => {
  expect(release().flatMap(broadPermissions)).toEqual([]);
  expect(broadPermissions(await parse(BAD))).toEqual([
    'bad: the workflow must grant nothing (permissions: {})',
    'bad: job cut declares no permissions',
  ]);
});

test('receipts are uploaded with if: always()', async () => {
  expect(all.flatMap(uploadsNotAlways)).toEqual([]);
  expect(uploadsNotAlways(await parse(BAD))).toEqual(['bad: job cut step 4: upload-artifact without if: always()']);
});

test('each reusable workflow queues per release and never cancels a run in progress', async () => {
  expect(all.filter(isCallable).flatMap(concurrencyProblems)).toEqual([]);
  expect(concurrencyProblems(await parse(BAD))).toEqual([
    'bad: concurrency group deploy is not release-<version>',
    'bad: concurrency must say cancel-in-progress: false',
  ]);
});

test('every caller gives the called workflow its inputs and secrets, and at least the permissions its jobs ask for', async () => {
  const byFile = (file: string): ParsedWorkflow => all.find((w) => w.file === join(WORKFLOWS, file))!;
  const callers = all.filter((w) => /uses: pytorch\/release-actions\/\.github/.test(readFileSync(w.file, 'utf8')));
  expect(callers.map((w) => w.stem).sort()).toEqual(['patch-release', 'release', 'release']);
  expect(callers.flatMap((w) => callerProblems(w, byFile))).toEqual([]);

  const bad = await parse(`on: workflow_dispatch
permissions: {}
jobs:
  rc:
    permissions:
      contents: read
    uses: pytorch/release-actions/.github/workflows/release-candidate.yml@main
    with:
      version: 2.6.0
      dryrun: false
`);
  expect(callerProblems(bad, byFile)).toEqual([
    'bad: job rc -> release-candidate.yml: inputs dryrun is not declared',
    'bad: job rc -> release-candidate.yml: required inputs release-branch is not given',
    'bad: job rc -> release-candidate.yml: required secrets RELEASE_TOKEN is not given',
    'bad: job rc -> release-candidate.yml: job milestone needs issues: read, the caller grants none',
    'bad: job rc -> release-candidate.yml: job milestone needs pull-requests: read, the caller grants none',
    'bad: job rc -> release-candidate.yml: job builds needs actions: read, the caller grants none',
  ]);
});

test("a workflow input passed through to an action's input defaults to what the action does", async () => {
  const actionInputs = (action: string) => readActionMetadata(join(ACTIONS_DIR, action)).inputs;
  // Where a workflow means something else than the action alone, on purpose:
  expect(all.flatMap((w) => staleDefaults(w, actionInputs))).toEqual([
    // a patch release is tracked in an issue of its own, which the workflow opens;
    'patch-release: input tracker-issue defaults to "create", verify-milestone-fixes\'s tracker-issue to ""',
    // a release candidate waits for the builds its tag starts.
    'release-candidate: input build-wait defaults to "6h", check-nightlies\'s wait to "0"',
  ]);
  const stale = await parse(`on:
  workflow_call:
    inputs:
      variants: { type: string, default: "linux_x86_64=cu126" }
      dry-run: { type: boolean, default: true }
jobs:
  pypi:
    runs-on: ubuntu-latest
    steps:
      - uses: pytorch/release-actions/actions/promote-pypi@main
        with:
          packages: torch=2.6.0
          variants: \${{ inputs.variants }}
          dry-run: \${{ inputs.dry-run }}
`);
  expect(staleDefaults(stale, actionInputs)).toEqual([
    `bad: input variants defaults to "linux_x86_64=cu126", promote-pypi's variants to ${JSON.stringify(actionInputs('promote-pypi')['variants']!.default!.trim())}`,
  ]);
});
