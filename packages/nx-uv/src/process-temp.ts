/**
 * Processes and the temporary folders they own. A folder nx-uv makes in the system temp directory is
 * named `nx-uv-<kind>-<pid>-<random>`, so that what a killed run (SIGKILL, a CI timeout) left behind
 * can be told from what a running one is using, and removed by the next run.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Whether a process with this id runs (on this host). */
export function pidRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The kinds of temporary folders nx-uv makes: a build's staging folder, release-pr's worktree. */
export type TempKind = 'staging' | 'release-pr';
const KINDS: readonly TempKind[] = ['staging', 'release-pr'];

/** A new temporary folder owned by this process. */
export function makeOwnedTempDir(kind: TempKind, tmp = os.tmpdir()): string {
  return fs.mkdtempSync(path.join(tmp, `nx-uv-${kind}-${process.pid}-`));
}

const OWNED = /^nx-uv-(staging|release-pr)-(\d+)-[^/]+$/;

/**
 * Removes the files and folders in `dir` whose owning process is gone: `ownerOf(name)` is the pid in
 * an entry's name (undefined for entries that are not such), `isGone` decides. Returns their paths;
 * never throws (an entry another cleaner removed first, or another user's, is skipped).
 */
export function removeEntriesOfGoneProcesses(dir: string, ownerOf: (name: string) => number | undefined, isGone = (pid: number) => !pidRunning(pid)): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const pid = ownerOf(name);
    if (pid === undefined || !Number.isInteger(pid) || !isGone(pid)) continue;
    try {
      fs.rmSync(path.join(dir, name), { recursive: true });
      removed.push(path.join(dir, name));
    } catch {
      // removed by another cleaner meanwhile, or not ours to remove
    }
  }
  return removed;
}

/** Removes the temporary folders of processes that are gone; returns their paths. Never throws. */
export function removeAbandonedTempDirs(tmp = os.tmpdir()): string[] {
  return removeEntriesOfGoneProcesses(tmp, (name) => {
    const m = OWNED.exec(name);
    return m && KINDS.includes(m[1] as TempKind) ? Number(m[2]) : undefined;
  });
}
