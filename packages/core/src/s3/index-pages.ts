import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type ObjectCannedACL,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { parseArtifactName } from '../release/artifact-name.js';
import {
  keyToHref,
  pageName,
  parsePackageList,
  renderPackageList,
  renderProjectPage,
  type PageFile,
} from '../pypi/pep503.js';
import { escapeHtml } from '../runtime/html.js';
import { pool } from '../runtime/pool.js';
import { isNotFound, listAll, listLevel, s3ErrorCode, s3HttpStatus, unquoteEtag, type ListedObject } from './client.js';
import { storedSha256 } from './copy.js';

/**
 * The PEP 503 pages of a prefix (`whl/`), rebuilt after a promotion the way PyTorch's generator
 * (`s3_management/manage_v2.py`) builds them, from what the bucket holds:
 * - the prefix root's project page (`whl/torch/`) lists the project's files at the root and in every
 *   variant sub-folder (`cpu`, `xpu`, `cu<N>`, `rocm<X.Y>`); other folders (`whl/test/`,
 *   `whl/nightly/`, legacy `cpu-cxx11-abi`) are not part of the prefix;
 * - a sub-folder's project page (`whl/cu126/torch/`) lists its own files and the root's, so a project
 *   with files only at the root still gets a page in each sub-folder;
 * - every link is to an object listed now (nothing is carried over from the old page), with the
 *   sha256 the store states (a full-object ChecksumSHA256, else `checksum-sha256` user metadata) and
 *   the PEP 658/714 attributes when `<file>.metadata` exists.
 *
 * Only the pages a promotion changes are written: the promoted projects' pages at the root and in the
 * sub-folders that received files (every sub-folder, when files were promoted to the root), the pages
 * a new sub-folder lacks, and the package lists; a page whose bytes would not change is not written.
 *
 * Under a `libtorch` prefix the pages are instead the browse listings PyTorch's generator writes
 * there (`to_libtorch_html`): a folder's page lists its libtorch archives, the root's page (kept only
 * where the root holds archives) every archive under the prefix, each `<a href="/{key}">{name}</a><br/>`
 * with `+` as `%2B`, sorted, never cached.
 *
 * Pages are written with If-Match on the ETag read (If-None-Match: * for a new page). Each page's ETag
 * is read before the listings its content comes from, so a page another promotion wrote since then
 * fails the condition (412), and the page is built again from new listings: concurrent promotions
 * never drop each other's links.
 */

export interface IndexStore {
  client: S3Client;
  bucket: string;
}

export interface IndexPagesRequest {
  /** Where the files are: pages are built from its listings. */
  source: IndexStore;
  /** Where pages are written (the source, a mirror); the source alone when not given. */
  destinations?: IndexStore[];
  /** The prefix root, ending with `/`: `whl/`, `whl/test/`. */
  prefix: string;
  /** Keys under the prefix this promotion put there (copied, or found already there). */
  promoted: string[];
  /** sha256 (hex) of objects known without asking the store, e.g. answered by their copy. */
  known?: ReadonlyMap<string, string>;
  acl?: ObjectCannedACL;
  /** Requests in flight at once. */
  concurrency: number;
  /** Rounds of building and writing, the first included, while other writers change pages; default 5. */
  rounds?: number;
}

export interface WrittenPage {
  bucket: string;
  key: string;
  created: boolean;
}

export interface IndexPagesResult {
  written: WrittenPage[];
  /** Pages already as they would be written. */
  unchanged: number;
  /** Writes refused because another writer changed the page first (each then built again). */
  conflicts: number;
  /** HEAD requests for the sha256 of files. */
  checksumReads: number;
}

export const PROD_CACHE_CONTROL = 'max-age=600, public, must-revalidate';
export const NO_CACHE_CONTROL = 'no-cache,no-store,must-revalidate';

/** Variant sub-folders, as PyTorch's generator accepts them (`cu126`, `rocm6.2.4`, not `cu124_full`). */
export function isVariantFolder(name: string): boolean {
  return /^(cpu|xpu|cu\d+|rocm\d+(\.\d+)+)$/.test(name);
}

