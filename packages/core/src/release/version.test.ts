import { ConfigurationError } from '../runtime/errors.js';
import {
  compareVersions,
  finalTag,
  formatVersion,
  nextMinorDev,
  parseReleaseBranch,
  parseReleaseVersion,
  parseTag,
  parseVersion,
  parseVersionTxt,
  publicVersion,
  rcTag,
  releaseBranch,
  tryParseVersion,
  type Version,
} from './version.js';

describe('tryParseVersion reads every spelling the release process meets', () => {
  test.each<[string, Partial<Version>, string]>([
    ['2.6.0', { major: 2, minor: 6, patch: 0, release: [2, 6, 0], epoch: 0 }, '2.6.0'],
    ['v2.6.0', { major: 2, minor: 6, patch: 0 }, '2.6.0'],
    ['V2.6.0', { major: 2, minor: 6, patch: 0 }, '2.6.0'],
    ['v2.6.0-rc3', { pre: { label: 'rc', n: 3 } }, '2.6.0rc3'],
    ['2.6.0rc3', { pre: { label: 'rc', n: 3 } }, '2.6.0rc3'],
    ['2.6.0RC3', { pre: { label: 'rc', n: 3 } }, '2.6.0rc3'],
    ['2.6.0.rc.3', { pre: { label: 'rc', n: 3 } }, '2.6.0rc3'],
    ['2.6.0c3', { pre: { label: 'rc', n: 3 } }, '2.6.0rc3'],
    ['2.6.0preview3', { pre: { label: 'rc', n: 3 } }, '2.6.0rc3'],
    ['2.6.0-pre3', { pre: { label: 'rc', n: 3 } }, '2.6.0rc3'],
    ['2.6.0a0', { pre: { label: 'a', n: 0 } }, '2.6.0a0'],
    ['2.6.0alpha', { pre: { label: 'a', n: 0 } }, '2.6.0a0'],
    ['2.6.0-beta.2', { pre: { label: 'b', n: 2 } }, '2.6.0b2'],
    ['2.6.0+cu124', { local: 'cu124', release: [2, 6, 0] }, '2.6.0+cu124'],
    ['2.6.0+CPU', { local: 'cpu' }, '2.6.0+cpu'],
    ['2.6.0+cpu.cxx11.abi', { local: 'cpu.cxx11.abi' }, '2.6.0+cpu.cxx11.abi'],
    ['2.6.0+cpu-cxx11_abi', { local: 'cpu.cxx11.abi' }, '2.6.0+cpu.cxx11.abi'],
    ['2.1.0+cu121.with.pypi.cudnn', { local: 'cu121.with.pypi.cudnn' }, '2.1.0+cu121.with.pypi.cudnn'],
    ['2.7.0.dev20250101', { dev: 20250101, major: 2, minor: 7 }, '2.7.0.dev20250101'],
    ['2.7.0dev20250101', { dev: 20250101 }, '2.7.0.dev20250101'],
    ['2.7.0.dev20250101+cu126', { dev: 20250101, local: 'cu126' }, '2.7.0.dev20250101+cu126'],
    ['2.6.0.post1', { post: 1 }, '2.6.0.post1'],
    ['2.6.0-1', { post: 1 }, '2.6.0.post1'],
    ['2.6.0.rev2', { post: 2 }, '2.6.0.post2'],
    ['2.6.0post', { post: 0 }, '2.6.0.post0'],
    ['2.6.0rc1.post2.dev3', { pre: { label: 'rc', n: 1 }, post: 2, dev: 3 }, '2.6.0rc1.post2.dev3'],
    ['1!2.6.0', { epoch: 1 }, '1!2.6.0'],
    ['0.21.0', { major: 0, minor: 21, patch: 0 }, '0.21.0'],
    ['2.6', { major: 2, minor: 6, patch: 0, release: [2, 6] }, '2.6'],
    ['3', { major: 3, minor: 0, patch: 0, release: [3] }, '3'],
    ['2.6.0.1', { release: [2, 6, 0, 1] }, '2.6.0.1'],
    ['  2.6.0\n', { release: [2, 6, 0] }, '2.6.0'],
  ])('%j', (input, fields, normalised) => {
    const v = tryParseVersion(input);
    expect(v).toMatchObject(fields);
    expect(formatVersion(v!)).toBe(normalised);
  });

  test.each([
    '',
    ' ',
    'release/2.6',
    'latest',
    'nightly',
    '2.6.0+',
    '2.6.0+cu124+cpu',
    '2.6.0+cu_',
    '2..6',
    '.2.6',
    '2.6.',
    'v',
    'vv2.6.0',
    '2.6.0-rc3-rc4',
    '2.6.0rc3a1',
    '2.6.0 rc3',
    'torch-2.6.0',
    '2.6.0/',
    '-2.6.0',
    '99999999999999999999.0',
    '2.6.0.dev99999999999999999999',
    `2.${'0.'.repeat(200)}0`,
  ])('rejects %j', (input) => {
    expect(tryParseVersion(input)).toBeUndefined();
  });

  test('a version without a pre, post, dev or local part carries none of those fields', () => {
    expect(Object.keys(tryParseVersion('2.6.0')!).sort()).toEqual(
      ['epoch', 'major', 'minor', 'patch', 'release'].sort(),
    );
  });
});

