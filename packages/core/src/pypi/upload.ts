import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ConfigurationError } from '../runtime/errors.js';
import { headerValue, headerValues, type Headers } from '../wheel/metadata.js';
import type { WheelMetadata } from '../wheel/validate.js';
import type { FileDigests } from '../wheel/digests.js';

/**
 * The legacy upload API (`POST /legacy/`) spoken exactly as twine sends it: the same form fields in
 * the same order (metadata from the wheel's METADATA, empty strings for absent single values, no field
 * for absent lists), the three digests, and the file streamed from disk as `content`.
 */

export type FormField = [name: string, value: string];

export interface UploadFile {
  path: string;
  filename: string;
  /** The wheel's Python tag (`cp311`), sent as `pyversion`. */
  pythonTag: string;
  metadata: WheelMetadata;
  digests: FileDigests;
}

export interface UploadResponse {
  status: number;
  reason: string;
  body: string;
}

// twine's metadata_dictionary(): scalar fields are always sent ('' when absent), list fields once per value.
const FIELDS: Array<[field: string, header: string, list: boolean]> = [
  ['metadata_version', 'Metadata-Version', false],
  ['summary', 'Summary', false],
  ['home_page', 'Home-page', false],
  ['author', 'Author', false],
  ['author_email', 'Author-email', false],
  ['maintainer', 'Maintainer', false],
  ['maintainer_email', 'Maintainer-email', false],
  ['license', 'License', false],
  ['description', 'Description', false],
  ['keywords', 'Keywords', false],
  ['platform', 'Platform', true],
  ['classifiers', 'Classifier', true],
  ['download_url', 'Download-URL', false],
  ['supported_platform', 'Supported-Platform', true],
  ['comment', '', false],
  ['sha256_digest', '', false],
  ['provides', 'Provides', true],
  ['requires', 'Requires', true],
  ['obsoletes', 'Obsoletes', true],
  ['project_urls', 'Project-URL', true],
  ['provides_dist', 'Provides-Dist', true],
  ['obsoletes_dist', 'Obsoletes-Dist', true],
  ['requires_dist', 'Requires-Dist', true],
  ['requires_external', 'Requires-External', true],
  ['requires_python', 'Requires-Python', false],
  ['provides_extras', 'Provides-Extra', true],
  ['description_content_type', 'Description-Content-Type', false],
  ['dynamic', 'Dynamic', true],
];

function description(h: Headers, body: string): string {
  const header = headerValue(h, 'Description');
  if (header === undefined) return body;
  // Continuation lines of a Description header are indented with 8 spaces and a `|`.
  return header
    .split('\n')
    .map((l, i) => (i === 0 ? l : l.replace(/^ {8}\|?/, '')))
    .join('\n');
}

/** The form fields twine would send for this wheel, in twine's order, `content` excluded. */
export function uploadFields(file: UploadFile): FormField[] {
  const h = file.metadata.headers;
  const fields: FormField[] = [
    ['name', file.metadata.name.replace(/[^A-Za-z0-9.]+/g, '-')],
    ['version', file.metadata.version],
    ['filetype', 'bdist_wheel'],
    ['pyversion', file.pythonTag],
  ];
  for (const [field, header, list] of FIELDS) {
    if (field === 'sha256_digest') fields.push([field, file.digests.sha256]);
    else if (field === 'comment') fields.push([field, '']);
    else if (field === 'description') fields.push([field, description(h, h.body)]);
    else if (list) for (const v of headerValues(h, header)) fields.push([field, v]);
    else fields.push([field, headerValue(h, header) ?? '']);
  }
  fields.push(['md5_digest', file.digests.md5], ['blake2_256_digest', file.digests.blake2_256]);
  fields.push([':action', 'file_upload'], ['protocol_version', '1']);
  return fields;
}

function quote(s: string): string {
  return s.replace(/"/g, '%22').replace(/\r?\n/g, ' ');
}

/** Streams the multipart form: fields from memory, the wheel from disk. */
export async function postUpload(
  repositoryUrl: string,
  auth: { username: string; password: string },
  file: UploadFile,
  opts: { userAgent?: string; timeoutMs?: number } = {},
): Promise<UploadResponse> {
  const url = new URL(repositoryUrl);
  if (url.username || url.password)
    throw new ConfigurationError('input "repository-url" must not contain credentials; use "password"');
  const boundary = randomBytes(16).toString('hex');
  const head = Buffer.from(
    uploadFields(file)
      .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${quote(k)}"\r\n\r\n${v}\r\n`)
      .join('') +
      `--${boundary}\r\nContent-Disposition: form-data; name="content"; filename="${quote(file.filename)}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    'utf8',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<UploadResponse>((resolve, reject) => {
    const req = send(url, {
      method: 'POST',
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': head.length + file.digests.size + tail.length,
        authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`,
        'user-agent': opts.userAgent ?? 'release-actions/promote-pypi',
      },
      timeout: opts.timeoutMs ?? 30 * 60_000,
    });
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.length < 64 && parts.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          reason: res.statusMessage ?? '',
          body: Buffer.concat(parts).toString('utf8').slice(0, 4000),
        }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('upload timed out')));
    req.on('error', reject);
    req.write(head);
    const body = createReadStream(file.path, { highWaterMark: 1 << 20 });
    body.on('error', (e) => req.destroy(e));
    body.on('end', () => req.end(tail));
    body.pipe(req, { end: false });
  });
}

/** The one-line reason an index gave, without HTML. */
export function uploadError(r: UploadResponse): string {
  const text =
    r.reason && r.reason !== 'Bad Request'
      ? r.reason
      : r.body
          .replace(/<[^>]+>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim();
  return `${r.status} ${text}`.slice(0, 500);
}
