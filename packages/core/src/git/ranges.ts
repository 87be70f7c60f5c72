import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Git } from './runner.js';

/**
 * Reading what landed on branches after a cut point without cloning: one partial fetch (commits and
 * trees, no file contents) of just the commits after the cut, the commits read once with their
 * messages, and `git patch-id --stable` for the few commits that need it, whose blobs come in one
 * batched request.
 */

export interface CommitRecord {
  sha: string;
  parents: string[];
  subject: string;
  /** The whole message, subject included. */
  message: string;
}

export interface RangeFetch {
  /** The cut point as given: a ref on the remote (`refs/heads/orig/release/2.6`) or a commit sha. */
  cut: string;
  /** Remote refs whose commits after the cut are wanted (`refs/heads/main`, `refs/heads/release/2.6`). */
  tips: string[];
}

const RECORD = '\x1e';
const FIELD = '\x1f';

/**
 * One blobless fetch of `tips` into the local refs `refs/ranges/<n>` (in `tips` order). A cut given as
 * a ref fetches only the commits it does not reach (`--shallow-exclude`): the two ranges and nothing
 * below them. A cut given as a sha cannot be excluded by the server, so the whole history comes,
 * still without file contents.
 */
export async function fetchRanges(git: Git, url: string, request: RangeFetch): Promise<string[]> {
  if (!git.cwd) throw new Error('fetchRanges needs a working directory');
  if (!existsSync(join(git.cwd, '.git'))) {
    await git.init();
    await git.run(['remote', 'add', 'origin', url]);
  }
  const locals = request.tips.map((_, i) => `refs/ranges/${i}`);
  const exclude = request.cut.startsWith('refs/') ? [`--shallow-exclude=${request.cut}`] : [];
  await git.run([
    '-c',
    'protocol.version=2',
    'fetch',
    '-q',
    '--no-tags',
    '--no-write-fetch-head',
    '--filter=blob:none',
    ...exclude,
    'origin',
    ...request.tips.map((tip, i) => `+${tip}:${locals[i]}`),
  ]);
  return locals;
}

/** Commits of a range (`a..b`, or a single rev for everything it reaches), newest first. */
export async function readCommits(git: Git, range: string[]): Promise<CommitRecord[]> {
  const out = await git.out(['log', '--no-color', `--format=${RECORD}%H${FIELD}%P${FIELD}%B`, ...range, '--']);
  const records: CommitRecord[] = [];
  for (const chunk of out.split(RECORD)) {
    if (chunk === '') continue;
    const [sha, parents, message] = chunk.split(FIELD) as [string, string, string];
    const text = message.replace(/\n+$/, '');
    records.push({
      sha,
      parents: parents === '' ? [] : parents.split(' '),
      subject: text.split('\n', 1)[0] ?? '',
      message: text,
    });
  }
  return records;
}

/** Commits whose parents the partial fetch left out (the shallow boundary). */
export function shallowBoundary(git: Git): Set<string> {
  const file = join(git.cwd ?? '.', '.git', 'shallow');
  if (!existsSync(file)) return new Set();
  return new Set(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l !== ''),
  );
}

const NULL_OID = /^0+$/;

/**
 * `git patch-id --stable` of the given commits, as sha -> patch id. The blobs their diffs touch are
 * fetched first in one request (a lazy fetch would ask for them one by one). Merge commits and commits
 * on the shallow boundary, whose parent is not here, have no patch id.
 */
export async function patchIds(git: Git, shas: string[]): Promise<Map<string, string>> {
  const boundary = shallowBoundary(git);
  const wanted = [...new Set(shas)].filter((s) => !boundary.has(s));
  const ids = new Map<string, string>();
  if (wanted.length === 0) return ids;
  const raw = await git.out(['diff-tree', '-r', '--no-renames', '--stdin'], {
    input: Buffer.from(wanted.join('\n') + '\n'),
  });
  const blobs: string[] = [];
  for (const line of raw.split('\n')) {
    const m = /^:\d+ \d+ ([0-9a-f]+) ([0-9a-f]+) /.exec(line);
    if (!m) continue;
    for (const oid of [m[1]!, m[2]!]) if (!NULL_OID.test(oid)) blobs.push(oid);
  }
  await git.fetchObjects(blobs);
  const patches = await git.run(
    ['log', '--no-walk=unsorted', '--no-color', '--no-renames', '-p', '--format=commit %H', '--stdin'],
    { input: Buffer.from(wanted.join('\n') + '\n') },
  );
  const out = await git.out(['patch-id', '--stable'], { input: patches.stdoutBytes });
  for (const line of out.split('\n')) {
    const [patchId, sha] = line.split(' ');
    if (patchId && sha) ids.set(sha, patchId);
  }
  return ids;
}

/**
 * Whether each commit is reachable from `tip`, checked with `merge-base --is-ancestor`. A commit
 * below the shallow boundary is brought in by deepening the history of `tips` (commits only, no
 * trees) as far as needed; undefined when the remote's history of `tips` does not hold it.
 */
export async function areAncestors(
  git: Git,
  commits: string[],
  tip: string,
  tips: string[],
): Promise<Map<string, boolean | undefined>> {
  const answers = new Map<string, boolean | undefined>();
  let local = await localCommits(git);
  for (const deepen of [1000, 10000, -1]) {
    if (commits.every((c) => local.has(c)) || !(await git.isShallow())) break;
    await git.run([
      'fetch',
      '-q',
      '--no-tags',
      '--no-write-fetch-head',
      '--filter=tree:0',
      ...(deepen < 0 ? ['--unshallow'] : [`--deepen=${deepen}`]),
      'origin',
      ...tips,
    ]);
    local = await localCommits(git);
  }
  for (const c of commits) {
    if (!local.has(c)) answers.set(c, undefined);
    else answers.set(c, (await git.run(['merge-base', '--is-ancestor', c, tip], { okCodes: [1] })).exitCode === 0);
  }
  return answers;
}

/**
 * The commits this repository holds, listed by walking local refs: asking git about one missing
 * object in a partial clone would make it fetch that object's whole history from the remote.
 */
async function localCommits(git: Git): Promise<Set<string>> {
  return new Set((await git.out(['rev-list', '--all'])).split('\n').filter((l) => l !== ''));
}
