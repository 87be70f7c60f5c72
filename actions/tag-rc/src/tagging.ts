import { ConfigurationError } from '@release-actions/core/runtime/errors';
import { Git, GitError, type Identity } from '@release-actions/core/git/runner';
import { finalTag, parseTag, rcTag, type Version } from '@release-actions/core/release/version';

/**
 * Release tags on a remote: `vX.Y.Z-rcN` on the release branch's tip, `vX.Y.Z` on the latest RC's
 * commit. Tags are annotated, never moved unless asked, and a tag already where it should be is a
 * no-op, so re-running a release step is safe. Only the tagged commit is fetched (no trees or blobs).
 */

export type TagState = 'create' | 'exists' | 'move';

export interface TagRequest {
  remoteUrl: string;
  version: Version;
  /** A number, `next`, or undefined with `final`. */
  rc: number | 'next' | undefined;
  final: boolean;
  allowNewCommit: boolean;
  force: boolean;
  branch: string;
  tagger: Identity;
  workDir: string;
}

export interface RemoteTag {
  name: string;
  rc?: number;
  /** The tag object (annotated) or the commit (lightweight), as the ref holds it. */
  object: string;
  /** The commit it points at. */
  commit: string;
}

export interface TagPlan {
  tag: string;
  sha: string;
  state: TagState;
  branch: string;
  branchSha: string;
  existing?: RemoteTag;
  /** The RC tags of this version on the remote, by rc number. */
  candidates: RemoteTag[];
  detail: string;
  message: string;
}

/** The `rc` input: a positive whole number or `next`. */
export function parseRcInput(input: string, text: string): number | 'next' {
  const t = text.trim().toLowerCase();
  if (t === 'next') return 'next';
  if (/^[1-9][0-9]{0,5}$/.test(t)) return Number(t);
  throw new ConfigurationError(
    `input "${input}": "${text}" is not a release-candidate number; expected a positive number such as 3, or next`,
  );
}

function tagsOf(refs: Map<string, string>, version: Version): RemoteTag[] {
  const out: RemoteTag[] = [];
  for (const [ref, object] of refs) {
    if (!ref.startsWith('refs/tags/') || ref.endsWith('^{}')) continue;
    const name = ref.slice('refs/tags/'.length);
    const parsed = parseTag(name);
    if (!parsed || parsed.version.release.join('.') !== version.release.join('.')) continue;
    out.push({ name, rc: parsed.rc, object, commit: refs.get(`${ref}^{}`) ?? object });
  }
  return out.sort((a, b) => (a.rc ?? Infinity) - (b.rc ?? Infinity));
}

export async function planTag(git: Git, req: TagRequest): Promise<TagPlan> {
  const final = finalTag(req.version);
  const branchRef = `refs/heads/${req.branch}`;
  const refs = await git.lsRemote(req.remoteUrl, [branchRef, `refs/tags/${final}`, `refs/tags/${final}-rc*`]);
  const branchSha = refs.get(branchRef);
  if (!branchSha) throw new ConfigurationError(`input "branch": ${req.branch} does not exist on ${req.remoteUrl}`);
  const all = tagsOf(refs, req.version);
  const candidates = all.filter((t) => t.rc !== undefined);
  const latest = candidates[candidates.length - 1];

  let tag: string;
  let sha: string;
  let why: string;
  if (req.final) {
    tag = final;
    if (req.allowNewCommit) {
      sha = branchSha;
      why = `${req.branch} tip (allow-new-commit)`;
    } else {
      if (!latest) {
        throw new ConfigurationError(
          `no release candidate ${final}-rcN exists on ${req.remoteUrl}; tag one first, or set allow-new-commit to tag ${req.branch} itself`,
        );
      }
      sha = latest.commit;
      why = `the commit of the latest release candidate ${latest.name}`;
      if (latest.commit !== branchSha)
        why += ` (${req.branch} has moved past it to ${branchSha.slice(0, 12)}; those commits are not in the release)`;
    }
  } else if (req.rc === 'next' && latest && latest.commit === branchSha) {
    // The newest RC already tags the tip: re-running must not mint another RC for the same commit.
    tag = latest.name;
    sha = branchSha;
    why = `${req.branch} tip, already tagged by the latest release candidate`;
  } else {
    const n = req.rc === 'next' || req.rc === undefined ? (latest?.rc ?? 0) + 1 : req.rc;
    tag = rcTag(req.version, n);
    sha = branchSha;
    why = `${req.branch} tip`;
  }

  const existing = all.find((t) => t.name === tag);
  const message = tag === final ? `Release ${final}` : `Release candidate ${tag}`;
  const base = { tag, sha, branch: req.branch, branchSha, existing, candidates, message };
  if (!existing) return { ...base, state: 'create', detail: `${tag} on ${sha.slice(0, 12)}, ${why}` };
  if (existing.commit === sha) return { ...base, state: 'exists', detail: `${tag} already tags ${sha.slice(0, 12)}` };
  if (!req.force) {
    throw new ConfigurationError(
      `${tag} already exists on ${existing.commit.slice(0, 12)}, not on ${sha.slice(0, 12)} (${why}); tags are never moved unless force is set`,
    );
  }
  return {
    ...base,
    state: 'move',
    detail: `move ${tag} from ${existing.commit.slice(0, 12)} to ${sha.slice(0, 12)} (force), ${why}`,
  };
}

/**
 * Creates the annotated tag locally on the one fetched commit and pushes it: created only if still
 * absent, moved (force) only if it still holds what was planned. Reads it back from the remote.
 */
export async function pushTag(git: Git, url: string, plan: TagPlan, tagger: Identity, workDir: string): Promise<void> {
  if (plan.state === 'exists') return;
  const repo = git.in(workDir);
  // The commit, and the refs the remote will advertise for it, so the push sends only the tag object.
  const extra = plan.candidates
    .filter((t) => t.commit === plan.sha)
    .map((t) => `refs/tags/${t.name}:refs/tags/${t.name}`);
  await repo.partialFetch(url, [plan.sha, ...extra], { filter: 'tree:0' });
  const env = { GIT_COMMITTER_NAME: tagger.name, GIT_COMMITTER_EMAIL: tagger.email };
  await repo.run(['-c', 'tag.gpgSign=false', 'tag', '-f', '-a', '-F', '-', plan.tag, plan.sha], {
    env,
    input: Buffer.from(plan.message + '\n'),
  });
  const ref = `refs/tags/${plan.tag}`;
  try {
    if (plan.state === 'create') await repo.push(url, [`${ref}:${ref}`], { createOnly: [ref] });
    else await repo.push(url, [`${ref}:${ref}`], { lease: [[ref, plan.existing!.object]] });
  } catch (e) {
    if (e instanceof GitError && /stale info|already exists/.test(e.stderr)) {
      throw new ConfigurationError(
        `${plan.tag} changed on the remote while planning; nothing was pushed. Run again to see it.`,
      );
    }
    throw e;
  }
  const after = await git.lsRemote(url, [ref]);
  const commit = after.get(`${ref}^{}`) ?? after.get(ref);
  if (commit !== plan.sha)
    throw new Error(`pushed ${plan.tag} but the remote has it on ${commit ?? 'nothing'} instead of ${plan.sha}`);
}
