import * as core from '@actions/core';
import { ConfigurationError } from './errors.js';

/**
 * Typed input helpers on top of `core.getInput`. Every failure is a ConfigurationError whose message
 * is one line naming the input and what was expected, so the run fails before changing anything.
 */

function raw(name: string): string {
  return core.getInput(name, { trimWhitespace: true });
}

/**
 * No helper takes a fallback: the runner and the CLI pass every input with its action.yml default, so
 * action.yml is the one place a default lives. An input whose default is empty reads as '' (or []).
 */
export function getString(name: string): string {
  return raw(name);
}

export function getRequired(name: string): string {
  const value = raw(name);
  if (value === '') throw new ConfigurationError(`input "${name}" is required`);
  return value;
}

/** Reads a value that has no meaning when empty, saying what kind of value was expected. */
function nonEmpty(name: string, expected: string): string {
  const value = raw(name);
  if (value === '') throw new ConfigurationError(`input "${name}" is empty; expected ${expected}`);
  return value;
}

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

export function parseBoolean(name: string, value: string): boolean {
  const lower = value.toLowerCase();
  if (TRUE.has(lower)) return true;
  if (FALSE.has(lower)) return false;
  throw new ConfigurationError(`input "${name}" must be true or false, got "${value}"`);
}

export function getBoolean(name: string): boolean {
  return parseBoolean(name, nonEmpty(name, 'true or false'));
}

/** Items separated by commas and/or newlines; blanks dropped. */
export function splitList(value: string): string[] {
  return value
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function getList(name: string): string[] {
  return splitList(raw(name));
}

/** Lines (or comma-separated items) of `key=value`; the value may be empty, the key may not. */
export function parseKeyValues(name: string, value: string): Array<[string, string]> {
  return splitList(value).map((item) => {
    const eq = item.indexOf('=');
    const key = eq < 0 ? '' : item.slice(0, eq).trim();
    if (key === '') {
      throw new ConfigurationError(`input "${name}" expects key=value items, got "${item}"`);
    }
    return [key, item.slice(eq + 1).trim()];
  });
}

/** One item per line, for values that may contain commas; blank lines and `#` comments dropped. */
export function splitLines(value: string): string[] {
  return value
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.startsWith('#'));
}

export function getLines(name: string): string[] {
  return splitLines(raw(name));
}

/** Like parseKeyValues but only newlines separate items, for values that may contain commas. */
export function parseKeyValueLines(name: string, value: string): Array<[string, string]> {
  return splitLines(value).map((item) => {
    const eq = item.indexOf('=');
    const key = eq < 0 ? '' : item.slice(0, eq).trim();
    if (key === '') {
      throw new ConfigurationError(`input "${name}" expects key=value lines, got "${item}"`);
    }
    return [key, item.slice(eq + 1).trim()] as [string, string];
  });
}

export function getKeyValues(name: string): Array<[string, string]> {
  return parseKeyValues(name, raw(name));
}

export function getEnum<T extends string>(name: string, allowed: readonly T[]): T {
  const value = nonEmpty(name, `one of ${allowed.join(', ')}`);
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigurationError(`input "${name}" must be one of ${allowed.join(', ')}, got "${value}"`);
}

export function getInt(name: string, range: { min?: number; max?: number } = {}): number {
  const value = nonEmpty(name, 'a whole number');
  if (!/^-?\d+$/.test(value)) {
    throw new ConfigurationError(`input "${name}" must be a whole number, got "${value}"`);
  }
  const n = Number(value);
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = range;
  if (n < min || n > max) {
    throw new ConfigurationError(`input "${name}" must be between ${min} and ${max}, got ${n}`);
  }
  return n;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `15m`, `2h`, `1d`, `250ms`; a bare number is seconds. Returns milliseconds. */
export function parseDuration(name: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(value.trim());
  if (!m) {
    throw new ConfigurationError(`input "${name}" must be a duration such as 90s, 15m, 2h or 1d, got "${value}"`);
  }
  return Math.round(Number(m[1]) * DURATION_UNITS[m[2] ?? 's']!);
}

export function getDuration(name: string): number {
  return parseDuration(name, nonEmpty(name, 'a duration such as 90s, 15m, 2h or 1d'));
}

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** `5 GiB`, `1000 MB`, `8MiB`, or a bare number of bytes. Returns bytes. */
export function parseByteSize(name: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]+)?$/i.exec(value.trim());
  const unit = SIZE_UNITS[(m?.[2] ?? 'b').toLowerCase()];
  if (!m || unit === undefined) {
    throw new ConfigurationError(`input "${name}" must be a size such as 1000 MB or 5 GiB, got "${value}"`);
  }
  return Math.round(Number(m[1]) * unit);
}

export function getByteSize(name: string): number {
  return parseByteSize(name, nonEmpty(name, 'a size such as 1000 MB or 5 GiB'));
}

/**
 * An http(s) URL, or '' when the input is empty (an optional URL). Credentials inside a URL are
 * refused: they would be printed wherever the URL is, and tokens have inputs of their own.
 */
export function getUrl(name: string): string {
  const value = raw(name);
  if (value === '') return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError(`input "${name}": "${value}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigurationError(`input "${name}" must be an http(s) URL, got "${value}"`);
  }
  if (url.username || url.password) throw new ConfigurationError(`input "${name}" must not contain credentials`);
  return value;
}

/** Reads a secret input and masks it in the log before anything can print it. */
export function getSecret(name: string): string {
  const value = raw(name);
  if (value !== '') core.setSecret(value);
  return value;
}
