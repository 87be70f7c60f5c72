import { createHash } from 'node:crypto';
import { globToRegExp } from '../runtime/glob.js';

/**
 * The text formats inside a wheel's `.dist-info` folder: RECORD (CSV of path, hash, size), METADATA
 * and WHEEL (email-style headers), and the path globs the promote inputs use.
 */

export interface RecordRow {
  path: string;
  /** `sha256=<urlsafe base64, no padding>`, empty for RECORD itself. */
  hash: string;
  size: string;
}

/** RECORD is CSV as Python's csv module writes it: fields quoted only when they must be. */
export function parseRecord(text: string): RecordRow[] {
  const rows: RecordRow[] = [];
  let field = '';
  let fields: string[] = [];
  let quoted = false;
  let i = 0;
  const endRow = (): void => {
    fields.push(field);
    field = '';
    if (fields.length > 1 || fields[0] !== '') {
      rows.push({ path: fields[0] ?? '', hash: fields[1] ?? '', size: fields[2] ?? '' });
    }
    fields = [];
  };
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    i++;
    if (quoted) {
      if (c === '"' && next === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && next === '\n') i++;
      endRow();
    } else {
      field += c;
    }
  }
  if (field !== '' || fields.length > 0) endRow();
  return rows;
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Lines end with `\n`, as the `wheel` tool writes them (it opens RECORD with `newline=''`... and `\n`). */
export function formatRecord(rows: RecordRow[]): string {
  return rows.map((r) => [r.path, r.hash, r.size].map(csvField).join(',') + '\n').join('');
}

/** `sha256=` + URL-safe base64 of the digest without `=` padding (PEP 376/427). */
export function recordHash(sha256: Buffer): string {
  return `sha256=${sha256.toString('base64url')}`;
}

export function sha256Record(data: Buffer): string {
  return recordHash(createHash('sha256').update(data).digest());
}

export interface Headers {
  /** Every header in order; names as written. */
  fields: Array<[string, string]>;
  body: string;
}

/** Email-style headers up to the first blank line; continuation lines start with blanks. */
export function parseHeaders(text: string): Headers {
  const fields: Array<[string, string]> = [];
  const lines = text.split(/\r?\n/);
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') {
      i++;
      break;
    }
    if (/^[ \t]/.test(line) && fields.length > 0) {
      const last = fields[fields.length - 1]!;
      last[1] += `\n${line}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    fields.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  return { fields, body: lines.slice(i).join('\n') };
}

export function headerValues(h: Headers, name: string): string[] {
  const lower = name.toLowerCase();
  return h.fields.filter(([k]) => k.toLowerCase() === lower).map(([, v]) => v);
}

export function headerValue(h: Headers, name: string): string | undefined {
  return headerValues(h, name)[0];
}

/**
 * Replaces the values of the headers called `name` in the header section only (the long description
 * below the blank line is left alone), keeping line endings as they were. Returns the new text and
 * how many headers were replaced.
 */
export function replaceHeader(
  text: string,
  name: string,
  value: (old: string) => string | string[],
): { text: string; count: number } {
  const lines = text.split('\n');
  const lower = name.toLowerCase();
  const out: string[] = [];
  let count = 0;
  let inHeaders = true;
  for (const line of lines) {
    const bare = line.endsWith('\r') ? line.slice(0, -1) : line;
    const eol = line.endsWith('\r') ? '\r' : '';
    if (inHeaders && bare === '') inHeaders = false;
    const colon = bare.indexOf(':');
    if (inHeaders && colon > 0 && bare.slice(0, colon).toLowerCase() === lower) {
      const replaced = value(bare.slice(colon + 1).trim());
      for (const v of Array.isArray(replaced) ? replaced : [replaced]) out.push(`${bare.slice(0, colon)}: ${v}${eol}`);
      count++;
    } else {
      out.push(line);
    }
  }
  return { text: out.join('\n'), count };
}

/** Removes lines that became exact duplicates (Tag lines after a platform rename), keeping the first. */
export function dedupeHeaderLines(text: string, name: string): string {
  const seen = new Set<string>();
  const lower = name.toLowerCase();
  return text
    .split('\n')
    .filter((line) => {
      const colon = line.indexOf(':');
      if (colon <= 0 || line.slice(0, colon).toLowerCase() !== lower) return true;
      const key = line.trim();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .join('\n');
}

/** The first of `globs` (path globs, runtime/glob) that matches a path, or undefined. */
export function compileGlobs(globs: readonly string[]): (path: string) => string | undefined {
  const compiled = globs.map((g) => [g, globToRegExp(g)] as const);
  return (path) => compiled.find(([, re]) => re.test(path))?.[0];
}

/** `cp311-cp311-manylinux_2_17_aarch64.manylinux2014_aarch64` -> every single `py-abi-plat` tag. */
export function expandTags(pythonTag: string, abiTag: string, platformTag: string): string[] {
  const out: string[] = [];
  for (const py of pythonTag.split('.'))
    for (const abi of abiTag.split('.')) for (const plat of platformTag.split('.')) out.push(`${py}-${abi}-${plat}`);
  return out;
}

/**
 * Applies `from=to` platform renames to a platform tag set (`linux_x86_64`, or a compressed set such
 * as `manylinux_2_17_aarch64.manylinux2014_aarch64`). Each tag named in a rule's `from` (itself a tag
 * or a set) becomes the rule's `to` tags; duplicates that result are dropped, order kept. The same
 * function maps a WHEEL `Tag:` line's single platform, so file name and WHEEL always agree.
 */
export function renamePlatform(platformTag: string, renames: ReadonlyArray<readonly [string, string]>): string {
  const out: string[] = [];
  for (const tag of platformTag.split('.')) {
    const rule = renames.find(([from]) => from.split('.').includes(tag));
    for (const t of rule ? rule[1].split('.') : [tag]) if (!out.includes(t)) out.push(t);
  }
  return out.join('.');
}
