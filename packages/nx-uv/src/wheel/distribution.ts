/**
 * The core metadata inside built distributions: `<name>-<version>.dist-info/METADATA` of a wheel, the
 * top-level `PKG-INFO` of an sdist (`.tar.gz`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCoreMetadata, type CoreMetadata } from './core-metadata';
import { DistributionFormatError } from './errors';
import { listTarGzEntries } from './tar';
import { listZipEntries, readZipEntry } from './zip';

export type DistributionKind = 'wheel' | 'sdist';

export interface DistributionMetadata {
  /** The distribution file, as given. */
  file: string;
  kind: DistributionKind;
  /** Where the metadata is inside the archive. */
  metadataPath: string;
  text: string;
  metadata: CoreMetadata;
}

/** 'wheel' for `*.whl`, 'sdist' for `*.tar.gz`, else undefined. */
export function distributionKind(file: string): DistributionKind | undefined {
  const base = path.basename(file).toLowerCase();
  if (base.endsWith('.whl')) return 'wheel';
  if (base.endsWith('.tar.gz')) return 'sdist';
  return undefined;
}

function decode(file: string, inner: string, bytes: Buffer): string {
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) throw new DistributionFormatError(file, `${inner} is not valid UTF-8`);
  return text;
}

/** The `*.dist-info/METADATA` of a wheel (bytes given, or read from `file`). */
export async function readWheelMetadata(file: string, bytes?: Buffer): Promise<DistributionMetadata> {
  bytes ??= await fs.promises.readFile(file);
  const entries = await listZipEntries(bytes, file);
  const candidates = entries.filter((e) => /^[^/]+\.dist-info\/METADATA$/.test(e.name));
  let entry = candidates[0];
  if (candidates.length > 1) {
    // `{distribution}-{version}` starts the wheel file name and names its .dist-info directory.
    const stem = path.basename(file).split('-').slice(0, 2).join('-').toLowerCase();
    entry = candidates.find((e) => e.name.toLowerCase() === `${stem}.dist-info/metadata`) ?? entry;
    if (entry.name.toLowerCase() !== `${stem}.dist-info/metadata`) {
      throw new DistributionFormatError(file, `several .dist-info/METADATA files (${candidates.map((e) => e.name).join(', ')}) and none named after the wheel`);
    }
  }
  if (!entry) throw new DistributionFormatError(file, 'no *.dist-info/METADATA in the wheel');
  const text = decode(file, entry.name, await readZipEntry(bytes, entry, file));
  return { file, kind: 'wheel', metadataPath: entry.name, text, metadata: parseCoreMetadata(text) };
}

/** The top-level `<name>-<version>/PKG-INFO` of an sdist (bytes given, or read from `file`). */
export function readSdistMetadata(file: string, bytes: Buffer = fs.readFileSync(file)): DistributionMetadata {
  const candidates = listTarGzEntries(bytes, file).filter((e) => e.type === '0' && /^[^/]+\/PKG-INFO$/.test(e.name));
  if (candidates.length === 0) throw new DistributionFormatError(file, 'no top-level <name>-<version>/PKG-INFO in the sdist');
  if (candidates.length > 1) {
    throw new DistributionFormatError(file, `several top-level PKG-INFO files (${candidates.map((e) => e.name).join(', ')})`);
  }
  const [entry] = candidates;
  const text = decode(file, entry.name, entry.data);
  return { file, kind: 'sdist', metadataPath: entry.name, text, metadata: parseCoreMetadata(text) };
}

/** The metadata of a wheel or an sdist, by file name. */
export async function readDistributionMetadata(file: string): Promise<DistributionMetadata> {
  const kind = distributionKind(file);
  if (kind === 'wheel') return await readWheelMetadata(file);
  if (kind === 'sdist') return readSdistMetadata(file);
  throw new DistributionFormatError(file, 'neither a wheel (.whl) nor an sdist (.tar.gz)');
}
