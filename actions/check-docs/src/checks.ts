/**
 * What "the docs of X.Y are published" means on the website's branch, as three checks on three
 * files: the release's own docs, the versions list that links them, and the stable docs.
 */

export interface Check {
  /** what was looked for, as `missing` reports it */
  what: string;
  path: string;
  found: boolean;
  detail: string;
}

export const docsIndexPath = (minor: string): string => `docs/${minor}/index.html`;
export const VERSIONS_PATH = 'docs/versions.html';
export const STABLE_PATH = 'docs/stable/index.html';

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function checkDocsIndex(minor: string, text: string | undefined): Check {
  return {
    what: `the ${minor} docs (${docsIndexPath(minor)})`,
    path: docsIndexPath(minor),
    found: text !== undefined,
    detail: text === undefined ? 'not there' : 'there',
  };
}

/** The versions list links each version's folder: `href="2.6/"` (or `/docs/2.6/`, `2.6/index.html`). */
export function checkVersionsList(minor: string, text: string | undefined): Check {
  const what = `${minor} in the versions list (${VERSIONS_PATH})`;
  if (text === undefined) return { what, path: VERSIONS_PATH, found: false, detail: 'the versions list is not there' };
  const link = new RegExp(`href=["'](?:[^"']*/)?${escape(minor)}/(?:index\\.html)?["']`);
  const found = link.test(text);
  return { what, path: VERSIONS_PATH, found, detail: found ? 'linked' : `no link to ${minor}/` };
}

/** The version the stable docs are: Sphinx titles them `PyTorch documentation — PyTorch 2.6 documentation`. */
export function versionNamedBy(html: string): string | undefined {
  const title = /<title>([\s\S]*?)<\/title>/i.exec(html)?.[1] ?? '';
  const inTitle = /\b(\d+\.\d+)(?:\.\d+)?(?:\+\S*)?\s+documentation/i.exec(title)?.[1];
  const inSelector = /class=["']version["'][^>]*>\s*(?:<[^>]+>\s*)*v?(\d+\.\d+)/i.exec(html)?.[1];
  return inTitle ?? inSelector;
}

export function checkStable(minor: string, text: string | undefined): Check {
  const what = `the stable docs naming ${minor} (${STABLE_PATH})`;
  if (text === undefined) return { what, path: STABLE_PATH, found: false, detail: 'the stable docs are not there' };
  const named = versionNamedBy(text);
  const found = named === minor;
  return {
    what,
    path: STABLE_PATH,
    found,
    detail: found ? `names ${minor}` : named ? `names ${named}, not ${minor}` : 'names no version',
  };
}
