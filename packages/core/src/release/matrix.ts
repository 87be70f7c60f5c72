import { ConfigurationError } from '../runtime/errors.js';
import { comparePython, nep29Versions, normalizePython } from './python.js';

/**
 * The release matrix (OS x CPU architecture x accelerator x Python) in a compact text form, one
 * statement per line, each a `;`-separated list of `dimension=values`:
 *
 *     os=linux,windows,macos; arch=x86_64,aarch64; accelerator=cpu,cu126,cu130; python=nep29,3.14t
 *     exclude: os=windows; accelerator=rocm*
 *     macos: arch=aarch64; accelerator=cpu
 *     windows/aarch64: python=3.11,3.12,3.13
 *
 * Unprefixed lines give every dimension once. `exclude:` drops the cells matching all of its
 * conditions (values may be globs). `<os>:` and `<os>/<arch>:` replace dimensions for that platform,
 * the more specific line last. `python=nep29` is the minimum NEP 29 sets on the release date.
 * Values are normalised (`arm64` is `aarch64`, `cuda12.6` is `cu126`, `rocm7_1` is `rocm7.1`) so job
 * names and the description meet in one spelling.
 */

export const DIMENSIONS = ['os', 'arch', 'accelerator', 'python'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export type Cell = Readonly<Record<Dimension, string>>;

export interface ExpectedMatrix {
  /** Every expected cell, in description order. */
  cells: Cell[];
  /** The Python versions any cell expects, oldest first. */
  pythons: string[];
  /** What `nep29` resolved to. */
  nep29: string[];
}

type Values = Partial<Record<Dimension, string[]>>;

interface Rule {
  line: number;
  text: string;
  conditions: Values;
}

const OS_ALIASES: Record<string, string> = {
  linux: 'linux',
  manylinux: 'linux',
  manywheel: 'linux',
  windows: 'windows',
  win: 'windows',
  macos: 'macos',
  osx: 'macos',
  darwin: 'macos',
};

const ARCH_ALIASES: Record<string, string> = {
  x86_64: 'x86_64',
  amd64: 'x86_64',
  x64: 'x86_64',
  aarch64: 'aarch64',
  arm64: 'aarch64',
  s390x: 's390x',
  ppc64le: 'ppc64le',
};

export function normalizeOs(text: string): string | undefined {
  return OS_ALIASES[text.trim().toLowerCase()];
}

export function normalizeArch(text: string): string | undefined {
  return ARCH_ALIASES[text.trim().toLowerCase()];
}

/** `cpu`, `xpu`, `cu126` / `cuda12.6` / `cuda12_6` / `cuda-aarch64-12_6` -> `cu126`, `rocm7_1` -> `rocm7.1`. */
export function normalizeAccelerator(text: string): string | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'cpu' || t === 'xpu') return t;
  const cuda = /^cu(?:da)?[-_]?(?:aarch64[-_])?(\d+)(?:[._](\d+))?$/.exec(t);
  if (cuda) return `cu${cuda[1]}${cuda[2] ?? ''}`;
  const rocm = /^rocm[-_]?(\d+)[._](\d+)$/.exec(t);
  return rocm ? `rocm${rocm[1]}.${rocm[2]}` : undefined;
}

const NORMALIZE: Record<Dimension, (text: string) => string | undefined> = {
  os: normalizeOs,
  arch: normalizeArch,
  accelerator: normalizeAccelerator,
  python: normalizePython,
};

const EXPECTED: Record<Dimension, string> = {
  os: 'linux, windows or macos',
  arch: 'x86_64 or aarch64 (arm64)',
  accelerator: 'cpu, xpu, cuNNN (cu126) or rocmX.Y (rocm7.1)',
  python: '3.N, 3.Nt or nep29',
};

export function cellKey(c: Cell): string {
  return `${c.os}/${c.arch}/${c.accelerator}/py${c.python}`;
}

export function platformKey(c: Pick<Cell, 'os' | 'arch' | 'accelerator'>): string {
  return `${c.os}/${c.arch}/${c.accelerator}`;
}

