/**
 * nx-uv's one lock file, shared by processes and by the tasks of one process: created with O_EXCL,
 * holding `<pid>\n<host>\n`. A lock whose holder is gone (same host, pid not running) is taken over at
 * once, a half-written one after 5 s, another host's after 10 s (its pid cannot be checked there).
 * Not proper-lockfile: it tells a dead holder only by the lock's age (2 s at least), where a killed run
 * must not hold up the next one (sigkill.spec.ts), and its lockSync cannot wait for a holder.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pidRunning } from './process-temp';

const HALF_WRITTEN_MS = 5_000;
const OTHER_HOST_MS = 10_000;

export interface FileLockOptions {
  /** Give up after this many ms. Default 10 minutes (async), 30 s (sync). */
  timeoutMs?: number;
  /** Poll interval. Default 50 ms (async), 25 ms (sync). */
  pollMs?: number;
}

function holderOf(file: string): { pid: number; host: string | undefined; mtime: number } | undefined {
  try {
    const [pidText, host] = fs.readFileSync(file, 'utf8').split('\n');
    return { pid: Number(pidText), host, mtime: fs.statSync(file).mtimeMs };
  } catch {
    return undefined; // gone already
  }
}

/** Whether the lock can be taken over; `held` is told when this very process holds it. */
function isStale(file: string, held: () => void): boolean {
  const h = holderOf(file);
  if (!h) return false;
  if (!Number.isInteger(h.pid) || h.pid <= 0 || h.host === undefined) return Date.now() - h.mtime > HALF_WRITTEN_MS;
  if (h.host !== os.hostname()) return Date.now() - h.mtime > OTHER_HOST_MS;
  if (h.pid === process.pid) {
    held();
    return false;
  }
  return !pidRunning(h.pid);
}

/** One attempt: true when this process now holds `file`. */
function tryTake(file: string, held: () => void): boolean {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, `${process.pid}\n${os.hostname()}\n`, { flag: 'wx' });
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOENT') throw err;
  }
  if (isStale(file, held)) fs.rmSync(file, { force: true });
  return false;
}

function release(file: string): void {
  fs.rmSync(file, { force: true });
}

function timedOut(file: string, timeoutMs: number): Error {
  const holder = holderOf(file);
  return new Error(
    `nx-uv: waited ${Math.round(timeoutMs / 1000)} s for the lock ${file} (held by ${holder ? `process ${holder.pid} on ${holder.host ?? '?'}` : 'nobody now'}); ` +
      'if no nx-uv task is running, delete it',
  );
}

/** Runs `fn` holding the lock file `file`; tasks of this process take turns too. */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  const start = Date.now();
  while (!tryTake(file, () => undefined)) {
    if (Date.now() - start > timeoutMs) throw timedOut(file, timeoutMs);
    await new Promise((r) => setTimeout(r, options.pollMs ?? 50));
  }
  try {
    return await fn();
  } finally {
    release(file);
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs `fn` (synchronous) holding the lock file `file`; throws when this process holds it already. */
export function withFileLockSync<T>(file: string, fn: () => T, options: FileLockOptions = {}): T {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const start = Date.now();
  const held = () => {
    throw new Error(`nx-uv internal error: ${file} is already held by this process`);
  };
  while (!tryTake(file, held)) {
    if (Date.now() - start > timeoutMs) throw timedOut(file, timeoutMs);
    sleepSync(options.pollMs ?? 25);
  }
  try {
    return fn();
  } finally {
    release(file);
  }
}
