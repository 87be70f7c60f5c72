import { ConfigurationError } from '../runtime/errors.js';

/**
 * Python versions as a release matrix names them (`3.12`, free-threaded `3.14t`) and the minimum set a
 * release must support under NEP 29: every minor version released in the 42 months before the release
 * date, and at least the two latest minor versions.
 */

/** First final release of each minor version (python.org; 3.15 as scheduled by PEP 790). */
export const PYTHON_RELEASES: ReadonlyArray<readonly [minor: number, date: string]> = [
  [6, '2016-12-23'],
  [7, '2018-06-27'],
  [8, '2019-10-14'],
  [9, '2020-10-05'],
  [10, '2021-10-04'],
  [11, '2022-10-24'],
  [12, '2023-10-02'],
  [13, '2024-10-07'],
  [14, '2025-10-07'],
  [15, '2026-10-01'],
];

const SUPPORT_MONTHS = 42;

/** `3.10`, `3_10`, `py3_10`, `cp310`, `310` -> `3.10`; a trailing `t` (free-threaded) is kept. */
export function normalizePython(text: string): string | undefined {
  const m = /^(?:py|cp)?3[._]?(\d{1,2})(t?)$/i.exec(text.trim());
  return m ? `3.${Number(m[1])}${m[2]!.toLowerCase()}` : undefined;
}

/** Orders `3.9 < 3.10 < 3.10t < 3.11`. */
export function comparePython(a: string, b: string): number {
  const key = (v: string): number => Number(/^3\.(\d+)/.exec(v)?.[1] ?? 0) * 2 + (v.endsWith('t') ? 1 : 0);
  return key(a) - key(b);
}

function addMonths(date: Date, months: number): Date {
  const d = new Date(date.getTime());
  d.setUTCMonth(d.getUTCMonth() + months);
  return d;
}

/** The minor versions NEP 29 requires a release on `date` to support, oldest first. */
export function nep29Versions(date: Date): string[] {
  const released = PYTHON_RELEASES.filter(([, day]) => Date.parse(day) <= date.getTime());
  if (released.length < 2) {
    throw new ConfigurationError(`NEP 29 is not defined on ${isoDay(date)}: fewer than two Python releases known`);
  }
  const recent = released.filter(([, day]) => addMonths(new Date(day), SUPPORT_MONTHS).getTime() > date.getTime());
  const latestTwo = released.slice(-2);
  const minors = new Set([...recent, ...latestTwo].map(([minor]) => minor));
  return [...minors].sort((a, b) => a - b).map((minor) => `3.${minor}`);
}

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` (a real calendar day), or `today` / empty for `now`'s day. */
export function parseReleaseDate(input: string, value: string, now = new Date()): Date {
  const text = value.trim();
  if (text === '' || text.toLowerCase() === 'today') return new Date(`${isoDay(now)}T00:00:00Z`);
  const date = new Date(`${text}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(date.getTime()) || isoDay(date) !== text) {
    throw new ConfigurationError(`input "${input}": "${value}" is not a date; expected YYYY-MM-DD such as 2025-01-29`);
  }
  return date;
}
