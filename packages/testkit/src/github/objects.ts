/**
 * Renders the state into the JSON objects GitHub's REST API returns, with every field GitHub's OpenAPI
 * schemas require (ids, node ids, URLs, user objects), derived deterministically from the state.
 */
import { createHash } from 'node:crypto';
import { gitDataOf } from './refs.js';
import type {
  IssueState,
  JobState,
  LabelState,
  MilestoneState,
  PullState,
  RepoState,
  WorkflowRunState,
} from './state.js';

export interface Urls {
  /** REST root of the stand-in, e.g. http://127.0.0.1:1234 */
  api: string;
  /** Web root used for html_url, e.g. https://github.com (commit messages link to it) */
  html: string;
}

type J = Record<string, unknown>;

export const EPOCH = '2026-01-01T00:00:00Z';

/** A stable positive id for a name, so the same state always renders the same ids. */
export function stableId(...parts: (string | number)[]): number {
  return (createHash('sha1').update(parts.join('\0')).digest().readUInt32BE(0) % 1_000_000_000) + 1;
}

function nodeId(kind: string, id: number): string {
  return Buffer.from(`0:${kind}${id}`).toString('base64');
}

export function user(urls: Urls, login: string): J {
  const id = stableId('user', login);
  const api = `${urls.api}/users/${login}`;
  return {
    login,
    id,
    node_id: nodeId('User', id),
    avatar_url: `${urls.html}/${login}.png`,
    gravatar_id: '',
    url: api,
    html_url: `${urls.html}/${login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: login.endsWith('[bot]') ? 'Bot' : 'User',
    site_admin: false,
  };
}

export function repoId(repo: RepoState): number {
  return repo.id ?? stableId('repo', repo.owner, repo.name);
}

export function defaultBranch(repo: RepoState): string {
  return repo.defaultBranch ?? 'main';
}

/** The `minimal-repository` shape (embedded in runs and pull request heads). */
export function minimalRepo(urls: Urls, repo: RepoState): J {
  const full = `${repo.owner}/${repo.name}`;
  const api = `${urls.api}/repos/${full}`;
  const id = repoId(repo);
  return {
    id,
    node_id: nodeId('Repository', id),
    name: repo.name,
    full_name: full,
    owner: user(urls, repo.owner),
    private: repo.private ?? false,
    html_url: `${urls.html}/${full}`,
    description: repo.description ?? null,
    fork: false,
    url: api,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    hooks_url: `${api}/hooks`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`,
  };
}

/** The `full-repository` shape (GET /repos/{owner}/{repo}). */
export function fullRepo(urls: Urls, repo: RepoState): J {
  const full = `${repo.owner}/${repo.name}`;
  const host = new URL(urls.html).host;
  const openIssues = [...(repo.issues ?? []), ...(repo.pulls ?? [])].filter(
    (i) => (i.state ?? 'open') === 'open',
  ).length;
  return {
    ...minimalRepo(urls, repo),
    clone_url: `${urls.html}/${full}.git`,
    git_url: `git://${host}/${full}.git`,
    ssh_url: `git@${host}:${full}.git`,
    svn_url: `${urls.html}/${full}`,
    mirror_url: null,
    homepage: null,
    language: null,
    default_branch: defaultBranch(repo),
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    open_issues: openIssues,
    open_issues_count: openIssues,
    size: 0,
    has_issues: true,
    has_projects: true,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: repo.private ? 'private' : 'public',
    license: null,
    pushed_at: EPOCH,
    created_at: EPOCH,
    updated_at: EPOCH,
    network_count: 0,
    subscribers_count: 0,
    permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
  };
}

export function gitRef(urls: Urls, repo: RepoState, ref: string, sha: string, type: 'commit' | 'tag' = 'commit'): J {
  const api = `${urls.api}/repos/${repo.owner}/${repo.name}`;
  return {
    ref,
    node_id: Buffer.from(`0:Ref${repoId(repo)}:${ref}`).toString('base64'),
    url: `${api}/git/${ref}`,
    object: { type, sha, url: `${api}/git/${type === 'tag' ? 'tags' : 'commits'}/${sha}` },
  };
}

/** Git's blob id of a text, so content shas match what `git hash-object` says. */
export function blobSha(text: string): string {
  const body = Buffer.from(text, 'utf8');
  return createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
}

