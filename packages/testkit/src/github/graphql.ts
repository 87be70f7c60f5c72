/**
 * The GraphQL side of the stand-in: a small slice of GitHub's schema (repository, milestones, issues,
 * pull requests, labels) executed by graphql-js over the same state as the REST side, with GitHub's
 * connection rules (`first`/`last` required, at most 100, opaque cursors).
 *
 * Documented query shape (other selections over these types work too):
 *
 *   query($owner: String!, $name: String!, $number: Int!, $after: String) {
 *     repository(owner: $owner, name: $name) {
 *       milestone(number: $number) {
 *         title state
 *         issues(first: 100, after: $after) {          # issues only, like GitHub
 *           totalCount pageInfo { hasNextPage endCursor }
 *           nodes { number title state url body labels(first: 20) { nodes { name } } }
 *         }
 *         pullRequests(first: 100, after: $after) { ... same, plus merged mergedAt headRefName baseRefName }
 *       }
 *     }
 *   }
 */
import { buildSchema, graphql, GraphQLError, type GraphQLSchema } from 'graphql';
import { defaultBranch, itemId, repoId, stableId, type Urls } from './objects.js';
import { gitDataOf } from './refs.js';
import type { IssueState, LabelState, MilestoneState, PullState, RepoState, StateFile } from './state.js';

const SDL = /* GraphQL */ `
  type Query {
    repository(owner: String!, name: String!): Repository
    viewer: User!
    rateLimit: RateLimit
  }
  type RateLimit {
    limit: Int!
    remaining: Int!
    cost: Int!
    resetAt: String!
  }
  type User {
    login: String!
    id: ID!
    url: String!
  }
  type Ref {
    name: String!
    prefix: String!
    target: Commit
  }
  type Commit {
    oid: String!
  }
  enum IssueState {
    OPEN
    CLOSED
  }
  enum PullRequestState {
    OPEN
    CLOSED
    MERGED
  }
  enum MilestoneState {
    OPEN
    CLOSED
  }
  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }
  type Repository {
    id: ID!
    databaseId: Int!
    name: String!
    nameWithOwner: String!
    owner: User!
    url: String!
    defaultBranchRef: Ref
    ref(qualifiedName: String!): Ref
    milestone(number: Int!): Milestone
    milestones(
      first: Int
      last: Int
      after: String
      before: String
      states: [MilestoneState!]
      query: String
    ): MilestoneConnection!
    issue(number: Int!): Issue
    pullRequest(number: Int!): PullRequest
    issues(
      first: Int
      last: Int
      after: String
      before: String
      states: [IssueState!]
      labels: [String!]
    ): IssueConnection!
    pullRequests(
      first: Int
      last: Int
      after: String
      before: String
      states: [PullRequestState!]
      labels: [String!]
      headRefName: String
      baseRefName: String
    ): PullRequestConnection!
    labels(first: Int, last: Int, after: String, before: String): LabelConnection
  }
  type Milestone {
    id: ID!
    number: Int!
    title: String!
    state: MilestoneState!
    description: String
    dueOn: String
    url: String!
    closed: Boolean!
    issues(
      first: Int
      last: Int
      after: String
      before: String
      states: [IssueState!]
      labels: [String!]
    ): IssueConnection!
    pullRequests(
      first: Int
      last: Int
      after: String
      before: String
      states: [PullRequestState!]
      labels: [String!]
    ): PullRequestConnection!
  }
  type Label {
    id: ID!
    name: String!
    color: String!
    description: String
  }
  type Issue {
    id: ID!
    databaseId: Int!
    number: Int!
    title: String!
    body: String!
    state: IssueState!
    closed: Boolean!
    url: String!
    createdAt: String!
    updatedAt: String!
    closedAt: String
    author: User
    milestone: Milestone
    labels(first: Int, last: Int, after: String, before: String): LabelConnection
  }
  type PullRequest {
    id: ID!
    databaseId: Int!
    number: Int!
    title: String!
    body: String!
    state: PullRequestState!
    closed: Boolean!
    merged: Boolean!
    mergedAt: String
    isDraft: Boolean!
    url: String!
    createdAt: String!
    updatedAt: String!
    closedAt: String
    headRefName: String!
    baseRefName: String!
    headRefOid: String!
    author: User
    milestone: Milestone
    labels(first: Int, last: Int, after: String, before: String): LabelConnection
  }
  type IssueEdge {
    cursor: String!
    node: Issue
  }
  type PullRequestEdge {
    cursor: String!
    node: PullRequest
  }
  type MilestoneEdge {
    cursor: String!
    node: Milestone
  }
  type LabelEdge {
    cursor: String!
    node: Label
  }
  type IssueConnection {
    totalCount: Int!
    pageInfo: PageInfo!
    nodes: [Issue]
    edges: [IssueEdge]
  }
  type PullRequestConnection {
    totalCount: Int!
    pageInfo: PageInfo!
    nodes: [PullRequest]
    edges: [PullRequestEdge]
  }
  type MilestoneConnection {
    totalCount: Int!
    pageInfo: PageInfo!
    nodes: [Milestone]
    edges: [MilestoneEdge]
  }
  type LabelConnection {
    totalCount: Int!
    pageInfo: PageInfo!
    nodes: [Label]
    edges: [LabelEdge]
  }
`;

