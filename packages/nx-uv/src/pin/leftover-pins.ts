/**
 * Put back the files that a crashed run left pinned: the first step of every nx-uv executor, and of
 * the plugin's pre-tasks hook (so a build served from the Nx cache never leaves a pinned file).
 */
import { logger } from '@nx/devkit';
import * as path from 'node:path';
import { toPosix } from '../posix-path';
import { defaultJournalDir, restorePins, type RestoreReport } from './pin-journal';

/** `file` relative to `root`, POSIX, for messages. */
export function displayPath(root: string, file: string): string {
  const rel = path.relative(root, file);
  return toPosix(rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file);
}

/**
 * Restores the pin journal entries of processes that are gone (never `nx-uv pin`'s persistent ones,
 * never those of running processes) under `defaultJournalDir(workspaceRoot)`, and says what it did.
 * Throws PinRestoreError when a pinned file was changed by hand since (nothing is overwritten).
 */
export function restoreLeftoverPins(workspaceRoot: string): RestoreReport {
  const report = restorePins(defaultJournalDir(workspaceRoot), { onlyAbandoned: true });
  if (report.entries.length > 0) {
    const files = [...report.restored, ...report.unchanged].map((f) => displayPath(workspaceRoot, f));
    logger.warn(`nx-uv: a previous run was interrupted with internal requirements pinned; restored ${files.length} file(s) first: ${files.join(', ')}`);
  }
  return report;
}
