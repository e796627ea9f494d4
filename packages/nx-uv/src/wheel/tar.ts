/**
 * Reading tar archives (sdists) with node-tar's parser, synchronously: ustar and GNU headers, pax
 * records and GNU long names, checksums verified. Regular files carry their bytes; other entries are
 * listed without data. Gzip is Node's zlib. Errors are DistributionFormatErrors naming the file.
 */
import { gunzipSync } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { DistributionFormatError } from './errors';

export interface TarEntry {
  /** Path inside the archive, without a leading `./`. */
  name: string;
  /** The typeflag: '0' regular file (also for '\0' and '7'), '5' directory, '2' symlink, … */
  type: string;
  data: Buffer;
}

const BLOCK = 512;

/** Every entry of an uncompressed tar archive, in order. */
export function listTarEntries(tar: Buffer, file = '<tar>'): TarEntry[] {
  const entries: TarEntry[] = [];
  let problem: string | undefined;
  // Fed one block at a time, so that a bad header is known by its offset.
  let at = 0;
  const parser = new Parser({
    onReadEntry: (entry: ReadEntry) => {
      const key = entry.header.typeKey;
      const type = key === '7' ? '0' : key;
      const listed: TarEntry = { name: entry.path.replace(/^(\.\/)+/, ''), type, data: Buffer.alloc(0) };
      entries.push(listed);
      if (type !== '0') return entry.resume();
      const chunks: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      entry.on('end', () => (listed.data = Buffer.concat(chunks)));
    },
    onwarn: (code, message, data) => {
      if (problem !== undefined) return;
      if (message === 'Unrecognized archive format' && tar.every((byte) => byte === 0)) return; // an empty archive
      const entry = data.entry as ReadEntry | undefined;
      if (message === 'checksum failure') {
        problem = `damaged tar header at byte ${at}`;
      } else if (message.startsWith('Truncated input') && entry) {
        // Every whole block was taken; the entry's header lies before the body blocks it got.
        const taken = tar.length - (tar.length % BLOCK);
        problem = `tar entry at byte ${taken - (entry.startBlockSize - entry.blockRemain) - BLOCK} is truncated`;
      } else {
        problem = `${message} (${code})`;
      }
    },
  });
  parser.on('error', (err: Error) => (problem ??= err.message));
  for (; at < tar.length && problem === undefined; at += BLOCK) parser.write(tar.subarray(at, at + BLOCK));
  if (problem === undefined) parser.end();
  if (problem !== undefined) throw new DistributionFormatError(file, problem);
  return entries;
}

/** The entries of a `.tar.gz`. */
export function listTarGzEntries(tgz: Buffer, file = '<tar.gz>'): TarEntry[] {
  let tar: Buffer;
  try {
    tar = gunzipSync(tgz);
  } catch (err) {
    throw new DistributionFormatError(file, `not a gzip file: ${(err as Error).message}`);
  }
  return listTarEntries(tar, file);
}