/** Pages of channels that change all the time are never cached; released ones for 10 minutes. */
export function cacheControlFor(folder: string): string {
  const parts = folder.split('/');
  return ['nightly', 'test', 'preview'].some((p) => parts.includes(p)) ? NO_CACHE_CONTROL : PROD_CACHE_CONTROL;
}

/** A prefix whose pages are libtorch browse listings rather than PEP 503 pages (`libtorch/`). */
export function isListingPrefix(prefix: string): boolean {
  return prefix.split('/')[0] === 'libtorch';
}

const LISTED = 'libtorch';

/** A file on a libtorch listing, as PyTorch's generator picks them: its name up to the first `-`, and its extension. */
function isListed(filename: string): boolean {
  return filename.split('-', 1)[0]!.toLowerCase() === LISTED && /\.(whl|zip|tar\.gz|json)$/.test(filename);
}

/** What a promoted file puts a page in: its PEP 503 project, or under a libtorch prefix the listing. */
export function pagedAs(prefix: string, filename: string): string | undefined {
  if (!isListingPrefix(prefix)) return indexedProject(filename);
  return parseArtifactName(filename)?.kind === 'libtorch' ? LISTED : undefined;
}

/** PEP 503 project of a pip-installable file (wheel or sdist), by its file name. */
export function indexedProject(filename: string): string | undefined {
  const a = parseArtifactName(filename);
  return a && (a.kind === 'wheel' || a.kind === 'sdist') ? pageName(a.name) : undefined;
}

/** Where a key sits in the prefix: `''` for the root, the variant folder, or nowhere indexed. */
function folderOf(prefix: string, key: string): string | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const parts = key.slice(prefix.length).split('/');
  if (parts.length === 1) return '';
  return parts.length === 2 && isVariantFolder(parts[0]!) ? parts[0] : undefined;
}

interface Page {
  key: string;
  /** `''` for the prefix root, else the variant folder. */
  folder: string;
  /** The project, for a project page; none for a package list. */
  project?: string;
  /** Written only where it does not exist yet (a root-only project's page in a sub-folder). */
  onlyIfMissing?: boolean;
  /** A libtorch browse listing. */
  listing?: boolean;
}

/** What the listings say, as of one round. */
interface Snapshot {
  folders: string[];
  /** Indexed files by folder, then project. */
  files: Map<string, Map<string, ListedObject[]>>;
  keys: Map<string, ListedObject>;
  /** Projects with a page in each sub-folder. */
  pages: Map<string, Set<string>>;
  /** Folders directly under the prefix (`torch`, `cu126`, `test`). */
  rootFolders: Set<string>;
  /** Under a libtorch prefix: the files its listings show, by folder. */
  listed: Map<string, ListedObject[]>;
}

class Builder {
  private readonly prefix: string;
  private readonly destinations: IndexStore[];
  /** sha256 read in an earlier round, by key, valid while the object keeps its ETag. */
  private readonly stated = new Map<string, { etag: string; sha256?: string }>();
  /** The promoted projects by folder (`''` for the root); files outside the variant folders have no page. */
  readonly promoted = new Map<string, Set<string>>();
  readonly result: IndexPagesResult = { written: [], unchanged: 0, conflicts: 0, checksumReads: 0 };

  constructor(private readonly req: IndexPagesRequest) {
    this.prefix = req.prefix;
    this.destinations = req.destinations ?? [req.source];
    for (const key of req.promoted) {
      const folder = folderOf(this.prefix, key);
      const project = pagedAs(this.prefix, key.slice(key.lastIndexOf('/') + 1));
      if (folder === undefined || project === undefined) continue;
      this.promoted.set(folder, (this.promoted.get(folder) ?? new Set()).add(project));
    }
  }

  pageKey(folder: string, project?: string): string {
    const dir = folder === '' ? this.prefix : `${this.prefix}${folder}/`;
    return project === undefined ? `${dir}index.html` : `${dir}${project}/index.html`;
  }

