import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes history straight into a repository with `git fast-import`: thousands of commits per second,
 * and the result is byte-for-byte reproducible (fixed identities and dates), so every test run sees
 * the same shas.
 */

export interface Person {
  name: string;
  email: string;
}

export interface CommitSpec {
  message: string;
  author?: Person;
  committer?: Person;
  /** Seconds since the epoch (UTC); defaults to one minute after the previous commit. */
  time?: number;
  /** Files to write (path -> content) or delete (path -> null); others carry over from the parent. */
  files?: Record<string, string | Buffer | null>;
  /** Replace the whole tree instead of editing the parent's. */
  replaceTree?: boolean;
}

export const MERGE_BOT: Person = { name: 'PyTorch MergeBot', email: 'pytorchmergebot@users.noreply.github.com' };
export const BASE_TIME = Date.UTC(2024, 9, 1, 12, 0, 0) / 1000;

/**
 * Streams commits into one fast-import process; `commit` returns a mark (`:N`) usable as a parent in
 * later commits of the same stream, `finish` ends the stream and resolves marks to shas.
 */
export class FastImportWriter {
  private readonly chunks: Buffer[] = [];
  private mark = 0;
  private time = BASE_TIME;
  private readonly marksFile: string;

  constructor(private readonly gitDir: string) {
    this.marksFile = join(gitDir, `fast-import-marks-${process.pid}-${Date.now()}`);
  }

  private write(s: string | Buffer): void {
    this.chunks.push(typeof s === 'string' ? Buffer.from(s, 'utf8') : s);
  }

  private data(content: string | Buffer): void {
    const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    this.write(`data ${buf.length}\n`);
    this.write(buf);
    this.write('\n');
  }

  /** A commit on `ref` whose parent is `from` (a sha or a mark; none for a root commit). Returns its mark. */
  commit(ref: string, from: string | undefined, spec: CommitSpec): string {
    const mark = `:${++this.mark}`;
    this.time = spec.time ?? this.time + 60;
    const author = spec.author ?? MERGE_BOT;
    const committer = spec.committer ?? author;
    this.write(`commit ${ref}\nmark ${mark}\n`);
    this.write(`author ${author.name} <${author.email}> ${this.time} +0000\n`);
    this.write(`committer ${committer.name} <${committer.email}> ${this.time} +0000\n`);
    this.data(spec.message.endsWith('\n') ? spec.message : spec.message + '\n');
    if (from) this.write(`from ${from}\n`);
    if (spec.replaceTree) this.write('deleteall\n');
    for (const [path, content] of Object.entries(spec.files ?? {})) {
      if (content === null) {
        this.write(`D ${quotePath(path)}\n`);
      } else {
        this.write(`M 100644 inline ${quotePath(path)}\n`);
        this.data(content);
      }
    }
    this.write('\n');
    return mark;
  }

  /** Points `ref` at a mark or sha. */
  reset(ref: string, to: string): void {
    this.write(`reset ${ref}\nfrom ${to}\n\n`);
  }

  private child: ChildProcessWithoutNullStreams | undefined;
  private stderr = '';

  /** Sends what is buffered so far to fast-import (started on first use), keeping memory flat for long histories. */
  async flush(): Promise<void> {
    if (!this.child) {
      this.child = spawn('git', ['fast-import', '--quiet', '--done', `--export-marks=${this.marksFile}`], {
        cwd: this.gitDir,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      this.child.stdout.resume();
      this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    }
    const stdin = this.child.stdin;
    for (const chunk of this.chunks.splice(0)) {
      if (!stdin.write(chunk)) await once(stdin, 'drain');
    }
  }

  /** Ends the stream; returns mark -> sha for every commit written. */
  async finish(): Promise<Map<string, string>> {
    this.write('done\n');
    await this.flush();
    const child = this.child!;
    this.child = undefined;
    const closed = once(child, 'close');
    child.stdin.end();
    const [code] = (await closed) as [number];
    if (code !== 0) throw new Error(`git fast-import failed (exit ${code}): ${this.stderr.trim()}`);
    const marks = new Map<string, string>();
    for (const line of readFileSync(this.marksFile, 'utf8').split('\n')) {
      const [m, sha] = line.split(' ');
      if (m && sha) marks.set(m, sha);
    }
    rmSync(this.marksFile, { force: true });
    return marks;
  }
}

function quotePath(path: string): string {
  return /[\s"\\]/.test(path) ? JSON.stringify(path) : path;
}
