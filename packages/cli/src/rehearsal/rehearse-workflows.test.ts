import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../run-action.js';

/**
 * The rehearsal as a user runs it (`release-actions rehearse --workflows true`), judged by its receipts:
 * what was cut, tagged, promoted, published and opened. A stage whose workflow calls an action that is
 * not in this checkout must fail and name it; every other stage must pass.
 */

const BIN = join(REPO_ROOT, 'packages', 'cli', 'src', 'bin.ts');
const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

interface Receipt {
  action: string;
  status: string;
  dryRun?: boolean;
  outputs: Record<string, string>;
  outcomes: Array<{ status?: string; result?: string }>;
}

const landed = (action: string): boolean => existsSync(join(REPO_ROOT, 'actions', action, 'src', 'main.ts'));

function rehearse(args: string[]): { status: number; out: string; receipts: Receipt[]; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rehearsal-test-'));
  const env = { ...process.env };
  delete env['NODE_OPTIONS'];
  delete env['GITHUB_ACTIONS'];
  const r = spawnSync(TSX, [BIN, 'rehearse', '--workflows', 'true', '--out', dir, ...args], {
    env,
    encoding: 'utf8',
    timeout: 420_000,
  });
  const receiptsDir = join(dir, 'receipts');
  const receipts = existsSync(receiptsDir)
    ? readdirSync(receiptsDir)
        .sort()
        .map((f) => JSON.parse(readFileSync(join(receiptsDir, f), 'utf8')) as Receipt)
    : [];
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}`, receipts, dir };
}

const of = (receipts: Receipt[], action: string, dryRun: boolean): Receipt[] =>
  receipts.filter((r) => r.action === action && Boolean(r.dryRun) === dryRun);

/** The stages' lines of the summary: `  N. passed  title` or `FAILED`. */
function stageLines(out: string): string[] {
  return [...out.matchAll(/^ {2}\d+\. (passed|FAILED|not run)\s+(.*)$/gm)].map((m) => `${m[1]} ${m[2]}`);
}

test('the release rehearsed through the workflow files: cut, tagged, promoted, published, opened', () => {
  const { status, out, receipts, dir } = rehearse([]);
  try {
    const stages = stageLines(out);
    expect(stages).toHaveLength(8);
    const missing = ['check-nightlies', 'verify-milestone-fixes', 'check-docs', 'open-colab-issue'].filter(
      (a) => !landed(a),
    );
    for (const action of missing) expect(out).toMatch(new RegExp(`not landed yet: .*${action}`));
    expect(status).toBe(missing.length === 0 ? 0 : 1);

    // Branch cut: release/2.6 in the core (with the XLA pin) and in test-infra, and the bump PR.
    const cuts = of(receipts, 'cut-branch', false).filter((r) => r.outputs['created'] === 'true');
    const core = cuts.find((r) => r.outputs['changed-files']?.includes('.github/ci_commit_pins/xla.txt'));
    expect(core?.outputs).toMatchObject({
      branch: 'release/2.6',
      'bump-pr-url': expect.stringMatching(/\/pull\/\d+$/),
    });
    expect(cuts.filter((r) => r.outputs['branch'] === 'release/2.6')).toHaveLength(2);
    expect(stages[1]).toMatch(/^passed Branch cut/);

    // Promotion: every object of the release planned, then copied; the PyPI wheels staged, then published.
    const [planS3, applyS3] = [of(receipts, 'promote-s3', true), of(receipts, 'promote-s3', false)];
    expect(planS3).toHaveLength(1);
    expect(applyS3.map((r) => r.outputs['promoted-count'])).toEqual([planS3[0]!.outputs['promoted-count']]);
    expect(Number(applyS3[0]!.outputs['promoted-count'])).toBeGreaterThanOrEqual(150);
    const pypi = of(receipts, 'promote-pypi', false);
    expect(pypi.map((r) => [r.outputs['staged'], r.outputs['uploaded']])).toEqual([
      ['48', '0'],
      ['0', '48'],
    ]);
    expect(stages.slice(5, 7).map((s) => s.split(' ')[0])).toEqual(['passed', 'passed']);

    if (landed('verify-milestone-fixes') && landed('check-nightlies')) {
      expect(of(receipts, 'tag-rc', false).map((r) => r.outputs['tag'])).toEqual(['v2.6.0-rc1']);
      expect(of(receipts, 'cut-branch', false).some((r) => r.outputs['branch'] === 'release/0.21')).toBe(true);
    } else {
      expect(of(receipts, 'tag-rc', false)).toEqual([]);
    }
    if (landed('open-colab-issue') && landed('check-docs')) {
      expect(of(receipts, 'open-colab-issue', false)[0]?.outputs['issue-url']).toMatch(/colabtools\/issues\/\d+$/);
    }
    expect(out).toMatch(/Stood in: actions\/upload-artifact, aws-actions\/configure-aws-credentials;/);
    expect(out).toMatch(/=== Rehearsal (passed|FAILED) in \d+\.\d s/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 480_000);

test('--dry-run true shows every plan and applies nothing', () => {
  const { out, receipts, dir } = rehearse(['--dry-run', 'true']);
  try {
    expect(receipts.length).toBeGreaterThan(0);
    const written = receipts.filter((r) => r.dryRun === false);
    expect(written.map((r) => r.action)).toEqual([]);
    expect(of(receipts, 'cut-branch', true).length).toBeGreaterThanOrEqual(1);
    expect(of(receipts, 'promote-s3', true)).toHaveLength(1);
    expect(out).toMatch(/\(dry run: every plan shown, nothing applied\)/);
    expect(stageLines(out).filter((s) => s.startsWith('not run'))).toHaveLength(5);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 480_000);
