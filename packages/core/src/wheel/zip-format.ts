import * as zlib from 'node:zlib';

/**
 * What the zip reader and writer share: the entry record, the record signatures and limits of the
 * format (zip64 past them), and CRC-32.
 */

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflated; other methods are refused when the data is read. */
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  /** MS-DOS time and date fields, kept as they are on copy. */
  dosTime: number;
  dosDate: number;
  versionMadeBy: number;
  externalAttributes: number;
  internalAttributes: number;
  comment: string;
  isDirectory: boolean;
}

export class ZipFormatError extends Error {
  override readonly name = 'ZipFormatError';
}

export const SIG_LOCAL = 0x04034b50;
export const SIG_CENTRAL = 0x02014b50;
export const SIG_EOCD = 0x06054b50;
export const SIG_ZIP64_EOCD = 0x06064b50;
export const SIG_ZIP64_LOCATOR = 0x07064b50;
export const U32_MAX = 0xffffffff;
export const U16_MAX = 0xffff;
export const FLAG_ENCRYPTED = 0x1;
export const FLAG_DATA_DESCRIPTOR = 0x8;
export const FLAG_UTF8 = 0x800;
/** Reads and writes move at most this many bytes at a time. */
export const CHUNK = 1 << 20;

// zlib.crc32 exists from Node 20.15 / 22.2; the table is the fallback for older runtimes.
const nativeCrc = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
let crcTable: Uint32Array | undefined;
export function crc32(data: Uint8Array, previous = 0): number {
  if (nativeCrc) return nativeCrc(data, previous);
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = ~previous >>> 0;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** Where an entry's compressed bytes start, from its local header (whose extra field may differ). */
export function dataOffsetFrom(entry: ZipEntry, localHeader: Buffer): number {
  if (localHeader.readUInt32LE(0) !== SIG_LOCAL)
    throw new ZipFormatError(`no local header for ${entry.name} at ${entry.localHeaderOffset}`);
  return entry.localHeaderOffset + 30 + localHeader.readUInt16LE(26) + localHeader.readUInt16LE(28);
}
