import { escapeHtml, unescapeHtml } from '../runtime/html.js';

/**
 * PEP 503 "simple" index pages as download.pytorch.org serves them: a package list per folder, and per
 * package one link per file, the `+` of local versions written `%2B`, with `#sha256=<hex>` so pip
 * checks what it downloads.
 */

export interface IndexLink {
  /** The file name shown (with a literal `+`). */
  filename: string;
  /** The link as written: `/whl/cu124/torch-2.6.0%2Bcu124-...whl#sha256=...`. */
  href: string;
  sha256?: string;
}

/** A URL path for an S3 key: each segment percent-encoded (so `+` becomes `%2B`), slashes kept. */
export function keyToHref(key: string): string {
  return '/' + key.split('/').map(encodeURIComponent).join('/');
}

export function fileLink(key: string, sha256?: string): IndexLink {
  const filename = key.slice(key.lastIndexOf('/') + 1);
  return { filename, href: keyToHref(key) + (sha256 ? `#sha256=${sha256}` : ''), ...(sha256 ? { sha256 } : {}) };
}

function page(title: string, links: Array<{ href: string; text: string }>): string {
  const body = links.map((l) => `    <a href="${escapeHtml(l.href)}">${escapeHtml(l.text)}</a><br/>`).join('\n');
  return `<!DOCTYPE html>\n<html>\n  <body>\n    <h1>${escapeHtml(title)}</h1>\n${body}\n  </body>\n</html>\n`;
}

/** `<prefix><sub>/<project>/index.html`: files sorted by name, so pages are stable across runs. */
export function renderProjectPage(project: string, links: IndexLink[]): string {
  const sorted = [...links].sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
  return page(
    `Links for ${project}`,
    sorted.map((l) => ({ href: l.href, text: l.filename })),
  );
}

/** `<prefix><sub>/index.html`: one relative link per project. */
export function renderRootPage(projects: Iterable<string>): string {
  const sorted = [...new Set(projects)].sort();
  return page(
    'Simple index',
    sorted.map((p) => ({ href: `${p}/`, text: p })),
  );
}

/** The links of an existing page (either kind), tolerant of how other tools wrote them. */
export function parseIndexLinks(html: string): Array<{ href: string; text: string }> {
  const out: Array<{ href: string; text: string }> = [];
  for (const m of html.matchAll(/<a\s[^>]*?href\s*=\s*(["'])(.*?)\1[^>]*>([\s\S]*?)<\/a>/gi)) {
    out.push({ href: unescapeHtml(m[2]!), text: unescapeHtml(m[3]!.replace(/<[^>]*>/g, '').trim()) });
  }
  return out;
}

/** Existing file links of a project page, by file name. */
export function parseProjectPage(html: string): Map<string, IndexLink> {
  const out = new Map<string, IndexLink>();
  for (const { href, text } of parseIndexLinks(html)) {
    const path = href.replace(/[#?].*$/, '');
    let filename = text;
    if (!filename) {
      try {
        filename = decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
      } catch {
        continue;
      }
    }
    const sha = /#sha256=([0-9a-f]{64})/i.exec(href)?.[1]?.toLowerCase();
    out.set(filename, { filename, href, ...(sha ? { sha256: sha } : {}) });
  }
  return out;
}

/** Project names linked from an existing package-list page. */
export function parseRootPage(html: string): string[] {
  return parseIndexLinks(html)
    .map((l) => l.href.replace(/\/+$/, '').split('/').pop() ?? '')
    .filter((p) => p !== '');
}
