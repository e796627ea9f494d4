/** POSIX paths: what uv, git and Nx's file lists use. */
import * as path from 'node:path';

/** A native relative path in POSIX form (itself where the separator is already `/`). */
export function toPosix(p: string): string {
  return path.sep === '/' ? p : p.split(path.sep).join('/');
}

/** Joins relative POSIX paths, dropping empty parts and `.` segments; '' stands for the root. */
export function joinPosix(...parts: string[]): string {
  let out = '';
  for (const part of parts) {
    // A plain name (a directory entry) is one segment: no split; the workspace walk joins thousands.
    for (const s of part.includes('/') ? part.split('/') : [part]) {
      if (s !== '' && s !== '.') out = out === '' ? s : `${out}/${s}`;
    }
  }
  return out;
}
