import { fileLink, keyToHref, parseProjectPage, parseRootPage, renderProjectPage, renderRootPage } from './pep503.js';

describe('PEP 503 pages', () => {
  test('a link writes the + of a local version as %2B and carries #sha256', () => {
    const l = fileLink('whl/cu124/torch-2.6.0+cu124-cp310-cp310-linux_x86_64.whl', 'ab'.repeat(32));
    expect(l.href).toBe(`/whl/cu124/torch-2.6.0%2Bcu124-cp310-cp310-linux_x86_64.whl#sha256=${'ab'.repeat(32)}`);
    expect(l.filename).toBe('torch-2.6.0+cu124-cp310-cp310-linux_x86_64.whl');
    expect(keyToHref('whl/a b.whl')).toBe('/whl/a%20b.whl');
  });

  test('a project page round-trips through the parser, sorted by file name', () => {
    const html = renderProjectPage('torch', [
      fileLink('whl/cpu/torch-2.6.0+cpu-cp39-cp39-linux_x86_64.whl', 'c'.repeat(64)),
      fileLink('whl/cpu/torch-2.5.1+cpu-cp39-cp39-linux_x86_64.whl', 'd'.repeat(64)),
    ]);
    expect(html.indexOf('torch-2.5.1')).toBeLessThan(html.indexOf('torch-2.6.0'));
    const parsed = parseProjectPage(html);
    expect([...parsed.keys()]).toEqual([
      'torch-2.5.1+cpu-cp39-cp39-linux_x86_64.whl',
      'torch-2.6.0+cpu-cp39-cp39-linux_x86_64.whl',
    ]);
    expect(parsed.get('torch-2.6.0+cpu-cp39-cp39-linux_x86_64.whl')!.sha256).toBe('c'.repeat(64));
  });

  test('pages written by other tools are read too: single quotes, no text, extra attributes', () => {
    const html = `<a data-requires-python="&gt;=3.9" href='/whl/torch-2.4.0%2Bcpu-cp39-none-any.whl#sha256=${'E'.repeat(64)}'></a>`;
    const parsed = parseProjectPage(html);
    expect(parsed.get('torch-2.4.0+cpu-cp39-none-any.whl')!.sha256).toBe('e'.repeat(64));
    expect(parseRootPage('<a href="torch/">torch</a><br/><a href="/whl/numpy/">numpy</a>')).toEqual(['torch', 'numpy']);
    expect(renderRootPage(['torchvision', 'torch', 'torch'])).toMatch(
      /href="torch\/">torch<\/a><br\/>\n\s*<a href="torchvision\/"/,
    );
  });
});
