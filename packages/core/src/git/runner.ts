import * as core from '@actions/core';
import * as exec from '@actions/exec';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { globToRegExp, isGlob } from '../runtime/glob.js';
import { githubServerOrigins, tokenRefusal } from './remote.js';

/**
 * A git runner. Every command is an argument array handed to `@actions/exec` (no shell ever parses
 * it), its output is captured, and a failure carries the command, exit code and git's own words.
 * Credentials travel in `GIT_CONFIG_*` environment variables, never in a URL or an argument, so they
 * show neither in logs nor in process lists.
 */

export interface GitResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Standard output as bytes, for binary protocols such as `cat-file --batch`. */
  stdoutBytes: Buffer;
}

export interface TreeEntry {
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  oid: string;
  path: string;
}

/** A file to write (`content`) or remove (`null`) in a tree edit. */
export interface TreeChange {
  path: string;
  content: string | Buffer | null;
}

export interface GitRunOptions {
  /** Exit codes that are answers rather than failures (e.g. 1 from `merge-base` = no common ancestor). */
  okCodes?: number[];
  /** Bytes fed to git's standard input (e.g. a `fast-import` stream). */
  input?: Buffer;
  /** Extra environment for this command only. */
  env?: Record<string, string>;
}

export interface Identity {
  name: string;
  email: string;
}

export interface GitOptions {
  /** Working directory (the repository). Commands that need none (`ls-remote`) work without it. */
  cwd?: string;
  /** Environment added on top of the process environment (which is passed through). */
  env?: Record<string, string>;
  /** `git -c` style settings carried in `GIT_CONFIG_*` variables, e.g. an auth header. */
  config?: Array<[string, string]>;
  /** Path or name of the git binary. */
  gitPath?: string;
}

export class GitError extends Error {
  override readonly name = 'GitError';
  constructor(
    readonly args: string[],
    readonly exitCode: number,
    readonly stderr: string,
    readonly stdout: string,
  ) {
    const detail = (stderr.trim() || stdout.trim()).split('\n').slice(-6).join(' | ');
    super(`git ${describeArgs(args)} failed (exit ${exitCode}): ${detail || 'no output'}`);
  }
}

/** Shown in errors and logs: long argument lists (paths, refspecs) are shortened. */
function describeArgs(args: string[]): string {
  const shown = args.slice(0, 8).join(' ');
  return args.length > 8 ? `${shown} ... (${args.length} arguments)` : shown;
}

/** `Name <email>` -> identity; undefined when the text is not in that form. */
export function parseIdentity(text: string): Identity | undefined {
  const m = /^\s*([^<>]*?)\s*<([^<>\s]+@[^<>\s]+|[^<>\s]+)>\s*$/.exec(text);
  if (!m || m[1] === '') return undefined;
  return { name: m[1]!, email: m[2]! };
}

/**
 * The `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n` variables for the given settings,
 * numbered after any the environment already carries so that those keep working.
 */
export function configEnv(
  config: Array<[string, string]>,
  base: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  if (config.length === 0) return {};
  const start = Number.parseInt(base['GIT_CONFIG_COUNT'] ?? '0', 10) || 0;
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(start + config.length) };
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${start + i}`] = key;
    env[`GIT_CONFIG_VALUE_${start + i}`] = value;
  });
  return env;
}

/**
 * The setting that authenticates git traffic to `url` with a GitHub token, the way actions/checkout
 * does it: a basic `Authorization` header scoped to that origin. The token goes only to a GitHub
 * server (`servers`: by default the workflow's, GITHUB_SERVER_URL) over https, or over http on
 * loopback; any other remote gets none, and the log says so. File and ssh remotes authenticate
 * otherwise. The token and the header are masked.
 */
export function authConfig(
  url: string,
  token: string | undefined,
  servers: string[] = githubServerOrigins(),
): Array<[string, string]> {
  if (!token) return [];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return [];
  const refusal = tokenRefusal(url, servers);
  if (refusal !== undefined) {
    core.info(`github-token is not sent to ${parsed.origin}: ${refusal}`);
    return [];
  }
  const basic = Buffer.from(`x-access-token:${token}`, 'utf8').toString('base64');
  core.setSecret(token);
  core.setSecret(basic);
  return [[`http.${parsed.protocol}//${parsed.host}/.extraheader`, `AUTHORIZATION: basic ${basic}`]];
}

