import { parseCommit } from './commit-index.js';
import type { MilestoneItem, PullRequest } from './milestone.js';

/**
 * A patch release's cherry-picks: the pull requests to the release branch, the main-branch pull
 * request (or issue) each one picks, and the milestone items no pull request picks yet.
 */

export interface CherryPickRow {
  pr: PullRequest;
  /** Items (pull requests or issues) the cherry-pick names: its title's `(#N)`, its body's links. */
  picks: number[];
}

export interface CherryPickStatus {
  rows: CherryPickRow[];
  withoutPick: MilestoneItem[];
  /** Milestone items that a merged cherry-pick carries. */
  pickedItems: number;
}

const PICK_WORDS = /\bcherry[- ]?pick(?:ed)?(?:\s+(?:of|from))?:?\s+#(\d+)\b/gi;

/** The numbers a cherry-pick pull request names, most telling first, its own number left out. */
export function picksOf(pr: PullRequest, repository: string): number[] {
  const found: number[] = [];
  const add = (n: number) => n !== pr.number && !found.includes(n) && found.push(n);
  for (const m of pr.body.matchAll(PICK_WORDS)) add(Number(m[1]));
  const refs = parseCommit(
    { sha: '', parents: [], subject: pr.title, message: `${pr.title}\n\n${pr.body}` },
    repository,
  );
  for (const kind of ['trailer', 'reference'] as const) for (const [n, k] of refs.items) if (k === kind) add(n);
  return found;
}

export function trackCherryPicks(
  items: MilestoneItem[],
  pulls: PullRequest[],
  repository: string,
  milestone: number,
): CherryPickStatus {
  const inMilestone = new Set(items.map((i) => i.number));
  const rows = pulls
    .map((pr) => ({ pr, picks: picksOf(pr, repository) }))
    .filter(
      (row) => row.pr.milestone === milestone || row.picks.some((n) => inMilestone.has(n)) || row.pr.state === 'open',
    )
    .sort((a, b) => a.pr.number - b.pr.number);
  const named = new Set(rows.flatMap((r) => [r.pr.number, ...r.picks]));
  const merged = new Set(rows.filter((r) => r.pr.state === 'merged').flatMap((r) => [r.pr.number, ...r.picks]));
  return {
    rows,
    withoutPick: items.filter((i) => !named.has(i.number)),
    pickedItems: items.filter((i) => merged.has(i.number)).length,
  };
}

const START = '<!-- verify-milestone-fixes:cherry-picks -->';
const END = '<!-- /verify-milestone-fixes:cherry-picks -->';

/** The tracker's cherry-pick section, in Markdown between markers so it can be replaced in place. */
export function trackerSection(status: CherryPickStatus, branch: string, milestoneTitle: string): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const state = (s: PullRequest['state']) => (s === 'closed' ? 'closed unmerged' : s);
  const lines = [
    START,
    `### Cherry-picks to \`${branch}\` for ${cell(milestoneTitle)}`,
    '',
    '| Cherry-pick PR | State | Picks | Title |',
    '| --- | --- | --- | --- |',
    ...status.rows.map(
      (r) =>
        `| #${r.pr.number} | ${state(r.pr.state)} | ${r.picks.map((n) => `#${n}`).join(' ')} | ${cell(r.pr.title)} |`,
    ),
    '',
    '### Milestone items with no cherry-pick PR yet',
    '',
    ...(status.withoutPick.length ? status.withoutPick.map((i) => `- [ ] #${i.number} ${cell(i.title)}`) : ['None.']),
    END,
  ];
  return lines.join('\n');
}

/** `body` with its cherry-pick section replaced, or the section appended when it has none. */
export function withSection(body: string, section: string): string {
  const start = body.indexOf(START);
  const end = body.indexOf(END);
  if (start >= 0 && end > start) return body.slice(0, start) + section + body.slice(end + END.length);
  return body.trim() === '' ? section : `${body.replace(/\s+$/, '')}\n\n${section}`;
}

/** `[v.2.6.1] Release Tracker`, the title the release process gives the tracker. */
export function trackerTitle(milestoneTitle: string): string | undefined {
  const m = /^v?(\d+\.\d+\.\d+)$/.exec(milestoneTitle.trim());
  return m ? `[v.${m[1]}] Release Tracker` : undefined;
}