function contentLinks(urls: Urls, repo: RepoState, path: string, ref: string, sha: string, kind: 'blob' | 'tree'): J {
  const full = `${repo.owner}/${repo.name}`;
  const self = `${urls.api}/repos/${full}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const git = `${urls.api}/repos/${full}/git/${kind === 'blob' ? 'blobs' : 'trees'}/${sha}`;
  const html = `${urls.html}/${full}/${kind}/${ref}/${path}`;
  return { url: self, git_url: git, html_url: html, _links: { self, git, html } };
}

export function contentFile(urls: Urls, repo: RepoState, path: string, ref: string, text: string): J {
  const sha = blobSha(text);
  const links = contentLinks(urls, repo, path, ref, sha, 'blob');
  return {
    type: 'file',
    encoding: 'base64',
    size: Buffer.byteLength(text),
    name: path.split('/').pop(),
    path,
    content: Buffer.from(text, 'utf8')
      .toString('base64')
      .replace(/(.{60})/g, '$1\n'),
    sha,
    ...links,
    download_url: `${urls.api}/raw/${repo.owner}/${repo.name}/${ref}/${path}`,
  };
}

/** One entry of a directory listing (no `content`). */
export function contentEntry(urls: Urls, repo: RepoState, path: string, ref: string, text: string | undefined): J {
  const isDir = text === undefined;
  const sha = isDir ? blobSha(`tree:${path}`) : blobSha(text);
  return {
    type: isDir ? 'dir' : 'file',
    size: isDir ? 0 : Buffer.byteLength(text),
    name: path.split('/').pop(),
    path,
    sha,
    ...contentLinks(urls, repo, path, ref, sha, isDir ? 'tree' : 'blob'),
    download_url: isDir ? null : `${urls.api}/raw/${repo.owner}/${repo.name}/${ref}/${path}`,
  };
}

export function label(urls: Urls, repo: RepoState, l: LabelState): J {
  const id = l.id ?? stableId('label', repoId(repo), l.name);
  return {
    id,
    node_id: nodeId('Label', id),
    url: `${urls.api}/repos/${repo.owner}/${repo.name}/labels/${encodeURIComponent(l.name)}`,
    name: l.name,
    description: l.description ?? null,
    color: l.color ?? 'ededed',
    default: false,
  };
}

function labelsOf(urls: Urls, repo: RepoState, names: string[] | undefined): J[] {
  return (names ?? []).map((name) => label(urls, repo, repo.labels?.find((l) => l.name === name) ?? { name }));
}

export function milestone(urls: Urls, repo: RepoState, m: MilestoneState, viewer: string): J {
  const id = m.id ?? stableId('milestone', repoId(repo), m.number);
  const api = `${urls.api}/repos/${repo.owner}/${repo.name}/milestones/${m.number}`;
  const items = [...(repo.issues ?? []), ...(repo.pulls ?? [])].filter((i) => i.milestone === m.number);
  const state = m.state ?? 'open';
  return {
    url: api,
    html_url: `${urls.html}/${repo.owner}/${repo.name}/milestone/${m.number}`,
    labels_url: `${api}/labels`,
    id,
    node_id: nodeId('Milestone', id),
    number: m.number,
    state,
    title: m.title,
    description: m.description ?? null,
    creator: user(urls, viewer),
    open_issues: items.filter((i) => (i.state ?? 'open') === 'open').length,
    closed_issues: items.filter((i) => i.state === 'closed').length,
    created_at: m.createdAt ?? EPOCH,
    updated_at: m.createdAt ?? EPOCH,
    closed_at: state === 'closed' ? (m.closedAt ?? m.createdAt ?? EPOCH) : null,
    due_on: m.dueOn ?? null,
  };
}

export function itemId(repo: RepoState, number: number, kind: 'issue' | 'pull'): number {
  return stableId(kind, repoId(repo), number);
}

function itemTimes(item: IssueState): { created_at: string; updated_at: string; closed_at: string | null } {
  const created =
    item.createdAt ?? new Date(Date.parse(EPOCH) + item.number * 60_000).toISOString().replace('.000', '');
  const closed = item.state === 'closed' ? (item.closedAt ?? item.updatedAt ?? created) : null;
  return { created_at: created, updated_at: item.updatedAt ?? closed ?? created, closed_at: closed };
}

function milestoneOf(urls: Urls, repo: RepoState, number: number | null | undefined, viewer: string): J | null {
  const m = number == null ? undefined : repo.milestones?.find((x) => x.number === number);
  return m ? milestone(urls, repo, m, viewer) : null;
}

/** The `issue` shape; pull requests listed as issues carry the `pull_request` key. */
export function issue(urls: Urls, repo: RepoState, item: IssueState | PullState, viewer: string): J {
  const isPull = 'head' in item;
  const id = itemId(repo, item.number, isPull ? 'pull' : 'issue');
  const full = `${repo.owner}/${repo.name}`;
  const api = `${urls.api}/repos/${full}/issues/${item.number}`;
  const times = itemTimes(item);
  const out: J = {
    id,
    node_id: nodeId(isPull ? 'PullRequest' : 'Issue', id),
    url: api,
    repository_url: `${urls.api}/repos/${full}`,
    labels_url: `${api}/labels{/name}`,
    comments_url: `${api}/comments`,
    events_url: `${api}/events`,
    html_url: `${urls.html}/${full}/${isPull ? 'pull' : 'issues'}/${item.number}`,
    number: item.number,
    state: item.state ?? 'open',
    state_reason: item.state === 'closed' ? 'completed' : null,
    title: item.title,
    body: item.body ?? null,
    user: user(urls, item.user ?? viewer),
    labels: labelsOf(urls, repo, item.labels),
    assignee: null,
    assignees: [],
    milestone: milestoneOf(urls, repo, item.milestone, viewer),
    locked: false,
    active_lock_reason: null,
    comments: 0,
    ...times,
    author_association: 'MEMBER',
  };
  if (isPull) {
    const pull = item as PullState;
    out['pull_request'] = {
      url: `${urls.api}/repos/${full}/pulls/${item.number}`,
      html_url: `${urls.html}/${full}/pull/${item.number}`,
      diff_url: `${urls.html}/${full}/pull/${item.number}.diff`,
      patch_url: `${urls.html}/${full}/pull/${item.number}.patch`,
      merged_at: pull.merged ? (pull.mergedAt ?? times.closed_at ?? times.updated_at) : null,
    };
    out['draft'] = pull.draft ?? false;
  }
  return { ...out, ...(item.raw ?? {}) };
}

function headOf(repo: RepoState, pull: PullState): { owner: string; branch: string } {
  const i = pull.head.indexOf(':');
  return i < 0
    ? { owner: repo.owner, branch: pull.head }
    : { owner: pull.head.slice(0, i), branch: pull.head.slice(i + 1) };
}

/** The `pull-request-simple` shape (list); `full` adds the `pull-request` fields (get, create, update). */
export function pull(urls: Urls, repo: RepoState, p: PullState, viewer: string, full: boolean): J {
  const id = itemId(repo, p.number, 'pull');
  const fullName = `${repo.owner}/${repo.name}`;
  const api = `${urls.api}/repos/${fullName}/pulls/${p.number}`;
  const html = `${urls.html}/${fullName}/pull/${p.number}`;
  const times = itemTimes(p);
  const head = headOf(repo, p);
  const base = p.base ?? defaultBranch(repo);
  const git = gitDataOf(repo);
  const headSha =
    p.headSha ?? (head.owner === repo.owner ? git.get(`refs/heads/${head.branch}`) : undefined) ?? '0'.repeat(40);
  const baseSha = git.get(`refs/heads/${base}`) ?? '0'.repeat(40);
  const merged = p.merged ?? false;
  const branchRef = (label: string, ref: string, sha: string, owner: string): J => ({
    label,
    ref,
    sha,
    user: user(urls, owner),
    repo: owner === repo.owner ? fullRepo(urls, repo) : null,
  });
  const out: J = {
    url: api,
    id,
    node_id: nodeId('PullRequest', id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${urls.api}/repos/${fullName}/issues/${p.number}`,
    commits_url: `${api}/commits`,
    review_comments_url: `${api}/comments`,
    review_comment_url: `${urls.api}/repos/${fullName}/pulls/comments{/number}`,
    comments_url: `${urls.api}/repos/${fullName}/issues/${p.number}/comments`,
    statuses_url: `${urls.api}/repos/${fullName}/statuses/${headSha}`,
    number: p.number,
    state: p.state ?? 'open',
    locked: false,
    title: p.title,
    user: user(urls, p.user ?? viewer),
    body: p.body ?? null,
    labels: labelsOf(urls, repo, p.labels),
    milestone: milestoneOf(urls, repo, p.milestone, viewer),
    active_lock_reason: null,
    ...times,
    merged_at: merged ? (p.mergedAt ?? times.closed_at ?? times.updated_at) : null,
    merge_commit_sha: p.mergeCommitSha ?? null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: branchRef(`${head.owner}:${head.branch}`, head.branch, headSha, head.owner),
    base: branchRef(`${repo.owner}:${base}`, base, baseSha, repo.owner),
    _links: {
      self: { href: api },
      html: { href: html },
      issue: { href: `${urls.api}/repos/${fullName}/issues/${p.number}` },
      comments: { href: `${urls.api}/repos/${fullName}/issues/${p.number}/comments` },
      review_comments: { href: `${api}/comments` },
      review_comment: { href: `${urls.api}/repos/${fullName}/pulls/comments{/number}` },
      commits: { href: `${api}/commits` },
      statuses: { href: `${urls.api}/repos/${fullName}/statuses/${headSha}` },
    },
    author_association: 'MEMBER',
    auto_merge: null,
    draft: p.draft ?? false,
  };
  if (full) {
    Object.assign(out, {
      merged,
      mergeable: p.state === 'closed' ? null : true,
      rebaseable: p.state === 'closed' ? null : true,
      mergeable_state: p.state === 'closed' ? 'unknown' : 'clean',
      merged_by: merged ? user(urls, viewer) : null,
      comments: 0,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: 1,
      additions: 0,
      deletions: 0,
      changed_files: 0,
    });
  }
  return { ...out, ...(p.raw ?? {}) };
}