let schema: GraphQLSchema | undefined;

interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

const cursorOf = (i: number): string => Buffer.from(`cursor:v2:${i}`).toString('base64');
function indexOf(cursor: string, what: string): number {
  const m = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!m)
    throw new GraphQLError(`\`${cursor}\` does not appear to be a valid cursor.`, {
      extensions: { type: 'INVALID_CURSOR_ARGUMENTS', what },
    });
  return Number(m[1]);
}

/** GitHub's connection rules: `first` or `last` is required and at most 100. */
function connection<T>(items: T[], args: PageArgs, name: string) {
  const n = args.first ?? args.last;
  if (n == null)
    throw new GraphQLError(
      `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`,
      { extensions: { type: 'MISSING_PAGINATION_BOUNDARIES' } },
    );
  if (n > 100 || n < 0) {
    const which = args.first != null ? 'first' : 'last';
    throw new GraphQLError(
      `Requesting ${n} records on the \`${name}\` connection exceeds the \`${which}\` limit of 100 records.`,
      { extensions: { type: 'EXCESSIVE_PAGINATION' } },
    );
  }
  let start = args.after ? indexOf(args.after, name) + 1 : 0;
  let end = args.before ? indexOf(args.before, name) : items.length;
  if (args.first != null) end = Math.min(end, start + args.first);
  else start = Math.max(start, end - n);
  const slice = items.slice(start, end).map((node, k) => ({ cursor: cursorOf(start + k), node }));
  return {
    totalCount: items.length,
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: slice[0]?.cursor ?? null,
      endCursor: slice[slice.length - 1]?.cursor ?? null,
    },
    nodes: slice.map((e) => e.node),
    edges: slice,
  };
}

