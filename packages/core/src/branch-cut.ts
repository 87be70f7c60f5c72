import * as core from '@actions/core';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigurationError } from './errors.js';
import { Git, GitError, type Identity } from './git.js';
import { checkRepoPath, expandPlaceholders, isPinnedPath, releaseEdits, renderEdits, WORKFLOW_PATTERNS, type FileEdit, type PlaceholderValues } from './release-pins.js';
import { parseVersionTxt, tryParseVersion } from './version.js';

/**
 * Cutting release branches on a remote without cloning it: resolve the source ref and the branch
 * names with `ls-remote`, fetch the one source commit without file contents, check out only the
 * files the release-only commit edits, and push new branches (never moving an existing one).
 */

export type BranchState = 'create' | 'exists' | 'unrelated';

export interface PlannedBranch {
  /** `release/2.6` */
  name: string;
  ref: string;
  state: BranchState;
  /** The first branch carries the release-only commit; the others mark the cut point. */
  role: 'release' | 'cut-point';
  /** Where it points on the remote now (exists/unrelated). */
  remoteSha?: string;
  /** Where it will point (create) or points (exists). */
  sha: string;
  /** For existing branches: commits on the branch that the source lacks, and the reverse. */
  ahead?: number;
  behind?: number;
  detail: string;
}

export interface BranchCutRequest {
  remoteUrl: string;
  /** `owner/name`; its own `@main` references are pinned too. */
  repository: string;
  sourceRef: string;
  /** Raw `version` input (`X.Y` or `X.Y.Z`), empty for version.txt at the source. */
  version: string;
  branches: string[];
  pinRepositories: string[];
  /** `path` -> content templates. */
  pins: Array<[string, string]>;
  writeVersionTxt: boolean;
  commitMessage: string;
  committer: Identity;
  /** Scratch directory for the partial clone. */
  workDir: string;
}

export interface BranchCut {
  version: PlaceholderValues;
  sourceRef: string;
  sourceSha: string;
  branches: PlannedBranch[];
  /** Edits of the release-only commit (empty when nothing needs to change or the branch exists). */
  edits: FileEdit[];
  /** The release-only commit made locally, when there are edits. */
  commitSha?: string;
  diff: string;
}

const SHA = /^[0-9a-f]{40}$/;

/** `X.Y` or `X.Y.Z` from the `version` input, or one-line error naming it. */
export function parseCutVersion(input: string, text: string): PlaceholderValues {
  const v = tryParseVersion(text);
  const plain = v && (v.release.length === 2 || v.release.length === 3) && !v.pre && v.dev === undefined && v.post === undefined && v.local === undefined && v.epoch === 0;
  if (!v || !plain) {
    throw new ConfigurationError(`input "${input}": "${text}" is not a release version; expected MAJOR.MINOR or MAJOR.MINOR.PATCH such as 2.6`);
  }
  return { major: v.major, minor: v.minor, patch: v.patch };
}

/** The source ref as a commit sha on the remote: a sha as is, else a branch, else a (peeled) tag. */
export async function resolveRemoteRef(git: Git, url: string, ref: string, input: string): Promise<string> {
  if (SHA.test(ref)) return ref;
  const candidates = ref.startsWith('refs/') ? [ref] : [`refs/heads/${ref}`, `refs/tags/${ref}`];
  const refs = await git.lsRemote(url, candidates);
  for (const c of candidates) {
    const sha = refs.get(`${c}^{}`) ?? refs.get(c);
    if (sha) return sha;
  }
  throw new ConfigurationError(`input "${input}": no branch or tag "${ref}" on ${url}`);
}

async function checkBranchName(git: Git, name: string): Promise<void> {
  const r = await git.run(['check-ref-format', `refs/heads/${name}`], { okCodes: [1] });
  if (r.exitCode !== 0) throw new ConfigurationError(`input "branches": "${name}" is not a valid branch name`);
}

/**
 * How an existing branch relates to the source commit: fetches commit history only (no trees or
 * blobs), deepening until a common ancestor appears or the whole history has been seen.
 */
