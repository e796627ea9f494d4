/**
 * A minimal tar reader, enough for sdists: ustar and GNU headers, pax `path` records and GNU long
 * names; checksums verified. Regular files carry their bytes; other entries are listed without data.
 */
import { gunzipSync } from 'node:zlib';
import { DistributionFormatError } from './errors';

export interface TarEntry {
  /** Path inside the archive, without a leading `./`. */
  name: string;
  /** The typeflag: '0' regular file (also for '\0' and '7'), '5' directory, '2' symlink, … */
  type: string;
  data: Buffer;
}

const BLOCK = 512;

function cString(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const nul = field.indexOf(0);
  return (nul < 0 ? field : field.subarray(0, nul)).toString('utf8');
}

function numeric(block: Buffer, start: number, length: number, file: string): number {
  const field = block.subarray(start, start + length);
  if (field[0] & 0x80) {
    // GNU base-256: big-endian, the top bit of the first byte is the marker.
    let v = field[0] & 0x7f;
    for (let i = 1; i < field.length; i++) v = v * 256 + field[i];
    return v;
  }
  const text = field.toString('latin1').replace(/[\0 ]+$/, '').trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new DistributionFormatError(file, `bad tar header number ${JSON.stringify(text)}`);
  return parseInt(text, 8);
}

function checksumOk(block: Buffer, file: string): boolean {
  const recorded = numeric(block, 148, 8, file);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i];
  return sum === recorded;
}

/** `len key=value\n` records of a pax extended header. */
function paxRecords(data: Buffer, file: string): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space < 0) break;
    const length = Number(data.subarray(at, space).toString('latin1'));
    if (!Number.isInteger(length) || length <= 0 || at + length > data.length) {
      throw new DistributionFormatError(file, 'bad pax extended header');
    }
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    at += length;
  }
  return out;
}

/** Every entry of an uncompressed tar archive, in order. */
export function listTarEntries(tar: Buffer, file = '<tar>'): TarEntry[] {
  const entries: TarEntry[] = [];
  let at = 0;
  let longName: string | undefined;
  let paxPath: string | undefined;
  while (at + BLOCK <= tar.length) {
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break; // end of archive
    if (!checksumOk(header, file)) throw new DistributionFormatError(file, `damaged tar header at byte ${at}`);
    const size = numeric(header, 124, 12, file);
    const rawType = String.fromCharCode(header[156]);
    const dataStart = at + BLOCK;
    if (dataStart + size > tar.length) throw new DistributionFormatError(file, `tar entry at byte ${at} is truncated`);
    const data = tar.subarray(dataStart, dataStart + size);
    at = dataStart + Math.ceil(size / BLOCK) * BLOCK;

    if (rawType === 'x') {
      paxPath = paxRecords(data, file).get('path') ?? paxPath;
      continue;
    }
    if (rawType === 'g' || rawType === 'K') continue; // global pax header, GNU long link name
    if (rawType === 'L') {
      longName = cString(data, 0, data.length);
      continue;
    }
    let name = cString(header, 0, 100);
    if (header.subarray(257, 263).toString('latin1') === 'ustar\0') {
      const prefix = cString(header, 345, 155);
      if (prefix) name = `${prefix}/${name}`;
    }
    name = paxPath ?? longName ?? name;
    paxPath = undefined;
    longName = undefined;
    const type = rawType === '\0' || rawType === '7' ? '0' : rawType;
    entries.push({ name: name.replace(/^(\.\/)+/, ''), type, data: type === '0' ? Buffer.from(data) : Buffer.alloc(0) });
  }
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