  /** The pages this promotion may change, given the folders and root projects listed. */
  candidates(level: { objects: ListedObject[]; folders: string[] }): Page[] {
    if (isListingPrefix(this.prefix)) return this.listings(level);
    const promoted = this.promoted;
    const folders = level.folders.map((f) => f.slice(this.prefix.length, -1)).filter(isVariantFolder);
    const rootProjects = new Set(level.objects.flatMap((o) => indexedProject(o.key.slice(this.prefix.length)) ?? []));
    const pages = new Map<string, Page>();
    const add = (p: Page): void => {
      if (!pages.has(p.key) || !p.onlyIfMissing) pages.set(p.key, p);
    };
    const everywhere = promoted.get('') ?? new Set<string>();
    add({ key: this.pageKey(''), folder: '' });
    for (const projects of promoted.values())
      for (const p of projects) add({ key: this.pageKey('', p), folder: '', project: p });
    for (const folder of new Set([...folders, ...promoted.keys()])) {
      if (folder === '') continue;
      const here = promoted.get(folder) ?? new Set<string>();
      if (here.size === 0 && everywhere.size === 0) continue;
      for (const p of rootProjects)
        add({ key: this.pageKey(folder, p), folder, project: p, onlyIfMissing: !here.has(p) && !everywhere.has(p) });
      for (const p of [...here, ...everywhere]) add({ key: this.pageKey(folder, p), folder, project: p });
      add({ key: this.pageKey(folder), folder });
    }
    return [...pages.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  /**
   * The listings a libtorch promotion changes: each folder's that received archives (root files are
   * not on them), and the root's, which shows every folder's, where the root holds archives.
   */
  listings(level: { objects: ListedObject[] }): Page[] {
    const folders = [...this.promoted.keys()].filter((f) => f !== '');
    const root = level.objects.some((o) => isListed(o.key.slice(this.prefix.length)));
    return [...(root ? [''] : []), ...folders]
      .map((folder) => ({ key: this.pageKey(folder), folder, listing: true }))
      .sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  /** A listing as PyTorch's generator writes it: sorted lines, names relative to the page's folder. */
  listingOf(snap: Snapshot, folder: string): string {
    const dir = folder === '' ? this.prefix : `${this.prefix}${folder}/`;
    const files = folder === '' ? [...snap.listed.values()].flat() : (snap.listed.get(folder) ?? []);
    // The name as the generator shows it: the key's `+` written `%2B`, like the link's.
    const name = (o: ListedObject): string => escapeHtml(o.key.slice(dir.length).replace(/\+/g, '%2B'));
    return files
      .map((o) => `<a href="${escapeHtml(keyToHref(o.key))}">${name(o)}</a><br/>`)
      .sort()
      .join('\n');
  }

  /** ETag of each page at each destination (undefined: no such page). */
  async etags(pages: Page[]): Promise<Map<string, string | undefined>[]> {
    return Promise.all(
      this.destinations.map(async (d) => {
        const out = new Map<string, string | undefined>();
        await pool(pages, this.req.concurrency, async (p) => {
          out.set(p.key, await headEtag(d, p.key));
        });
        return out;
      }),
    );
  }

  /** The prefix root and every variant folder, each listed once. */
  async snapshot(): Promise<Snapshot> {
    const { client, bucket } = this.req.source;
    const level = await listLevel(client, bucket, this.prefix);
    const folders = level.folders.map((f) => f.slice(this.prefix.length, -1)).filter(isVariantFolder);
    const listings = new Map<string, ListedObject[]>([['', level.objects]]);
    await pool(folders, this.req.concurrency, async (f) => {
      listings.set(f, await listAll(client, bucket, `${this.prefix}${f}/`));
    });
    const snap: Snapshot = {
      folders,
      files: new Map(),
      keys: new Map(),
      pages: new Map(),
      rootFolders: new Set(level.folders.map((f) => f.slice(this.prefix.length, -1))),
      listed: new Map(),
    };
    for (const [folder, objects] of listings) {
      const byProject = new Map<string, ListedObject[]>();
      const pages = new Set<string>();
      for (const o of objects) {
        snap.keys.set(o.key, o);
        const rest = o.key.slice(this.prefix.length + (folder === '' ? 0 : folder.length + 1));
        const page = /^([^/]+)\/index\.html$/.exec(rest);
        if (page) pages.add(page[1]!);
        if (!rest.includes('/') && isListed(rest)) snap.listed.set(folder, [...(snap.listed.get(folder) ?? []), o]);
        const project = rest.includes('/') ? undefined : indexedProject(rest);
        if (project === undefined) continue;
        const list = byProject.get(project) ?? [];
        list.push(o);
        byProject.set(project, list);
      }
      snap.files.set(folder, byProject);
      snap.pages.set(folder, pages);
    }
    return snap;
  }

  /** The files a project page lists. */
  filesOf(snap: Snapshot, page: Page): ListedObject[] {
    const project = page.project!;
    const folders = page.folder === '' ? ['', ...snap.folders] : ['', page.folder];
    return folders.flatMap((f) => snap.files.get(f)?.get(project) ?? []);
  }

  /** Projects on a package list: those with files there (the root's count everywhere), and existing pages. */
  async projectsOf(snap: Snapshot, folder: string): Promise<string[]> {
    const withFiles = (f: string): string[] => [...(snap.files.get(f)?.keys() ?? [])];
    if (folder !== '') return [...withFiles(''), ...withFiles(folder), ...(snap.pages.get(folder) ?? [])];
    // The root's own page folders are not told apart from other folders by a listing: the old list
    // says which are projects, and those still there stay.
    const old = await readText(this.req.source, this.pageKey(''));
    const kept = parsePackageList(old ?? '').filter((p) => snap.rootFolders.has(p));
    return [...withFiles(''), ...snap.folders.flatMap(withFiles), ...kept];
  }

  /** sha256 of each listed file, from what the store states about it; HEAD only when not known. */
  async checksums(files: ListedObject[]): Promise<Map<string, PageFile>> {
    const out = new Map<string, PageFile>(files.map((o) => [o.key, { key: o.key }]));
    // Nightly pages carry no hashes (PyTorch left them out: nightly files are replaced in place).
    if (this.prefix.split('/').includes('nightly')) return out;
    await pool(files, this.req.concurrency, async (o) => {
      const sha256 = this.req.known?.get(o.key) ?? (await this.readSha256(o));
      if (sha256) out.set(o.key, { key: o.key, sha256 });
    });
    return out;
  }

  /** What a file states about itself, read once per ETag (a later round asks again only if it changed). */
  async readSha256(o: ListedObject): Promise<string | undefined> {
    const cached = this.stated.get(o.key);
    if (cached?.etag === o.etag) return cached.sha256;
    const { client, bucket } = this.req.source;
    this.result.checksumReads++;
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: o.key, ChecksumMode: 'ENABLED' }));
    const sha256 = storedSha256(head);
    this.stated.set(o.key, { etag: o.etag, ...(sha256 ? { sha256 } : {}) });
    return sha256;
  }

