import { escapeHtml, unescapeHtml } from './html.js';

test('markup, quotes and ampersands in a value are shown, never interpreted', () => {
  expect(escapeHtml(`<img src=x onerror="a('b')">&amp;`)).toBe(
    '&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;amp;',
  );
});

test('unescaping gives the original text back', () => {
  const text = `torch-2.6.0+cu124 <a href="x">'&'</a> &amp;`;
  expect(unescapeHtml(escapeHtml(text))).toBe(text);
});
