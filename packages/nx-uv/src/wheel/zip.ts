/**
 * Reading zip archives (wheels) with yauzl: the central directory (ZIP64 included), and stored or
 * deflated entries checked against their size (yauzl) and CRC-32 (here: yauzl does not check it).
 * No encryption, no multi-disk archives. Errors are DistributionFormatErrors naming the file.
 */
import { crc32 } from 'node:zlib';
import * as yauzl from 'yauzl';
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

/**
 * yauzl takes the end-of-central-directory signature nearest the end of the file, which an archive
 * comment may hold, and refuses bytes after the record. Hand it the archive up to the real record (the
 * one whose comment reaches exactly to the end, else the last complete one), without its comment.
 */
function withoutTrailer(zip: Buffer): Buffer {
  const lowest = Math.max(0, zip.length - 22 - 0xffff);
  let fallback: number | undefined;
  for (let at = zip.length - 22; at >= lowest; at--) {
    if (zip.readUInt32LE(at) !== EOCD) continue;
    const end = at + 22 + zip.readUInt16LE(at + 20);
    if (end === zip.length) return cut(zip, at);
    if (end < zip.length && fallback === undefined) fallback = at;
  }
  return fallback === undefined ? zip : cut(zip, fallback);
}

function cut(zip: Buffer, eocd: number): Buffer {
  if (eocd + 22 === zip.length) return zip;
  const copy = Buffer.from(zip.subarray(0, eocd + 22));
  copy.writeUInt16LE(0, eocd + 20);
  return copy;
}

/** The yauzl entry and archive behind each ZipEntry handed out, for readZipEntry. */
const opened = new WeakMap<ZipEntry, { zipfile: yauzl.ZipFile; entry: yauzl.Entry }>();

/** Every entry of the central directory, in stored order. Rejects with DistributionFormatError on a damaged archive. */
export async function listZipEntries(zip: Buffer, file = '<zip>'): Promise<ZipEntry[]> {
  let zipfile: yauzl.ZipFile;
  try {
    // autoClose off: entries are read after the listing (a buffer holds no file descriptor).
    zipfile = await yauzl.fromBufferPromise(withoutTrailer(zip), { lazyEntries: true, autoClose: false });
  } catch (err) {
    const message = (err as Error).message;
    if (/signature not found/i.test(message)) throw new DistributionFormatError(file, `not a zip archive (${message})`);
    throw new DistributionFormatError(file, message);
  }
  const entries: ZipEntry[] = [];
  try {
    for await (const entry of zipfile.eachEntry()) {
      const listed: ZipEntry = {
        name: entry.fileName,
        method: entry.compressionMethod,
        flags: entry.generalPurposeBitFlag,
        crc32: entry.crc32,
        compressedSize: entry.compressedSize,
        uncompressedSize: entry.uncompressedSize,
        localHeaderOffset: entry.relativeOffsetOfLocalHeader,
      };
      opened.set(listed, { zipfile, entry });
      entries.push(listed);
    }
  } catch (err) {
    throw new DistributionFormatError(file, `damaged central directory (${(err as Error).message})`);
  }
  return entries;
}

/** The uncompressed bytes of one entry (from listZipEntries), checked against its recorded size and CRC-32. */
export async function readZipEntry(zip: Buffer, entry: ZipEntry, file = '<zip>'): Promise<Buffer> {
  const source = opened.get(entry);
  if (!source) throw new Error(`readZipEntry: ${entry.name} was not listed by listZipEntries`);
  if (source.entry.isEncrypted()) throw new DistributionFormatError(file, `${entry.name} is encrypted`);
  if (entry.method !== 0 && entry.method !== 8) {
    throw new DistributionFormatError(file, `${entry.name} uses compression method ${entry.method}; only stored (0) and deflate (8) are supported`);
  }
  let data: Buffer;
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of await source.zipfile.openReadStreamPromise(source.entry)) chunks.push(chunk as Buffer);
    data = Buffer.concat(chunks);
  } catch (err) {
    // A size that differs from the central directory's ends here too (yauzl counts the bytes).
    throw new DistributionFormatError(file, `${entry.name} cannot be inflated: ${(err as Error).message}`);
  }
  if (data.length !== entry.uncompressedSize) {
    throw new DistributionFormatError(file, `${entry.name} is ${data.length} bytes, the archive says ${entry.uncompressedSize}`);
  }
  if (crc32(data) !== entry.crc32) throw new DistributionFormatError(file, `${entry.name} fails its CRC-32 check`);
  return data;
}
