import { escapeHtml, unescapeHtml } from '../runtime/html.js';

/**
 * PEP 503 "simple" index pages in the format download.pytorch.org serves (PyTorch's generator,
 * `s3_management/manage_v2.py` in pytorch/test-infra): a package list per folder, and per project one
 * link per file, written `/<key>` with the `+` of local versions as `%2B`, `#sha256=<hex>` so pip checks
 * what it downloads, and the PEP 658 / PEP 714 attributes when the file's core metadata is served
 * next to it. Pages carry no timestamp: the same files give the same bytes, so an unchanged page has
 * an unchanged ETag.
 */

export interface PageFile {
  /** The object key: `whl/cu126/torch-2.6.0+cu126-cp312-cp312-linux_x86_64.whl`. */
  key: string;
  /** sha256 (hex) of the file, when known. */
  sha256?: string;
  /** sha256 (hex) of `<key>.metadata`, when that file exists (PEP 658). */
  metadataSha256?: string;
}

/** PEP 503 normalised name: lower case, runs of `-`, `_` and `.` become one `-`. */
export function pageName(project: string): string {
  return project.replace(/[-_.]+/g, '-').toLowerCase();
}

/** A URL path for an S3 key: each segment percent-encoded (so `+` becomes `%2B`), slashes kept. */
export function keyToHref(key: string): string {
  return '/' + key.split('/').map(encodeURIComponent).join('/');
}

function fileName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

/** One `<a>` line of a project page. */
export function fileLink(file: PageFile): string {
  const fragment = file.sha256 ? `#sha256=${file.sha256}` : '';
  const metadata = file.metadataSha256
    ? ` data-dist-info-metadata="sha256=${file.metadataSha256}" data-core-metadata="sha256=${file.metadataSha256}"`
    : '';
  return `    <a href="${escapeHtml(keyToHref(file.key) + fragment)}"${metadata}>${escapeHtml(fileName(file.key))}</a><br/>`;
}

function page(lines: string[]): string {
  return ['<!DOCTYPE html>', '<html>', '  <body>', ...lines, '  </body>', '</html>', ''].join('\n');
}

/** `<folder><project>/index.html`: the files sorted by key, as PyTorch's generator sorts them. */
export function renderProjectPage(project: string, files: PageFile[]): string {
  const sorted = [...files].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return page([`    <h1>Links for ${escapeHtml(pageName(project))}</h1>`, ...sorted.map(fileLink)]);
}

/** `<folder>index.html`: one relative link per project, sorted. */
export function renderPackageList(projects: Iterable<string>): string {
  const names = [...new Set([...projects].map(pageName))].sort();
  return page(names.map((p) => `    <a href="${escapeHtml(p)}/">${escapeHtml(p)}</a><br/>`));
}

/** The links of an existing page, tolerant of how other tools wrote them. */
export function parseIndexLinks(html: string): Array<{ href: string; text: string }> {
  const out: Array<{ href: string; text: string }> = [];
  for (const m of html.matchAll(/<a\s[^>]*?href\s*=\s*(["'])(.*?)\1[^>]*>([\s\S]*?)<\/a>/gi)) {
    out.push({ href: unescapeHtml(m[2]!), text: unescapeHtml(m[3]!.replace(/<[^>]*>/g, '').trim()) });
  }
  return out;
}

/** Project names linked from an existing package list. */
export function parsePackageList(html: string): string[] {
  return parseIndexLinks(html)
    .map((l) => l.href.replace(/\/+$/, '').split('/').pop() ?? '')
    .filter((p) => p !== '')
    .map(pageName);
}
