/**
 * Ephemeral exact pins that always come back, even after SIGKILL.
 *
 * Before the first byte of any pinned file is written, a journal entry (`<journalDir>/<id>.json`)
 * records the original bytes of every file to change (written to a temp file, fsynced, renamed). Then
 * each file is replaced atomically. `restorePins` puts the original bytes back (atomic per file) and
 * deletes the entry only once every file is restored; it never overwrites a file the user changed after
 * pinning. A process killed at any point leaves either no entry (nothing was pinned) or an entry that
 * the next `withPins` / `restorePins` completes.
 *
 * Several processes may pin different files at once (parallel builds): each has its own entry; a
 * directory lock serialises the short journal operations.
 *
 * NEVER call `withPins` / `pinFiles` on a dry run: the caller decides, and a dry run must not pin.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { atomicWriteFileSync, fsyncDir, removeStrayTemps, tempWriterPid } from './atomic-write';
import { applyPins, type PinPlan } from './plan';
import { pidRunning, removeEntriesOfGoneProcesses } from '../process-temp';
import { withFileLockSync } from '../file-lock';

export const JOURNAL_FORMAT = 'nx-uv-pin-journal/1';

/** `<workspaceRoot>/.nx-uv/pin-journal`. */
export function defaultJournalDir(workspaceRoot: string): string {
  return path.join(workspaceRoot, '.nx-uv', 'pin-journal');
}

/** A file to pin: its absolute path and the pure edit from original to pinned text. */
export interface FileChange {
  path: string;
  transform: (original: string) => string;
}

export interface JournalFile {
  /** Absolute path. */
  file: string;
  sha256Original: string;
  sha256Pinned: string;
  /** The original bytes, base64. */
  original: string;
  /** File mode bits of the original. */
  mode: number;
}

export interface PinJournal {
  format: typeof JOURNAL_FORMAT;
  id: string;
  pid: number;
  hostname: string;
  /** ISO time the pins were started. */
  startedAt: string;
  /** Made by `nx-uv pin` to stay until an explicit restore: never restored as a leftover. */
  persistent: boolean;
  files: JournalFile[];
}

/**
 * Called after each durable step, synchronously: `journal-temp` (journal written, not yet renamed),
 * `journal`, `temp:<i>` and `file:<i>` for the i-th file, `pinned`; `restore:<i>` while restoring.
 * The crash tests kill the process there.
 */
export type PinStepListener = (step: string) => void;

export interface PinOptions {
  /** Entry name (default: derived from the set of files). */
  id?: string;
  /** Keep the pins until an explicit `restorePins` (the `pin` executor without `--restore`). */
  persistent?: boolean;
  onStep?: PinStepListener;
}

export interface RestoreOptions {
  /** Only this entry. */
  id?: string;
  /** Only entries whose process is gone (and that are not persistent): leftovers of a crash. */
  onlyAbandoned?: boolean;
  onStep?: PinStepListener;
}

export interface RestoreReport {
  /** Files put back to their original bytes. */
  restored: string[];
  /** Files that already had their original bytes. */
  unchanged: string[];
  /** Journal entries completed and removed. */
  entries: string[];
}

export interface PinConflict {
  file: string;
  reason: 'changed' | 'missing';
  /** Where the original bytes were saved for the user. */
  originalCopy: string;
}

/** Some files could not be restored because the user changed them after pinning; nothing was overwritten. */
const EARLIER_ERROR = Symbol('nx-uv: the error during which restoring failed');

/** Did putting the pinned files back fail (on its own, or while another error was handled)? */
export function isPinRestoreFailure(error: unknown): boolean {
  return error instanceof PinRestoreError || (typeof error === 'object' && error !== null && EARLIER_ERROR in error);
}

export class PinRestoreError extends Error {
  constructor(
    message: string,
    readonly conflicts: PinConflict[],
    readonly report: RestoreReport,
  ) {
    super(message);
    this.name = 'PinRestoreError';
  }
}

// ---------------------------------------------------------------------------------------------------
// small helpers

const sha256 = (buf: Buffer): string => createHash('sha256').update(buf).digest('hex');

/** Entries pinned by this process that are still in use. */
const activeIds = new Set<string>();

function isAbandoned(entry: PinJournal): boolean {
  if (entry.persistent) return false;
  if (entry.hostname !== os.hostname()) return true; // its process cannot be checked from here; a crash left it
  if (entry.pid === process.pid) return !activeIds.has(entry.id);
  return !pidRunning(entry.pid);
}

