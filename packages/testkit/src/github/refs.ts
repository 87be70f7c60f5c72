/**
 * Where a stand-in repository's git data lives: in the state file (`branches`, `tags`, `commits`,
 * `files`), or in a real bare repository (`gitDir`), so that what an action pushes with git and what it
 * then asks the API about (a PR from the branch it just pushed) are one and the same.
 */
import { execFileSync } from 'node:child_process';
import type { CommitState, RepoState } from './state.js';

export interface RefEntry {
  /** full name: refs/heads/main, refs/tags/v2.6.0 */
  ref: string;
  sha: string;
  type: 'commit' | 'tag';
}

export interface DirEntry {
  path: string;
  type: 'file' | 'dir';
  text?: string;
}

export type Content =
  { kind: 'file'; text: string } | { kind: 'dir'; entries: DirEntry[] } | { kind: 'missing' } | { kind: 'no-ref' };

export interface GitData {
  refs(): RefEntry[];
  /** sha a full ref points at, or undefined */
  get(ref: string): string | undefined;
  /** creates or moves a ref (the caller has checked existence and fast-forward) */
  set(ref: string, sha: string): void;
  hasCommit(sha: string): boolean;
  isAncestor(ancestor: string, sha: string): boolean;
  commit(sha: string): CommitState | undefined;
  content(ref: string, path: string): Content;
}

const SHA = /^[0-9a-f]{40}$/;

function split(ref: string): { table: 'branches' | 'tags'; name: string } | undefined {
  const m = /^refs\/(heads|tags)\/(.+)$/.exec(ref);
  if (!m) return undefined;
  return { table: m[1] === 'heads' ? 'branches' : 'tags', name: m[2]! };
}

function dirOf(files: Record<string, string>, path: string): DirEntry[] {
  const entries = new Map<string, DirEntry>();
  const prefix = path ? `${path}/` : '';
  for (const [f, text] of Object.entries(files)) {
    if (!f.startsWith(prefix)) continue;
    const rest = f.slice(prefix.length);
    const child = `${prefix}${rest.split('/')[0]!}`;
    entries.set(child, rest.includes('/') ? { path: child, type: 'dir' } : { path: child, type: 'file', text });
  }
  return [...entries.values()].sort((a, b) => a.path.localeCompare(b.path));
}

function stateData(repo: RepoState): GitData {
  const refs = (): RefEntry[] => [
    ...Object.entries(repo.branches ?? {}).map(([n, sha]): RefEntry => ({
      ref: `refs/heads/${n}`,
      sha,
      type: 'commit',
    })),
    ...Object.entries(repo.tags ?? {}).map(([n, sha]): RefEntry => ({ ref: `refs/tags/${n}`, sha, type: 'commit' })),
  ];
  const get = (ref: string) => {
    const s = split(ref);
    return s ? repo[s.table]?.[s.name] : undefined;
  };
  const filesAt = (ref: string): Record<string, string> | undefined => {
    const files = repo.files ?? {};
    const bare = ref.replace(/^refs\/(heads|tags)\//, '');
    if (files[bare]) return files[bare];
    const sha = repo.branches?.[bare] ?? repo.tags?.[bare] ?? (SHA.test(bare) ? bare : undefined);
    if (!sha) return undefined;
    if (files[sha]) return files[sha];
    // a sha that a named ref points at shares that ref's files
    const named = refs().find((r) => r.sha === sha && files[r.ref.replace(/^refs\/(heads|tags)\//, '')]);
    return named ? files[named.ref.replace(/^refs\/(heads|tags)\//, '')] : {};
  };
  return {
    refs,
    get,
    set(ref, sha) {
      const s = split(ref)!;
      (repo[s.table] ??= {})[s.name] = sha;
    },
    hasCommit: (sha) =>
      !repo.commits?.length || repo.commits.some((c) => c.sha === sha) || refs().some((r) => r.sha === sha),
    isAncestor(ancestor, sha) {
      if (!repo.commits?.length) return true; // no history in the state: nothing to check against
      const seen = new Set<string>();
      const todo = [sha];
      while (todo.length) {
        const s = todo.pop()!;
        if (s === ancestor) return true;
        if (seen.has(s)) continue;
        seen.add(s);
        todo.push(...(repo.commits.find((c) => c.sha === s)?.parents ?? []));
      }
      return false;
    },
    commit: (sha) => repo.commits?.find((c) => c.sha === sha),
    content(ref, path) {
      const files = filesAt(ref);
      if (!files) return { kind: 'no-ref' };
      if (files[path] !== undefined) return { kind: 'file', text: files[path] };
      const entries = dirOf(files, path);
      return entries.length ? { kind: 'dir', entries } : { kind: 'missing' };
    },
  };
}

function gitData(gitDir: string): GitData {
  const git = (args: string[], input?: string): string =>
    execFileSync('git', ['--git-dir', gitDir, ...args], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(input !== undefined ? { input } : {}),
    });
  const ok = (args: string[]): boolean => {
    try {
      git(args);
      return true;
    } catch {
      return false;
    }
  };
  const resolve = (ref: string): string | undefined => {
    try {
      return git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).trim() || undefined;
    } catch {
      return undefined;
    }
  };
  return {
    refs() {
      const out = git(['for-each-ref', '--format=%(refname) %(objectname) %(objecttype)', 'refs/heads', 'refs/tags']);
      return out
        .split('\n')
        .filter(Boolean)
        .map((line): RefEntry => {
          const [ref, sha, type] = line.split(' ');
          return { ref: ref!, sha: sha!, type: type === 'tag' ? 'tag' : 'commit' };
        });
    },
    get(ref) {
      try {
        return git(['rev-parse', '--verify', '--quiet', ref]).trim() || undefined;
      } catch {
        return undefined;
      }
    },
    set(ref, sha) {
      git(['update-ref', ref, sha]);
    },
    hasCommit: (sha) => ok(['cat-file', '-e', `${sha}^{commit}`]),
    isAncestor: (ancestor, sha) => ok(['merge-base', '--is-ancestor', ancestor, sha]),
    commit(sha) {
      try {
        const [parents, author, email, date, ...message] = git([
          'log',
          '-1',
          '--format=%P%n%an%n%ae%n%cI%n%B',
          sha,
        ]).split('\n');
        return {
          sha,
          parents: parents ? parents.split(' ') : [],
          author,
          email,
          date,
          message: message.join('\n').trimEnd(),
        };
      } catch {
        return undefined;
      }
    },
    content(ref, path) {
      const commit = resolve(ref);
      if (!commit) return { kind: 'no-ref' };
      const type = (() => {
        try {
          return git(['cat-file', '-t', `${commit}:${path}`]).trim();
        } catch {
          return undefined;
        }
      })();
      if (type === 'blob') return { kind: 'file', text: git(['cat-file', 'blob', `${commit}:${path}`]) };
      if (type !== 'tree') return { kind: 'missing' };
      const entries = git(['ls-tree', '-z', commit, `${path}/`])
        .split('\0')
        .filter(Boolean)
        .map((line): DirEntry => {
          const [meta, p] = line.split('\t');
          const isDir = meta!.split(' ')[1] === 'tree';
          return isDir
            ? { path: p!, type: 'dir' }
            : { path: p!, type: 'file', text: git(['cat-file', 'blob', `${commit}:${p!}`]) };
        });
      return { kind: 'dir', entries };
    },
  };
}

export function gitDataOf(repo: RepoState): GitData {
  return repo.gitDir ? gitData(repo.gitDir) : stateData(repo);
}
