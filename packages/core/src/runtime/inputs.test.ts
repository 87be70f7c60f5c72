import { ConfigurationError } from './errors.js';
import {
  getBoolean,
  getByteSize,
  getDuration,
  getEnum,
  getInt,
  getKeyValues,
  getLines,
  getList,
  getRequired,
  getString,
  getUrl,
  parseKeyValueLines,
} from './inputs.js';

function withInputs(inputs: Record<string, string>, fn: () => void): void {
  const keys = Object.keys(inputs).map((k) => `INPUT_${k.toUpperCase()}`);
  Object.entries(inputs).forEach(([k, v]) => (process.env[`INPUT_${k.toUpperCase()}`] = v));
  try {
    fn();
  } finally {
    keys.forEach((k) => delete process.env[k]);
  }
}

/** Runs fn and returns the one-line message of the ConfigurationError it must throw. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigurationError);
    const message = (e as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a ConfigurationError');
}

describe('inputs are read the way runners pass them: INPUT_<NAME>, hyphens kept', () => {
  test('a hyphenated input is read from INPUT_DRY-RUN', () => {
    withInputs({ 'dry-run': 'false' }, () => expect(getBoolean('dry-run')).toBe(false));
  });
  test('an input whose action.yml default is empty reads as empty', () => {
    expect(getString('backup-bucket')).toBe('');
    expect(getList('include-variants')).toEqual([]);
    expect(getLines('exclude-files')).toEqual([]);
    expect(getKeyValues('platform-tags')).toEqual([]);
    expect(getUrl('endpoint-url')).toBe('');
  });
  test('a required input that is empty names the input', () => {
    expect(errorOf(() => getRequired('packages'))).toBe('input "packages" is required');
  });
  // The runner always passes action.yml's default, so an empty value here means action.yml lacks one.
  test.each([
    [() => getBoolean('dry-run'), 'input "dry-run" is empty; expected true or false'],
    [() => getInt('concurrency'), 'input "concurrency" is empty; expected a whole number'],
    [() => getEnum('mode', ['stage', 'both']), 'input "mode" is empty; expected one of stage, both'],
    [() => getDuration('timeout'), 'input "timeout" is empty; expected a duration such as 90s, 15m, 2h or 1d'],
    [() => getByteSize('max-file-size'), 'input "max-file-size" is empty; expected a size such as 1000 MB or 5 GiB'],
  ])('an empty typed input is an error naming it (%#)', (read, message) => {
    expect(errorOf(read)).toBe(message);
  });
});

describe('booleans', () => {
  test.each([
    ['true', true],
    ['True', true],
    ['yes', true],
    ['false', false],
    ['FALSE', false],
    ['0', false],
  ])('%s is %s', (value, expected) => {
    withInputs({ overwrite: value }, () => expect(getBoolean('overwrite')).toBe(expected));
  });
  test('anything else is a one-line error naming the input', () => {
    withInputs({ overwrite: 'maybe' }, () =>
      expect(errorOf(() => getBoolean('overwrite'))).toBe('input "overwrite" must be true or false, got "maybe"'),
    );
  });
});

describe('lists split on commas and newlines', () => {
  test('mixed separators, blanks and spaces', () => {
    withInputs({ prefixes: 'whl/test/, libtorch/test/\n\n  extra/ ,' }, () =>
      expect(getList('prefixes')).toEqual(['whl/test/', 'libtorch/test/', 'extra/']),
    );
  });
  test('key=value pairs keep empty values and reject a missing key', () => {
    withInputs({ packages: 'torch=2.6.0, torchvision=0.21.0\nmacosx_*=' }, () =>
      expect(getKeyValues('packages')).toEqual([
        ['torch', '2.6.0'],
        ['torchvision', '0.21.0'],
        ['macosx_*', ''],
      ]),
    );
    withInputs({ packages: 'torch=2.6.0, 2.6.0' }, () =>
      expect(errorOf(() => getKeyValues('packages'))).toBe('input "packages" expects key=value items, got "2.6.0"'),
    );
  });
  test('key=value lines allow commas in values and skip comments', () => {
    expect(parseKeyValueLines('pins', '# pins\n.github/a.txt=r{major}.{minor}, x\n')).toEqual([
      ['.github/a.txt', 'r{major}.{minor}, x'],
    ]);
  });
});

describe('enums, numbers, durations and sizes', () => {
  test('an enum outside its set lists the allowed values', () => {
    withInputs({ mode: 'upload' }, () =>
      expect(errorOf(() => getEnum('mode', ['stage', 'publish', 'both'] as const))).toBe(
        'input "mode" must be one of stage, publish, both, got "upload"',
      ),
    );
  });
  test('integers are whole and within range', () => {
    withInputs({ concurrency: '16' }, () => expect(getInt('concurrency', { min: 1, max: 256 })).toBe(16));
    withInputs({ concurrency: '1.5' }, () =>
      expect(errorOf(() => getInt('concurrency'))).toBe('input "concurrency" must be a whole number, got "1.5"'),
    );
    withInputs({ concurrency: '0' }, () =>
      expect(errorOf(() => getInt('concurrency', { min: 1, max: 256 }))).toBe(
        'input "concurrency" must be between 1 and 256, got 0',
      ),
    );
  });
  test.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['30', 30_000],
    ['250ms', 250],
  ])('duration %s is %d ms', (value, ms) => {
    withInputs({ timeout: value }, () => expect(getDuration('timeout')).toBe(ms));
  });
  test('a bad duration names the input', () => {
    withInputs({ timeout: 'soon' }, () => expect(errorOf(() => getDuration('timeout'))).toContain('input "timeout"'));
  });
  test.each([
    ['5 GiB', 5 * 2 ** 30],
    ['1000 MB', 1e9],
    ['8MiB', 8 * 2 ** 20],
    ['1024', 1024],
  ])('size %s is %d bytes', (value, bytes) => {
    withInputs({ 'max-file-size': value }, () => expect(getByteSize('max-file-size')).toBe(bytes));
  });
  test('a size with an unknown unit names the input', () => {
    withInputs({ 'max-file-size': '5 parsecs' }, () =>
      expect(errorOf(() => getByteSize('max-file-size'))).toBe(
        'input "max-file-size" must be a size such as 1000 MB or 5 GiB, got "5 parsecs"',
      ),
    );
  });
});

describe('lines and URLs', () => {
  test('line lists keep commas and drop blanks and comments', () => {
    withInputs({ 'exclude-files': '# not for PyPI\ncaffe2/**\n\ntorch/lib/libnvrtc*,extra\n' }, () =>
      expect(getLines('exclude-files')).toEqual(['caffe2/**', 'torch/lib/libnvrtc*,extra']),
    );
  });
  test('a URL must be http(s) and carry no credentials', () => {
    withInputs({ 'index-url': 'https://pypi.org/' }, () => expect(getUrl('index-url')).toBe('https://pypi.org/'));
    expect(getUrl('endpoint-url')).toBe('');
    withInputs({ 'endpoint-url': 'localhost:9000' }, () =>
      expect(errorOf(() => getUrl('endpoint-url'))).toBe(
        'input "endpoint-url" must be an http(s) URL, got "localhost:9000"',
      ),
    );
    withInputs({ 'endpoint-url': 'not a url' }, () =>
      expect(errorOf(() => getUrl('endpoint-url'))).toBe('input "endpoint-url": "not a url" is not a URL'),
    );
    withInputs({ 'repository-url': 'https://__token__:pypi-secret@upload.pypi.org/legacy/' }, () =>
      expect(errorOf(() => getUrl('repository-url'))).toBe('input "repository-url" must not contain credentials'),
    );
  });
});
