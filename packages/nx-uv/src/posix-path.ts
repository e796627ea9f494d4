/** POSIX paths: what uv, git and Nx's file lists use. */
import * as path from 'node:path';

/** A native relative path in POSIX form (itself where the separator is already `/`). */
export function toPosix(p: string): string {
  return path.sep === '/' ? p : p.split(path.sep).join('/');
}

/** Joins relative POSIX paths, dropping empty parts and `.` segments; '' stands for the root. */
export function joinPosix(...parts: string[]): string {
  return parts
    .flatMap((p) => p.split('/'))
    .filter((s) => s !== '' && s !== '.')
    .join('/');
}

/**
 * `dir/name` for a directory relative to a root ('' for the root itself) and one directory entry's
 * name, without joinPosix's clean-up, because the workspace walk joins thousands of names that need none.
 */
export function childPath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}