export function workflowRun(urls: Urls, repo: RepoState, r: WorkflowRunState): J {
  const full = `${repo.owner}/${repo.name}`;
  const api = `${urls.api}/repos/${full}/actions/runs/${r.id}`;
  const path = r.path ?? `.github/workflows/${r.name}.yml`;
  const workflowId = r.workflowId ?? stableId('workflow', repoId(repo), path);
  const created = r.createdAt ?? EPOCH;
  const commit = gitDataOf(repo).commit(r.headSha);
  const authorName = commit?.author ?? repo.owner;
  const author = {
    name: authorName,
    email: commit?.email ?? `${authorName.toLowerCase().replace(/[^a-z0-9._-]+/g, '-')}@users.noreply.github.com`,
  };
  const status = r.status ?? 'completed';
  const minimal = minimalRepo(urls, repo);
  return {
    id: r.id,
    name: r.name,
    node_id: nodeId('WorkflowRun', r.id),
    check_suite_id: r.id + 1,
    check_suite_node_id: nodeId('CheckSuite', r.id + 1),
    head_branch: r.headBranch,
    head_sha: r.headSha,
    path,
    display_title: (r.title ?? commit?.message ?? r.name).split('\n')[0],
    run_number: r.runNumber ?? 1,
    run_attempt: r.runAttempt ?? 1,
    event: r.event ?? 'schedule',
    status,
    conclusion: status === 'completed' ? (r.conclusion ?? 'success') : null,
    workflow_id: workflowId,
    url: api,
    html_url: `${urls.html}/${full}/actions/runs/${r.id}`,
    pull_requests: [],
    created_at: created,
    updated_at: r.updatedAt ?? created,
    run_started_at: created,
    actor: user(urls, repo.owner),
    triggering_actor: user(urls, repo.owner),
    jobs_url: `${api}/jobs`,
    logs_url: `${api}/logs`,
    check_suite_url: `${urls.api}/repos/${full}/check-suites/${r.id + 1}`,
    artifacts_url: `${api}/artifacts`,
    cancel_url: `${api}/cancel`,
    rerun_url: `${api}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${urls.api}/repos/${full}/actions/workflows/${workflowId}`,
    head_commit: {
      id: r.headSha,
      tree_id: blobSha(`tree:${r.headSha}`),
      message: commit?.message ?? r.title ?? r.name,
      timestamp: commit?.date ?? created,
      author,
      committer: author,
    },
    repository: minimal,
    head_repository: minimal,
  };
}

