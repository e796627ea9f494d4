/**
 * A lock file shared by processes (and by tasks of one process): created with O_EXCL, holding the
 * owner's pid and host. A lock left by a process that is gone (same host, pid not alive) is taken over.
 * Not proper-lockfile: it tells a dead holder only by the lock's age (2 s at least, 10 s by default)
 * while a crashed run must not hold up the next one (tested); pin/pin-journal.ts has the sync twin.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface FileLockOptions {
  /** Give up after this many ms. Default 10 minutes. */
  timeoutMs?: number;
  /** Poll interval. Default 50 ms. */
  pollMs?: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryTake(file: string): boolean {
  try {
    const fd = fs.openSync(file, 'wx');
    fs.writeSync(fd, JSON.stringify({ pid: process.pid, hostname: os.hostname(), since: new Date().toISOString() }));
    fs.closeSync(fd);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  // Stale? Only a lock from this host whose process is gone.
  try {
    const holder = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: number; hostname?: string };
    if (holder.hostname === os.hostname() && typeof holder.pid === 'number' && !alive(holder.pid)) fs.rmSync(file, { force: true });
  } catch {
    // Being written or removed right now: try again later.
  }
  return false;
}

/** Runs `fn` holding the lock file `file`. */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  const pollMs = options.pollMs ?? 50;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const start = Date.now();
  while (!tryTake(file)) {
    if (Date.now() - start > timeoutMs) {
      let holder = 'unknown';
      try {
        holder = fs.readFileSync(file, 'utf8');
      } catch {
        // gone meanwhile
      }
      throw new Error(`nx-uv: waited ${Math.round(timeoutMs / 1000)} s for the lock ${file} (held by ${holder}); if no nx-uv task is running, delete it`);
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(file, { force: true });
  }
}
