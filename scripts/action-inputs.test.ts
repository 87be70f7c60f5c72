import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkActionInputs, checkInputUse } from './lib/action-inputs.js';
import { declaredInputs } from './lib/action-metadata.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const declared = declaredInputs(`name: x
description: y
inputs:
  bucket:
    description: b
    default: pytorch
  remote-url:
    description: r
    default: ''
  dry-run:
    description: d
    default: 'true'
runs:
  using: node24
  main: dist/index.js
`);

const problems = (source: string): string[] => checkInputUse('main.ts', source, declared);

describe("every action's code reads only the inputs its action.yml declares, with action.yml's defaults", () => {
  test('the actions of this repository pass', () => {
    const { files, problems } = checkActionInputs(root, declaredInputs);
    expect(files).toEqual(
      expect.arrayContaining([
        'actions/cut-branch/src/main.ts',
        'actions/promote-pypi/src/main.ts',
        'actions/promote-s3/src/main.ts',
        'actions/tag-rc/src/main.ts',
      ]),
    );
    expect(problems).toEqual([]);
  });

  test('declared inputs read plainly pass', () => {
    expect(problems("const b = getString('bucket');\nconst d = getBoolean('dry-run');")).toEqual([]);
  });

  test('an input action.yml lacks is reported with its line', () => {
    expect(problems("\nconst r = getString('region');")).toEqual([
      'main.ts:2: input "region" is not declared in action.yml',
    ]);
  });

  test('a literal default in code is reported, whatever the action.yml default', () => {
    expect(problems("getString('bucket') || 'pytorch'")).toEqual([
      `main.ts:1: input "bucket" gets a default in code ('pytorch'); put it in action.yml`,
    ]);
    expect(problems("getBoolean('dry-run', true)")).toEqual([
      'main.ts:1: input "dry-run" gets a default in code (true); put it in action.yml',
    ]);
    expect(problems("getInt('bucket', { min: 1 }, 32)")).toEqual([
      'main.ts:1: input "bucket" gets a default in code (32); put it in action.yml',
    ]);
    expect(problems("getList('remote-url') ?? ['a']")).toEqual([
      `main.ts:1: input "remote-url" gets a default in code (['a']); put it in action.yml`,
    ]);
  });

  test('a value derived in code is allowed only where action.yml leaves the default empty', () => {
    expect(problems("getString('remote-url') || githubRemoteUrl(repository)")).toEqual([]);
    expect(problems("getString('bucket') || bucketOf(repository)")).toEqual([
      'main.ts:1: input "bucket" has the action.yml default "pytorch", yet the code replaces an empty value',
    ]);
  });

  test('turning an empty optional value into undefined is not a default', () => {
    expect(problems("getUrl('remote-url') || undefined")).toEqual([]);
  });

  test('reading around the helpers, or by a computed name, is reported', () => {
    expect(problems("core.getInput('bucket')")).toEqual([
      'main.ts:1: reads an input with core.getInput; use the helpers of runtime/inputs',
    ]);
    expect(problems('getString(name)')).toEqual([
      'main.ts:1: getString reads an input by a computed name; name it literally',
    ]);
  });
});
