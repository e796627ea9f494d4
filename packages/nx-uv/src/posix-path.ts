/** A native relative path in POSIX form (what uv, git and Nx's file lists use). */
import * as path from 'node:path';

export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
