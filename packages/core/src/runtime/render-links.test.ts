import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Receipt } from './receipt.js';
import { textTable, writeSummary } from './render.js';

test('link cells are anchors in the job summary and their text in the log', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'render-links-'));
  const summary = join(dir, 'summary');
  writeFileSync(summary, '');
  const saved = process.env['GITHUB_STEP_SUMMARY'];
  process.env['GITHUB_STEP_SUMMARY'] = summary;
  try {
    const receipt = new Receipt('demo');
    const rows = [
      [{ text: 'build <cpu>', href: 'https://github.com/o/r/actions/runs/1/job/2?a=1&b="x"' }, 'failure'],
      [{ text: 'local', href: 'javascript:alert(1)' }, 'success'],
    ];
    receipt.addTable('Jobs', ['job', 'conclusion'], rows);
    await writeSummary(receipt, '/tmp/r.json');
    const html = readFileSync(summary, 'utf8');
    expect(html).toContain(
      '<a href="https://github.com/o/r/actions/runs/1/job/2?a=1&amp;b=&quot;x&quot;">build &lt;cpu&gt;</a>',
    );
    expect(html).not.toContain('javascript:');
    expect(html).toContain('<td>local</td>');
    expect(textTable(['job', 'conclusion'], rows).split('\n')[2]).toBe('build <cpu>  failure');
  } finally {
    process.env['GITHUB_STEP_SUMMARY'] = saved;
  }
});