function entryPath(journalDir: string, id: string): string {
  return path.join(journalDir, `${id}.json`);
}

function defaultId(paths: readonly string[]): string {
  return (
    'pins-' +
    sha256(
      Buffer.from(
        [...paths]
          .map((p) => path.resolve(p))
          .sort()
          .join('\n'),
      ),
    ).slice(0, 16)
  );
}

// ---------------------------------------------------------------------------------------------------
// the lock: held only for the synchronous journal operations (src/file-lock.ts).

const LOCK_NAME = '.lock';

function withLock<T>(journalDir: string, fn: () => T): T {
  return withFileLockSync(path.join(journalDir, LOCK_NAME), fn);
}

// ---------------------------------------------------------------------------------------------------
// reading entries

function readEntry(file: string): PinJournal {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: unreadable nx-uv pin journal entry (${(err as Error).message}); inspect it, then delete it`);
  }
  const j = data as PinJournal;
  if (j?.format !== JOURNAL_FORMAT || !Array.isArray(j.files) || typeof j.id !== 'string') {
    throw new Error(`${file}: not an nx-uv pin journal entry of format ${JOURNAL_FORMAT}; inspect it, then delete it`);
  }
  return j;
}

/** The journal entries in `journalDir` (none when it does not exist). */
export function readJournal(journalDir: string): PinJournal[] {
  let names: string[];
  try {
    names = fs.readdirSync(journalDir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.json') && !n.startsWith('.'))
    .sort()
    .map((n) => readEntry(path.join(journalDir, n)));
}

/** Is there any pin journal entry (files that are, or may be, pinned) in `journalDir`? */
export function hasJournal(journalDir: string): boolean {
  try {
    return fs.readdirSync(journalDir).some((n) => n.endsWith('.json') && !n.startsWith('.'));
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------
// restoring

interface EntryOutcome {
  restored: string[];
  unchanged: string[];
  conflicts: PinConflict[];
}

function restoreEntry(journalDir: string, entry: PinJournal, onStep?: PinStepListener): EntryOutcome {
  const out: EntryOutcome = { restored: [], unchanged: [], conflicts: [] };
  const remaining: JournalFile[] = [];
  entry.files.forEach((f, i) => {
    removeStrayTemps(f.file, pidRunning);
    let current: Buffer | undefined;
    try {
      current = fs.readFileSync(f.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const original = Buffer.from(f.original, 'base64');
    if (current === undefined || (sha256(current) !== f.sha256Original && sha256(current) !== f.sha256Pinned)) {
      const dir = path.join(journalDir, `${entry.id}.originals`);
      fs.mkdirSync(dir, { recursive: true });
      const copy = path.join(dir, `${i}-${path.basename(f.file)}`);
      atomicWriteFileSync(copy, original);
      out.conflicts.push({ file: f.file, reason: current === undefined ? 'missing' : 'changed', originalCopy: copy });
      remaining.push(f);
      return;
    }
    if (sha256(current) === f.sha256Original) {
      out.unchanged.push(f.file);
    } else {
      atomicWriteFileSync(f.file, original, { mode: f.mode });
      out.restored.push(f.file);
    }
    onStep?.(`restore:${i}`);
  });
  const file = entryPath(journalDir, entry.id);
  if (remaining.length > 0) {
    // Keep only what still needs the user's decision.
    atomicWriteFileSync(file, JSON.stringify({ ...entry, files: remaining }, null, 2) + '\n');
  } else {
    fs.rmSync(file, { force: true });
    fs.rmSync(path.join(journalDir, `${entry.id}.originals`), { recursive: true, force: true });
    fsyncDir(journalDir);
    activeIds.delete(entry.id);
  }
  return out;
}

function conflictMessage(journalDir: string, conflicts: { entry: PinJournal; conflict: PinConflict }[]): string {
  const lines = conflicts.map(
    ({ entry, conflict }) =>
      `  - ${conflict.file}: ${conflict.reason === 'missing' ? 'deleted' : 'changed'} after nx-uv pinned it ` +
      `(process ${entry.pid}, ${entry.startedAt}); its original content is saved at ${conflict.originalCopy}`,
  );
  const entries = [...new Set(conflicts.map(({ entry }) => entryPath(journalDir, entry.id)))];
  return (
    `nx-uv did not restore ${conflicts.length} pinned file(s) because they changed after pinning; nothing was overwritten:\n` +
    lines.join('\n') +
    `\nFor each file, either copy the saved original back over it, or keep your version; then delete ${entries.join(', ')}.`
  );
}

/**
 * Puts every pinned file recorded in `journalDir` back to its original bytes and removes each entry
 * once all its files are restored. Files already original are left alone. A file whose bytes are
 * neither original nor pinned (the user changed it) is not touched: a PinRestoreError names it and
 * where its original is saved, after everything else was restored.
 */
export function restorePins(journalDir: string, options: RestoreOptions = {}): RestoreReport {
  const report: RestoreReport = { restored: [], unchanged: [], entries: [] };
  if (!fs.existsSync(journalDir)) return report;
  const conflicts: { entry: PinJournal; conflict: PinConflict }[] = [];
  withLock(journalDir, () => {
    removeEntriesOfGoneProcesses(journalDir, (name) => tempWriterPid(name)); // journal writes of dead writers: `.<id>.json.nx-uv-tmp-<pid>`
    for (const entry of readJournal(journalDir)) {
      if (options.id !== undefined && entry.id !== options.id) continue;
      if (options.onlyAbandoned && !isAbandoned(entry)) continue;
      const outcome = restoreEntry(journalDir, entry, options.onStep);
      report.restored.push(...outcome.restored);
      report.unchanged.push(...outcome.unchanged);
      if (outcome.conflicts.length === 0) report.entries.push(entry.id);
      conflicts.push(...outcome.conflicts.map((conflict) => ({ entry, conflict })));
    }
  });
  if (conflicts.length > 0) {
    throw new PinRestoreError(
      conflictMessage(journalDir, conflicts),
      conflicts.map((c) => c.conflict),
      report,
    );
  }
  return report;
}

// ---------------------------------------------------------------------------------------------------
// pinning

/**
 * What pinFiles would write for `changes` (the files whose pinned text differs), and the journal it
 * read. Throws, as pinFiles does, when a transform fails or a file to change is in another entry.
 * Call under the lock.
 */
function filesToPin(journalDir: string, changes: readonly FileChange[]) {
  const files: { file: string; original: Buffer; pinned: Buffer; mode: number }[] = [];
  const requested = new Set<string>();
  for (const change of changes) {
    const file = path.resolve(change.path);
    let original: Buffer;
    let mode: number;
    try {
      original = fs.readFileSync(file);
      mode = fs.statSync(file).mode & 0o7777;
    } catch (err) {
      throw new Error(`${file}: cannot read the file to pin: ${(err as Error).message}`);
    }
    const text = original.toString('utf8');
    if (!Buffer.from(text, 'utf8').equals(original)) throw new Error(`${file}: not valid UTF-8; nx-uv will not pin it`);
    const pinned = Buffer.from(change.transform(text), 'utf8');
    if (requested.has(file)) throw new Error(`${file}: listed twice in one pin request`);
    requested.add(file);
    if (!pinned.equals(original)) files.push({ file, original, pinned, mode });
  }

  const existing = readJournal(journalDir);
  for (const entry of existing) {
    // A file already pinned as wanted by a persistent entry (`nx-uv pin`) needs nothing more; any
    // other file held by another entry is refused.
    const overlap = entry.files.find((jf) => requested.has(jf.file) && (!entry.persistent || files.some((f) => f.file === jf.file)));
    if (!overlap) continue;
    const who = entry.persistent
      ? 'kept pinned by `nx-uv pin`'
      : isAbandoned(entry)
        ? `left pinned by process ${entry.pid}, which is gone`
        : `being pinned by running process ${entry.pid}`;
    throw new Error(
      `${overlap.file} is ${who} since ${entry.startedAt} (${entryPath(journalDir, entry.id)}); ` +
        'restore those pins first (the pin target with --restore), or wait for that process',
    );
  }
  return { files, existing };
}

/**
 * Throws what pinFiles(journalDir, changes) would throw now, writing nothing: a batch asks this of each
 * member first, so that one member's refusal fails only that member.
 */
export function checkPins(journalDir: string, changes: readonly FileChange[]): void {
  withLock(journalDir, () => filesToPin(journalDir, changes));
}

/**
 * Pins files: computes every pinned text first (any error → nothing written), records the originals in
 * a journal entry (durably), then replaces each file atomically. Returns the entry, or undefined when no
 * file needed a change. Throws, writing nothing, when a file to change is in another entry (pinned by a
 * running process, left by a crash, or kept by `nx-uv pin`): restore that first.
 * Not for dry runs.
 */
export function pinFiles(journalDir: string, changes: readonly FileChange[], options: PinOptions = {}): PinJournal | undefined {
  const id = options.id ?? defaultId(changes.map((c) => c.path));
  if (!/^[A-Za-z0-9._-]+$/.test(id)) throw new Error(`invalid pin journal id ${JSON.stringify(id)}`);
  const onStep = options.onStep;
  return withLock(journalDir, () => {
    const { files, existing } = filesToPin(journalDir, changes);
    if (files.length === 0) return undefined;
    if (existing.some((e) => e.id === id)) {
      throw new Error(`${entryPath(journalDir, id)} exists already: restore those pins first (the pin target with --restore)`);
    }

    const journal: PinJournal = {
      format: JOURNAL_FORMAT,
      id,
      pid: process.pid,
      hostname: os.hostname(),
      startedAt: new Date().toISOString(),
      persistent: options.persistent === true,
      files: files.map((f) => ({
        file: f.file,
        sha256Original: sha256(f.original),
        sha256Pinned: sha256(f.pinned),
        original: f.original.toString('base64'),
        mode: f.mode,
      })),
    };
    atomicWriteFileSync(entryPath(journalDir, id), JSON.stringify(journal, null, 2) + '\n', {
      beforeRename: () => onStep?.('journal-temp'),
    });
    activeIds.add(id);
    onStep?.('journal');
    try {
      files.forEach((f, i) => {
        atomicWriteFileSync(f.file, f.pinned, { mode: f.mode, beforeRename: () => onStep?.(`temp:${i}`) });
        onStep?.(`file:${i}`);
      });
    } catch (err) {
      try {
        restoreEntry(journalDir, journal);
      } catch (restoreErr) {
        throw new Error(`${(err as Error).message}\nand restoring the files pinned so far failed too: ${(restoreErr as Error).message}`);
      }
      throw err;
    }
    onStep?.('pinned');
    return journal;
  });
}

/** File changes that apply pin plans to the pyprojects of a workspace rooted at `absRoot`. */
export function pinChanges(absRoot: string, plans: readonly PinPlan[]): FileChange[] {
  return plans.map((plan) => ({
    path: path.join(absRoot, plan.file),
    transform: (text: string) => applyPins(text, plan.pins, plan.file),
  }));
}

export interface WithPinsOptions extends Omit<PinOptions, 'persistent'> {
  /** Restore on SIGINT/SIGTERM/SIGHUP and on `process.exit` too, then re-raise (default true). */
  restoreOnSignal?: boolean;
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Restores leftover pins of crashed runs, pins `changes`, runs `fn`, and restores in `finally` (on
 * throw too). A SIGKILL during `fn` leaves a journal that the next call (or `restorePins`) completes.
 * Do NOT call this on a dry run: a dry run must never pin.
 */
export async function withPins<T>(
  journalDir: string,
  changes: readonly FileChange[],
  fn: (journal: PinJournal | undefined) => T | Promise<T>,
  options: WithPinsOptions = {},
): Promise<T> {
  restorePins(journalDir, { onlyAbandoned: true });
  const journal = pinFiles(journalDir, changes, { id: options.id, onStep: options.onStep });
  if (!journal) return await fn(undefined);

  const restoreNow = () => restorePins(journalDir, { id: journal.id });
  let onSignal: ((signal: NodeJS.Signals) => void) | undefined;
  let onExit: (() => void) | undefined;
  const detach = () => {
    if (onSignal) for (const s of SIGNALS) process.removeListener(s, onSignal);
    if (onExit) process.removeListener('exit', onExit);
  };
  if (options.restoreOnSignal !== false) {
    onExit = () => {
      try {
        restoreNow();
      } catch (err) {
        process.stderr.write(`nx-uv: ${(err as Error).message}\n`);
      }
    };
    onSignal = (signal) => {
      detach();
      onExit!();
      process.kill(process.pid, signal);
    };
    for (const s of SIGNALS) process.once(s, onSignal);
    process.once('exit', onExit);
  }

  let result: T;
  try {
    result = await fn(journal);
  } catch (err) {
    detach();
    try {
      restoreNow();
    } catch (restoreErr) {
      (restoreErr as Error).message += `\n(while handling an earlier error: ${(err as Error)?.message ?? String(err)})`;
      throw Object.assign(restoreErr as Error, { [EARLIER_ERROR]: err });
    }
    throw err;
  }
  detach();
  restoreNow();
  return result;
}