export function jobId(run: WorkflowRunState, index: number, job: JobState): number {
  return job.id ?? run.id * 1000 + index + 1;
}

export function job(urls: Urls, repo: RepoState, r: WorkflowRunState, j: JobState, index: number): J {
  const full = `${repo.owner}/${repo.name}`;
  const id = jobId(r, index, j);
  const status = j.status ?? 'completed';
  const started = j.startedAt ?? r.createdAt ?? EPOCH;
  return {
    id,
    run_id: r.id,
    run_url: `${urls.api}/repos/${full}/actions/runs/${r.id}`,
    run_attempt: r.runAttempt ?? 1,
    node_id: nodeId('CheckRun', id),
    head_sha: r.headSha,
    head_branch: r.headBranch,
    workflow_name: r.name,
    url: `${urls.api}/repos/${full}/actions/jobs/${id}`,
    html_url: `${urls.html}/${full}/actions/runs/${r.id}/job/${id}`,
    status,
    conclusion: status === 'completed' ? (j.conclusion ?? 'success') : null,
    created_at: started,
    started_at: started,
    completed_at: status === 'completed' ? (j.completedAt ?? started) : null,
    name: j.name,
    steps: [],
    check_run_url: `${urls.api}/repos/${full}/check-runs/${id}`,
    labels: j.labels ?? ['ubuntu-latest'],
    runner_id: status === 'queued' ? null : 1,
    runner_name: j.runnerName === undefined ? (status === 'queued' ? null : 'runner-1') : j.runnerName,
    runner_group_id: status === 'queued' ? null : 1,
    runner_group_name: status === 'queued' ? null : 'Default',
  };
}
