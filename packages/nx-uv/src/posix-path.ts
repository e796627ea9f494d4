/** POSIX paths: what uv, git and Nx's file lists use. */
import * as path from 'node:path';

/** A native relative path in POSIX form. */
export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** Joins relative POSIX paths, dropping empty parts and `.` segments; '' stands for the root. */
export function joinPosix(...parts: string[]): string {
  return parts
    .flatMap((p) => p.split('/'))
    .filter((s) => s !== '' && s !== '.')
    .join('/');
}
