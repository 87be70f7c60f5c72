import type { Receipt } from '@release-actions/core/runtime/receipt';
import { short, type Verification, type Verdict } from './classify.js';
import type { CherryPickResult } from './cherry-picks-run.js';
import type { FailOn, Inputs } from './inputs.js';

/** Outputs, job-summary tables and the fail-on verdict. */

export interface FixesReport {
  milestoneTitle: string;
  mainBranch: string;
  cut: { rev: string; sha: string; how: string };
  mainCommits: number;
  releaseCommits: number;
  apiCalls: number;
  gitSeconds: number;
  result: Verification;
}

export class CheckFailed extends Error {
  override readonly name = 'CheckFailed';
}

export function reportFixes(receipt: Receipt, inputs: Inputs, r: FixesReport): void {
  const { verdicts, missedReverts, unreviewed } = r.result;
  const by = (status: Verdict['status']) => verdicts.filter((v) => v.status === status);
  const missing = by('missing');
  const open = by('open');
  const present = by('cherry-picked');
  receipt.addTable(
    `Milestone ${r.milestoneTitle}: ${inputs.releaseBranch} against ${r.mainBranch} after the cut`,
    ['what', 'count'],
    [
      ['milestone items', verdicts.length],
      ['missing', missing.length],
      ['open', open.length],
      ['cherry-picked', present.length],
      ['landed before the cut', by('landed-before-cut').length],
      ['skipped', by('skipped').length],
      ['missed reverts', missedReverts.length],
      ['release commits no item accounts for', unreviewed.length],
      [`cut point (${r.cut.how})`, short(r.cut.sha)],
      [`commits on ${r.mainBranch} after the cut`, r.mainCommits],
      [`commits on ${inputs.releaseBranch} after the cut`, r.releaseCommits],
      ['commits that needed a patch id', r.result.patchIdCommits],
      ['GitHub API calls', r.apiCalls],
    ],
  );
  const itemRows = (list: Verdict[]) =>
    list.map((v) => [`#${v.item.number}`, v.item.kind, v.item.title, v.item.url, v.reason]);
  if (missing.length)
    receipt.addTable('Missing from the release branch', ['item', 'kind', 'title', 'link', 'reason'], itemRows(missing));
  if (open.length) receipt.addTable('Open items', ['item', 'kind', 'title', 'link', 'reason'], itemRows(open));
  const server = serverOf(inputs);
  if (missedReverts.length) {
    receipt.addTable(
      `Reverts on ${r.mainBranch} missing from ${inputs.releaseBranch} (cherry-pick each with -x through its own PR)`,
      ['revert', 'title', 'reverted', 'on the release branch as', 'reverted PR', 'link'],
      missedReverts.map((m) => [
        short(m.revert),
        m.title,
        short(m.reverted),
        m.on,
        m.revertedPr !== undefined ? `#${m.revertedPr}` : '',
        `${server}/commit/${m.revert}`,
      ]),
    );
  }
  if (present.length) {
    receipt.addTable(
      'Cherry-picked',
      ['item', 'title', 'matched by', 'release commit'],
      present.map((v) => [`#${v.item.number}`, v.item.title, v.matchedBy ?? '', short(v.releaseCommits[0] ?? '')]),
    );
  }
  if (unreviewed.length) {
    receipt.addTable(
      `Commits on ${inputs.releaseBranch} after the cut that belong to no milestone item`,
      ['commit', 'subject', 'note'],
      unreviewed.map((u) => [short(u.sha), u.subject, u.note]),
    );
  }

  receipt.setOutput('missing', JSON.stringify(missing.map(toMissing)));
  receipt.setOutput('missing-count', missing.length);
  receipt.setOutput('open-count', open.length);
  receipt.setOutput('present-count', present.length);
  receipt.setOutput(
    'missed-reverts',
    JSON.stringify(missedReverts.map((m) => ({ ...m, url: `${server}/commit/${m.revert}` }))),
  );
  failOn(inputs.failOn, { missing: missing.length, open: open.length, reverts: missedReverts.length });
}

export function reportCherryPicks(receipt: Receipt, inputs: Inputs, r: CherryPickResult, apiCalls: number): void {
  receipt.addTable(
    `Cherry-picks to ${inputs.releaseBranch} for milestone ${r.milestone.title}`,
    ['pull request', 'state', 'picks', 'title', 'link'],
    r.rows.map((row) => [
      `#${row.pr.number}`,
      row.pr.state === 'closed' ? 'closed unmerged' : row.pr.state,
      row.picks.map((n) => `#${n}`).join(' '),
      row.pr.title,
      row.pr.url,
    ]),
  );
  if (r.withoutPick.length) {
    receipt.addTable(
      'Milestone items with no cherry-pick PR yet',
      ['item', 'kind', 'state', 'title', 'link'],
      r.withoutPick.map((i) => [`#${i.number}`, i.kind, i.state, i.title, i.url]),
    );
  }
  receipt.note(`${apiCalls} GitHub GraphQL call(s) read the milestone and the pull requests.`);
  const open = r.rows.filter((row) => row.pr.state === 'open');
  receipt.setOutput(
    'missing',
    JSON.stringify(
      r.withoutPick.map((i) => ({
        number: i.number,
        url: i.url,
        title: i.title,
        kind: i.kind,
        reason: `no cherry-pick PR to ${inputs.releaseBranch} names it`,
      })),
    ),
  );
  receipt.setOutput('missing-count', r.withoutPick.length);
  receipt.setOutput('open-count', open.length);
  receipt.setOutput('present-count', r.pickedItems);
  receipt.setOutput('missed-reverts', '[]');
  receipt.setOutput('tracker-issue-url', r.trackerUrl ?? '');
  failOn(inputs.failOn, { missing: r.withoutPick.length, open: open.length, reverts: 0 });
}

function toMissing(v: Verdict): { number: number; url: string; title: string; kind: string; reason: string } {
  return { number: v.item.number, url: v.item.url, title: v.item.title, kind: v.item.kind, reason: v.reason };
}

function failOn(wanted: Set<FailOn>, counts: Record<FailOn, number>): void {
  const found = (Object.keys(counts) as FailOn[]).filter((k) => wanted.has(k) && counts[k] > 0);
  if (found.length === 0) return;
  const words: Record<FailOn, string> = { missing: 'missing', open: 'open', reverts: 'missed revert(s)' };
  throw new CheckFailed(
    `${found.map((k) => `${counts[k]} ${words[k]}`).join(', ')} (fail-on: ${[...wanted].join(',')}); see the job summary`,
  );
}

function serverOf(inputs: Inputs): string {
  const server = (process.env['GITHUB_SERVER_URL'] || 'https://github.com').replace(/\/+$/, '');
  return `${server}/${inputs.repository.owner}/${inputs.repository.name}`;
}
