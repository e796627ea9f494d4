/**
 * Which members a changed file belongs to. Paths are POSIX, relative to the uv workspace root.
 * The deepest member root that contains the file wins (a member nested in another member's folder
 * owns its own files); the root member (root '.') owns every file no other member holds; with a
 * virtual root, files outside every member belong to nobody and are ignored.
 */
import { toPosix } from '../posix-path';

export interface MemberRoot {
  name: string;
  /** Directory relative to the workspace root; '.' for the root member. */
  root: string;
}

function cleanPath(p: string): string {
  let out = toPosix(p)
    .replace(/^\.\/+/, '')
    .replace(/\/+/g, '/');
  while (out.startsWith('./')) out = out.slice(2);
  return out.replace(/\/$/, '');
}

function cleanRoot(root: string): string {
  const r = cleanPath(root);
  return r === '' || r === '.' ? '.' : r;
}

/** Paths that may need cleaning: a backslash (a Windows separator), `./` at the start, `//`, or a trailing `/`. */
const UNCLEAN = /\\|^\.\/|\/\/|\/$/;

/**
 * A prepared lookup; reuse it for many paths (a 20,000-commit history asks it for every changed
 * file): one map lookup per directory level of the path, deepest first, instead of a scan of every
 * member root.
 */
export function memberPathIndex(members: readonly MemberRoot[]): (path: string) => string | undefined {
  const byRoot = new Map<string, string>();
  let rootMember: string | undefined;
  for (const m of members) {
    if (m.name === '') continue; // a virtual root has no name and owns nothing
    const root = cleanRoot(m.root);
    if (root === '.') rootMember ??= m.name;
    else if (!byRoot.has(root)) byRoot.set(root, m.name);
  }
  return (path: string) => {
    const p = UNCLEAN.test(path) ? cleanPath(path) : path;
    if (p === '' || p.startsWith('../')) return undefined;
    for (let cut = p.length; cut > 0; cut = p.lastIndexOf('/', cut - 1)) {
      const owner = byRoot.get(cut === p.length ? p : p.slice(0, cut));
      if (owner !== undefined) return owner;
    }
    return rootMember;
  };
}

/** The member that owns `path`, or undefined when no member does. */
export function memberForPath(path: string, members: readonly MemberRoot[]): string | undefined {
  return memberPathIndex(members)(path);
}

/** The members touched by a set of changed paths, sorted by name, each once. */
export function mapPathsToMembers(paths: readonly string[], members: readonly MemberRoot[]): string[] {
  const lookup = memberPathIndex(members);
  const found = new Set<string>();
  for (const p of paths) {
    const m = lookup(p);
    if (m !== undefined) found.add(m);
  }
  return [...found].sort();
}
