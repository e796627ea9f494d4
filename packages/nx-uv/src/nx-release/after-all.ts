/**
 * Nx Release's `afterAllProjectsVersioned` hook: once every project was versioned and the tree was
 * flushed, run `uv lock` once in each uv workspace whose files this run changed (release/apply's
 * `relock`, as the `version` executor does), and hand uv.lock back to Nx so it is staged and committed
 * with the versions. A dry run writes nothing and runs nothing. `versionActionsOptions.lock: false`
 * (at the root of `release.version`) turns it off.
 */
import { logger } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { relock } from '../release';
import { loadUvWorkspace } from '../workspace';
import { takeTouchedRoots } from './run-state';
import { toPosix } from '../posix-path';

/** Nx's `AfterAllProjectsVersioned` (nx/release), spelled out so this module needs no nx types at run time. */
export type AfterAllProjectsVersionedHook = (
  cwd: string,
  opts: { dryRun?: boolean; verbose?: boolean; rootVersionActionsOptions?: Record<string, unknown> },
) => Promise<{ changedFiles: string[]; deletedFiles: string[] }>;

export interface AfterAllDependencies {
  /** Environment of uv (default process.env). */
  env?: NodeJS.ProcessEnv;
  log?: (message: string) => void;
}

export function createAfterAllProjectsVersioned(deps: AfterAllDependencies = {}): AfterAllProjectsVersionedHook {
  return async (cwd, opts) => {
    const log = deps.log ?? ((m: string) => logger.info(m));
    const roots = takeTouchedRoots();
    const changedFiles: string[] = [];
    const lock = opts.rootVersionActionsOptions?.lock;
    if (lock !== undefined && typeof lock !== 'boolean') {
      throw new Error(`nx-uv: release.version.versionActionsOptions.lock in nx.json must be true or false (got ${JSON.stringify(lock)})`);
    }
    for (const root of roots) {
      const lockFile = path.join(root, 'uv.lock');
      const shown = toPosix(path.relative(cwd, lockFile));
      if (lock === false) {
        log(`nx-uv: not running uv lock (versionActionsOptions.lock is false); ${shown} may be out of date`);
        continue;
      }
      if (!fs.existsSync(lockFile)) {
        if (opts.verbose) log(`nx-uv: ${shown} does not exist; nothing to lock`);
        continue;
      }
      if (opts.dryRun) {
        log(`nx-uv: would run \`uv lock\` in ${toPosix(path.relative(cwd, root)) || '.'} [dry-run]`);
        continue;
      }
      let changed: boolean;
      // The lock step of release/apply's writeRelease, alone: Nx wrote the files (its Tree, flushed).
      try {
        changed = await relock(loadUvWorkspace(root), deps.env ?? process.env);
      } catch (e) {
        throw new Error(
          `nx-uv: \`uv lock\` failed in ${toPosix(path.relative(cwd, root)) || '.'} after the new versions were written ` +
            `(fix the cause, then run \`uv lock\` there and commit ${shown}): ${(e as Error).message}`,
        );
      }
      if (changed) {
        changedFiles.push(shown);
        log(`nx-uv: updated ${shown} (uv lock)`);
      }
    }
    return { changedFiles, deletedFiles: [] };
  };
}
