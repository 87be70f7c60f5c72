import type { GitHubClient } from '@release-actions/core/github/client';
import { ConfigurationError } from '@release-actions/core/runtime/errors';

/**
 * The milestone and its items read through GraphQL: issues and pull requests come in pages of 100,
 * both connections in the same query, so a milestone of N items costs about N/100 requests (plus one
 * to find a milestone given by title).
 */

export interface Milestone {
  number: number;
  title: string;
  state: 'OPEN' | 'CLOSED';
  url: string;
}

export interface MilestoneItem {
  number: number;
  title: string;
  url: string;
  kind: 'issue' | 'pull';
  /** A pull request the merge bot landed shows `closed`, not `merged`. */
  state: 'open' | 'closed' | 'merged';
  labels: string[];
}

export interface PullRequest {
  number: number;
  title: string;
  url: string;
  body: string;
  state: 'open' | 'closed' | 'merged';
  milestone?: number;
}

export interface Repo {
  owner: string;
  name: string;
}

/** Counts the GraphQL requests made, for the summary and the benchmark. */
export class GraphQLReader {
  calls = 0;
  constructor(private readonly client: GitHubClient) {}

  async query<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    this.calls += 1;
    return this.client.graphql<T>(query, variables);
  }
}

interface Page<T> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: T[];
}

interface ItemNode {
  number: number;
  title: string;
  url: string;
  state: 'OPEN' | 'CLOSED' | 'MERGED';
  labels: { nodes: Array<{ name: string }> };
}

const ITEM_FIELDS = 'number title url state labels(first: 50) { nodes { name } }';

const MILESTONE_PAGE = /* GraphQL */ `
  query (
    $owner: String!
    $name: String!
    $number: Int!
    $issuesAfter: String
    $pullsAfter: String
    $withIssues: Boolean!
    $withPulls: Boolean!
  ) {
    repository(owner: $owner, name: $name) {
      defaultBranchRef { name }
      milestone(number: $number) {
        number title state url
        issues(first: 100, after: $issuesAfter) @include(if: $withIssues) {
          totalCount pageInfo { hasNextPage endCursor } nodes { ${ITEM_FIELDS} }
        }
        pullRequests(first: 100, after: $pullsAfter) @include(if: $withPulls) {
          totalCount pageInfo { hasNextPage endCursor } nodes { ${ITEM_FIELDS} }
        }
      }
    }
  }
`;

const MILESTONES = /* GraphQL */ `
  query ($owner: String!, $name: String!, $after: String) {
    repository(owner: $owner, name: $name) {
      milestones(first: 100, after: $after, states: [OPEN, CLOSED]) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          number
          title
          state
          url
        }
      }
    }
  }
`;

interface MilestonePageResult {
  repository: {
    defaultBranchRef: { name: string } | null;
    milestone: (Milestone & { issues?: Page<ItemNode>; pullRequests?: Page<ItemNode> }) | null;
  } | null;
}

export interface MilestoneRead {
  milestone: Milestone;
  items: MilestoneItem[];
  defaultBranch: string | undefined;
}

/** The milestone (by number or title, open or closed) with every item, issues and pull requests. */
export async function readMilestone(
  reader: GraphQLReader,
  repo: Repo,
  wanted: number | string,
): Promise<MilestoneRead> {
  const number = typeof wanted === 'number' ? wanted : (await findMilestoneByTitle(reader, repo, wanted)).number;
  const items: MilestoneItem[] = [];
  let issuesAfter: string | null = null;
  let pullsAfter: string | null = null;
  let withIssues = true;
  let withPulls = true;
  let first: MilestonePageResult['repository'] = null;
  while (withIssues || withPulls) {
    const page: MilestonePageResult = await reader.query<MilestonePageResult>(MILESTONE_PAGE, {
      owner: repo.owner,
      name: repo.name,
      number,
      issuesAfter,
      pullsAfter,
      withIssues,
      withPulls,
    });
    if (!page.repository) throw new ConfigurationError(`input "repository": ${repo.owner}/${repo.name} was not found`);
    const m = page.repository.milestone;
    if (!m)
      throw new ConfigurationError(`input "milestone": ${repo.owner}/${repo.name} has no milestone number ${number}`);
    first ??= page.repository;
    if (m.issues) {
      items.push(...m.issues.nodes.map((n) => toItem(n, 'issue')));
      withIssues = m.issues.pageInfo.hasNextPage;
      issuesAfter = m.issues.pageInfo.endCursor;
    }
    if (m.pullRequests) {
      items.push(...m.pullRequests.nodes.map((n) => toItem(n, 'pull')));
      withPulls = m.pullRequests.pageInfo.hasNextPage;
      pullsAfter = m.pullRequests.pageInfo.endCursor;
    }
  }
  const m = first!.milestone!;
  return {
    milestone: { number: m.number, title: m.title, state: m.state, url: m.url },
    items: items.sort((a, b) => a.number - b.number),
    defaultBranch: first!.defaultBranchRef?.name,
  };
}

