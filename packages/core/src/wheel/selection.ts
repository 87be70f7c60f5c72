import { formatWheelFilename, matchesRelease, parseWheelFilename, type WheelName } from '../release/artifact-name.js';
import { ConfigurationError } from '../runtime/errors.js';
import { globToRegExp } from '../runtime/glob.js';
import { renamePlatform } from './metadata.js';

/**
 * Which wheel of a release goes to PyPI for each platform: one build variant per platform (the CUDA
 * build for Linux x86_64, the CPU build for Windows...), chosen by `platform-glob=local-label` rules
 * over parsed file names. A rule that selects nothing for a package is an error before anything is
 * staged or uploaded: a platform missing from a PyPI release cannot be added under the same files later
 * without the release looking broken in between.
 */

export interface PackageRelease {
  name: string;
  version: string;
}

export interface VariantRule {
  platformGlob: string;
  /** Local version label without `+` (`cu126`), or '' for a wheel without one. */
  label: string;
  /**
   * The Pythons this platform ships (`python=cp311-cp313`), when it ships fewer than the others;
   * absent: every Python another line ships. Free-threaded builds are their own (`cp314t`).
   */
  pythons?: readonly string[];
}

export interface SourceObject {
  key: string;
  size: number;
  etag?: string;
}

export interface SelectedWheel {
  package: string;
  version: string;
  pythonTag: string;
  /** The Python the wheel is for: its Python tag, or its ABI tag for a free-threaded build (cp314t). */
  python: string;
  /** Platform tag of the source wheel. */
  platform: string;
  /** The variant chosen (`cu126`, or '' for none). */
  label: string;
  rule: string;
  key: string;
  size: number;
  etag?: string;
  source: WheelName;
  /** The file name the rewritten wheel gets. */
  targetFilename: string;
}

/**
 * `platform-glob=label`, optionally followed by the line's Python set: a range (`python=cp311-cp313`),
 * a list (`python=cp311,cp312,cp313`), or both (`python=cp310-cp314,cp314t`).
 */
export function parseVariants(input: string, lines: Array<[string, string]>): VariantRule[] {
  if (lines.length === 0) throw new ConfigurationError(`input "${input}" selects no platform`);
  return lines.map(([platformGlob, value]) => {
    const words = value.split(/\s+/).filter(Boolean);
    const pythonWord = words.find((w) => w.startsWith('python='));
    const rest = words.filter((w) => w !== pythonWord);
    if (rest.length > 1) {
      throw new ConfigurationError(
        `input "${input}": "${platformGlob}=${value}" should be platform=label, then optionally python=cp311-cp313 or python=cp311,cp312`,
      );
    }
    let label = rest[0] ?? '';
    if (label.startsWith('+')) label = label.slice(1);
    if (label !== '' && !/^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$/.test(label)) {
      throw new ConfigurationError(`input "${input}": "${label}" is not a local version label (such as cu126 or cpu)`);
    }
    const pythons = pythonWord === undefined ? undefined : parsePythonSet(input, pythonWord.slice('python='.length));
    return { platformGlob, label, ...(pythons ? { pythons } : {}) };
  });
}

/** An implementation, a major and a minor version, and `t` for a free-threaded build: cp314t. */
const PYTHON = /^([a-z]+)(\d)(\d+)(t?)$/;

/**
 * `cp311-cp313` -> cp311, cp312, cp313; `cp311,cp313` -> cp311, cp313; `cp310-cp314,cp314t` -> cp310
 * to cp314 and the free-threaded cp314t (a range spans builds of one kind).
 */
export function parsePythonSet(input: string, text: string): string[] {
  const bad = (): ConfigurationError =>
    new ConfigurationError(
      `input "${input}": "python=${text}" should be a range such as cp311-cp313, a list such as cp311,cp312,cp313, or both (cp310-cp314,cp314t)`,
    );
  const tags = text.split(',').flatMap((item) => {
    const [first = '', last, ...more] = item.trim().split('-');
    const [from, to] = [PYTHON.exec(first), PYTHON.exec(last ?? first)];
    if (more.length || !from || !to || from[1] !== to[1] || from[2] !== to[2] || from[4] !== to[4]) throw bad();
    if (Number(from[3]) > Number(to[3])) throw bad();
    const range: string[] = [];
    for (let minor = Number(from[3]); minor <= Number(to[3]); minor++)
      range.push(`${from[1]}${from[2]}${minor}${from[4]}`);
    return range;
  });
  return [...new Set(tags)];
}

/**
 * The Python a wheel is for, as release matrices count them: 3.14 (`cp314-cp314`) and the
 * free-threaded 3.14t (`cp314-cp314t`) share a Python tag, and are told apart by the ABI tag.
 */
export function pythonOf(w: Pick<WheelName, 'pythonTag' | 'abiTag'>): string {
  return /^cp\d+t$/.test(w.abiTag) ? w.abiTag : w.pythonTag;
}

/**
 * Wheels of Pythons that must never reach PyPI (pre-releases such as cp315, cp315t), matched against
 * the file name's Python tag and its ABI tag (the free-threaded build is `cp315-cp315t`, so `cp315`
 * leaves both out). Each is shown under the most specific tag that matched it.
 */
