import { comparePython, nep29Versions, normalizePython, parseReleaseDate } from './python.js';

const on = (day: string) => new Date(`${day}T00:00:00Z`);

test.each([
  // NEP 29's own drop schedule: 3.10 is dropped on 2025-04-04, 42 months after 2021-10-04
  ['2025-01-29', ['3.10', '3.11', '3.12', '3.13']],
  ['2025-04-03', ['3.10', '3.11', '3.12', '3.13']],
  ['2025-04-04', ['3.11', '3.12', '3.13']],
  ['2024-04-04', ['3.9', '3.10', '3.11', '3.12']],
  ['2024-04-05', ['3.10', '3.11', '3.12']],
  ['2024-10-07', ['3.10', '3.11', '3.12', '3.13']],
  ['2026-01-21', ['3.11', '3.12', '3.13', '3.14']],
  ['2026-04-24', ['3.12', '3.13', '3.14']],
])('NEP 29 on %s requires %j', (day, versions) => {
  expect(nep29Versions(on(day))).toEqual(versions);
});

test.each([
  ['3.10', '3.10'],
  ['3_14t', '3.14t'],
  ['py3_10', '3.10'],
  ['cp313', '3.13'],
  ['3.9', '3.9'],
  ['4.0', undefined],
  ['3.x', undefined],
])('normalizePython(%j) is %j', (text, expected) => {
  expect(normalizePython(text)).toBe(expected);
});

test('Python versions order numerically, free-threaded right after its version', () => {
  expect(['3.14t', '3.10', '3.9', '3.14', '3.11'].sort(comparePython)).toEqual([
    '3.9',
    '3.10',
    '3.11',
    '3.14',
    '3.14t',
  ]);
});

test('release dates are calendar days; empty means today', () => {
  expect(parseReleaseDate('release-date', '2025-01-29').toISOString()).toBe('2025-01-29T00:00:00.000Z');
  expect(parseReleaseDate('release-date', '', new Date('2026-12-01T22:30:00Z')).toISOString()).toBe(
    '2026-12-01T00:00:00.000Z',
  );
  expect(() => parseReleaseDate('release-date', '2025-02-30')).toThrow(
    'input "release-date": "2025-02-30" is not a date; expected YYYY-MM-DD such as 2025-01-29',
  );
  expect(() => parseReleaseDate('release-date', 'next week')).toThrow('is not a date');
});
