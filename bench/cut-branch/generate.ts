import { execFileSync } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { FastImportWriter } from '../../packages/testkit/src/git/fast-import.js';
import {
  CORE_ACTIONS,
  CORE_OTHER_FILES,
  CORE_WORKFLOWS,
  REVIEWERS,
  AREAS,
  SUBJECTS,
} from '../../packages/testkit/src/git/fixtures.js';
import { initBareRepo, type GitRepo } from '../../packages/testkit/src/git/repos.js';

/**
 * A pytorch-sized repository for the benchmark: `commits` merge-bot commits on `main` over `files`
 * files of incompressible text (so the packed size is what a real repository of that size weighs),
 * with the real-looking workflows, pins and version.txt on top, and `viable/strict` a few commits
 * behind. Built once with fast-import and repacked with bitmaps, as a server would hold it.
 */

export interface BigRepoOptions {
  commits: number;
  files: number;
  /** Bytes of random data per file (stored as base64 text, 4/3 larger). */
  fileBytes: number;
  /** Bytes of new random data each commit writes into the file it changes. */
  changeBytes: number;
}

/** Deterministic incompressible bytes: AES-CTR keystream for a label. */
function noise(label: string, length: number): Buffer {
  const key = createHash('sha256').update(label).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return cipher.update(Buffer.alloc(length));
}

function asText(bytes: Buffer): string {
  return (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\n') + '\n';
}

/**
 * `torch/module012/part3/file06153.py`: 100 x 10 folders of 50 files. Every file name is unique, as in
 * a real tree, which is what lets git's delta search pair each file with its earlier versions.
 */
function pathOf(i: number): string {
  const dir = Math.floor(i / 500);
  const sub = Math.floor((i % 500) / 50);
  return `torch/module${String(dir).padStart(3, '0')}/part${sub}/file${String(i).padStart(5, '0')}.py`;
}

function content(file: number, version: number, opts: BigRepoOptions): string {
  const head = `# file ${file}\n` + asText(noise(`base-${file}`, opts.fileBytes));
  return version === 0 ? head : `${head}# change ${version}\n${asText(noise(`change-${version}`, opts.changeBytes))}`;
}

export async function generateBigRepo(
  dir: string,
  opts: BigRepoOptions,
  log: (s: string) => void = console.log,
): Promise<GitRepo> {
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  const repo = initBareRepo(dir, 'pytorch/pytorch');
  const w = new FastImportWriter(repo.path);
  const files: Record<string, string> = {
    ...CORE_WORKFLOWS,
    ...CORE_ACTIONS,
    ...CORE_OTHER_FILES,
    'version.txt': '2.6.0a0\n',
  };
  for (let i = 0; i < opts.files; i++) files[pathOf(i)] = content(i, 0, opts);
  let from = w.commit('refs/heads/main', undefined, { message: 'Initial import\n', files, time: 1_600_000_000 });
  await w.flush();
  log(`  initial tree of ${opts.files} files written`);
  const marks: string[] = [];
  for (let c = 1; c <= opts.commits; c++) {
    const file = (c * 7919) % opts.files;
    const pr = 60000 + c;
    const title = `[${AREAS[c % AREAS.length]}] ${SUBJECTS[c % SUBJECTS.length]} (#${pr})`;
    const message = `${title}\n\nChanges ${pathOf(file)}.\n\nPull Request resolved: https://github.com/pytorch/pytorch/pull/${pr}\nApproved by: https://github.com/${REVIEWERS[c % REVIEWERS.length]}\n`;
    from = w.commit('refs/heads/main', from, {
      message,
      files: { [pathOf(file)]: content(file, c, opts) },
      time: 1_600_000_000 + c * 600,
    });
    marks.push(from);
    if (c % 2000 === 0) {
      await w.flush();
      if (c % 20000 === 0) log(`  ${c} commits`);
    }
  }
  w.reset('refs/heads/viable/strict', marks[Math.max(0, marks.length - 4)] ?? from);
  await w.finish();
  log('  repacking with bitmaps (as a server keeps its repositories)');
  execFileSync('git', ['repack', '-a', '-d', '-f', '-b', '-q', '--window=50', '--depth=50'], {
    cwd: repo.path,
    stdio: 'inherit',
  });
  execFileSync('git', ['pack-refs', '--all'], { cwd: repo.path });
  writeFileSync(`${repo.path}/bench-complete`, JSON.stringify(opts) + '\n');
  return repo;
}