async function relate(git: Git, branchSha: string, sourceSha: string): Promise<{ base?: string; ahead: number; behind: number }> {
  if (branchSha === sourceSha) return { base: sourceSha, ahead: 0, behind: 0 };
  for (const depth of [64, 1024, 16384, 0]) {
    await git.fetch([sourceSha, branchSha], { depth: depth === 0 ? 0 : depth, filter: 'tree:0', ...(depth === 0 ? { unshallow: true } : {}) });
    const base = await git.mergeBase(branchSha, sourceSha);
    if (base) {
      return { base, ahead: await git.revListCount(`${sourceSha}..${branchSha}`), behind: await git.revListCount(`${branchSha}..${sourceSha}`) };
    }
    if (!(await git.isShallow())) break;
  }
  return { ahead: 0, behind: 0 };
}

/**
 * Works out the cut: which branches to create, where each points, and the release-only commit
 * (made locally, not pushed). Stops with a ConfigurationError on an unrelated existing branch.
 */
export async function planBranchCut(req: BranchCutRequest, git: Git): Promise<BranchCut> {
  if (req.branches.length === 0) throw new ConfigurationError('input "branches" names no branch');
  const pinPaths = req.pins.map(([path]) => checkRepoPath('pins', path));
  const sourceSha = await resolveRemoteRef(git, req.remoteUrl, req.sourceRef, 'source-ref');
  const repo = git.in(req.workDir);
  await repo.partialFetch(req.remoteUrl, [sourceSha]);

  let version: PlaceholderValues;
  if (req.version.trim() !== '') {
    version = parseCutVersion('version', req.version.trim());
  } else {
    const text = await repo.readFile(sourceSha, 'version.txt');
    if (text === undefined) throw new ConfigurationError(`input "version" is empty and ${req.sourceRef} has no version.txt; pass version: X.Y`);
    const v = parseVersionTxt(text, `version.txt at ${req.sourceRef}`);
    version = { major: v.major, minor: v.minor, patch: v.patch };
  }

  const names = req.branches.map((b) => expandPlaceholders('branches', b, version));
  if (new Set(names).size !== names.length) throw new ConfigurationError(`input "branches" names a branch twice: ${names.join(', ')}`);
  for (const name of names) await checkBranchName(repo, name);
  const remote = await repo.lsRemote(req.remoteUrl, names.map((n) => `refs/heads/${n}`));

  const branches: PlannedBranch[] = [];
  for (const [i, name] of names.entries()) {
    const ref = `refs/heads/${name}`;
    const role = i === 0 ? 'release' : 'cut-point';
    const remoteSha = remote.get(ref);
    if (!remoteSha) {
      branches.push({ name, ref, role, state: 'create', sha: sourceSha, detail: '' });
      continue;
    }
    const rel = await relate(repo, remoteSha, sourceSha);
    if (!rel.base) {
      branches.push({ name, ref, role, state: 'unrelated', remoteSha, sha: remoteSha, detail: `${name} exists at ${remoteSha.slice(0, 12)} and shares no history with ${req.sourceRef}` });
    } else {
      const detail = `already cut at ${remoteSha.slice(0, 12)}: ${rel.ahead} commit(s) not in ${req.sourceRef}, ${rel.behind} commit(s) of ${req.sourceRef} not in it`;
      branches.push({ name, ref, role, state: 'exists', remoteSha, sha: remoteSha, ahead: rel.ahead, behind: rel.behind, detail });
    }
  }

  const unrelated = branches.filter((b) => b.state === 'unrelated');
  if (unrelated.length > 0) {
    throw new ConfigurationError(`${unrelated.map((b) => b.detail).join('; ')}; nothing was changed (delete or rename the branch, or pick another version)`);
  }

  const release = branches[0]!;
  let edits: FileEdit[] = [];
  let commitSha: string | undefined;
  if (release.state === 'create') {
    const releaseBranch = release.name;
    const versionTxt = req.writeVersionTxt ? `${version.major}.${version.minor}.${version.patch}` : undefined;
    const fixed = req.pins.map(([, content], k) => [pinPaths[k]!, expandPlaceholders('pins', content, version)] as [string, string]);
    await repo.sparseCheckout(sourceSha, [...WORKFLOW_PATTERNS, '/version.txt', ...pinPaths.map((p) => `/${p}`)]);
    const files = new Map<string, string>();
    for (const path of [...(await listFiles(repo)).filter((p) => isPinnedPath(p)), 'version.txt', ...pinPaths]) {
      const full = join(req.workDir, path);
      if (existsSync(full)) files.set(path, readFileSync(full, 'utf8'));
    }
    const repositories = [...new Set([...req.pinRepositories, req.repository].filter((r) => r.includes('/')))];
    edits = releaseEdits({ branch: releaseBranch, repositories, files, pins: fixed, versionTxt });
    if (edits.length > 0) {
      for (const e of edits) {
        const full = join(req.workDir, e.path);
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, e.after);
      }
      await repo.changedPaths();
      commitSha = await repo.commit(expandPlaceholders('commit-message', req.commitMessage, version), req.committer);
      release.sha = commitSha;
      release.detail = `release-only commit ${commitSha.slice(0, 12)} (${edits.length} file(s)) on ${sourceSha.slice(0, 12)}`;
    } else {
      release.detail = `at ${sourceSha.slice(0, 12)}; no release-only changes needed`;
    }
  }

  // The cut-point branches mark where the release branch left the source. When the release branch
  // already exists, that is where it forked, not today's source commit.
  const cutPoint = release.state === 'exists' ? ((await repo.mergeBase(release.remoteSha!, sourceSha)) ?? sourceSha) : sourceSha;
  for (const b of branches.slice(1)) {
    if (b.state !== 'create') continue;
    b.sha = cutPoint;
    b.detail = cutPoint === sourceSha ? `at ${req.sourceRef} (${sourceSha.slice(0, 12)})` : `at ${cutPoint.slice(0, 12)}, where ${release.name} left ${req.sourceRef}`;
  }

  return { version, sourceRef: req.sourceRef, sourceSha, branches, edits, commitSha, diff: renderEdits(edits) };
}