export class Git {
  readonly cwd: string | undefined;
  private readonly env: Record<string, string>;
  private readonly gitPath: string;

  constructor(opts: GitOptions = {}) {
    this.cwd = opts.cwd;
    this.gitPath = opts.gitPath ?? 'git';
    this.env = {
      // A missing credential must fail, not wait for a password nobody will type.
      GIT_TERMINAL_PROMPT: '0',
      GCM_INTERACTIVE: 'never',
      ...opts.env,
      ...configEnv(opts.config ?? [], { ...process.env, ...opts.env }),
    };
  }

  /** The same settings in another directory. */
  in(cwd: string): Git {
    const copy = Object.create(Git.prototype) as Git;
    Object.assign(copy, this, { cwd });
    return copy;
  }

  async run(args: string[], opts: GitRunOptions = {}): Promise<GitResult> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    Object.assign(env, this.env, opts.env);
    core.debug(`git ${describeArgs(args)}${this.cwd ? ` (in ${this.cwd})` : ''}`);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const exitCode = await exec.exec(this.gitPath, args, {
      cwd: this.cwd,
      env,
      silent: true,
      ignoreReturnCode: true,
      input: opts.input,
      listeners: { stdout: (d: Buffer) => out.push(d), stderr: (d: Buffer) => err.push(d) },
    });
    const stdoutBytes = Buffer.concat(out);
    const result = {
      exitCode,
      stdoutBytes,
      stdout: stdoutBytes.toString('utf8'),
      stderr: Buffer.concat(err).toString('utf8'),
    };
    const ok = exitCode === 0 || (opts.okCodes ?? []).includes(exitCode);
    if (!ok) throw new GitError(args, exitCode, result.stderr, result.stdout);
    return result;
  }

  /** Standard output with the trailing newline removed. */
  async out(args: string[], opts: GitRunOptions = {}): Promise<string> {
    return (await this.run(args, opts)).stdout.replace(/\n$/, '');
  }

  /** `git init` in `cwd` (created if needed), with a fixed initial branch so output never depends on the host's config. */
  async init(opts: { bare?: boolean } = {}): Promise<void> {
    if (this.cwd) mkdirSync(this.cwd, { recursive: true });
    await this.run(['init', '-q', ...(opts.bare ? ['--bare'] : []), '--initial-branch=main']);
  }

  /**
   * Refs on a remote matching the given full ref names or patterns, as ref -> sha. Annotated tags also
   * appear peeled as `refs/tags/x^{}` -> commit sha. Only exact matches of non-glob patterns are kept
   * (git itself matches patterns by their tail, so `refs/heads/x` would also match `refs/heads/a/refs/heads/x`).
   */
  async lsRemote(url: string, patterns: string[]): Promise<Map<string, string>> {
    // Peeled lines (`^{}`) only come back for patterns that match them: ask for them for tags.
    const peeled = patterns.filter((p) => p.startsWith('refs/tags/') && !isGlob(p)).map((p) => `${p}^{}`);
    const stdout = await this.out(['ls-remote', '--', url, ...patterns, ...peeled]);
    const refs = new Map<string, string>();
    const exact = patterns.filter((p) => !isGlob(p));
    const globs = patterns.filter(isGlob).map(globToRegExp);
    for (const line of stdout.split('\n')) {
      const [sha, ref] = line.split('\t');
      if (!sha || !ref) continue;
      const bare = ref.replace(/\^\{\}$/, '');
      if (patterns.length === 0 || exact.includes(bare) || globs.some((g) => g.test(bare))) refs.set(ref, sha);
    }
    return refs;
  }

  /** The branch a remote's HEAD points at (its default branch), or undefined if it does not say. */
  async remoteDefaultBranch(url: string): Promise<string | undefined> {
    const stdout = await this.out(['ls-remote', '--symref', '--', url, 'HEAD']);
    const m = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(stdout);
    return m?.[1];
  }

  /**
   * Makes `cwd` a repository holding just `revs` (shas or ref names) from `url`: `git init` and one
   * shallow fetch with a partial clone filter (`blob:none` by default: commits and trees only; blobs
   * come on demand, e.g. for the files a sparse checkout materialises). The URL is recorded as remote
   * `origin` because git lazily fetches missing objects from the promisor remote.
   */
  async partialFetch(url: string, revs: string[], opts: { depth?: number; filter?: string } = {}): Promise<GitResult> {
    if (!this.cwd) throw new Error('partialFetch needs a working directory');
    if (!existsSync(join(this.cwd, '.git'))) {
      await this.init();
      await this.run(['remote', 'add', 'origin', url]);
    }
    return this.fetch(revs, opts);
  }

  /** One more fetch from `origin` into the partial clone made by `partialFetch`. */
  async fetch(revs: string[], opts: { depth?: number; filter?: string; unshallow?: boolean } = {}): Promise<GitResult> {
    const depth = opts.depth ?? 1;
    const deepen = opts.unshallow ? ['--unshallow'] : depth > 0 ? [`--depth=${depth}`] : [];
    const result = await this.run([
      '-c',
      'protocol.version=2',
      'fetch',
      '-q',
      '--no-tags',
      '--no-write-fetch-head',
      ...deepen,
      `--filter=${opts.filter ?? 'blob:none'}`,
      'origin',
      ...revs,
    ]);
    // A server without `uploadpack.allowFilter` silently sends every blob: say so, it is the whole cost.
    if (/filtering not recognized by server/.test(result.stderr)) {
      core.warning('the git server ignored the partial clone filter, so the fetch downloaded file contents too');
    }
    return result;
  }

  /**
   * Sparse checkout (non-cone: gitignore-style patterns such as `/.github/workflows/*.yml`) of `rev`,
   * so only the matching files' blobs are fetched and written. Detached HEAD at `rev`.
   */
  async sparseCheckout(rev: string, patterns: string[]): Promise<void> {
    await this.run(['sparse-checkout', 'set', '--no-cone', '--stdin'], {
      input: Buffer.from(patterns.join('\n') + '\n'),
    });
    await this.run(['-c', 'advice.detachedHead=false', 'checkout', '-q', '--detach', rev]);
  }

  /** Paths under the sparse checkout that differ from HEAD (modified, added or deleted). */
  async changedPaths(): Promise<string[]> {
    await this.run(['add', '--sparse', '-A', '--', '.']);
    const out = await this.out(['diff', '--cached', '--name-only', '-z']);
    return out.split('\0').filter((p) => p !== '');
  }

  /** Commits the staged changes with the given identity for both author and committer; returns the new sha. */
  async commit(message: string, identity: Identity, opts: { date?: string } = {}): Promise<string> {
    const env: Record<string, string> = {
      GIT_AUTHOR_NAME: identity.name,
      GIT_AUTHOR_EMAIL: identity.email,
      GIT_COMMITTER_NAME: identity.name,
      GIT_COMMITTER_EMAIL: identity.email,
    };
    if (opts.date) Object.assign(env, { GIT_AUTHOR_DATE: opts.date, GIT_COMMITTER_DATE: opts.date });
    await this.run(['-c', 'commit.gpgsign=false', 'commit', '-q', '--no-verify', '-F', '-'], {
      input: Buffer.from(message.endsWith('\n') ? message : message + '\n'),
      env,
    });
    return this.revParse('HEAD');
  }

  /**
   * Pushes refspecs (`<sha>:refs/heads/x`) to `url`, all or nothing (`--atomic`). Never forced: a
   * refspec with a leading `+` is rejected here. `createOnly` refs must not exist on the remote when the
   * push lands (a lease on "absent"), so a branch someone else created since planning is never moved.
   * `lease` replaces a ref only if it still holds the expected object: the one way to move a tag,
   * used only when the caller was explicitly asked to.
   */
  async push(
    url: string,
    refspecs: string[],
    opts: { createOnly?: string[]; lease?: Array<[string, string]>; negotiate?: boolean } = {},
  ): Promise<GitResult> {
    for (const spec of refspecs) if (spec.startsWith('+')) throw new Error(`refusing to force-push ${spec}`);
    return this.run([
      // Tell the server which commits we have, so a shallow clone whose commits the remote's
      // advertised tips no longer reach still sends only the new objects. Callers that know the
      // remote still advertises their base skip this round trip.
      '-c',
      `push.negotiate=${opts.negotiate ?? true}`,
      'push',
      '--atomic',
      '--porcelain',
      ...(opts.createOnly ?? []).map((ref) => `--force-with-lease=${ref}:`),
      ...(opts.lease ?? []).map(([ref, expected]) => `--force-with-lease=${ref}:${expected}`),
      '--',
      url,
      ...refspecs,
    ]);
  }

  async revParse(rev: string): Promise<string> {
    return this.out(['rev-parse', '--verify', '-q', `${rev}^{commit}`]);
  }

  /** The best common ancestor of two commits, or undefined when they share no history. */
  async mergeBase(a: string, b: string): Promise<string | undefined> {
    const r = await this.run(['merge-base', a, b], { okCodes: [1] });
    return r.exitCode === 0 ? r.stdout.trim() : undefined;
  }

  /** Number of commits in a range such as `a..b`. */
  async revListCount(range: string): Promise<number> {
    return Number.parseInt(await this.out(['rev-list', '--count', range]), 10);
  }

  async isShallow(): Promise<boolean> {
    return (await this.out(['rev-parse', '--is-shallow-repository'])) === 'true';
  }

  /**
   * Files (recursively) under the given paths at `rev`, read from trees alone: in a blobless clone this
   * lists files whose contents have not been fetched.
   */
  async listTree(rev: string, paths: string[]): Promise<TreeEntry[]> {
    if (paths.length === 0) return [];
    const out = await this.out(['ls-tree', '-r', '-z', '--full-tree', rev, '--', ...paths]);
    return out
      .split('\0')
      .filter((l) => l !== '')
      .map(parseTreeLine);
  }

  /**
   * Fetches objects by id from `origin` in one request, as git's own lazy fetch does, so a partial
   * clone gets the few blobs it needs without one round trip per file.
   */
  async fetchObjects(oids: string[]): Promise<void> {
    const unique = [...new Set(oids)];
    if (unique.length === 0) return;
    await this.run(
      [
        '-c',
        'fetch.negotiationAlgorithm=noop',
        'fetch',
        '-q',
        '--no-tags',
        '--no-write-fetch-head',
        '--recurse-submodules=no',
        '--filter=blob:none',
        '--stdin',
        'origin',
      ],
      { input: Buffer.from(unique.join('\n') + '\n') },
    );
  }

  /** Contents of blobs by id, with one `cat-file --batch`. */
  async readBlobs(oids: string[]): Promise<Map<string, Buffer>> {
    const unique = [...new Set(oids)];
    const blobs = new Map<string, Buffer>();
    if (unique.length === 0) return blobs;
    const { stdoutBytes: buf } = await this.run(['cat-file', '--batch'], {
      input: Buffer.from(unique.join('\n') + '\n'),
    });
    let at = 0;
    while (at < buf.length) {
      const eol = buf.indexOf(0x0a, at);
      const header = buf.subarray(at, eol).toString('utf8').split(' ');
      if (header[1] === 'missing' || header.length < 3) throw new Error(`object ${header[0]} is missing`);
      const size = Number(header[2]);
      blobs.set(header[0]!, buf.subarray(eol + 1, eol + 1 + size));
      at = eol + 1 + size + 1;
    }
    return blobs;
  }

  /** Stores a blob; returns its id. */
  async writeBlob(content: string | Buffer): Promise<string> {
    return this.out(['hash-object', '-w', '--stdin'], {
      input: Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'),
    });
  }

  /**
   * The tree of `rev` with files written or removed, built with `mktree` along the changed
   * directories only: no checkout, no index, and no other file's contents needed.
   */
  async editTree(rev: string, changes: TreeChange[]): Promise<string> {
    const blobs = new Map<string, string | null>();
    for (const c of changes) blobs.set(c.path, c.content === null ? null : await this.writeBlob(c.content));
    const build = async (tree: string | undefined, edits: Map<string, string | null>): Promise<string | undefined> => {
      const entries = new Map<string, TreeEntry>();
      if (tree) {
        const out = await this.out(['ls-tree', '-z', tree]);
        for (const line of out.split('\0').filter((l) => l !== '')) {
          const e = parseTreeLine(line);
          entries.set(e.path, e);
        }
      }
      const subdirs = new Map<string, Map<string, string | null>>();
      for (const [path, oid] of edits) {
        const slash = path.indexOf('/');
        if (slash < 0) {
          const old = entries.get(path);
          if (old && old.type !== 'blob') throw new Error(`cannot replace directory ${path} with a file`);
          if (oid === null) entries.delete(path);
          else entries.set(path, { mode: old?.mode ?? '100644', type: 'blob', oid, path });
        } else {
          const dir = path.slice(0, slash);
          if (!subdirs.has(dir)) subdirs.set(dir, new Map());
          subdirs.get(dir)!.set(path.slice(slash + 1), oid);
        }
      }
      for (const [dir, sub] of subdirs) {
        const old = entries.get(dir);
        if (old && old.type !== 'tree') throw new Error(`cannot write under ${dir}: it is a file`);
        const oid = await build(old?.oid, sub);
        if (oid === undefined) entries.delete(dir);
        else entries.set(dir, { mode: '040000', type: 'tree', oid, path: dir });
      }
      if (entries.size === 0) return undefined;
      const input = [...entries.values()].map((e) => `${e.mode} ${e.type} ${e.oid}\t${e.path}\0`).join('');
      // --missing: entries carried over from the old tree may be blobs this partial clone never fetched.
      return this.out(['mktree', '-z', '--missing'], { input: Buffer.from(input, 'utf8') });
    };
    const root = await this.out(['rev-parse', '--verify', '-q', `${rev}^{tree}`]);
    return (await build(root, blobs)) ?? (await this.out(['mktree'], { input: Buffer.alloc(0) }));
  }

  /** A commit of `tree` on `parents` with the given identity as author and committer; returns its id. */
  async commitTree(tree: string, parents: string[], message: string, identity: Identity): Promise<string> {
    return this.out(['commit-tree', tree, ...parents.flatMap((p) => ['-p', p]), '-F', '-'], {
      input: Buffer.from(message.endsWith('\n') ? message : message + '\n'),
      env: {
        GIT_AUTHOR_NAME: identity.name,
        GIT_AUTHOR_EMAIL: identity.email,
        GIT_COMMITTER_NAME: identity.name,
        GIT_COMMITTER_EMAIL: identity.email,
      },
    });
  }

  /** A file's content at a commit, or undefined when the commit has no such file. */
  async readFile(rev: string, path: string): Promise<string | undefined> {
    const r = await this.run(['cat-file', 'blob', `${rev}:${path}`], { okCodes: [128] });
    return r.exitCode === 0 ? r.stdout : undefined;
  }
}

function parseTreeLine(line: string): TreeEntry {
  const tab = line.indexOf('\t');
  const [mode, type, oid] = line.slice(0, tab).split(' ') as [string, TreeEntry['type'], string];
  return { mode, type, oid, path: line.slice(tab + 1) };
}
