/**
 * What uv itself says about a workspace, read from the uv.lock that `uv lock` writes: the members
 * and their internal edges (runtime, optional and dependency-group), to check the Nx graph against.
 */
import { parse } from 'smol-toml';

interface LockDependency {
  name: string;
}

interface LockPackage {
  name: string;
  source?: { editable?: string; virtual?: string; registry?: string };
  dependencies?: LockDependency[];
  'optional-dependencies'?: Record<string, LockDependency[]>;
  'dev-dependencies'?: Record<string, LockDependency[]>;
}

export interface UvLockGraph {
  /** Normalised names in `[manifest] members`. */
  members: string[];
  /** `source -> target` between members, sorted and deduplicated. */
  edges: string[];
}

export function readUvLockGraph(lockText: string): UvLockGraph {
  const lock = parse(lockText) as { manifest?: { members?: string[] }; package?: LockPackage[] };
  const members = [...(lock.manifest?.members ?? [])].sort();
  const memberSet = new Set(members);
  const edges = new Set<string>();
  for (const pkg of lock.package ?? []) {
    if (!memberSet.has(pkg.name)) continue;
    const all = [
      ...(pkg.dependencies ?? []),
      ...Object.values(pkg['optional-dependencies'] ?? {}).flat(),
      ...Object.values(pkg['dev-dependencies'] ?? {}).flat(),
    ];
    for (const dep of all) {
      if (memberSet.has(dep.name) && dep.name !== pkg.name) edges.add(`${pkg.name} -> ${dep.name}`);
    }
  }
  return { members, edges: [...edges].sort() };
}