async function listFiles(git: Git): Promise<string[]> {
  const out = await git.out(['ls-files', '-z', '--', '.github/workflows', '.github/actions']);
  return out.split('\0').filter((p) => p !== '');
}

const WORKFLOW_REFUSAL = /refusing to allow .* to create or update workflow/i;

export const WORKFLOW_PERMISSION_HINT =
  'the push was refused because it changes workflow files: use a token with the `workflow` scope (classic PAT) or `workflows: write` permission (GitHub App or fine-grained token); the default GITHUB_TOKEN cannot push workflow changes';

/**
 * Pushes the branches planned for creation, all or none, each only if it is still absent on the
 * remote; then reads them back. Returns ref -> sha as the remote now has them.
 */
export async function pushBranches(git: Git, url: string, branches: PlannedBranch[]): Promise<Map<string, string>> {
  const creating = branches.filter((b) => b.state === 'create');
  if (creating.length === 0) return new Map();
  try {
    await git.push(url, creating.map((b) => `${b.sha}:${b.ref}`), { createOnly: creating.map((b) => b.ref) });
  } catch (e) {
    if (e instanceof GitError && WORKFLOW_REFUSAL.test(e.stderr + e.stdout)) {
      throw new ConfigurationError(`${WORKFLOW_PERMISSION_HINT} (git said: ${e.stderr.trim().split('\n').find((l) => WORKFLOW_REFUSAL.test(l))?.trim()})`);
    }
    if (e instanceof GitError && /stale info|already exists|fetch first|non-fast-forward/.test(e.stderr)) {
      throw new ConfigurationError(`${creating.map((b) => b.name).join(', ')}: a branch appeared on the remote while planning; nothing was pushed. Run again to see it.`);
    }
    throw e;
  }
  const after = await git.lsRemote(url, creating.map((b) => b.ref));
  for (const b of creating) {
    if (after.get(b.ref) !== b.sha) throw new Error(`pushed ${b.ref} but the remote has ${after.get(b.ref) ?? 'nothing'} instead of ${b.sha}`);
  }
  core.info(`pushed ${creating.map((b) => `${b.name} -> ${b.sha.slice(0, 12)}`).join(', ')}`);
  return after;
}
