/**
 * The WorkspaceReader the graph hands to modelUvWorkspace: the pyproject.toml files of the Nx batch
 * come from memory (read once, parsed at most once, parses shared with root detection); anything
 * else (a member outside the batch, a hatch version file, a directory listing) comes from disk and
 * is logged with a content hash, so a cached graph can later be checked against exactly what it read.
 */
import { hashArray } from '@nx/devkit';
import { cleanRel, diskReader, parseTomlText, WorkspaceReader } from '../workspace';
import { joinRel } from './projects';

/** Nx-relative path → content hash (`null`: missing). */
export interface ReadLog {
  files: Map<string, string | null>;
  dirs: Map<string, string | null>;
}

export function newReadLog(): ReadLog {
  return { files: new Map(), dirs: new Map() };
}

/** Counts real TOML parses (tests assert a cached run does none). */
export const parseStats = { parses: 0 };

export function hashText(text: string | undefined): string | null {
  return text === undefined ? null : hashArray([text]);
}

export function hashListing(entries: { name: string; isDirectory: boolean }[] | undefined): string | null {
  if (entries === undefined) return null;
  return hashArray(entries.map((e) => `${e.isDirectory ? 'd' : 'f'}:${e.name}`).sort());
}

/**
 * Current hashes of logged files and listings, read exactly as the BatchReader read them (through
 * the model's diskReader: same symlink and missing-file semantics).
 */
export function currentHashes(workspaceRoot: string): {
  file(rel: string): string | null;
  dir(rel: string): string | null;
} {
  const disk = diskReader(workspaceRoot);
  return {
    file(rel) {
      try {
        return hashText(disk.readText(rel));
      } catch {
        return 'unreadable';
      }
    },
    dir(rel) {
      try {
        return hashListing(disk.listDir(rel));
      } catch {
        return 'unreadable';
      }
    },
  };
}

/**
 * In-memory pyproject.toml texts, parsed lazily through the workspace model's own parser (same TOML
 * errors, naming file and line); only seeded documents (workspace roots) are kept; parses are counted.
 */
export class TomlSource {
  private readonly docs = new Map<string, Record<string, unknown>>();
  constructor(private readonly texts: Map<string, string>) {}

  has(rel: string): boolean {
    return this.texts.has(rel);
  }

  text(rel: string): string | undefined {
    return this.texts.get(rel);
  }

  /** Records a document parsed elsewhere from the same text. */
  seed(rel: string, doc: Record<string, unknown>): void {
    this.docs.set(rel, doc);
  }

  parsedDoc(rel: string): Record<string, unknown> | undefined {
    return this.docs.get(rel);
  }

  /**
   * The parsed document: a seeded one, else a fresh parse that is NOT kept (holding 1,000 parse
   * trees until the batch ends costs more in garbage collection than parsing a root file twice).
   */
  toml(rel: string): Record<string, unknown> | undefined {
    const done = this.docs.get(rel);
    if (done) return done;
    const text = this.texts.get(rel);
    if (text === undefined) return undefined;
    parseStats.parses++;
    return parseTomlText(text, rel);
  }
}

export class BatchReader implements WorkspaceReader {
  private disk: WorkspaceReader | undefined;

  /**
   * @param uvRoot the uv root relative to the Nx root (`.` for the same)
   * @param memory the batch's files under uvRoot, keyed relative to uvRoot
   */
  constructor(
    private readonly absUvRoot: string,
    private readonly uvRoot: string,
    private readonly memory: TomlSource,
    private readonly log: ReadLog,
  ) {}

  private fromDisk(): WorkspaceReader {
    return (this.disk ??= diskReader(this.absUvRoot));
  }

  readText(rel: string): string | undefined {
    const r = cleanRel(rel);
    if (this.memory.has(r)) return this.memory.text(r);
    const text = this.fromDisk().readText(r);
    this.log.files.set(joinRel(this.uvRoot, r), hashText(text));
    return text;
  }

  readToml(rel: string): Record<string, unknown> | undefined {
    const r = cleanRel(rel);
    if (this.memory.has(r)) return this.memory.toml(r);
    const disk = this.fromDisk();
    this.log.files.set(joinRel(this.uvRoot, r), hashText(disk.readText(r)));
    const doc = disk.readToml(r);
    if (doc !== undefined) parseStats.parses++;
    return doc;
  }

  listDir(rel: string): { name: string; isDirectory: boolean }[] | undefined {
    const r = cleanRel(rel);
    const entries = this.fromDisk().listDir(r);
    this.log.dirs.set(joinRel(this.uvRoot, r), hashListing(entries));
    return entries;
  }
}
