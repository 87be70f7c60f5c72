import { formatWheelFilename, normalizeName } from '@release-actions/core/release/artifact-name';
import { formatRecord, sha256Record, type RecordRow } from '@release-actions/core/wheel/metadata';
import { crc32 } from '@release-actions/core/wheel/zip-format';
import { ZipWriter } from '@release-actions/core/wheel/zip-writer';
import { createCipheriv, createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';

/**
 * Wheels shaped like PyTorch's, written with the same zip writer conventions as Python's `wheel`
 * tool: a package with `version.py` carrying the local version, native-library-like blobs under
 * `lib/`, data files, a `.data` folder, and a `.dist-info` with METADATA, WHEEL, entry points and a
 * RECORD that lists every file. Large wheels are streamed to disk (incompressible stored entries), so
 * a 1 GB wheel costs no more memory than a small one.
 */

export interface WheelSpec {
  /** Distribution name as it appears in the file name (`torch`, `pytorch_triton`). */
  name: string;
  /** Full version, local label included (`2.6.0+cu126`). */
  version: string;
  pythonTag?: string;
  abiTag?: string;
  platform?: string;
  /** Extra files (path -> content), added after the generated package. */
  files?: Record<string, string | Buffer>;
  requiresDist?: string[];
  requiresPython?: string;
  /** Incompressible bytes added as stored `lib/` entries (split in parts of at most 256 MiB). */
  extraBytes?: number;
  /** Where to write; a new temporary folder by default. */
  dir?: string;
  /** Build tag, e.g. `1`. */
  build?: string;
  /** Edits RECORD's rows before it is written (to build a wheel with a bad RECORD). */
  corruptRecord?: (rows: RecordRow[]) => RecordRow[];
  /** WHEEL `Tag:` lines; the file name's tags by default. */
  wheelTags?: string[];
}

export interface BuiltWheel {
  path: string;
  filename: string;
  size: number;
  sha256: string;
  /** Import name of the generated package (`torch`). */
  packageName: string;
}

const PART = 256 << 20;
const CHUNK = 1 << 20;
// 1980-01-01 plus a fixed day, so builds are reproducible.
const TIME = { dosTime: (12 << 11) | (30 << 5), dosDate: ((2025 - 1980) << 9) | (1 << 5) | 27 };

/** Deterministic incompressible bytes: AES-CTR keystream seeded by a label. */
function* keystream(label: string, length: number): Generator<Buffer> {
  const key = createHash('sha256').update(label).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(CHUNK);
  for (let left = length; left > 0; left -= CHUNK) {
    const n = Math.min(CHUNK, left);
    yield cipher.update(n === CHUNK ? zeros : zeros.subarray(0, n));
  }
}

async function* asAsync(gen: Iterable<Buffer>): AsyncGenerator<Buffer> {
  yield* gen;
}

function blob(label: string, length: number): Buffer {
  return Buffer.concat([...keystream(label, length)]);
}

function metadataText(spec: WheelSpec): string {
  const lines = [
    'Metadata-Version: 2.1',
    `Name: ${spec.name}`,
    `Version: ${spec.version}`,
    'Summary: Tensors and Dynamic neural networks in Python with strong GPU acceleration',
    'Home-page: https://pytorch.org/',
    'Author: PyTorch Team',
    'Author-email: packages@pytorch.org',
    'License: BSD-3-Clause',
    'Keywords: pytorch,machine learning',
    'Classifier: Development Status :: 5 - Production/Stable',
    'Classifier: Programming Language :: Python :: 3',
    ...(spec.requiresPython ? [`Requires-Python: ${spec.requiresPython}`] : []),
    'Description-Content-Type: text/markdown',
    'License-File: LICENSE',
    ...(spec.requiresDist ?? []).map((r) => `Requires-Dist: ${r}`),
    'Provides-Extra: opt-einsum',
    '',
    `# ${spec.name}`,
    '',
    'A long description, with a line that looks like a header:',
    `Version: not-the-version`,
    '',
  ];
  return lines.join('\n');
}

export async function buildWheel(spec: WheelSpec): Promise<BuiltWheel> {
  const pythonTag = spec.pythonTag ?? 'cp311';
  const abiTag = spec.abiTag ?? pythonTag;
  const platform = spec.platform ?? 'linux_x86_64';
  const distribution = spec.name.replace(/[-_.]+/g, '_');
  const pkg = normalizeName(spec.name).replace(/-/g, '_');
  const filename = formatWheelFilename({
    distribution,
    version: spec.version,
    build: spec.build,
    pythonTag,
    abiTag,
    platformTag: platform,
  });
  const dir = spec.dir ?? mkdtempSync(join(tmpdir(), 'wheel-'));
  const path = join(dir, filename);
  const out = createWriteStream(path);
  const sha = createHash('sha256');
  let size = 0;
  const zip = new ZipWriter(out, (c) => {
    sha.update(c);
    size += c.length;
  });
  const rows: RecordRow[] = [];
  const add = async (name: string, content: string | Buffer, store = false): Promise<void> => {
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    await zip.addBuffer(name, data, { ...TIME, store });
    rows.push({ path: name, hash: sha256Record(data), size: String(data.length) });
  };

  const publicVersion = spec.version.split('+')[0]!;
  await add(
    `${pkg}/__init__.py`,
    `from ${pkg}.version import __version__ as __version__\n\n__all__ = ["__version__"]\n`,
  );
  await add(
    `${pkg}/version.py`,
    `from typing import Optional\n\n__all__ = ['__version__', 'debug', 'cuda', 'git_version', 'hip']\n__version__ = '${spec.version}'\ndebug = False\ncuda: Optional[str] = '12.6'\ngit_version = '1eba9b3aa3c43f86f4a2c807ac8e12c4a7767340'\nhip: Optional[str] = None\n`,
  );
  await add(`${pkg}/nn/__init__.py`, `"""Neural network layers."""\nfrom ${pkg}.nn.modules import *  # noqa: F403\n`);
  await add(
    `${pkg}/nn/modules.py`,
    `class Module:\n    training = True\n\n    def forward(self, *args):\n        raise NotImplementedError\n`.repeat(
      40,
    ),
  );
  await add(`${pkg}/lib/lib${pkg}_cpu.so`, blob(`${spec.name}-cpu`, 96 * 1024));
  await add(
    `${pkg}/lib/lib${pkg}_python.so`,
    Buffer.concat([blob(`${spec.name}-py`, 16 * 1024), Buffer.alloc(48 * 1024, 0x90)]),
  );
  await add(`${pkg}/share/cmake/${pkg}/${pkg}Config.cmake`, `set(${pkg.toUpperCase()}_VERSION "${publicVersion}")\n`);
  await add(`${pkg}/py.typed`, '');
  for (const [name, content] of Object.entries(spec.files ?? {})) await add(name, content);

  for (let part = 0, left = spec.extraBytes ?? 0; left > 0; part++, left -= PART) {
    const n = Math.min(PART, left);
    const name = `${pkg}/lib/lib${pkg}_cuda_part${part}.so`;
    const label = `${spec.name}-big-${part}`;
    // Two passes over the same keystream: CRC and hash first (the local header needs them), then the bytes.
    let crc = 0;
    const h = createHash('sha256');
    for (const c of keystream(label, n)) {
      crc = crc32(c, crc);
      h.update(c);
    }
    await zip.addRaw(
      { name, method: 0, crc32: crc, compressedSize: n, uncompressedSize: n, ...TIME },
      asAsync(keystream(label, n)),
    );
    rows.push({ path: name, hash: `sha256=${h.digest('base64url')}`, size: String(n) });
  }

  const dataDir = `${distribution}-${spec.version}.data`;
  await add(
    `${dataDir}/scripts/${pkg}run`,
    `#!python\nimport sys\nfrom ${pkg}.version import __version__\nprint(__version__)\n`,
  );
  const info = `${distribution}-${spec.version}.dist-info`;
  await add(`${info}/LICENSE`, 'BSD 3-Clause License\n\nCopyright (c) 2016- Facebook, Inc\n');
  await add(`${info}/METADATA`, metadataText(spec));
  const tags =
    spec.wheelTags ??
    pythonTag
      .split('.')
      .flatMap((py) => abiTag.split('.').flatMap((abi) => platform.split('.').map((p) => `${py}-${abi}-${p}`)));
  await add(
    `${info}/WHEEL`,
    [
      'Wheel-Version: 1.0',
      'Generator: bdist_wheel (0.45.1)',
      'Root-Is-Purelib: false',
      ...tags.map((t) => `Tag: ${t}`),
      '',
    ].join('\n'),
  );
  await add(`${info}/entry_points.txt`, `[console_scripts]\n${pkg}run = ${pkg}.version:main\n`);
  await add(`${info}/top_level.txt`, `${pkg}\n`);
  const recordRows = [...rows, { path: `${info}/RECORD`, hash: '', size: '' }];
  await zip.addBuffer(
    `${info}/RECORD`,
    Buffer.from(formatRecord(spec.corruptRecord ? spec.corruptRecord(recordRows) : recordRows)),
    TIME,
  );
  await zip.finish();
  out.end();
  await finished(out);
  return { path, filename, size, sha256: sha.digest('hex'), packageName: pkg };
}
