import { ConfigurationError } from '../runtime/errors.js';
import {
  checkRepoPath,
  expandPlaceholders,
  isPinnedPath,
  pinWorkflowContent,
  releaseEdits,
  editRows,
  renderEdits,
} from './pins.js';

const opts = { branch: 'release/2.6', repositories: ['pytorch/test-infra', 'pytorch/pytorch'] };

// Trimmed from pytorch/pytorch's .github/workflows/_linux-build.yml.
const LINUX_BUILD = `name: linux-build

on:
  workflow_call:
    inputs:
      test-infra-repository:
        required: false
        type: string
        default: "pytorch/test-infra"
        description: "Test infra repository to use. Used for testing"
      test-infra-ref:
        required: false
        type: string
        default: "main"
        description: "Test infra reference to use. Used for testing"
      sync-tag:
        required: false
        type: string
        default: "main"

jobs:
  build:
    runs-on: linux.2xlarge
    steps:
      - name: Setup SSH (Click me for login details)
        uses: pytorch/test-infra/.github/actions/setup-ssh@main
        with:
          github-secret: \${{ secrets.GITHUB_TOKEN }}

      - name: Checkout PyTorch
        uses: pytorch/pytorch/.github/actions/checkout-pytorch@main

      - name: Checkout something else
        uses: actions/checkout@main

      - name: Pull docker image
        uses: pytorch/test-infra/.github/actions/pull-docker-image@main  # keep in sync
        with:
          docker-image: \${{ steps.calculate-docker-image.outputs.docker-image }}
`;

test('@main references to the pinned repositories move to the release branch; third-party ones stay', () => {
  const out = pinWorkflowContent(LINUX_BUILD, opts);
  expect(out).toContain('uses: pytorch/test-infra/.github/actions/setup-ssh@release/2.6\n');
  expect(out).toContain('uses: pytorch/pytorch/.github/actions/checkout-pytorch@release/2.6\n');
  expect(out).toContain('uses: pytorch/test-infra/.github/actions/pull-docker-image@release/2.6  # keep in sync\n');
  expect(out).toContain('uses: actions/checkout@main\n');
});

test('the default of a test-infra-ref input moves; other inputs defaulting to main do not', () => {
  const out = pinWorkflowContent(LINUX_BUILD, opts);
  const changed = LINUX_BUILD.split('\n')
    .map((line, i) => [line, out.split('\n')[i]])
    .filter(([a, b]) => a !== b);
  expect(changed).toEqual([
    ['        default: "main"', '        default: "release/2.6"'],
    [
      '        uses: pytorch/test-infra/.github/actions/setup-ssh@main',
      '        uses: pytorch/test-infra/.github/actions/setup-ssh@release/2.6',
    ],
    [
      '        uses: pytorch/pytorch/.github/actions/checkout-pytorch@main',
      '        uses: pytorch/pytorch/.github/actions/checkout-pytorch@release/2.6',
    ],
    [
      '        uses: pytorch/test-infra/.github/actions/pull-docker-image@main  # keep in sync',
      '        uses: pytorch/test-infra/.github/actions/pull-docker-image@release/2.6  # keep in sync',
    ],
  ]);
  // The changed default is the one inside test-infra-ref (line 14), not sync-tag's.
  expect(out.split('\n')[13]).toBe('        default: "release/2.6"');
  expect(out.split('\n')[18]).toBe('        default: "main"');
});

test('test-infra-ref: main values move in any quoting; a workflow_dispatch input default without quotes too', () => {
  const lint = `jobs:
  lintrunner-clang:
    uses: pytorch/test-infra/.github/workflows/linux_job_v2.yml@main
    with:
      timeout: 120
      test-infra-ref: main
  quick-checks:
    uses: pytorch/test-infra/.github/workflows/linux_job_v2.yml@main
    with:
      test-infra-ref: 'main'
      ref: main
      script: |
        echo "@main stays in scripts that do not name the repository"
`;
  expect(pinWorkflowContent(lint, opts)).toBe(`jobs:
  lintrunner-clang:
    uses: pytorch/test-infra/.github/workflows/linux_job_v2.yml@release/2.6
    with:
      timeout: 120
      test-infra-ref: release/2.6
  quick-checks:
    uses: pytorch/test-infra/.github/workflows/linux_job_v2.yml@release/2.6
    with:
      test-infra-ref: 'release/2.6'
      ref: main
      script: |
        echo "@main stays in scripts that do not name the repository"
`);
  const dispatch = `on:
  workflow_dispatch:
    inputs:
      test-infra-ref:
        description: Which test-infra ref
        type: string
        default: main
      ref:
        description: Which pytorch ref
        type: string
        default: main
`;
  const out = pinWorkflowContent(dispatch, opts).split('\n');
  expect(out[6]).toBe('        default: release/2.6');
  expect(out[10]).toBe('        default: main');
});

test('a checkout of a pinned repository at ref main moves; a checkout of another repository does not', () => {
  const steps = `    steps:
      - name: Checkout pytorch/builder to builder dir
        uses: malfet/checkout@silent-checkout
        with:
          ref: main
          submodules: recursive
          repository: pytorch/test-infra
          path: test-infra
      - name: Checkout xla
        uses: actions/checkout@v4
        with:
          repository: pytorch/xla
          ref: main
      - repository: pytorch/test-infra
        ref: "main"
`;
  expect(pinWorkflowContent(steps, opts)).toBe(`    steps:
      - name: Checkout pytorch/builder to builder dir
        uses: malfet/checkout@silent-checkout
        with:
          ref: release/2.6
          submodules: recursive
          repository: pytorch/test-infra
          path: test-infra
      - name: Checkout xla
        uses: actions/checkout@v4
        with:
          repository: pytorch/xla
          ref: main
      - repository: pytorch/test-infra
        ref: "release/2.6"
`);
});

