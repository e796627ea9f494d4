/**
 * File access for the model, relative to the uv workspace root (POSIX paths). `diskReader` reads the
 * real tree; `memoryReader` serves a map of files for pure tests. Both parse each TOML file once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { UvWorkspaceError } from './types';

export interface DirEntry {
  name: string;
  isDirectory: boolean;
  /** A symlink that never resolves (a loop): uv refuses a member glob that reaches it. */
  loop?: true;
}

export interface WorkspaceReader {
  /** File contents, or undefined when the file is missing (or is a directory). */
  readText(rel: string): string | undefined;
  /** Parsed TOML, memoised; undefined when missing; throws UvWorkspaceError (file + line) on bad TOML. */
  readToml(rel: string): Record<string, unknown> | undefined;
  /** Directory entries in any order (symlinks reported as what they point to), or undefined when not a directory. */
  listDir(rel: string): DirEntry[] | undefined;
}

/** `.` or `..` segments, `//`, a backslash, a leading or trailing `/`. */
const NEEDS_CLEANING = /(?:^|\/)\.\.?(?:\/|$)|\/\/|\\|^\/|\/$/;

/** Normalises a reader path: POSIX, no leading `./`, '' for the root. */
export function cleanRel(rel: string): string {
  if (rel !== '' && !NEEDS_CLEANING.test(rel)) return rel; // already clean (the common case)
  const normal = path.posix.normalize(rel.replace(/\\/g, '/'));
  if (normal === '.' || normal === './' || normal === '/') return '';
  return normal.replace(/^\.\//, '').replace(/\/+$/, '');
}

/** Parses TOML text, turning smol-toml's TomlError into a UvWorkspaceError naming file and line. */
export function parseTomlText(text: string, rel: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) {
      const firstLine = error.message.split('\n')[0];
      throw new UvWorkspaceError(
        `Invalid TOML in ${rel} at line ${error.line}, column ${error.column}: ${firstLine}. ` + 'Fix the TOML syntax in that file (uv cannot read it either).',
        rel,
        error.line,
      );
    }
    throw new UvWorkspaceError(`Cannot parse ${rel} as TOML: ${(error as Error).message}`, rel);
  }
}

function memoiseToml(readText: (rel: string) => string | undefined, memoise = true): (rel: string) => Record<string, unknown> | undefined {
  if (!memoise) {
    return (rel) => {
      const key = cleanRel(rel);
      const text = readText(key);
      return text === undefined ? undefined : parseTomlText(text, key);
    };
  }
  const cache = new Map<string, Record<string, unknown> | null>();
  return (rel) => {
    const key = cleanRel(rel);
    const hit = cache.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const text = readText(key);
    const doc = text === undefined ? undefined : parseTomlText(text, key);
    cache.set(key, doc ?? null);
    return doc;
  };
}

/** readFileSync's options as an object, not the string 'utf8', because Node 20 reads faster with an object. */
export const UTF8 = { encoding: 'utf8' } as const;

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads a file as UTF-8 and refuses bytes that are not (as uv does), naming the file: a lenient
 * decode would turn them into U+FFFD and a later edit would write those back. Only a text holding
 * U+FFFD is checked again, strictly, so the common case costs nothing.
 */
export function readUtf8File(absFile: string, shown: string): string {
  const text = fs.readFileSync(absFile, UTF8);
  if (!text.includes('\uFFFD')) return text;
  const bytes = fs.readFileSync(absFile);
  try {
    STRICT_UTF8.decode(bytes);
  } catch {
    // The lenient decode put U+FFFD where the first bad byte is (a literal U+FFFD before it would only
    // move the line reported).
    const line = text.slice(0, text.indexOf('\uFFFD')).split('\n').length;
    throw new UvWorkspaceError(
      `${shown}:${line} is not valid UTF-8: uv reads pyproject.toml files as UTF-8 and refuses this one. ` + 'Re-save the file as UTF-8.',
      shown,
    );
  }
  return text;
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

export interface DiskReaderOptions {
  /**
   * Keep parsed TOML documents for later `readToml` calls (default true). `loadUvWorkspace` turns it
   * off: it reads every file once anyway, and holding 1,000 parse trees until the end costs more in
   * garbage collection than the parsing itself.
   */
  memoise?: boolean;
}

/** Reads the real file system under `absRoot`. */
export function diskReader(absRoot: string, options: DiskReaderOptions = {}): WorkspaceReader {
  const prefix = absRoot.endsWith(path.sep) ? absRoot : absRoot + path.sep;
  const abs = (rel: string): string => {
    const clean = cleanRel(rel);
    return clean === '' ? absRoot : prefix + (path.sep === '/' ? clean : clean.split('/').join(path.sep));
  };
  const readText = (rel: string): string | undefined => {
    try {
      return readUtf8File(abs(rel), cleanRel(rel));
    } catch (error) {
      if (error instanceof UvWorkspaceError) throw error;
      if (isMissing(error)) return undefined;
      throw new UvWorkspaceError(`Cannot read ${cleanRel(rel)}: ${(error as Error).message}`, cleanRel(rel));
    }
  };
  const listDir = (rel: string): DirEntry[] | undefined => {
    const dir = abs(rel);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw new UvWorkspaceError(`Cannot list ${cleanRel(rel) || '.'}: ${(error as Error).message}`, cleanRel(rel));
    }
    return entries.map((entry) => {
      let isDirectory = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        try {
          isDirectory = fs.statSync(path.join(dir, entry.name)).isDirectory();
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ELOOP') return { name: entry.name, isDirectory: false, loop: true as const };
          isDirectory = false; // dangling link
        }
      }
      return { name: entry.name, isDirectory };
    });
  };
  return { readText, readToml: memoiseToml(readText, options.memoise ?? true), listDir };
}

/**
 * Serves `files` (POSIX path relative to the root → contents). Directories are implied by the paths;
 * a key ending in `/` declares a directory (e.g. an empty one: `{ 'packages/empty/': '' }`).
 */
export function memoryReader(files: Record<string, string>): WorkspaceReader {
  const texts = new Map<string, string>();
  const dirs = new Map<string, Map<string, boolean>>([['', new Map()]]);
  const addDir = (dir: string): void => {
    if (dirs.has(dir)) return;
    dirs.set(dir, new Map());
    const parent = dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '';
    addDir(parent);
    dirs.get(parent)!.set(dir.slice(dir.lastIndexOf('/') + 1), true);
  };
  for (const [key, content] of Object.entries(files)) {
    const rel = cleanRel(key);
    if (key.endsWith('/')) {
      if (rel !== '') addDir(rel);
      continue;
    }
    texts.set(rel, content);
    const parent = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
    addDir(parent);
    dirs.get(parent)!.set(rel.slice(rel.lastIndexOf('/') + 1), false);
  }
  const readText = (rel: string): string | undefined => texts.get(cleanRel(rel));
  const listDir = (rel: string): DirEntry[] | undefined => {
    const entries = dirs.get(cleanRel(rel));
    return entries && [...entries].map(([name, isDirectory]) => ({ name, isDirectory }));
  };
  return { readText, readToml: memoiseToml(readText), listDir };
}