export interface GraphQLRequest {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

export async function executeGraphQL(
  state: StateFile,
  urls: Urls,
  viewer: string,
  request: GraphQLRequest,
): Promise<unknown> {
  schema ??= buildSchema(SDL);
  const userNode = (login: string) => ({
    login,
    id: Buffer.from(`04:User${stableId('user', login)}`).toString('base64'),
    url: `${urls.html}/${login}`,
  });

  const labelNode = (repo: RepoState, l: LabelState) => ({
    id: Buffer.from(`LA_${stableId('label', repoId(repo), l.name)}`).toString('base64'),
    name: l.name,
    color: l.color ?? 'ededed',
    description: l.description ?? null,
  });
  const labelsOf = (repo: RepoState, names: string[] | undefined) =>
    (names ?? []).map((n) => labelNode(repo, repo.labels?.find((l) => l.name === n) ?? { name: n }));

  const hasLabels = (item: IssueState, labels: string[] | null | undefined) =>
    !labels?.length || labels.some((l) => item.labels?.includes(l));

  const milestoneNode = (repo: RepoState, m: MilestoneState): unknown => ({
    id: Buffer.from(`MI_${stableId('milestone', repoId(repo), m.number)}`).toString('base64'),
    number: m.number,
    title: m.title,
    state: (m.state ?? 'open').toUpperCase(),
    description: m.description ?? null,
    dueOn: m.dueOn ?? null,
    url: `${urls.html}/${repo.owner}/${repo.name}/milestone/${m.number}`,
    closed: m.state === 'closed',
    issues: (args: PageArgs & { states?: string[]; labels?: string[] }) =>
      connection(
        (repo.issues ?? [])
          .filter((i) => i.milestone === m.number && stateOk(i, args.states) && hasLabels(i, args.labels))
          .map((i) => issueNode(repo, i)),
        args,
        'issues',
      ),
    pullRequests: (args: PageArgs & { states?: string[]; labels?: string[] }) =>
      connection(
        (repo.pulls ?? [])
          .filter((p) => p.milestone === m.number && pullStateOk(p, args.states) && hasLabels(p, args.labels))
          .map((p) => pullNode(repo, p)),
        args,
        'pullRequests',
      ),
  });

  const stateOk = (i: IssueState, states: string[] | undefined) =>
    !states?.length || states.includes((i.state ?? 'open').toUpperCase());
  const pullState = (p: PullState) => (p.merged ? 'MERGED' : (p.state ?? 'open').toUpperCase());
  const pullStateOk = (p: PullState, states: string[] | undefined) => !states?.length || states.includes(pullState(p));

  const common = (repo: RepoState, i: IssueState, kind: 'issue' | 'pull') => {
    const created =
      i.createdAt ?? new Date(Date.parse('2026-01-01T00:00:00Z') + i.number * 60_000).toISOString().replace('.000', '');
    const closedAt = i.state === 'closed' ? (i.closedAt ?? i.updatedAt ?? created) : null;
    const m = i.milestone == null ? undefined : repo.milestones?.find((x) => x.number === i.milestone);
    return {
      id: Buffer.from(`${kind === 'issue' ? 'I_' : 'PR_'}${itemId(repo, i.number, kind)}`).toString('base64'),
      databaseId: itemId(repo, i.number, kind),
      number: i.number,
      title: i.title,
      body: i.body ?? '',
      closed: i.state === 'closed',
      url: `${urls.html}/${repo.owner}/${repo.name}/${kind === 'issue' ? 'issues' : 'pull'}/${i.number}`,
      createdAt: created,
      updatedAt: i.updatedAt ?? closedAt ?? created,
      closedAt,
      author: userNode(i.user ?? viewer),
      milestone: () => (m ? milestoneNode(repo, m) : null),
      labels: (args: PageArgs) => connection(labelsOf(repo, i.labels), args, 'labels'),
    };
  };
  const issueNode = (repo: RepoState, i: IssueState) => ({
    ...common(repo, i, 'issue'),
    state: (i.state ?? 'open').toUpperCase(),
  });
  const pullNode = (repo: RepoState, p: PullState) => ({
    ...common(repo, p, 'pull'),
    state: pullState(p),
    merged: p.merged ?? false,
    mergedAt: p.merged ? (p.mergedAt ?? p.closedAt ?? null) : null,
    isDraft: p.draft ?? false,
    headRefName: p.head.includes(':') ? p.head.slice(p.head.indexOf(':') + 1) : p.head,
    baseRefName: p.base ?? defaultBranch(repo),
    headRefOid:
      p.headSha ?? (p.head.includes(':') ? undefined : gitDataOf(repo).get(`refs/heads/${p.head}`)) ?? '0'.repeat(40),
  });

  const refNode = (repo: RepoState, qualified: string) => {
    const m = /^(?:refs\/)?(heads|tags)\/(.+)$/.exec(qualified);
    const [prefix, name] = m ? [`refs/${m[1]}/`, m[2]!] : ['refs/heads/', qualified];
    const sha = gitDataOf(repo).get(`${prefix}${name}`);
    return sha ? { name, prefix, target: { oid: sha } } : null;
  };

  const repositoryNode = (repo: RepoState) => ({
    id: Buffer.from(`R_${repoId(repo)}`).toString('base64'),
    databaseId: repoId(repo),
    name: repo.name,
    nameWithOwner: `${repo.owner}/${repo.name}`,
    owner: userNode(repo.owner),
    url: `${urls.html}/${repo.owner}/${repo.name}`,
    defaultBranchRef: () => refNode(repo, defaultBranch(repo)),
    ref: ({ qualifiedName }: { qualifiedName: string }) => refNode(repo, qualifiedName),
    milestone: ({ number }: { number: number }) => {
      const m = repo.milestones?.find((x) => x.number === number);
      return m ? milestoneNode(repo, m) : null;
    },
    milestones: (args: PageArgs & { states?: string[]; query?: string }) =>
      connection(
        (repo.milestones ?? [])
          .filter(
            (m) =>
              (!args.states?.length || args.states.includes((m.state ?? 'open').toUpperCase())) &&
              (!args.query || m.title.toLowerCase().includes(args.query.toLowerCase())),
          )
          .sort((a, b) => a.number - b.number)
          .map((m) => milestoneNode(repo, m)),
        args,
        'milestones',
      ),
    issue: ({ number }: { number: number }) => {
      const i = repo.issues?.find((x) => x.number === number);
      return i ? issueNode(repo, i) : null;
    },
    pullRequest: ({ number }: { number: number }) => {
      const p = repo.pulls?.find((x) => x.number === number);
      return p ? pullNode(repo, p) : null;
    },
    issues: (args: PageArgs & { states?: string[]; labels?: string[] }) =>
      connection(
        (repo.issues ?? [])
          .filter((i) => stateOk(i, args.states) && hasLabels(i, args.labels))
          .sort((a, b) => a.number - b.number)
          .map((i) => issueNode(repo, i)),
        args,
        'issues',
      ),
    pullRequests: (
      args: PageArgs & { states?: string[]; labels?: string[]; headRefName?: string; baseRefName?: string },
    ) =>
      connection(
        (repo.pulls ?? [])
          .filter((p) => pullStateOk(p, args.states) && hasLabels(p, args.labels))
          .map((p) => pullNode(repo, p))
          .filter(
            (p) =>
              (!args.headRefName || p.headRefName === args.headRefName) &&
              (!args.baseRefName || p.baseRefName === args.baseRefName),
          )
          .sort((a, b) => a.number - b.number),
        args,
        'pullRequests',
      ),
    labels: (args: PageArgs) =>
      connection(
        (repo.labels ?? []).map((l) => labelNode(repo, l)),
        args,
        'labels',
      ),
  });

  const root = {
    repository: ({ owner, name }: { owner: string; name: string }) => {
      const repo = state.repos.find(
        (r) => r.owner.toLowerCase() === owner.toLowerCase() && r.name.toLowerCase() === name.toLowerCase(),
      );
      if (!repo) {
        throw new GraphQLError(`Could not resolve to a Repository with the name '${owner}/${name}'.`, {
          extensions: { type: 'NOT_FOUND' },
        });
      }
      return repositoryNode(repo);
    },
    viewer: () => userNode(viewer),
    rateLimit: () => ({
      limit: 5000,
      remaining: 4999,
      cost: 1,
      resetAt: new Date(Date.now() + 3600_000).toISOString(),
    }),
  };

  const result = await graphql({
    schema,
    source: request.query,
    rootValue: root,
    variableValues: request.variables ?? undefined,
    operationName: request.operationName ?? undefined,
  });
  // GitHub reports errors with a `type` next to the message; graphql-js nests it under extensions.
  if (result.errors) {
    return {
      ...(result.data !== undefined ? { data: result.data } : {}),
      errors: result.errors.map((e) => ({
        ...(typeof e.extensions?.['type'] === 'string' ? { type: e.extensions['type'] } : {}),
        message: e.message,
        ...(e.path ? { path: e.path } : {}),
        ...(e.locations ? { locations: e.locations } : {}),
      })),
    };
  }
  return result;
}