test('look-alike repositories and refs are left alone; CRLF files keep their line endings', () => {
  const text =
    'a: uses: pytorch/test-infra-fork/x@main\r\nb: uses: other/pytorch/test-infra/x@main\r\nc: uses: pytorch/test-infra/x@mainline\r\nd: uses: PyTorch/Test-Infra/x@main\r\n';
  expect(pinWorkflowContent(text, opts)).toBe(
    'a: uses: pytorch/test-infra-fork/x@main\r\nb: uses: other/pytorch/test-infra/x@main\r\nc: uses: pytorch/test-infra/x@mainline\r\nd: uses: PyTorch/Test-Infra/x@release/2.6\r\n',
  );
});

test('a file that references nothing pinned is returned unchanged', () => {
  const text = 'name: docs\non: push\njobs:\n  build:\n    uses: actions/checkout@v4\n';
  expect(pinWorkflowContent(text, opts)).toBe(text);
  expect(pinWorkflowContent(LINUX_BUILD, { ...opts, repositories: [] })).toBe(LINUX_BUILD);
});

test('release edits: workflow rewrites plus pins and version.txt, unchanged files left out', () => {
  const files = new Map([
    ['.github/workflows/_linux-build.yml', LINUX_BUILD],
    ['.github/workflows/docs.yml', 'jobs: {}\n'],
    [
      '.github/actions/setup-linux/action.yml',
      'runs:\n  steps:\n    - uses: pytorch/test-infra/.github/actions/setup-common@main\n',
    ],
    ['.github/scripts/build.sh', 'pytorch/test-infra/x@main\n'],
    ['.github/ci_commit_pins/xla.txt', '8c7b5bd1e2c3d4f5a6b7c8d9e0f1a2b3c4d5e6f7\n'],
    ['version.txt', '0.21.0a0\n'],
  ]);
  const edits = releaseEdits({
    ...opts,
    files,
    pins: [['.github/ci_commit_pins/xla.txt', 'r2.6']],
    versionTxt: '0.21.0',
  });
  expect(edits.map((e) => e.path)).toEqual([
    '.github/actions/setup-linux/action.yml',
    '.github/workflows/_linux-build.yml',
    '.github/ci_commit_pins/xla.txt',
    'version.txt',
  ]);
  expect(edits.find((e) => e.path === 'version.txt')!.after).toBe('0.21.0\n');
  expect(edits.find((e) => e.path === '.github/ci_commit_pins/xla.txt')!.after).toBe('r2.6\n');
  expect(renderEdits(edits)).toContain('-0.21.0a0\n+0.21.0');

  const pinned = new Map([...files].map(([p]) => [p, edits.find((e) => e.path === p)?.after ?? files.get(p)!]));
  // Applying the edits again changes nothing: a re-run produces no commit.
  expect(
    releaseEdits({ ...opts, files: pinned, pins: [['.github/ci_commit_pins/xla.txt', 'r2.6']], versionTxt: '0.21.0' }),
  ).toEqual([]);
});

test('placeholders expand; unknown ones and unsafe paths are one-line errors naming the input', () => {
  const v = { major: 2, minor: 6, patch: 0 };
  expect(expandPlaceholders('pins', 'r{major}.{minor}', v)).toBe('r2.6');
  expect(expandPlaceholders('pins', 'v{version}', v)).toBe('v2.6.0');
  expect(() => expandPlaceholders('pins', 'r{mayor}', v)).toThrow(
    new ConfigurationError(
      'input "pins": unknown placeholder {mayor} in "r{mayor}"; use {major}, {minor}, {patch} or {version}',
    ),
  );
  expect(checkRepoPath('pins', '.github/ci_commit_pins/xla.txt')).toBe('.github/ci_commit_pins/xla.txt');
  for (const bad of ['../etc/passwd', '/abs', 'a//b', '.git/config', '']) {
    expect(() => checkRepoPath('pins', bad)).toThrow(
      /^input "pins": ".*" is not a relative file path inside the repository$/,
    );
  }
  expect(isPinnedPath('.github/workflows/trunk.yml')).toBe(true);
  expect(isPinnedPath('.github/workflows/scripts/x.yml')).toBe(false);
  expect(isPinnedPath('.github/actions/setup-linux/action.yaml')).toBe(true);
});

test('the diff in the log and the table in the summary show the same changes', () => {
  const edits = [
    { path: 'a.yml', before: 'x: 1\nref: main\n', after: 'x: 1\nref: release/2.6\n' },
    { path: 'version.txt', before: '2.6.0a0\n', after: '2.6.0\nextra\n' },
    { path: 'pin.txt', before: undefined, after: 'r2.6\n' },
  ];
  expect(renderEdits(edits).split('\n')).toEqual([
    '--- a/a.yml',
    '+++ b/a.yml',
    '@@ line 2 @@',
    '-ref: main',
    '+ref: release/2.6',
    '--- a/version.txt',
    '+++ b/version.txt',
    '@@ whole file @@',
    '-2.6.0a0',
    '+2.6.0',
    '+extra',
    '--- a/pin.txt (new file)',
    '+++ b/pin.txt',
    '@@ whole file @@',
    '+r2.6',
  ]);
  expect(editRows(edits)).toEqual([
    ['a.yml', 2, 'ref: main', 'ref: release/2.6'],
    ['version.txt', 'all', '2.6.0a0', '2.6.0\nextra'],
    ['pin.txt', 'all', '(new file)', 'r2.6'],
  ]);
});