const isGlob = (v: string): boolean => /[*?]/.test(v);

/** `*` any run of characters, `?` one; case-insensitive, whole value. */
export function globMatches(glob: string, value: string): boolean {
  const source = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i').test(value);
}

class Parser {
  readonly base: Values = {};
  readonly overrides = new Map<string, { line: number; values: Values }>();
  readonly excludes: Rule[] = [];
  readonly nep29: string[];

  constructor(
    readonly input: string,
    releaseDate: Date,
  ) {
    this.nep29 = nep29Versions(releaseDate);
  }

  fail(line: number, message: string): never {
    throw new ConfigurationError(`input "${this.input}" line ${line}: ${message}`);
  }

  statement(line: number, text: string): void {
    const prefixed = /^([\w./-]+)\s*:\s*(.*)$/.exec(text);
    if (!prefixed) {
      this.merge(line, this.base, this.assignments(line, text, false), 'is given twice');
      return;
    }
    const [, prefix, rest] = prefixed as unknown as [string, string, string];
    if (prefix.toLowerCase() === 'exclude') {
      const conditions = this.assignments(line, rest, true);
      if (Object.keys(conditions).length === 0) this.fail(line, 'exclude needs at least one dimension=values');
      this.excludes.push({ line, text, conditions });
      return;
    }
    const platform = this.platform(line, prefix);
    const values = this.assignments(line, rest, false);
    if (values.os) this.fail(line, `an override for ${platform} cannot set os`);
    if (values.arch && platform.includes('/')) this.fail(line, `an override for ${platform} cannot set arch`);
    if (this.overrides.has(platform)) this.fail(line, `${platform} is overridden twice`);
    this.overrides.set(platform, { line, values });
  }

  platform(line: number, prefix: string): string {
    const [osText, archText, extra] = prefix.split('/');
    const os = normalizeOs(osText ?? '');
    const arch = archText === undefined ? undefined : normalizeArch(archText);
    if (!os || extra !== undefined || (archText !== undefined && !arch)) {
      this.fail(line, `"${prefix}:" is neither exclude: nor a platform such as windows: or windows/arm64:`);
    }
    return arch ? `${os}/${arch}` : os;
  }

  assignments(line: number, text: string, globs: boolean): Values {
    const values: Values = {};
    for (const part of text.split(';').map((s) => s.trim())) {
      if (part === '') continue;
      const m = /^([\w-]+)\s*=\s*(.*)$/.exec(part);
      if (!m) this.fail(line, `"${part}" is not dimension=values such as os=linux,windows`);
      const dimension = m[1]!.toLowerCase() as Dimension;
      if (!DIMENSIONS.includes(dimension)) {
        this.fail(line, `unknown dimension "${m[1]}"; expected os, arch, accelerator or python`);
      }
      const items = m[2]!
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      if (items.length === 0) this.fail(line, `${dimension}= has no values`);
      this.merge(
        line,
        values,
        { [dimension]: items.flatMap((v) => this.value(line, dimension, v, globs)) },
        'is given twice',
      );
    }
    return values;
  }

  value(line: number, dimension: Dimension, text: string, globs: boolean): string[] {
    if (globs && isGlob(text)) return [text.toLowerCase()];
    if (dimension === 'python' && text.toLowerCase() === 'nep29') return this.nep29;
    const value = NORMALIZE[dimension](text);
    if (!value) this.fail(line, `"${text}" is not a valid ${dimension}; expected ${EXPECTED[dimension]}`);
    return [value];
  }

  merge(line: number, into: Values, from: Values, twice: string): void {
    for (const d of DIMENSIONS) {
      const v = from[d];
      if (!v) continue;
      if (into[d]) this.fail(line, `${d} ${twice}`);
      into[d] = [...new Set(v)];
    }
  }
}