describe('publicVersion drops only the local label', () => {
  test.each([
    ['2.6.0+cu124', '2.6.0'],
    ['v2.6.0-RC3+cpu.cxx11.abi', '2.6.0rc3'],
    ['2.7.0.dev20250101+cu126', '2.7.0.dev20250101'],
    ['2.6.0', '2.6.0'],
    ['1!2.6.0.post1+x', '1!2.6.0.post1'],
  ])('%s -> %s', (input, expected) => {
    expect(publicVersion(input)).toBe(expected);
    expect(publicVersion(tryParseVersion(input)!)).toBe(expected);
  });

  test('a string that is not a version is refused rather than passed through', () => {
    expect(() => publicVersion('latest')).toThrow(ConfigurationError);
    expect(() => publicVersion('latest')).toThrow('"latest" is not a PEP 440 version');
  });
});

describe('parseVersion', () => {
  test('returns the parsed version', () => {
    expect(parseVersion('version', 'v2.6.0-rc3')).toMatchObject({ release: [2, 6, 0], pre: { label: 'rc', n: 3 } });
  });

  test.each([
    [
      'torch',
      '2.6.0+',
      'input "torch": "2.6.0+" is not a version; expected a PEP 440 version such as 2.6.0, 2.6.0rc3 or 2.6.0+cu124',
    ],
    [
      'version',
      'latest',
      'input "version": "latest" is not a version; expected a PEP 440 version such as 2.6.0, 2.6.0rc3 or 2.6.0+cu124',
    ],
    ['version', '', 'input "version" is empty; expected a version such as 2.6.0'],
    [
      'version',
      'two\nlines',
      'input "version": "two\\nlines" is not a version; expected a PEP 440 version such as 2.6.0, 2.6.0rc3 or 2.6.0+cu124',
    ],
  ])('bad input %s=%j fails with one line naming the input', (input, value, message) => {
    let error: unknown;
    try {
      parseVersion(input, value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe(message);
    expect((error as Error).message).not.toContain('\n');
  });
});

describe('parseReleaseVersion accepts only final MAJOR.MINOR.PATCH', () => {
  test.each(['2.6.0', 'v2.6.0', ' 2.6.0 ', '0.21.0', '10.0.12'])('accepts %j', (input) => {
    const v = parseReleaseVersion('version', input);
    expect(formatVersion(v)).toBe(input.trim().replace(/^v/, ''));
  });

  test.each([
    ['2.6', 'input "version": "2.6" is not a full release version; expected MAJOR.MINOR.PATCH such as 2.6.0'],
    ['2.7', 'input "version": "2.7" is not a full release version; expected MAJOR.MINOR.PATCH such as 2.7.0'],
    ['2', 'input "version": "2" is not a full release version; expected MAJOR.MINOR.PATCH such as 2.0.0'],
    ['2.6.0.1', 'input "version": "2.6.0.1" is not a full release version; expected MAJOR.MINOR.PATCH such as 2.6.0'],
    [
      'v2.6.0-rc3',
      'input "version": "v2.6.0-rc3" is not a full release version (it is a pre-release); expected MAJOR.MINOR.PATCH such as 2.6.0',
    ],
    [
      '2.6.0a0',
      'input "version": "2.6.0a0" is not a full release version (it is a pre-release); expected MAJOR.MINOR.PATCH such as 2.6.0',
    ],
    [
      '2.7.0.dev20250101',
      'input "version": "2.7.0.dev20250101" is not a full release version (it is a development release); expected MAJOR.MINOR.PATCH such as 2.7.0',
    ],
    [
      '2.6.0.post1',
      'input "version": "2.6.0.post1" is not a full release version (it is a post-release); expected MAJOR.MINOR.PATCH such as 2.6.0',
    ],
    [
      '2.6.0+cu124',
      'input "version": "2.6.0+cu124" is not a full release version (it has a local label); expected MAJOR.MINOR.PATCH such as 2.6.0',
    ],
    [
      '1!2.6.0',
      'input "version": "1!2.6.0" is not a full release version (it has an epoch); expected MAJOR.MINOR.PATCH such as 2.6.0',
    ],
    ['release/2.6', 'input "version": "release/2.6" is not a version; expected MAJOR.MINOR.PATCH such as 2.6.0'],
    ['', 'input "version" is empty; expected MAJOR.MINOR.PATCH such as 2.6.0'],
  ])('rejects %j with one clear line', (input, message) => {
    expect(() => parseReleaseVersion('version', input)).toThrow(ConfigurationError);
    expect(() => parseReleaseVersion('version', input)).toThrow(message);
    try {
      parseReleaseVersion('version', input);
    } catch (e) {
      expect((e as Error).message).toBe(message);
    }
  });
});

describe('compareVersions follows PEP 440 ordering', () => {
  // Each entry is strictly greater than the one before it.
  const ascending = [
    '2.5.1',
    '2.6.0.dev0',
    '2.6.0.dev20250101',
    '2.6.0a0.dev1',
    '2.6.0a0',
    '2.6.0a1',
    '2.6.0b1',
    '2.6.0rc1.dev5',
    '2.6.0rc1',
    '2.6.0rc1+cu124',
    '2.6.0rc1.post1',
    '2.6.0rc2',
    '2.6.0rc10',
    '2.6.0',
    '2.6.0+abc',
    '2.6.0+cpu',
    '2.6.0+cpu.cxx11.abi',
    '2.6.0+cu124',
    '2.6.0+cu124.1',
    '2.6.0+1',
    '2.6.0+2',
    '2.6.0+10',
    '2.6.0.post0.dev1',
    '2.6.0.post0',
    '2.6.0.post1',
    '2.6.1',
    '2.10.0',
    '10.0.0',
    '1!0.1',
  ];

  test('a shuffled list sorts back into PEP 440 order', () => {
    const shuffled = [...ascending].reverse();
    shuffled.push(shuffled.shift()!);
    expect(shuffled.sort(compareVersions)).toEqual(ascending);
  });

  test.each(ascending.slice(1).map((v, i) => [ascending[i], v]))('%s < %s', (lower, higher) => {
    expect(compareVersions(lower, higher)).toBeLessThan(0);
    expect(compareVersions(higher, lower)).toBeGreaterThan(0);
  });

  test.each([
    ['2.6', '2.6.0'],
    ['2.6.0', 'v2.6.0'],
    ['2.6.0rc3', 'v2.6.0-RC3'],
    ['2.6.0+cpu.cxx11.abi', '2.6.0+CPU_cxx11-abi'],
    ['0!2.6.0', '2.6.0'],
  ])('%s == %s', (a, b) => {
    expect(compareVersions(a, b)).toBe(0);
    expect(compareVersions(tryParseVersion(a)!, tryParseVersion(b)!)).toBe(0);
  });
});

describe('release branches and tags', () => {
  test.each([
    ['2.6.0', 'release/2.6'],
    ['2.6.1', 'release/2.6'],
    ['v2.6.0-rc3', 'release/2.6'],
    ['2.6.0a0', 'release/2.6'],
    ['0.21.0', 'release/0.21'],
    ['2.10.0', 'release/2.10'],
  ])('releaseBranch(%s) = %s', (v, branch) => {
    expect(releaseBranch(v)).toBe(branch);
    expect(releaseBranch(tryParseVersion(v)!)).toBe(branch);
  });

  test.each([
    ['release/2.6', { name: 'release/2.6', major: 2, minor: 6 }],
    ['refs/heads/release/2.6', { name: 'release/2.6', major: 2, minor: 6 }],
    ['release/0.21', { name: 'release/0.21', major: 0, minor: 21 }],
  ])('parseReleaseBranch(%s)', (s, expected) => {
    expect(parseReleaseBranch(s)).toEqual(expected);
  });

  test.each([
    'release/2',
    'release/2.6.0',
    'orig/release/2.6',
    'release/2.x',
    'releases/2.6',
    'release/02.6',
    'main',
    'r2.6',
    'release/2.6/',
  ])('parseReleaseBranch rejects %j', (s) => {
    expect(parseReleaseBranch(s)).toBeUndefined();
  });

  test('rcTag and finalTag write the project tag grammar', () => {
    expect(rcTag('2.6.0', 3)).toBe('v2.6.0-rc3');
    expect(rcTag(tryParseVersion('v2.6.0')!, 1)).toBe('v2.6.0-rc1');
    expect(finalTag('2.6.0')).toBe('v2.6.0');
    expect(finalTag(parseReleaseVersion('version', '0.21.0'))).toBe('v0.21.0');
  });

  test.each([
    () => rcTag('2.6.0', 0),
    () => rcTag('2.6.0', 1.5),
    () => rcTag('2.6.0rc1', 2),
    () => rcTag('2.6', 1),
    () => finalTag('2.6.0+cu124'),
    () => finalTag('2.7.0.dev20250101'),
  ])('tags are only made for final versions and positive rc numbers (%#)', (make) => {
    expect(make).toThrow(ConfigurationError);
  });

  test.each<[string, { version: string; rc?: number } | undefined]>([
    ['v2.6.0', { version: '2.6.0' }],
    ['v2.6.0-rc3', { version: '2.6.0', rc: 3 }],
    ['v0.21.0-rc12', { version: '0.21.0', rc: 12 }],
    ['refs/tags/v2.6.1-rc1', { version: '2.6.1', rc: 1 }],
    ['2.6.0', undefined],
    ['v2.6', undefined],
    ['v2.6.0rc3', undefined],
    ['v2.6.0-rc0', undefined],
    ['v2.6.0-rc', undefined],
    ['v2.6.0-a1', undefined],
    ['v2.6.0+cu124', undefined],
    ['v2.6.0-rc3-rc4', undefined],
    ['ciflow/trunk/12345', undefined],
    ['v02.6.0', undefined],
  ])('parseTag(%j)', (tag, expected) => {
    const t = parseTag(tag);
    if (expected === undefined) {
      expect(t).toBeUndefined();
      return;
    }
    expect(t && formatVersion(t.version)).toBe(expected.version);
    expect(t?.rc).toBe(expected.rc);
    expect(t?.version.pre).toBeUndefined();
  });

  test('rcTag and parseTag round-trip', () => {
    const t = parseTag(rcTag('2.6.0', 7))!;
    expect(rcTag(t.version, t.rc!)).toBe('v2.6.0-rc7');
    expect(finalTag(parseTag('v2.6.0')!.version)).toBe('v2.6.0');
  });
});

describe('version.txt and the post-cut bump', () => {
  test.each([
    ['2.6.0', '2.7.0a0'],
    ['2.6.0a0', '2.7.0a0'],
    ['0.21.0', '0.22.0a0'],
    ['2.9.1', '2.10.0a0'],
  ])('nextMinorDev(%s) = %s', (v, next) => {
    expect(nextMinorDev(v)).toBe(next);
    expect(nextMinorDev(tryParseVersion(v)!)).toBe(next);
  });

  test('parseVersionTxt reads the first line, ignoring blank lines and comments', () => {
    expect(formatVersion(parseVersionTxt('2.6.0a0\n'))).toBe('2.6.0a0');
    expect(formatVersion(parseVersionTxt('\r\n# the next release\n0.22.0a0\r\n'))).toBe('0.22.0a0');
    expect(releaseBranch(parseVersionTxt('2.1.0a0\n'))).toBe('release/2.1');
  });

  test.each([
    ['', 'version.txt holds no version'],
    ['\n# nothing\n', 'version.txt holds no version'],
    ['main\n', 'version.txt: "main" is not a version; expected a PEP 440 version such as 2.6.0a0'],
  ])('parseVersionTxt(%j) fails clearly', (content, message) => {
    expect(() => parseVersionTxt(content)).toThrow(ConfigurationError);
    expect(() => parseVersionTxt(content)).toThrow(message);
  });
});
