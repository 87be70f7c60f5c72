import { globToRegExp, isGlob } from './glob.js';

const matches = (glob: string, path: string): boolean => globToRegExp(glob).test(path);

describe('one glob language for paths, platforms and refs', () => {
  test('* and ? stay within one segment', () => {
    expect(matches('torch/lib/libnvrtc*', 'torch/lib/libnvrtc-builtins.so')).toBe(true);
    expect(matches('torch/lib/libnvrtc*', 'torch/lib/libnvrtc/x.so')).toBe(false);
    expect(matches('refs/tags/v2.6.0-rc*', 'refs/tags/v2.6.0-rc3')).toBe(true);
    expect(matches('refs/tags/v2.6.0-rc*', 'refs/tags/v2.6.0-rc3/x')).toBe(false);
    expect(matches('v?.0', 'v1.0')).toBe(true);
    expect(matches('v?.0', 'v/.0')).toBe(false);
  });
  test('** crosses segments, and **/ matches any folder including none', () => {
    expect(matches('caffe2/**', 'caffe2/a/b/c.py')).toBe(true);
    expect(matches('**/version.py', 'version.py')).toBe(true);
    expect(matches('**/version.py', 'torch/a/version.py')).toBe(true);
  });
  test('every other character is literal, brackets and dots included', () => {
    expect(matches('macosx_*', 'macosx_11_0_arm64')).toBe(true);
    expect(matches('a.b', 'axb')).toBe(false);
    expect(matches('[ab]', 'a')).toBe(false);
    expect(matches('[ab]', '[ab]')).toBe(true);
  });
  test('a pattern without * or ? is not a glob', () => {
    expect(isGlob('refs/heads/main')).toBe(false);
    expect(isGlob('refs/tags/v1.*')).toBe(true);
  });
});