/** Parses an expect-matrix description (see the module comment); every mistake is one line. */
export function parseExpectMatrix(input: string, text: string, releaseDate: Date): ExpectedMatrix {
  const parser = new Parser(input, releaseDate);
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line !== '') parser.statement(i + 1, line);
  });
  const missing = DIMENSIONS.filter((d) => !parser.base[d]);
  if (missing.length) {
    throw new ConfigurationError(
      `input "${input}": ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not given; expected a line such as os=linux; arch=x86_64; accelerator=cpu,cu126; python=nep29`,
    );
  }
  return expand(parser);
}

function expand(parser: Parser): ExpectedMatrix {
  const base = parser.base as Record<Dimension, string[]>;
  const used = new Set<string>();
  for (const [platform, { line }] of parser.overrides) {
    const [os, arch] = platform.split('/') as [string, string | undefined];
    const archs = parser.overrides.get(os)?.values.arch ?? base.arch;
    if (!base.os.includes(os) || (arch !== undefined && !archs.includes(arch))) {
      parser.fail(line, `${platform} is not in the matrix (os=${base.os.join(',')}; arch=${archs.join(',')})`);
    }
  }
  const cells: Cell[] = [];
  for (const os of base.os) {
    const forOs = { ...base, ...parser.overrides.get(os)?.values };
    for (const arch of forOs.arch) {
      const dims = { ...forOs, ...parser.overrides.get(`${os}/${arch}`)?.values };
      for (const accelerator of dims.accelerator) {
        for (const python of dims.python) {
          const cell: Cell = { os, arch, accelerator, python };
          const rule = parser.excludes.find((r) => ruleMatches(r, cell));
          if (rule) used.add(rule.text);
          else cells.push(cell);
        }
      }
    }
  }
  const idle = parser.excludes.find((r) => !used.has(r.text));
  if (idle) parser.fail(idle.line, `"${idle.text}" excludes no cell; check its values`);
  if (cells.length === 0) throw new ConfigurationError(`input "${parser.input}": every cell is excluded`);
  const pythons = [...new Set(cells.map((c) => c.python))].sort(comparePython);
  return { cells, pythons, nep29: parser.nep29 };
}

function ruleMatches(rule: Rule, cell: Cell): boolean {
  return DIMENSIONS.every((d) => {
    const values = rule.conditions[d];
    return !values || values.some((v) => (isGlob(v) ? globMatches(v, cell[d]) : v === cell[d]));
  });
}

/**
 * Reads a job's cell from its full name (`workflow / job`) with the first pattern that matches; a
 * pattern is a regular expression with named groups `os`, `python`, `accelerator` and optionally `arch`
 * (x86_64 when absent). Jobs no pattern reads (libtorch, docs, lint) belong to no cell.
 */
export interface CellPattern {
  source: string;
  regex: RegExp;
}

export function parseCellPatterns(input: string, lines: readonly string[]): CellPattern[] {
  return lines.map((source) => {
    let regex: RegExp;
    try {
      regex = new RegExp(source, 'i');
    } catch (e) {
      throw new ConfigurationError(
        `input "${input}": ${JSON.stringify(source)} is not a regular expression (${(e as Error).message})`,
      );
    }
    const groups = ['os', 'accelerator', 'python'].filter((g) => !source.includes(`(?<${g}>`));
    if (groups.length) {
      throw new ConfigurationError(
        `input "${input}": ${JSON.stringify(source)} has no named group ${groups.map((g) => `(?<${g}>...)`).join(', ')}`,
      );
    }
    return { source, regex };
  });
}

export function cellOfJob(name: string, patterns: readonly CellPattern[]): Cell | undefined {
  for (const { regex } of patterns) {
    const g = regex.exec(name)?.groups;
    if (!g) continue;
    const os = normalizeOs(g['os'] ?? '');
    const arch = g['arch'] ? normalizeArch(g['arch']) : 'x86_64';
    const accelerator = normalizeAccelerator(g['accelerator'] ?? '');
    const python = normalizePython(g['python'] ?? '');
    if (os && arch && accelerator && python) return { os, arch, accelerator, python };
  }
  return undefined;
}
