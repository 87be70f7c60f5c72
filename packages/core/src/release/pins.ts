import { ConfigurationError } from '../runtime/errors.js';
import { expandTemplate } from '../runtime/template.js';

/**
 * The release-only edits of a branch cut, as pure functions of file contents: workflows and composite
 * actions stop following the infra repositories' `main` and follow the release branch instead; pin
 * files and `version.txt` get fixed contents. Only references to the named repositories change, so a
 * third-party `actions/checkout@main` or an unrelated input defaulting to `main` stays as it is.
 */

export interface PinRewriteOptions {
  /** The branch references move to, e.g. `release/2.6`. */
  branch: string;
  /** `owner/name` of the repositories whose `@main` references move (e.g. `pytorch/test-infra`). */
  repositories: string[];
  /** The ref they move from (default `main`). */
  from?: string;
}

export interface FileEdit {
  path: string;
  before: string | undefined;
  after: string;
}

/** The variables placeholders may use: `{major}`, `{minor}`, `{patch}`, `{version}` (X.Y.Z). */
export interface PlaceholderValues {
  major: number;
  minor: number;
  patch: number;
}

/** Whether the rewrite applies to a file: a workflow, or any YAML file under `.github/actions/`. */
export function isPinnedPath(path: string): boolean {
  return /^\.github\/workflows\/[^/]+\.ya?ml$/.test(path) || /^\.github\/actions\/.+\.ya?ml$/.test(path);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const isBlankOrComment = (line: string): boolean => /^\s*(#.*)?$/.test(line);

/**
 * Moves one workflow or action file from `main` to the release branch:
 * - `uses: <repo>[/path]@main` -> `@<branch>` for each pinned repository;
 * - `<name>-ref: main` (e.g. `test-infra-ref: main`) -> `<name>-ref: <branch>`;
 * - `default: main` inside a `<name>-ref:` input block -> `default: <branch>`;
 * - `ref: main` next to `repository: <repo>` (an actions/checkout of a pinned repository).
 * Quotes, comments and everything else are kept byte for byte.
 */
export function pinWorkflowContent(content: string, opts: PinRewriteOptions): string {
  const from = opts.from ?? 'main';
  const to = opts.branch;
  const repos = [...new Set(opts.repositories.map((r) => r.trim()).filter(Boolean))];
  if (repos.length === 0) return content;
  const names = repos.map((r) => r.split('/')[1] ?? r);
  const repoAlt = repos.map(escapeRegExp).join('|');
  const keyAlt = names.map((n) => escapeRegExp(`${n}-ref`)).join('|');
  const fromRe = escapeRegExp(from);

  const usesRe = new RegExp(`(?<![\\w./-])((?:${repoAlt})(?:/[^\\s@'"#]*)?)@${fromRe}(?=$|[\\s'"#])`, 'gi');
  const keyValueRe = new RegExp(`^(\\s*(?:- +)?(?:${keyAlt})\\s*:\\s*)(["']?)${fromRe}\\2(\\s*(?:#.*)?)$`, 'i');
  const blockStartRe = new RegExp(`^\\s*(?:- +)?(?:${keyAlt})\\s*:\\s*(?:#.*)?$`, 'i');
  const defaultRe = new RegExp(`^(\\s*(?:- +)?default\\s*:\\s*)(["']?)${fromRe}\\2(\\s*(?:#.*)?)$`);
  const repositoryRe = new RegExp(`^\\s*(?:- +)?repository\\s*:\\s*(["']?)(?:${repoAlt})\\1\\s*(?:#.*)?$`, 'i');
  const refRe = new RegExp(`^(\\s*(?:- +)?ref\\s*:\\s*)(["']?)${fromRe}\\2(\\s*(?:#.*)?)$`);

  const eol = content.includes('\r\n') ? '\r\n' : '\n';
  const lines = content.split(eol);
  const swap = (line: string, re: RegExp): string =>
    line.replace(re, (_m, head: string, q: string, tail: string) => `${head}${q}${to}${q}${tail}`);

  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    line = line.replace(usesRe, (_m, target: string) => `${target}@${to}`);
    line = swap(line, keyValueRe);
    lines[i] = line;

    // An input block `test-infra-ref:` whose `default: main` follows, more indented.
    if (blockStartRe.test(line)) {
      const column = keyColumn(line);
      for (let j = i + 1; j < lines.length && (isBlankOrComment(lines[j]!) || leadingSpaces(lines[j]!) > column); j++) {
        lines[j] = swap(lines[j]!, defaultRe);
      }
    }
  }

  // `ref: main` in the same mapping as `repository: <pinned repo>` (an actions/checkout `with:` block).
  for (let i = 0; i < lines.length; i++) {
    if (!repositoryRe.test(lines[i]!)) continue;
    const column = keyColumn(lines[i]!);
    const siblings: number[] = [];
    // Upwards until the line that opens the mapping (less indented, or the `- ` item holding it).
    for (let j = i - 1; j >= 0 && !/^\s*- /.test(lines[i]!); j--) {
      const l = lines[j]!;
      if (isBlankOrComment(l)) continue;
      if (keyColumn(l) === column) siblings.push(j);
      if (leadingSpaces(l) < column) break;
    }
    for (let j = i + 1; j < lines.length; j++) {
      const l = lines[j]!;
      if (isBlankOrComment(l)) continue;
      if (leadingSpaces(l) < column) break;
      if (leadingSpaces(l) === column && !/^\s*- /.test(l)) siblings.push(j);
    }
    for (const j of siblings) lines[j] = swap(lines[j]!, refRe);
  }
  return lines.join(eol);
}

function leadingSpaces(line: string): number {
  return /^ */.exec(line)![0].length;
}

/** Column where a line's key starts, after any `- ` sequence marker. */
function keyColumn(line: string): number {
  return /^ *(?:- +)?/.exec(line)![0].length;
}

/** Replaces `{major}`, `{minor}`, `{patch}` and `{version}`; any other `{...}` is an error naming the input. */
export function expandPlaceholders(input: string, template: string, v: PlaceholderValues): string {
  return expandTemplate(input, template, {
    major: String(v.major),
    minor: String(v.minor),
    patch: String(v.patch),
    version: `${v.major}.${v.minor}.${v.patch}`,
  });
}

/** A repository-relative file path, checked so a pin can never write outside the checkout. */
export function checkRepoPath(input: string, path: string): string {
  const p = path.trim();
  if (
    p === '' ||
    p.startsWith('/') ||
    p.split('/').some((part) => part === '..' || part === '.' || part === '') ||
    p.includes('\\') ||
    p.startsWith('.git/')
  ) {
    throw new ConfigurationError(`input "${input}": "${path}" is not a relative file path inside the repository`);
  }
  return p;
}

export interface ReleaseEditsInput extends PinRewriteOptions {
  /** Current contents of the files that may change (workflows, actions, pin targets, version.txt). */
  files: Map<string, string>;
  /** Files to set to fixed contents (after placeholder expansion), e.g. `.github/ci_commit_pins/xla.txt` -> `r2.6`. */
  pins?: Array<[string, string]>;
  /** When set, `version.txt` gets this version. */
  versionTxt?: string;
}

/**
 * Every edit of the release-only commit, computed from file contents alone: the pin rewrite on each
 * workflow and action file, then the fixed-content files. Files that end up unchanged are left out,
 * so an empty result means no commit at all.
 */
export function releaseEdits(input: ReleaseEditsInput): FileEdit[] {
  const edits = new Map<string, FileEdit>();
  for (const [path, before] of [...input.files].sort(([a], [b]) => a.localeCompare(b))) {
    if (!isPinnedPath(path)) continue;
    const after = pinWorkflowContent(before, input);
    if (after !== before) edits.set(path, { path, before, after });
  }
  const fixed: Array<[string, string]> = [...(input.pins ?? [])];
  if (input.versionTxt !== undefined) fixed.push(['version.txt', input.versionTxt]);
  for (const [path, content] of fixed) {
    const after = content.endsWith('\n') ? content : `${content}\n`;
    const before = edits.get(path)?.before ?? input.files.get(path);
    if (after === before) edits.delete(path);
    else edits.set(path, { path, before, after });
  }
  return [...edits.values()];
}

/**
 * What an edit changes: each changed line (numbered from 1) when the file keeps its line count, else
 * the whole file (`line` undefined; `before` undefined for a new file). The one source of both the
 * diff in the log and the table in the job summary.
 */
export interface EditChange {
  line?: number;
  before?: string;
  after: string;
}

export function editChanges(e: FileEdit): EditChange[] {
  const a = e.before === undefined ? [] : e.before.split('\n');
  const b = e.after.split('\n');
  if (e.before === undefined || a.length !== b.length) return [{ before: e.before, after: e.after }];
  return a.flatMap((line, i) => (line === b[i] ? [] : [{ line: i + 1, before: line, after: b[i]! }]));
}

/** A unified-looking diff of the edits for logs (whole-line changes, with line numbers). */
export function renderEdits(edits: FileEdit[]): string {
  const out: string[] = [];
  for (const e of edits) {
    out.push(`--- a/${e.path}${e.before === undefined ? ' (new file)' : ''}`, `+++ b/${e.path}`);
    for (const c of editChanges(e)) {
      if (c.line !== undefined) out.push(`@@ line ${c.line} @@`, `-${c.before}`, `+${c.after}`);
      else out.push(`@@ whole file @@`, ...wholeLines(c.before, '-'), ...wholeLines(c.after, '+'));
    }
  }
  return out.join('\n');
}

/** The lines of a whole file with a diff sign, the empty line after the final newline left out. */
function wholeLines(text: string | undefined, sign: '-' | '+'): string[] {
  if (text === undefined) return [];
  const lines = text.split('\n');
  return lines.filter((l, i) => l !== '' || i < lines.length - 1).map((l) => `${sign}${l}`);
}

/** The edits as rows of file, line ('all' for the whole file), before and after, for a job summary table. */
export function editRows(edits: FileEdit[]): Array<[string, number | string, string, string]> {
  return edits.flatMap((e) =>
    editChanges(e).map((c): [string, number | string, string, string] =>
      c.line !== undefined
        ? [e.path, c.line, c.before!.trim(), c.after.trim()]
        : [e.path, 'all', c.before?.trim() ?? '(new file)', c.after.trim()],
    ),
  );
}
