/**
 * Crash-safe file writes: write a temporary file next to the target, fsync it, rename it over the
 * target, fsync the directory. A reader (or a crash) sees the old bytes or the new ones, never a mix.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { removeEntriesOfGoneProcesses } from '../process-temp';

const TEMP_MARK = '.nx-uv-tmp-';

/** The temporary file used while writing `file` from process `pid`. */
export function tempPathFor(file: string, pid = process.pid): string {
  return path.join(path.dirname(file), `.${path.basename(file)}${TEMP_MARK}${pid}`);
}

/** Makes a rename in `dir` durable; a no-op where directories cannot be opened (Windows). */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Not supported on this platform: the rename itself is still atomic.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export interface AtomicWriteOptions {
  /** File mode of the result (default: the mode of the existing file, else 0o666 minus umask). */
  mode?: number;
  /** Called after the temporary file is durable and before the rename (a test hook). */
  beforeRename?: () => void;
}

/** Replaces `file` with `data` atomically and durably. */
export function atomicWriteFileSync(file: string, data: Buffer | string, options: AtomicWriteOptions = {}): void {
  const tmp = tempPathFor(file);
  let mode = options.mode;
  if (mode === undefined) {
    try {
      mode = fs.statSync(file).mode & 0o7777;
    } catch {
      mode = undefined;
    }
  }
  try {
    const fd = fs.openSync(tmp, 'w', mode ?? 0o666);
    try {
      const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let off = 0;
      while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
      if (mode !== undefined) fs.fchmodSync(fd, mode);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    options.beforeRename?.();
    fs.renameSync(tmp, file);
  } catch (err) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw err;
  }
  fsyncDir(path.dirname(file));
}

/** The writer's pid of a temporary file `name` of atomicWriteFileSync (of `target`, when given). */
export function tempWriterPid(name: string, target?: string): number | undefined {
  const at = name.lastIndexOf(TEMP_MARK);
  if (at <= 0 || name[0] !== '.' || (target !== undefined && name.slice(1, at) !== target)) return undefined;
  return Number(name.slice(at + TEMP_MARK.length));
}

/** Removes temporary files left next to `file` by writers that are no longer running (this process is not writing now). */
export function removeStrayTemps(file: string, isRunning: (pid: number) => boolean): string[] {
  const target = path.basename(file);
  return removeEntriesOfGoneProcesses(
    path.dirname(file),
    (name) => tempWriterPid(name, target),
    (pid) => pid === process.pid || !isRunning(pid),
  );
}
