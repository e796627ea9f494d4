/**
 * A WorkspaceReader over a virtual file tree (Nx's `Tree` in generators and in `nx release`), so the
 * model reads what earlier steps wrote before anything reaches the disk. Parsed TOML is kept per path
 * while its text is unchanged.
 */
import { cleanRel, parseTomlText, type DirEntry, type WorkspaceReader } from './reader';

/** What the reader needs of a file tree; `@nx/devkit`'s `Tree` has all of it. Paths are POSIX, relative to the tree root. */
export interface FileTree {
  exists(path: string): boolean;
  isFile(path: string): boolean;
  read(path: string, encoding: 'utf-8'): string | null;
  children(dirPath: string): string[];
}

/** A parse kept with the text it came from. */
export interface ParsedToml {
  text: string;
  doc: Record<string, unknown>;
}

/** `uvRoot` and `rel` joined as a tree path: POSIX, relative to the tree root, '' for the root. */
function treePath(uvRoot: string, rel: string): string {
  const base = cleanRel(uvRoot);
  const below = cleanRel(rel);
  return base === '' ? below : below === '' ? base : `${base}/${below}`;
}

/**
 * Reads `tree` below `uvRoot` (relative to the tree root). `parsed` (by tree path) lets several
 * readers of one tree share their parses; by default the reader keeps its own.
 */
export function treeReader(tree: FileTree, uvRoot: string, parsed: Map<string, ParsedToml> = new Map()): WorkspaceReader {
  const readText = (rel: string): string | undefined => {
    const p = treePath(uvRoot, rel);
    if (p === '' || !tree.exists(p) || !tree.isFile(p)) return undefined;
    return tree.read(p, 'utf-8') ?? undefined;
  };
  const readToml = (rel: string): Record<string, unknown> | undefined => {
    const text = readText(rel);
    if (text === undefined) return undefined;
    const p = treePath(uvRoot, rel);
    const hit = parsed.get(p);
    if (hit && hit.text === text) return hit.doc;
    const doc = parseTomlText(text, cleanRel(rel));
    parsed.set(p, { text, doc });
    return doc;
  };
  const listDir = (rel: string): DirEntry[] | undefined => {
    const p = treePath(uvRoot, rel);
    if (p !== '' && (!tree.exists(p) || tree.isFile(p))) return undefined;
    return tree.children(p).map((name) => ({ name, isDirectory: !tree.isFile(p === '' ? name : `${p}/${name}`) }));
  };
  return { readText, readToml, listDir };
}