export function excludePythonTags<T extends SourceObject>(
  objects: readonly T[],
  tags: readonly string[],
): { kept: T[]; excluded: Array<T & { tag: string }> } {
  const kept: T[] = [];
  const excluded: Array<T & { tag: string }> = [];
  for (const o of objects) {
    const w = parseWheelFilename(o.key);
    const tag =
      w &&
      (tags.find((t) => t === pythonOf(w)) ??
        tags.find((t) => w.pythonTag.split('.').includes(t) || w.abiTag.split('.').includes(t)));
    if (tag) excluded.push({ ...o, tag });
    else kept.push(o);
  }
  return { kept, excluded };
}

function platformMatches(glob: RegExp, platformTag: string): boolean {
  return glob.test(platformTag) || platformTag.split('.').some((t) => glob.test(t));
}

const ruleText = (r: VariantRule): string =>
  `${r.platformGlob}=${r.label}${r.pythons ? ` python=${r.pythons.join(',')}` : ''}`;

export function selectWheels(
  objects: readonly SourceObject[],
  packages: readonly PackageRelease[],
  variants: readonly VariantRule[],
  platformTags: ReadonlyArray<readonly [string, string]> = [],
): SelectedWheel[] {
  const compiled = variants.map((r) => ({ rule: r, re: globToRegExp(r.platformGlob) }));
  const selected: SelectedWheel[] = [];
  const problems: string[] = [];
  for (const pkg of packages) {
    const wheels = objects.flatMap((o) => {
      const w = parseWheelFilename(o.key);
      return w && matchesRelease(w, pkg.name, pkg.version) ? [{ o, w }] : [];
    });
    const byTarget = new Map<string, SelectedWheel>();
    const pythonsByRule = new Map<VariantRule, Set<string>>();
    for (const { rule, re } of compiled) {
      const chosen = wheels.filter(
        ({ w }) =>
          platformMatches(re, w.platformTag) &&
          (w.local ?? '') === rule.label &&
          (!rule.pythons || rule.pythons.includes(pythonOf(w))),
      );
      if (chosen.length === 0) {
        const labels = [
          ...new Set(wheels.filter(({ w }) => platformMatches(re, w.platformTag)).map(({ w }) => w.local ?? '(none)')),
        ];
        problems.push(
          `${pkg.name} ${pkg.version} has no wheel for "${ruleText(rule)}"${labels.length ? ` (variants there: ${labels.join(', ')})` : ' (no wheel for that platform at all)'}`,
        );
        continue;
      }
      pythonsByRule.set(rule, new Set(chosen.map(({ w }) => pythonOf(w))));
      for (const { o, w } of chosen) {
        const targetFilename = formatWheelFilename({
          distribution: w.distribution,
          version: w.publicVersion,
          build: w.build,
          pythonTag: w.pythonTag,
          abiTag: w.abiTag,
          platformTag: renamePlatform(w.platformTag, platformTags),
        });
        const row: SelectedWheel = {
          package: w.name,
          version: pkg.version,
          pythonTag: w.pythonTag,
          python: pythonOf(w),
          platform: w.platformTag,
          label: w.local ?? '',
          rule: ruleText(rule),
          key: o.key,
          size: o.size,
          etag: o.etag,
          source: w,
          targetFilename,
        };
        const other = byTarget.get(targetFilename);
        if (!other) {
          byTarget.set(targetFilename, row);
        } else if (
          other.key !== o.key &&
          (other.source.filename !== w.filename ||
            other.size !== o.size ||
            (other.etag && o.etag && other.etag !== o.etag))
        ) {
          problems.push(
            `${targetFilename} would come from both ${other.key} (${other.rule}) and ${o.key} (${row.rule})`,
          );
        }
      }
    }
    // A Python that one platform ships and another lacks is a partial release (torchaudio 0.12.1),
    // unless the line states the platform's own Python set: then that set must be there in full.
    const common = [...pythonsByRule].filter(([rule]) => !rule.pythons);
    const pythons = new Set(common.flatMap(([, tags]) => [...tags]));
    for (const [rule, tags] of pythonsByRule) {
      const lacking = [...(rule.pythons ?? pythons)].filter((t) => !tags.has(t)).sort();
      if (lacking.length) {
        problems.push(`${pkg.name} ${pkg.version} has no ${lacking.join(', ')} wheel for "${ruleText(rule)}"`);
      }
    }
    selected.push(...[...byTarget.values()].sort((a, b) => a.targetFilename.localeCompare(b.targetFilename)));
  }
  if (problems.length) {
    throw new ConfigurationError(`input "variants": ${problems.join('; ')}; nothing was staged or uploaded`);
  }
  return selected;
}

/** Per package, Python (cp314, cp314t) x platform -> the chosen variant; no cell where a platform lacks it. */
export function selectionMatrix(
  selected: readonly SelectedWheel[],
): Array<{ package: string; python: string; cells: Record<string, string> }> {
  const out: Array<{ package: string; python: string; cells: Record<string, string> }> = [];
  const packages = [...new Set(selected.map((s) => s.package))];
  for (const p of packages) {
    const rows = selected.filter((s) => s.package === p);
    for (const py of [...new Set(rows.map((r) => r.python))].sort()) {
      const cells: Record<string, string> = {};
      for (const r of rows.filter((r) => r.python === py)) cells[r.platform] = r.label || '(no label)';
      out.push({ package: p, python: py, cells });
    }
  }
  return out;
}
