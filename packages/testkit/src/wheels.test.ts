import { rewriteWheel, type RewriteOptions } from '@release-actions/core/wheel/rewrite';
import { validateWheel } from '@release-actions/core/wheel/validate';
import { ZipReader } from '@release-actions/core/wheel/zip-reader';
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { buildWheel } from './wheels.js';

const PY = '/usr/bin/python3';
const dir = mkdtempSync(join(tmpdir(), 'wheel-rewrite-'));
const requiresDist = [
  'filelock',
  'typing-extensions>=4.10.0',
  'nvidia-cuda-runtime-cu12==12.6.77; platform_system == "Linux" and platform_machine == "x86_64"',
];

async function rewrite(
  source: string,
  opts: RewriteOptions = {},
): Promise<{
  path: string;
  filename: string;
  changed: string[];
  excluded: string[];
  versionFiles: string[];
  copiedRaw: number;
  sha256: string;
}> {
  const out = mkdtempSync(join(dir, 'out-'));
  const tmp = join(out, 'partial');
  const stream = createWriteStream(tmp);
  const r = await rewriteWheel(source, stream, opts);
  stream.end();
  await finished(stream);
  renameSync(tmp, join(out, r.filename));
  return { ...r, path: join(out, r.filename) };
}

test("a CUDA wheel becomes the PyPI wheel that Python's wheel, pip and importlib accept", async () => {
  const src = await buildWheel({
    name: 'torch',
    version: '2.6.0+cu126',
    pythonTag: 'cp311',
    platform: 'linux_x86_64',
    requiresDist,
    requiresPython: '>=3.9.0',
    dir,
  });
  const r = await rewrite(src.path, {
    platformTags: [['linux_x86_64', 'manylinux_2_28_x86_64']],
    versionFiles: ['torch/version.py'],
    excludeFiles: ['torch/share/**'],
  });
  expect(r.filename).toBe('torch-2.6.0-cp311-cp311-manylinux_2_28_x86_64.whl');
  expect(r.excluded).toEqual(['torch/share/cmake/torch/torchConfig.cmake']);
  expect(r.versionFiles).toEqual(['torch/version.py']);
  expect(r.changed.sort()).toEqual([
    'torch-2.6.0.dist-info/METADATA',
    'torch-2.6.0.dist-info/RECORD',
    'torch-2.6.0.dist-info/WHEEL',
    'torch/version.py',
  ]);
  expect(r.copiedRaw).toBeGreaterThan(5);

  const unpack = join(dir, 'unpacked');
  // `wheel unpack` verifies every RECORD hash while extracting.
  execFileSync(PY, ['-m', 'wheel', 'unpack', '-d', unpack, r.path]);
  const root = join(unpack, 'torch-2.6.0');
  expect(readFileSync(join(root, 'torch/version.py'), 'utf8')).toContain("__version__ = '2.6.0'\n");
  expect(readFileSync(join(root, 'torch-2.6.0.dist-info/WHEEL'), 'utf8')).toContain(
    'Tag: cp311-cp311-manylinux_2_28_x86_64\n',
  );
  const metadata = readFileSync(join(root, 'torch-2.6.0.dist-info/METADATA'), 'utf8');
  expect(metadata).toMatch(/^Version: 2\.6\.0$/m);
  expect(metadata).toContain('Version: not-the-version'); // the long description is left alone
  expect(readFileSync(join(root, 'torch-2.6.0.data/scripts/torchrun'), 'utf8')).toContain('print(__version__)');

  const target = join(dir, 'site');
  execFileSync(PY, ['-m', 'pip', 'install', '--quiet', '--no-index', '--no-deps', '--target', target, r.path], {
    env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' },
  });
  const versions = execFileSync(PY, [
    '-c',
    'import sys, importlib.metadata as m; sys.path.insert(0, sys.argv[1]); import torch; print(m.version("torch"), torch.__version__)',
    target,
  ]).toString();
  expect(versions.trim()).toBe('2.6.0 2.6.0');

  const v = await validateWheel(r.path, {
    requiresPython: '>=3.9.0',
    requiresDist: ['filelock', 'typing_extensions >= 4.10.0'],
  });
  expect(v.problems).toEqual([]);
  expect(v.sha256).toBe(r.sha256);
});

