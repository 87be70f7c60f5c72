import { evaluateDefault, inputEnvironment, type ActionMetadata } from './action-metadata.js';

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
};

test('inputs become the INPUT_* variables a runner sets, hyphens kept, defaults evaluated', () => {
  expect(inputEnvironment(meta, { packages: 'torch=2.6.0' }, { GITHUB_TOKEN: 't0k' })).toEqual({
    INPUT_PACKAGES: 'torch=2.6.0',
    'INPUT_DRY-RUN': 'true',
    'INPUT_GITHUB-TOKEN': 't0k',
    'INPUT_API-URL': 'https://api.github.com',
    INPUT_REGION: '',
  });
});

test('an unknown flag lists the known ones; a missing required input names it', () => {
  expect(() => inputEnvironment(meta, { packages: 'x', dryrun: 'false' }, {})).toThrow(
    'unknown input --dryrun for demo; expected one of: --packages, --dry-run, --github-token, --api-url, --region',
  );
  expect(() => inputEnvironment(meta, {}, {})).toThrow('input "packages" is required (--packages)');
});

test('an expression the CLI cannot evaluate asks for the input explicitly', () => {
  expect(() => evaluateDefault('${{ secrets.PYPI }}')).toThrow('pass the input explicitly');
});
