import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pinnedRefs, pinWorkflows } from './lib/pin-workflows.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

test('on main, the workflows and examples call this repository at @main only', () => {
  expect([...pinnedRefs(root).keys()]).toEqual(['main']);
});

test('a release pins every reference to its own tag, actions and called workflows alike, and nothing else', () => {
  const copy = mkdtempSync(path.join(tmpdir(), 'pin-'));
  try {
    cpSync(path.join(root, '.github'), path.join(copy, '.github'), { recursive: true });
    cpSync(path.join(root, 'examples'), path.join(copy, 'examples'), { recursive: true });
    const before = [...pinnedRefs(copy).values()].reduce((a, b) => a + b, 0);
    const changed = pinWorkflows(copy, 'v1.2.0');
    expect(changed.reduce((a, c) => a + c.count, 0)).toBe(before);
    expect([...pinnedRefs(copy).entries()]).toEqual([['v1.2.0', before]]);
    const patch = readFileSync(path.join(copy, '.github', 'workflows', 'patch-release.yml'), 'utf8');
    expect(patch).toContain('uses: pytorch/release-actions/.github/workflows/release-candidate.yml@v1.2.0');
    expect(patch).toContain('uses: pytorch/release-actions/actions/verify-milestone-fixes@v1.2.0');
    expect(patch).toContain('actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02');
    expect(pinWorkflows(copy, 'v1.2.0')).toEqual([]);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});
