import { GetObjectCommand, PutObjectCommand, type ObjectCannedACL, type S3Client } from '@aws-sdk/client-s3';
import { parseArtifactName } from '../release/artifact-name.js';
import {
  fileLink,
  parseProjectPage,
  parseRootPage,
  renderProjectPage,
  renderRootPage,
  type IndexLink,
} from '../pypi/pep503.js';
import { pool } from '../runtime/pool.js';
import { isNotFound, listAll, type ListedObject } from './client.js';
import { objectSha256 } from './copy.js';

/**
 * Regenerates the PEP 503 pages of one folder of a bucket (`whl/cu124/`, or `whl/` for the files at
 * the root) for the projects a promotion touched. A folder's pages list only the files directly in it,
 * so root-level wheels appear in the root's pages only. Links already on a page stay (other versions,
 * with their hashes); files new to the page, or copied by this run, get their sha256 from what the
 * store computed while copying them, else from the object's stored checksum, else by streaming it.
 */

export interface FolderIndexRequest {
  bucket: string;
  /** Ends with `/`: `whl/cu124/`, or `whl/` for the root. */
  folder: string;
  /** PEP 503 names of the projects whose pages to write. */
  projects: string[];
  /** Keys written by this run: their hashes are recomputed even when a page has one. */
  refreshed?: Set<string>;
  /** sha256 (hex) of objects already known, e.g. computed by the store while copying them. */
  known?: Map<string, string>;
  acl?: ObjectCannedACL;
  concurrency?: number;
}

export interface FolderIndexResult {
  pages: Array<{ key: string; links: number }>;
  /** sha256 values that had to be read from the objects (not known, not on a page). */
  hashed: number;
}

export function isIndexable(filename: string): boolean {
  const a = parseArtifactName(filename);
  return a !== undefined && (a.kind === 'wheel' || a.kind === 'sdist');
}

async function readPage(client: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return await r.Body!.transformToString('utf8');
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

async function putPage(
  client: S3Client,
  bucket: string,
  key: string,
  html: string,
  acl?: ObjectCannedACL,
): Promise<void> {
  await client.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: html,
      ContentType: 'text/html; charset=utf-8',
      ...(acl ? { ACL: acl } : {}),
    }),
  );
}

/** Files directly in `folder`, grouped by PEP 503 project name. */
export function filesByProject(listing: ListedObject[], folder: string): Map<string, ListedObject[]> {
  const out = new Map<string, ListedObject[]>();
  for (const o of listing) {
    const rest = o.key.slice(folder.length);
    if (!o.key.startsWith(folder) || rest.includes('/')) continue;
    const a = parseArtifactName(rest);
    if (!a || (a.kind !== 'wheel' && a.kind !== 'sdist')) continue;
    const list = out.get(a.name) ?? [];
    list.push(o);
    out.set(a.name, list);
  }
  return out;
}

export async function regenerateFolderIndex(client: S3Client, req: FolderIndexRequest): Promise<FolderIndexResult> {
  const listing = await listAll(client, req.bucket, req.folder, { delimiter: '/' });
  const byProject = filesByProject(listing, req.folder);
  const result: FolderIndexResult = { pages: [], hashed: 0 };
  const projects = req.projects.filter((p) => byProject.has(p));
  if (projects.length === 0) return result;

  // Each project's page is its own object: they are read and written side by side.
  const pages = await Promise.all(
    projects.map(async (project) => {
      const pageKey = `${req.folder}${project}/index.html`;
      const existing = parseProjectPage((await readPage(client, req.bucket, pageKey)) ?? '');
      const links = new Map<string, IndexLink>(existing);
      const files = byProject.get(project) ?? [];
      await pool(files, req.concurrency ?? 16, async (o) => {
        const filename = o.key.slice(req.folder.length);
        const known = existing.get(filename);
        if (known?.sha256 && !req.refreshed?.has(o.key)) return;
        let sha = req.known?.get(o.key);
        if (!sha) {
          sha = await objectSha256(client, { bucket: req.bucket, key: o.key });
          result.hashed++;
        }
        links.set(filename, fileLink(o.key, sha));
      });
      await putPage(client, req.bucket, pageKey, renderProjectPage(project, [...links.values()]), req.acl);
      return { key: pageKey, links: links.size };
    }),
  );
  result.pages.push(...pages);

  const rootKey = `${req.folder}index.html`;
  const listed = parseRootPage((await readPage(client, req.bucket, rootKey)) ?? '');
  const all = new Set([...listed, ...projects]);
  await putPage(client, req.bucket, rootKey, renderRootPage(all), req.acl);
  result.pages.push({ key: rootKey, links: all.size });
  return result;
}
