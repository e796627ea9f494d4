/**
 * Which members a changed file belongs to. Paths are POSIX, relative to the uv workspace root.
 * The deepest member root that contains the file wins (a member nested in another member's folder
 * owns its own files); the root member (root '.') owns every file no other member holds; with a
 * virtual root, files outside every member belong to nobody and are ignored.
 */

export interface MemberRoot {
  name: string;
  /** Directory relative to the workspace root; '.' for the root member. */
  root: string;
}

function cleanPath(p: string): string {
  let out = p.replace(/\\/g, '/').replace(/^\.\/+/, '').replace(/\/+/g, '/');
  while (out.startsWith('./')) out = out.slice(2);
  return out.replace(/\/$/, '');
}

function cleanRoot(root: string): string {
  const r = cleanPath(root);
  return r === '' || r === '.' ? '.' : r;
}

/** A prepared lookup; reuse it for many paths. */
export function memberPathIndex(members: readonly MemberRoot[]): (path: string) => string | undefined {
  const roots = members
    // A virtual root has no name and owns nothing.
    .filter((m) => m.name !== '')
    .map((m) => ({ name: m.name, root: cleanRoot(m.root) }))
    // Deepest first: more segments before fewer.
    .sort((a, b) => (b.root === '.' ? 0 : b.root.split('/').length) - (a.root === '.' ? 0 : a.root.split('/').length));
  return (path: string) => {
    const p = cleanPath(path);
    if (p === '' || p.startsWith('../')) return undefined;
    for (const m of roots) {
      if (m.root === '.') return m.name;
      if (p === m.root || p.startsWith(`${m.root}/`)) return m.name;
    }
    return undefined;
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
