/**
 * A minimal zip reader, enough for wheels: the central directory (ZIP64 included), and stored or
 * deflated entries checked against their size and CRC-32. No encryption, no multi-disk archives.
 */
import { inflateRawSync } from 'node:zlib';
import { crc32 } from './crc32';
import { DistributionFormatError } from './errors';

export interface ZipEntry {
  /** Path inside the archive, as stored (`/`-separated). */
  name: string;
  /** 0 = stored, 8 = deflate. */
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

function u64(buf: Buffer, at: number, file: string): number {
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new DistributionFormatError(file, 'zip offset or size too large');
  return Number(v);
}

function findEndOfCentralDirectory(zip: Buffer, file: string): number {
  // The record ends the file, after a comment of up to 64 KiB that may itself hold the signature:
  // prefer a record whose comment reaches exactly to the end; else accept trailing bytes.
  const lowest = Math.max(0, zip.length - 22 - 0xffff);
  let fallback: number | undefined;
  for (let at = zip.length - 22; at >= lowest; at--) {
    if (zip.readUInt32LE(at) !== EOCD) continue;
    const end = at + 22 + zip.readUInt16LE(at + 20);
    if (end === zip.length) return at;
    if (end < zip.length && fallback === undefined) fallback = at;
  }
  if (fallback !== undefined) return fallback;
  throw new DistributionFormatError(file, 'not a zip archive (no end of central directory record)');
}

/** Every entry of the central directory, in stored order. Throws DistributionFormatError on a damaged archive. */
export function listZipEntries(zip: Buffer, file = '<zip>'): ZipEntry[] {
  if (zip.length < 22) throw new DistributionFormatError(file, 'not a zip archive (too short)');
  const eocd = findEndOfCentralDirectory(zip, file);
  let count = zip.readUInt16LE(eocd + 10);
  let cdSize = zip.readUInt32LE(eocd + 12);
  let cdOffset = zip.readUInt32LE(eocd + 16);
  if (zip.readUInt16LE(eocd + 4) !== 0 || zip.readUInt16LE(eocd + 6) !== 0) {
    throw new DistributionFormatError(file, 'multi-disk zip archives are not supported');
  }
  if (count === U16_MAX || cdSize === U32_MAX || cdOffset === U32_MAX) {
    const locator = eocd - 20;
    if (locator < 0 || zip.readUInt32LE(locator) !== ZIP64_LOCATOR) {
      throw new DistributionFormatError(file, 'ZIP64 archive without a ZIP64 end of central directory locator');
    }
    const z64 = u64(zip, locator + 8, file);
    if (z64 + 56 > zip.length || zip.readUInt32LE(z64) !== ZIP64_EOCD) {
      throw new DistributionFormatError(file, 'bad ZIP64 end of central directory record');
    }
    count = u64(zip, z64 + 32, file);
    cdSize = u64(zip, z64 + 40, file);
    cdOffset = u64(zip, z64 + 48, file);
  }
  if (cdOffset + cdSize > zip.length) throw new DistributionFormatError(file, 'central directory lies outside the file');

  const entries: ZipEntry[] = [];
  let at = cdOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== CENTRAL) {
      throw new DistributionFormatError(file, `damaged central directory (entry ${i + 1} of ${count})`);
    }
    const flags = zip.readUInt16LE(at + 8);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const nameBytes = zip.subarray(at + 46, at + 46 + nameLength);
    const entry: ZipEntry = {
      name: nameBytes.toString(flags & 0x800 ? 'utf8' : 'latin1'),
      method: zip.readUInt16LE(at + 10),
      flags,
      crc32: zip.readUInt32LE(at + 16),
      compressedSize: zip.readUInt32LE(at + 20),
      uncompressedSize: zip.readUInt32LE(at + 24),
      localHeaderOffset: zip.readUInt32LE(at + 42),
    };
    // ZIP64 extended information: the 64-bit values of the fields that hold 0xFFFFFFFF, in this order.
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = zip.readUInt16LE(extra);
      const size = zip.readUInt16LE(extra + 2);
      if (id === 0x0001) {
        let p = extra + 4;
        if (entry.uncompressedSize === U32_MAX) (entry.uncompressedSize = u64(zip, p, file)), (p += 8);
        if (entry.compressedSize === U32_MAX) (entry.compressedSize = u64(zip, p, file)), (p += 8);
        if (entry.localHeaderOffset === U32_MAX) entry.localHeaderOffset = u64(zip, p, file);
      }
      extra += 4 + size;
    }
    entries.push(entry);
    at = extraEnd + commentLength;
  }
  return entries;
}

/** The uncompressed bytes of one entry, checked against its recorded size and CRC-32. */
export function readZipEntry(zip: Buffer, entry: ZipEntry, file = '<zip>'): Buffer {
  const at = entry.localHeaderOffset;
  if (at + 30 > zip.length || zip.readUInt32LE(at) !== LOCAL) {
    throw new DistributionFormatError(file, `no local header for ${entry.name}`);
  }
  if (entry.flags & 0x1) throw new DistributionFormatError(file, `${entry.name} is encrypted`);
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  const end = start + entry.compressedSize;
  if (end > zip.length) throw new DistributionFormatError(file, `${entry.name} is truncated`);
  const raw = zip.subarray(start, end);
  let data: Buffer;
  if (entry.method === 0) {
    data = Buffer.from(raw);
  } else if (entry.method === 8) {
    try {
      // One byte more than announced, so that a lying size is caught below instead of truncated.
      data = inflateRawSync(raw, { maxOutputLength: entry.uncompressedSize + 1 });
    } catch (err) {
      throw new DistributionFormatError(file, `${entry.name} cannot be inflated: ${(err as Error).message}`);
    }
  } else {
    throw new DistributionFormatError(file, `${entry.name} uses compression method ${entry.method}; only stored (0) and deflate (8) are supported`);
  }
  if (data.length !== entry.uncompressedSize) {
    throw new DistributionFormatError(file, `${entry.name} is ${data.length} bytes, the archive says ${entry.uncompressedSize}`);
  }
  if (crc32(data) !== entry.crc32) throw new DistributionFormatError(file, `${entry.name} fails its CRC-32 check`);
  return data;
}