test('unchanged entries are copied with their compressed bytes, not recompressed', async () => {
  const src = await buildWheel({ name: 'torchvision', version: '0.21.0+cu126', dir });
  const r = await rewrite(src.path);
  const [a, b] = await Promise.all([ZipReader.open(src.path), ZipReader.open(r.path)]);
  const so = (z: ZipReader) => z.entries.find((e) => e.name === 'torchvision/lib/libtorchvision_cpu.so')!;
  expect([so(b).crc32, so(b).compressedSize, so(b).method]).toEqual([so(a).crc32, so(a).compressedSize, so(a).method]);
  await Promise.all([a.close(), b.close()]);
});

test('a compressed platform tag set is renamed in the file name and every WHEEL Tag line', async () => {
  const src = await buildWheel({
    name: 'torch',
    version: '2.6.0',
    platform: 'manylinux_2_17_aarch64.manylinux2014_aarch64',
    dir,
  });
  const r = await rewrite(src.path, {
    platformTags: [['manylinux_2_17_aarch64.manylinux2014_aarch64', 'manylinux2014_aarch64']],
  });
  expect(r.filename).toBe('torch-2.6.0-cp311-cp311-manylinux2014_aarch64.whl');
  expect((await validateWheel(r.path)).problems).toEqual([]);
  execFileSync(PY, ['-m', 'wheel', 'unpack', '-d', join(dir, 'u2'), r.path]);
});

test('a wheel without a local version keeps its version and stays valid', async () => {
  const src = await buildWheel({ name: 'torchaudio', version: '2.6.0', platform: 'macosx_11_0_arm64', dir });
  const r = await rewrite(src.path);
  expect(r.filename).toBe(src.filename);
  expect((await validateWheel(r.path)).problems).toEqual([]);
});

test('a source wheel whose RECORD hash is wrong is refused by the rewrite and by validation', async () => {
  const src = await buildWheel({
    name: 'torch',
    version: '2.6.0+cpu',
    dir,
    corruptRecord: (rows) =>
      rows.map((row) =>
        row.path === 'torch/nn/modules.py'
          ? { ...row, hash: 'sha256=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }
          : row,
      ),
  });
  await expect(rewrite(src.path)).rejects.toThrow(/torch\/nn\/modules\.py does not match its RECORD entry/);
  const v = await validateWheel(src.path, { publicOnly: false });
  expect(v.problems).toEqual([
    expect.stringMatching(/RECORD check failed for 1 file\(s\): torch\/nn\/modules\.py \(hash differs from RECORD\)/),
  ]);
});

test('validation reports every problem: local version, size, WHEEL tags, metadata expectations', async () => {
  const src = await buildWheel({
    name: 'torch',
    version: '2.6.0+cu126',
    dir,
    requiresPython: '>=3.8',
    requiresDist: ['filelock'],
    wheelTags: ['cp311-cp311-win_amd64'],
  });
  const v = await validateWheel(src.path, {
    maxFileSize: 1000,
    requiresPython: '>=3.9.0',
    requiresDist: ['filelock', 'sympy'],
  });
  expect(v.problems).toEqual([
    expect.stringMatching(/more than max-file-size \(1000 bytes\)/),
    'local version 2.6.0+cu126 cannot be published to PyPI',
    'Requires-Python is ">=3.8", expected ">=3.9.0"',
    'Requires-Dist lacks "sympy"',
    "WHEEL tags (cp311-cp311-win_amd64) do not match the file name's (cp311-cp311-linux_x86_64)",
  ]);
});

test("exclude-files may not drop the wheel's own metadata", async () => {
  const src = await buildWheel({ name: 'torch', version: '2.6.0+cu126', dir });
  await expect(rewrite(src.path, { excludeFiles: ['**/METADATA'] })).rejects.toThrow(
    /input "exclude-files": "\*\*\/METADATA" would drop torch-2\.6\.0\+cu126\.dist-info\/METADATA/,
  );
});
