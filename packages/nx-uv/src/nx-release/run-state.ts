/**
 * What one `nx release version` run did so far, shared by the VersionActions instances of the run and
 * the `afterAllProjectsVersioned` hook (Nx loads the module once per process and calls the hook with
 * only the workspace root, after the tree was flushed):
 * - per tree, the members whose version this run wrote (so a dependent's requirement is rewritten
 *   for a dependency that was released, and only widened when needed for one that was not);
 * - the uv roots whose files this run changed (where `uv lock` must run).
 */
import type { Tree } from '@nx/devkit';
import * as path from 'node:path';

const bumpedByTree = new WeakMap<Tree, Map<string, string>>();
/** Absolute uv roots touched since the last hook call. */
const touchedRoots = new Set<string>();

function key(uvRoot: string, member: string): string {
  return `${uvRoot}\0${member}`;
}

export function recordBump(tree: Tree, uvRoot: string, member: string, version: string): void {
  let map = bumpedByTree.get(tree);
  if (!map) {
    map = new Map();
    bumpedByTree.set(tree, map);
  }
  map.set(key(uvRoot, member), version);
}

/** The version this run wrote for the member, if it wrote one. */
export function bumpedVersion(tree: Tree, uvRoot: string, member: string): string | undefined {
  return bumpedByTree.get(tree)?.get(key(uvRoot, member));
}

export function recordTouchedRoot(tree: Tree, uvRoot: string): void {
  touchedRoots.add(path.resolve(tree.root, uvRoot));
}

/** The uv roots touched since the last call, sorted; the record starts afresh. */
export function takeTouchedRoots(): string[] {
  const roots = [...touchedRoots].sort();
  touchedRoots.clear();
  return roots;
}