  /**
   * sha256 of each file's `.metadata` (PEP 658): known when it was promoted with its file (its copy
   * answered it), else read whole, a few kilobytes of METADATA.
   */
  async metadataChecksums(snap: Snapshot, files: ListedObject[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const withMetadata = files.filter((o) => snap.keys.has(`${o.key}.metadata`));
    await pool(withMetadata, this.req.concurrency, async (o) => {
      const known = this.req.known?.get(`${o.key}.metadata`);
      const body = known ? undefined : await readBytes(this.req.source, `${o.key}.metadata`);
      const sha256 = known ?? (body && createHash('sha256').update(body).digest('hex'));
      if (sha256) out.set(o.key, sha256);
    });
    return out;
  }

  /** One round: read ETags, list, build, write; answers the pages refused by a condition. */
  async round(wanted: Set<string> | undefined): Promise<Set<string>> {
    const { client, bucket } = this.req.source;
    const candidates = this.candidates(await listLevel(client, bucket, this.prefix)).filter(
      (p) => !wanted || wanted.has(p.key),
    );
    if (candidates.length === 0) return new Set();
    const etags = await this.etags(candidates);
    const snap = await this.snapshot();

    const html = new Map<string, string>();
    const projectPages = candidates.filter(
      (p) => p.project !== undefined && !(p.onlyIfMissing && etags.every((e) => e.get(p.key) !== undefined)),
    );
    const listed = new Map<string, ListedObject>();
    for (const p of projectPages) for (const o of this.filesOf(snap, p)) listed.set(o.key, o);
    const [files, metadata] = await Promise.all([
      this.checksums([...listed.values()]),
      this.metadataChecksums(snap, [...listed.values()]),
    ]);
    for (const p of projectPages) {
      const own = this.filesOf(snap, p).map((o) => ({
        ...files.get(o.key)!,
        ...(metadata.has(o.key) ? { metadataSha256: metadata.get(o.key)! } : {}),
      }));
      if (own.length > 0) html.set(p.key, renderProjectPage(p.project!, own));
    }
    for (const p of candidates.filter((c) => c.project === undefined))
      html.set(
        p.key,
        p.listing ? this.listingOf(snap, p.folder) : renderPackageList(await this.projectsOf(snap, p.folder)),
      );

    const refused = new Set<string>();
    await Promise.all(
      this.destinations.map((d, i) =>
        pool(
          candidates.filter((p) => html.has(p.key)),
          this.req.concurrency,
          async (p) => {
            const etag = etags[i]!.get(p.key);
            if (p.onlyIfMissing && etag !== undefined) return;
            const body = html.get(p.key)!;
            if (etag === md5(body)) {
              this.result.unchanged++;
              return;
            }
            if (await this.write(d, p, body, etag))
              this.result.written.push({ bucket: d.bucket, key: p.key, created: !etag });
            else refused.add(p.key);
          },
        ),
      ),
    );
    this.result.conflicts += refused.size;
    return refused;
  }

  /** A conditional PUT; false when the page changed since its ETag was read. */
  async write(d: IndexStore, page: Page, body: string, etag: string | undefined): Promise<boolean> {
    try {
      await d.client.send(
        new PutObjectCommand({
          Bucket: d.bucket,
          Key: page.key,
          Body: body,
          ContentType: 'text/html',
          // PyTorch never caches a libtorch listing.
          CacheControl: page.listing ? NO_CACHE_CONTROL : cacheControlFor(this.pageKey(page.folder)),
          ...(this.req.acl ? { ACL: this.req.acl } : {}),
          ...(etag === undefined ? { IfNoneMatch: '*' } : { IfMatch: `"${etag}"` }),
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }
}

/**
 * 412: the page changed (or appeared) since its ETag was read; 409: S3 was completing another
 * conditional write of it; 404: it was deleted meanwhile. Each means: read again, build again.
 */
function isConditionFailure(e: unknown): boolean {
  const status = s3HttpStatus(e);
  return status === 412 || status === 409 || (status === 404 && s3ErrorCode(e) === 'NoSuchKey');
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

async function headEtag(d: IndexStore, key: string): Promise<string | undefined> {
  try {
    return unquoteEtag((await d.client.send(new HeadObjectCommand({ Bucket: d.bucket, Key: key }))).ETag);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

async function readBytes(d: IndexStore, key: string): Promise<Uint8Array | undefined> {
  try {
    return await (
      await d.client.send(new GetObjectCommand({ Bucket: d.bucket, Key: key }))
    ).Body!.transformToByteArray();
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

async function readText(d: IndexStore, key: string): Promise<string | undefined> {
  const bytes = await readBytes(d, key);
  return bytes && Buffer.from(bytes).toString('utf8');
}

/**
 * Rebuilds and writes the pages of `req.prefix` that the promotion of `req.promoted` changes, at every
 * destination; pages refused by a condition are built again from new listings, up to `rounds` times.
 */
export async function updateIndexPages(req: IndexPagesRequest): Promise<IndexPagesResult> {
  const builder = new Builder(req);
  if (builder.promoted.size === 0) return builder.result;
  let wanted: Set<string> | undefined;
  for (let round = 1; ; round++) {
    wanted = await builder.round(wanted);
    if (wanted.size === 0) return builder.result;
    if (round >= (req.rounds ?? 5)) {
      throw new Error(
        `index pages kept changing under this run (${[...wanted].join(', ')}): another writer is updating them; run again once it is done`,
      );
    }
  }
}
