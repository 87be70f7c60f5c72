import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import {
  contextFromEnv,
  evaluateDefault,
  inputEnvironment,
  parseActionYml,
  readActionMetadata,
  readOutputFile,
  type ActionMetadata,
} from './action-metadata.js';

const meta: ActionMetadata = {
  name: 'demo',
  inputs: {
    packages: { required: true },
    'dry-run': { default: 'true' },
    'github-token': { default: '${{ github.token }}' },
    'api-url': { default: '${{ github.api_url }}' },
    region: {},
  },
  outputs: {},
  runs: { using: 'node24', main: 'dist/index.js' },
};

test('inputs become the INPUT_* variables a runner sets, hyphens kept, defaults evaluated', () => {
  expect(inputEnvironment(meta, { packages: 'torch=2.6.0' }, contextFromEnv({ GITHUB_TOKEN: 't0k' }))).toEqual({
    INPUT_PACKAGES: 'torch=2.6.0',
    'INPUT_DRY-RUN': 'true',
    'INPUT_GITHUB-TOKEN': 't0k',
    'INPUT_API-URL': 'https://api.github.com',
    INPUT_REGION: '',
  });
});

test('an unknown input lists the known ones; a missing required one is left for the action to name', () => {
  expect(() => inputEnvironment(meta, { packages: 'x', dryrun: 'false' }, {})).toThrow(
    'unknown input --dryrun for demo; expected one of: --packages, --dry-run, --github-token, --api-url, --region',
  );
  expect(inputEnvironment(meta, {}, {})['INPUT_PACKAGES']).toBe('');
});

test('an expression that needs a workflow asks for the input explicitly', () => {
  expect(() => evaluateDefault('${{ secrets.PYPI }}', {})).toThrow('pass the input explicitly');
  expect(evaluateDefault('${{ github.repository }}', { repository: 'pytorch/vision' })).toBe('pytorch/vision');
});

test('action.yml is read, and outputs are read back as @actions/core writes them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'action-metadata-'));
  writeFileSync(
    join(dir, 'action.yml'),
    'name: Demo\ninputs:\n  bucket:\n    default: pytorch\noutputs:\n  report: {}\n',
  );
  expect(readActionMetadata(dir)).toMatchObject({ name: 'Demo', inputs: { bucket: { default: 'pytorch' } } });
  const out = join(dir, 'output');
  writeFileSync(out, '');
  const saved = process.env['GITHUB_OUTPUT'];
  process.env['GITHUB_OUTPUT'] = out;
  try {
    core.setOutput('promoted-count', 3);
    core.setOutput('changed-files', '.github/a.yml\nversion.txt');
  } finally {
    process.env['GITHUB_OUTPUT'] = saved;
  }
  expect(readOutputFile(out)).toEqual({ 'promoted-count': '3', 'changed-files': '.github/a.yml\nversion.txt' });
});

test('action.yml values come back as the strings a runner passes', () => {
  const yml = parseActionYml(
    [
      'name: demo',
      'description: d',
      'inputs:',
      '  concurrency:',
      '    description: 3',
      '    default: 32',
      '  dry-run:',
      '    required: true',
      "    default: 'true'",
      '  packages:',
      'outputs:',
      '  report:',
      '    description: r',
      'runs:',
      '  using: node24',
      '  main: dist/index.js',
    ].join('\n'),
    'demo',
  );
  expect(yml).toEqual({
    name: 'demo',
    description: 'd',
    inputs: {
      concurrency: { description: '3', required: false, default: '32' },
      'dry-run': { description: undefined, required: true, default: 'true' },
      packages: { description: undefined, required: false, default: undefined },
    },
    outputs: { report: { description: 'r' } },
    runs: { using: 'node24', main: 'dist/index.js' },
  });
});
