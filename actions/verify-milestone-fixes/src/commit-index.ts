import type { CommitRecord } from '@release-actions/core/git/ranges';

/**
 * What a commit message says about issues, pull requests and other commits, read once per commit,
 * and the index of a range by those references. Matching is by parsed reference, never by searching
 * messages for a number, so `#123` never matches `#1234`.
 */

/** How a commit names an item: its `Pull Request resolved:` trailer, or another reference. */
export type ReferenceKind = 'trailer' | 'reference';

export interface CommitRefs {
  sha: string;
  parents: string[];
  subject: string;
  /** Item numbers this commit lands or fixes, with how it names each (a trailer wins). */
  items: Map<number, ReferenceKind>;
  /** `(cherry picked from commit <sha>)` lines. */
  cherryPickOf: string[];
  /** For a revert: the commit it reverts (`This reverts commit <sha>`). */
  reverts?: string;
  /** For a revert: the quoted subject of the reverted commit (`Revert "<subject>"`). */
  revertedSubject?: string;
  /** For a revert: the pull request it reverts (`Reverted <url>/pull/N`, or `(#N)` in the quoted subject). */
  revertedPr?: number;
  /** This commit's own pull request (`Pull Request resolved:` or `(#N)` ending the subject). */
  pr?: number;
}

const FIX_WORDS = '(?:fix(?:e[sd])?|close[sd]?|resolve[sd]?)';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface Patterns {
  reverted: RegExp;
  trailer: RegExp;
  trailers: RegExp;
  links: RegExp;
}

const patternCache = new Map<string, Patterns>();

/** The repository's patterns, compiled once: a range holds tens of thousands of commits. */
function patternsFor(repository: string): Patterns {
  let p = patternCache.get(repository);
  if (!p) {
    const repo = escapeRegExp(repository);
    const trailer = `^Pull Request resolved: https?://[^/\\s]+/${repo}/pull/(\\d+)`;
    p = {
      reverted: new RegExp(`^Reverted https?://[^/\\s]+/${repo}/pull/(\\d+)`, 'im'),
      trailer: new RegExp(trailer, 'im'),
      trailers: new RegExp(trailer, 'gim'),
      links: new RegExp(`https?://[^/\\s]+/${repo}/(?:pull|issues)/(\\d+)\\b`, 'gi'),
    };
    patternCache.set(repository, p);
  }
  return p;
}

const CHERRY_PICKED = /\(cherry picked from commit ([0-9a-f]{40})\)/g;
const REVERT_SUBJECT = /^Revert "(.*)"\s*$/;
const REVERTS_SHA = /^This reverts commit ([0-9a-f]{40})\b/m;
const TITLE_NUMBER = /\(#(\d+)\)\s*$/;
const FIXES = new RegExp(`\\b${FIX_WORDS}:?\\s+#(\\d+)\\b`, 'gi');

/** Reads the references of one commit message of `owner/name`. */
export function parseCommit(commit: CommitRecord, repository: string): CommitRefs {
  const p = patternsFor(repository);
  const refs: CommitRefs = {
    sha: commit.sha,
    parents: commit.parents,
    subject: commit.subject,
    items: new Map(),
    cherryPickOf: [...commit.message.matchAll(CHERRY_PICKED)].map((m) => m[1]!),
  };
  const revert = REVERT_SUBJECT.exec(commit.subject);
  const revertsSha = REVERTS_SHA.exec(commit.message)?.[1];
  if (revert || revertsSha) {
    // A revert names the reverted PR; it neither lands nor fixes it.
    refs.reverts = revertsSha;
    refs.revertedSubject = revert?.[1];
    const reverted = p.reverted.exec(commit.message)?.[1];
    const quoted = revert?.[1] ? TITLE_NUMBER.exec(revert[1])?.[1] : undefined;
    const n = reverted ?? quoted;
    if (n) refs.revertedPr = Number(n);
    const trailer = p.trailer.exec(commit.message)?.[1];
    if (trailer) refs.pr = Number(trailer);
    return refs;
  }
  const add = (n: string | undefined, kind: ReferenceKind) => {
    if (!n) return;
    const number = Number(n);
    if (refs.items.get(number) !== 'trailer') refs.items.set(number, kind);
  };
  for (const m of commit.message.matchAll(p.trailers)) {
    add(m[1], 'trailer');
    refs.pr ??= Number(m[1]);
  }
  const title = TITLE_NUMBER.exec(commit.subject)?.[1];
  add(title, 'reference');
  if (title) refs.pr ??= Number(title);
  for (const m of commit.message.matchAll(p.links)) add(m[1], 'reference');
  for (const m of commit.message.matchAll(FIXES)) add(m[1], 'reference');
  return refs;
}

/** One range's commits, indexed by the items they name, by sha and by the commits they pick. */
export class CommitIndex {
  readonly commits: CommitRefs[];
  readonly bySha = new Map<string, CommitRefs>();
  private readonly byItem = new Map<number, Array<{ commit: CommitRefs; kind: ReferenceKind }>>();
  private readonly byPicked = new Map<string, CommitRefs[]>();
  private readonly bySubject = new Map<string, CommitRefs[]>();

  constructor(records: CommitRecord[], repository: string) {
    this.commits = records.map((r) => parseCommit(r, repository));
    for (const c of this.commits) {
      this.bySha.set(c.sha, c);
      for (const [n, kind] of c.items) push(this.byItem, n, { commit: c, kind });
      for (const sha of c.cherryPickOf) push(this.byPicked, sha, c);
      push(this.bySubject, normalizeSubject(c.subject), c);
    }
  }

  /** Commits that name item `n`, those naming it by trailer first. */
  naming(n: number): Array<{ commit: CommitRefs; kind: ReferenceKind }> {
    const hits = this.byItem.get(n) ?? [];
    return [...hits].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'trailer' ? -1 : 1));
  }

  /** Commits made with `git cherry-pick -x` from `sha`. */
  picking(sha: string): CommitRefs[] {
    return this.byPicked.get(sha) ?? [];
  }

  /** Commits with the same subject, ignoring a `[release/X.Y]` prefix. */
  withSubject(subject: string): CommitRefs[] {
    return this.bySubject.get(normalizeSubject(subject)) ?? [];
  }
}

/** `[release/2.6] Revert "x"` and `Revert "x"` compare equal. */
function normalizeSubject(subject: string): string {
  return subject.replace(/^(?:\[[^\]]*\]\s*)+/, '').trim();
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
