import { blake2b } from '@noble/hashes/blake2.js';
import { createHash, type Hash } from 'node:crypto';

export interface FileDigests {
  md5: string;
  sha256: string;
  blake2_256: string;
  size: number;
}

/** Hashes bytes as they go, for the digests PyPI asks for. */
export class Digests {
  private readonly md5: Hash = createHash('md5');
  private readonly sha256: Hash = createHash('sha256');
  // BLAKE2b with a 32-byte digest (what PyPI calls blake2_256) is not a truncated BLAKE2b-512, and
  // Node's OpenSSL binding cannot set the digest length, hence a JavaScript implementation.
  private readonly blake2 = blake2b.create({ dkLen: 32 });
  size = 0;
  update(chunk: Buffer): void {
    this.size += chunk.length;
    this.md5.update(chunk);
    this.sha256.update(chunk);
    this.blake2.update(chunk);
  }
  digest(): FileDigests {
    return {
      md5: this.md5.digest('hex'),
      sha256: this.sha256.digest('hex'),
      blake2_256: Buffer.from(this.blake2.digest()).toString('hex'),
      size: this.size,
    };
  }
}
