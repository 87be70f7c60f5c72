import * as core from '@actions/core';
import { ConfigurationError } from '@release-actions/core/runtime/errors';
import { Git, GitError, type Identity } from '@release-actions/core/git/runner';
import {
  checkRepoPath,
  expandPlaceholders,
  isPinnedPath,
  releaseEdits,
  renderEdits,
  type FileEdit,
  type PlaceholderValues,
} from '@release-actions/core/release/pins';
import { parseVersionTxt, tryParseVersion } from '@release-actions/core/release/version';

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
  const plain =
    v &&
    (v.release.length === 2 || v.release.length === 3) &&
    !v.pre &&
    v.dev === undefined &&
    v.post === undefined &&
    v.local === undefined &&
    v.epoch === 0;
  if (!v || !plain) {
    throw new ConfigurationError(
      `input "${input}": "${text}" is not a release version; expected MAJOR.MINOR or MAJOR.MINOR.PATCH such as 2.6`,
    );
  }
  return { major: v.major, minor: v.minor, patch: v.patch };
}

function refCandidates(ref: string): string[] {
  return ref.startsWith('refs/') ? [ref] : [`refs/heads/${ref}`, `refs/tags/${ref}`];
}

/** The source ref as a commit sha on the remote: a sha as is, else a branch, else a (peeled) tag. */
export async function resolveRemoteRef(git: Git, url: string, ref: string, input: string): Promise<string> {
  if (SHA.test(ref)) return ref;
  const candidates = refCandidates(ref);
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
async function relate(
  git: Git,
  branchSha: string,
  sourceSha: string,
): Promise<{ base?: string; ahead: number; behind: number }> {
  if (branchSha === sourceSha) return { base: sourceSha, ahead: 0, behind: 0 };
  for (const depth of [64, 1024, 16384, 0]) {
    await git.fetch([sourceSha, branchSha], {
      depth: depth === 0 ? 0 : depth,
      filter: 'tree:0',
      ...(depth === 0 ? { unshallow: true } : {}),
    });
    const base = await git.mergeBase(branchSha, sourceSha);
    if (base) {
      return {
        base,
        ahead: await git.revListCount(`${sourceSha}..${branchSha}`),
        behind: await git.revListCount(`${branchSha}..${sourceSha}`),
      };
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
  await fetchSource(repo, req, sourceSha);
  // The few files the cut reads or edits, fetched in one request: never a checkout.
  const files = await readReleaseFiles(repo, sourceSha, pinPaths);
  const version = resolveVersion(req, files);
  const branches = await classifyBranches(repo, req, version, sourceSha);
  const release = branches[0]!;
  const commit =
    release.state === 'create'
      ? await makeReleaseCommit(repo, req, { version, sourceSha, files, pinPaths, release })
      : { edits: [] };
  await placeCutPoints(repo, req, branches, sourceSha);
  return {
    version,
    sourceRef: req.sourceRef,
    sourceSha,
    branches,
    edits: commit.edits,
    commitSha: commit.commitSha,
    diff: renderEdits(commit.edits),
  };
}

/** The one source commit, without file contents; a sha the remote does not have is the user's error. */
async function fetchSource(repo: Git, req: BranchCutRequest, sourceSha: string): Promise<void> {
  try {
    await repo.partialFetch(req.remoteUrl, [sourceSha]);
  } catch (e) {
    if (e instanceof GitError && SHA.test(req.sourceRef) && /not our ref|not found|unadvertised/i.test(e.stderr)) {
      throw new ConfigurationError(`input "source-ref": commit ${req.sourceRef} is not on ${req.remoteUrl}`);
    }
    throw e;
  }
}

/** The `version` input, or else the first parts of version.txt at the source. */
function resolveVersion(req: BranchCutRequest, files: Map<string, string>): PlaceholderValues {
  if (req.version.trim() !== '') return parseCutVersion('version', req.version.trim());
  const text = files.get('version.txt');
  if (text === undefined) {
    throw new ConfigurationError(`input "version" is empty and ${req.sourceRef} has no version.txt; pass version: X.Y`);
  }
  const v = parseVersionTxt(text, `version.txt at ${req.sourceRef}`);
  return { major: v.major, minor: v.minor, patch: v.patch };
}

/**
 * Each branch to cut as create (absent on the remote), exists (shares history with the source) or
 * unrelated, which stops the run before anything changes.
 */
async function classifyBranches(
  repo: Git,
  req: BranchCutRequest,
  version: PlaceholderValues,
  sourceSha: string,
): Promise<PlannedBranch[]> {
  const names = req.branches.map((b) => expandPlaceholders('branches', b, version));
  if (new Set(names).size !== names.length)
    throw new ConfigurationError(`input "branches" names a branch twice: ${names.join(', ')}`);
  for (const name of names) await checkBranchName(repo, name);
  const remote = await repo.lsRemote(
    req.remoteUrl,
    names.map((n) => `refs/heads/${n}`),
  );
  const branches: PlannedBranch[] = [];
  for (const [i, name] of names.entries()) {
    const role = i === 0 ? 'release' : 'cut-point';
    branches.push(
      await classifyBranch(repo, req, { name, role, remoteSha: remote.get(`refs/heads/${name}`) }, sourceSha),
    );
  }
  const unrelated = branches.filter((b) => b.state === 'unrelated');
  if (unrelated.length > 0) {
    throw new ConfigurationError(
      `${unrelated.map((b) => b.detail).join('; ')}; nothing was changed (delete or rename the branch, or pick another version)`,
    );
  }
  return branches;
}

async function classifyBranch(
  repo: Git,
  req: BranchCutRequest,
  branch: { name: string; role: PlannedBranch['role']; remoteSha: string | undefined },
  sourceSha: string,
): Promise<PlannedBranch> {
  const { name, role, remoteSha } = branch;
  const ref = `refs/heads/${name}`;
  if (!remoteSha) return { name, ref, role, state: 'create', sha: sourceSha, detail: '' };
  const rel = await relate(repo, remoteSha, sourceSha);
  if (!rel.base) {
    const detail = `${name} exists at ${remoteSha.slice(0, 12)} and shares no history with ${req.sourceRef}`;
    return { name, ref, role, state: 'unrelated', remoteSha, sha: remoteSha, detail };
  }
  const detail = `already cut at ${remoteSha.slice(0, 12)}: ${rel.ahead} commit(s) not in ${req.sourceRef}, ${rel.behind} commit(s) of ${req.sourceRef} not in it`;
  return { name, ref, role, state: 'exists', remoteSha, sha: remoteSha, ahead: rel.ahead, behind: rel.behind, detail };
}

/**
 * The release-only commit on the source (pinned workflows, pins, version.txt), made locally; the
 * release branch will point at it. No commit when nothing needs to change.
 */
async function makeReleaseCommit(
  repo: Git,
  req: BranchCutRequest,
  cut: {
    version: PlaceholderValues;
    sourceSha: string;
    files: Map<string, string>;
    pinPaths: string[];
    release: PlannedBranch;
  },
): Promise<{ edits: FileEdit[]; commitSha?: string }> {
  const { version, sourceSha, release } = cut;
  const versionTxt = req.writeVersionTxt ? `${version.major}.${version.minor}.${version.patch}` : undefined;
  const fixed = req.pins.map(
    ([, content], k) => [cut.pinPaths[k]!, expandPlaceholders('pins', content, version)] as [string, string],
  );
  const repositories = [...new Set([...req.pinRepositories, req.repository].filter((r) => r.includes('/')))];
  const edits = releaseEdits({ branch: release.name, repositories, files: cut.files, pins: fixed, versionTxt });
  if (edits.length === 0) {
    release.detail = `at ${sourceSha.slice(0, 12)}; no release-only changes needed`;
    return { edits };
  }
  const tree = await repo.editTree(
    sourceSha,
    edits.map((e) => ({ path: e.path, content: e.after })),
  );
  const message = expandPlaceholders('commit-message', req.commitMessage, version);
  const commitSha = await repo.commitTree(tree, [sourceSha], message, req.committer);
  release.sha = commitSha;
  release.detail = `release-only commit ${commitSha.slice(0, 12)} (${edits.length} file(s)) on ${sourceSha.slice(0, 12)}`;
  return { edits, commitSha };
}

/**
 * The cut-point branches mark where the release branch left the source. When the release branch
 * already exists, that is where it forked, not today's source commit.
 */
async function placeCutPoints(
  repo: Git,
  req: BranchCutRequest,
  branches: PlannedBranch[],
  sourceSha: string,
): Promise<void> {
  const release = branches[0]!;
  const cutPoint =
    release.state === 'exists' ? ((await repo.mergeBase(release.remoteSha!, sourceSha)) ?? sourceSha) : sourceSha;
  for (const b of branches.slice(1)) {
    if (b.state !== 'create') continue;
    b.sha = cutPoint;
    b.detail =
      cutPoint === sourceSha
        ? `at ${req.sourceRef} (${sourceSha.slice(0, 12)})`
        : `at ${cutPoint.slice(0, 12)}, where ${release.name} left ${req.sourceRef}`;
  }
}

/**
 * The workflow and action files, version.txt and the pinned files at `sha`, read from a blobless
 * clone: their paths come from the trees, their contents from one fetch of just those blobs.
 */
export async function readReleaseFiles(git: Git, sha: string, pinPaths: string[]): Promise<Map<string, string>> {
  const wanted = (await git.listTree(sha, ['.github/workflows', '.github/actions', 'version.txt', ...pinPaths])).filter(
    (e) => e.type === 'blob' && (isPinnedPath(e.path) || e.path === 'version.txt' || pinPaths.includes(e.path)),
  );
  await git.fetchObjects(wanted.map((e) => e.oid));
  const blobs = await git.readBlobs(wanted.map((e) => e.oid));
  const files = new Map<string, string>();
  for (const e of wanted) {
    const bytes = blobs.get(e.oid)!;
    const text = bytes.toString('utf8');
    // Only text that survives decoding unchanged is edited; anything else is left byte for byte.
    if (Buffer.from(text, 'utf8').equals(bytes)) files.set(e.path, text);
    else core.warning(`${e.path} is not UTF-8 text; it is left as it is`);
  }
  return files;
}

/**
 * Whether the remote still advertises the source commit under its ref: then git already knows what
 * the server has and a push needs no negotiation round; otherwise (the ref moved meanwhile) the
 * negotiation keeps a push from a shallow clone small.
 */
async function stillAdvertised(git: Git, url: string, source: { ref: string; sha: string }): Promise<boolean> {
  if (SHA.test(source.ref)) return false;
  const refs = await git.lsRemote(url, refCandidates(source.ref));
  return [...refs.values()].includes(source.sha);
}

const WORKFLOW_REFUSAL = /refusing to allow .* to create or update workflow/i;

export const WORKFLOW_PERMISSION_HINT =
  'the push was refused because it changes workflow files: use a token with the `workflow` scope (classic PAT) or `workflows: write` permission (GitHub App or fine-grained token); the default GITHUB_TOKEN cannot push workflow changes';

/**
 * Pushes the branches planned for creation, all or none, each only if it is still absent on the
 * remote; then reads them back. Returns ref -> sha as the remote now has them.
 */
export async function pushBranches(
  git: Git,
  url: string,
  branches: PlannedBranch[],
  source?: { ref: string; sha: string },
): Promise<Map<string, string>> {
  const creating = branches.filter((b) => b.state === 'create');
  if (creating.length === 0) return new Map();
  try {
    await git.push(
      url,
      creating.map((b) => `${b.sha}:${b.ref}`),
      { createOnly: creating.map((b) => b.ref), negotiate: !(source && (await stillAdvertised(git, url, source))) },
    );
  } catch (e) {
    if (e instanceof GitError && WORKFLOW_REFUSAL.test(e.stderr + e.stdout)) {
      throw new ConfigurationError(
        `${WORKFLOW_PERMISSION_HINT} (git said: ${e.stderr
          .trim()
          .split('\n')
          .find((l) => WORKFLOW_REFUSAL.test(l))
          ?.trim()})`,
      );
    }
    if (e instanceof GitError && /stale info|already exists|fetch first|non-fast-forward/.test(e.stderr)) {
      throw new ConfigurationError(
        `${creating.map((b) => b.name).join(', ')}: a branch appeared on the remote while planning; nothing was pushed. Run again to see it.`,
      );
    }
    throw e;
  }
  const after = await git.lsRemote(
    url,
    creating.map((b) => b.ref),
  );
  for (const b of creating) {
    if (after.get(b.ref) !== b.sha)
      throw new Error(`pushed ${b.ref} but the remote has ${after.get(b.ref) ?? 'nothing'} instead of ${b.sha}`);
  }
  core.info(`pushed ${creating.map((b) => `${b.name} -> ${b.sha.slice(0, 12)}`).join(', ')}`);
  return after;
}
