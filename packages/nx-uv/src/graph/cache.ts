/**
 * The inference cache: a JSON file under the Nx workspace data directory
 * (`nx-uv-<options hash>.hash`), plus an in-process memo so createDependencies (and a daemon's next
 * createNodes) reuse what createNodes just computed. Entries are keyed by a hash of the options, the
 * plugin version and every pyproject.toml of the batch; each entry also lists the other files and
 * directory listings the model read, with content hashes, and is only used while they still match.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { currentHashes } from './batch-reader';
import type { GraphEdge, SlimWorkspace } from './projects';

/** Bump when the shape or meaning of a cached entry changes. */
export const CACHE_FORMAT = 3;
/** Entries kept per cache file (most recent first). */
const MAX_ENTRIES = 2;
const MAX_MEMO = 8;

export interface GraphEntry {
  /** Every modelled uv workspace, outer ones first, slimmed to what project inference needs. */
  workspaces: SlimWorkspace[];
  /** The pyproject.toml files that become Nx projects (in the batch, not claimed twice), sorted. */
  emit: string[];
  /** Static edges of every modelled workspace, sorted. */
  edges: GraphEdge[];
  /** Files read outside the batch: [Nx-relative path, content hash or null when missing]. */
  reads: [string, string | null][];
  /** Directory listings read: [Nx-relative path, listing hash or null when missing]. */
  dirs: [string, string | null][];
}

interface CacheFile {
  format: number;
  /** Most recent first (insertion order). */
  entries: Record<string, GraphEntry>;
}

export function workspaceDataDirectory(workspaceRoot: string): string {
  const fromEnv = process.env.NX_WORKSPACE_DATA_DIRECTORY || process.env.NX_PROJECT_GRAPH_CACHE_DIRECTORY;
  return fromEnv ? path.resolve(workspaceRoot, fromEnv) : path.join(workspaceRoot, '.nx', 'workspace-data');
}

/** True when every file and directory the entry's model read outside the batch is unchanged. */
export function entryStillValid(entry: GraphEntry, workspaceRoot: string): boolean {
  if (entry.reads.length === 0 && entry.dirs.length === 0) return true;
  const current = currentHashes(workspaceRoot);
  for (const [rel, hash] of entry.reads) if (current.file(rel) !== hash) return false;
  for (const [rel, hash] of entry.dirs) if (current.dir(rel) !== hash) return false;
  return true;
}

function isEntry(value: unknown): value is GraphEntry {
  const v = value as GraphEntry;
  return !!v && Array.isArray(v.workspaces) && Array.isArray(v.emit) && Array.isArray(v.edges) && Array.isArray(v.reads) && Array.isArray(v.dirs);
}

/** One cache file; read lazily, written (atomically) by `save()` only when something changed. */
export class GraphCacheFile {
  private data: CacheFile | undefined;
  private dirty = false;
  readonly file: string;

  constructor(workspaceRoot: string, optionsFileHash: string) {
    this.file = path.join(workspaceDataDirectory(workspaceRoot), `nx-uv-${optionsFileHash}.hash`);
  }

  private load(): CacheFile {
    if (this.data) return this.data;
    let data: CacheFile = { format: CACHE_FORMAT, entries: {} };
    try {
      const parsed = JSON.parse(fs.readFileSync(this.file, 'utf8')) as CacheFile;
      if (parsed && parsed.format === CACHE_FORMAT && parsed.entries && typeof parsed.entries === 'object') {
        data = parsed;
      }
    } catch {
      // missing or unreadable: start empty
    }
    return (this.data = data);
  }

  get(key: string): GraphEntry | undefined {
    const entry = this.load().entries[key];
    return isEntry(entry) ? entry : undefined;
  }

  set(key: string, entry: GraphEntry): void {
    const old = this.load().entries;
    const entries: Record<string, GraphEntry> = { [key]: entry };
    for (const k of Object.keys(old)) {
      if (Object.keys(entries).length >= MAX_ENTRIES) break;
      if (k !== key) entries[k] = old[k];
    }
    this.data = { format: CACHE_FORMAT, entries };
    this.dirty = true;
  }

  delete(key: string): void {
    const entries = this.load().entries;
    if (key in entries) {
      delete entries[key];
      this.dirty = true;
    }
  }

  /** Writes the file when it changed; never throws (a cache that cannot be written is no cache). */
  save(): void {
    if (!this.dirty || !this.data) return;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(this.data));
      fs.renameSync(tmp, this.file);
      this.dirty = false;
    } catch {
      // read-only workspace or full disk: the next run computes again
    }
  }
}

// ---- in-process memo ----

const memo = new Map<string, GraphEntry>();

/**
 * What createNodes computed in the current graph computation, per (workspace, options): one entry
 * per batch (file list), so several nx.json registrations with the same options (different
 * `include`s) all count. The first createNodes after a createDependencies starts a new round.
 */
interface Round {
  entries: Map<string, GraphEntry>;
  consumed: boolean;
}
const rounds = new Map<string, Round>();

export function memoGet(workspaceRoot: string, key: string): GraphEntry | undefined {
  return memo.get(`${workspaceRoot}\0${key}`);
}

/** Memoises a complete (error-free) entry under its content hash. */
export function memoSet(workspaceRoot: string, key: string, entry: GraphEntry): void {
  const k = `${workspaceRoot}\0${key}`;
  memo.delete(k);
  memo.set(k, entry);
  while (memo.size > MAX_MEMO) memo.delete(memo.keys().next().value as string);
}

/** Records what createNodes just produced for a batch, for createDependencies. */
export function recordForDependencies(workspaceRoot: string, optionsHash: string, batchId: string, entry: GraphEntry): void {
  const k = `${workspaceRoot}\0${optionsHash}`;
  let round = rounds.get(k);
  if (!round || round.consumed) {
    round = { entries: new Map(), consumed: false };
    rounds.set(k, round);
  }
  round.entries.set(batchId, entry);
}

/** The entries createNodes produced in this round for this workspace and options, if any. */
export function entriesForDependencies(workspaceRoot: string, optionsHash: string): GraphEntry[] | undefined {
  const round = rounds.get(`${workspaceRoot}\0${optionsHash}`);
  if (!round) return undefined;
  round.consumed = true;
  return [...round.entries.values()];
}

/** The entries of the current round without consuming it (the pre-tasks hook reads them). */
export function currentEntries(workspaceRoot: string, optionsHash: string): GraphEntry[] {
  return [...(rounds.get(`${workspaceRoot}\0${optionsHash}`)?.entries.values() ?? [])];
}

/** Forgets everything memoised in this process (tests). */
export function resetGraphMemo(): void {
  memo.clear();
  rounds.clear();
}