function toItem(n: ItemNode, kind: 'issue' | 'pull'): MilestoneItem {
  return {
    number: n.number,
    title: n.title,
    url: n.url,
    kind,
    state: n.state === 'MERGED' ? 'merged' : n.state === 'OPEN' ? 'open' : 'closed',
    labels: n.labels.nodes.map((l) => l.name),
  };
}

/** A milestone by exact title among open and closed ones; otherwise an error naming the closest titles. */
export async function findMilestoneByTitle(reader: GraphQLReader, repo: Repo, title: string): Promise<Milestone> {
  const all: Milestone[] = [];
  let after: string | null = null;
  for (;;) {
    const r: { repository: { milestones: Page<Milestone> } | null } = await reader.query(MILESTONES, {
      owner: repo.owner,
      name: repo.name,
      after,
    });
    if (!r.repository) throw new ConfigurationError(`input "repository": ${repo.owner}/${repo.name} was not found`);
    all.push(...r.repository.milestones.nodes);
    if (!r.repository.milestones.pageInfo.hasNextPage) break;
    after = r.repository.milestones.pageInfo.endCursor;
  }
  const exact =
    all.find((m) => m.title === title) ?? all.find((m) => m.title.trim().toLowerCase() === title.toLowerCase());
  if (exact) return exact;
  const closest = all
    .map((m) => ({ title: m.title, d: distance(m.title.toLowerCase(), title.toLowerCase()) }))
    .sort((a, b) => a.d - b.d || a.title.localeCompare(b.title))
    .slice(0, 3)
    .map((m) => `"${m.title}"`);
  throw new ConfigurationError(
    `input "milestone": no milestone titled "${title}" in ${repo.owner}/${repo.name}` +
      (closest.length ? `; closest: ${closest.join(', ')}` : '; the repository has no milestones'),
  );
}

/** Levenshtein distance, for naming the closest milestone titles. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

const PULLS_TO_BRANCH = /* GraphQL */ `
  query ($owner: String!, $name: String!, $base: String!, $after: String) {
    repository(owner: $owner, name: $name) {
      pullRequests(first: 100, after: $after, baseRefName: $base) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          number
          title
          url
          body
          state
          milestone {
            number
          }
        }
      }
    }
  }
`;

interface PullNode {
  number: number;
  title: string;
  url: string;
  body: string;
  state: 'OPEN' | 'CLOSED' | 'MERGED';
  milestone: { number: number } | null;
}

/** Every pull request whose base is `branch`, open, closed and merged. */
export async function readPullsTo(reader: GraphQLReader, repo: Repo, branch: string): Promise<PullRequest[]> {
  const pulls: PullRequest[] = [];
  let after: string | null = null;
  for (;;) {
    const r: { repository: { pullRequests: Page<PullNode> } | null } = await reader.query(PULLS_TO_BRANCH, {
      owner: repo.owner,
      name: repo.name,
      base: branch,
      after,
    });
    if (!r.repository) throw new ConfigurationError(`input "repository": ${repo.owner}/${repo.name} was not found`);
    for (const n of r.repository.pullRequests.nodes) {
      pulls.push({
        number: n.number,
        title: n.title,
        url: n.url,
        body: n.body,
        state: n.state === 'MERGED' ? 'merged' : n.state === 'OPEN' ? 'open' : 'closed',
        ...(n.milestone ? { milestone: n.milestone.number } : {}),
      });
    }
    if (!r.repository.pullRequests.pageInfo.hasNextPage) return pulls;
    after = r.repository.pullRequests.pageInfo.endCursor;
  }
}
