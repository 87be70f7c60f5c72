/**
 * Path globs, the one glob language of the project (wheel entries, platform tags, git ref patterns):
 * `*` and `?` stay within one path segment, `**` crosses segments (`caffe2/**` is everything under
 * caffe2/, `**` + `/x.py` is x.py in any folder), every other character matches itself.
 */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      i++;
      if (glob[i + 1] === '/') {
        i++;
        re += '(?:.*/)?';
      } else {
        re += '.*';
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Whether a pattern has glob characters at all (otherwise it names one thing exactly). */
export function isGlob(pattern: string): boolean {
  return /[*?]/.test(pattern);
}
