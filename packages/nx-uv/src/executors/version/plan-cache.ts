/**
 * The release plan of one Nx run of `version` tasks, computed ONCE from the state before any task
 * wrote, and shared by every task through `.nx-uv/version-plan.json` (under the Nx workspace root).
 *
 * The cache key is a hash of the uv root, HEAD, every tag (name and commit) and the plan options.
 * When HEAD moves (the release commit), a tag appears or the options differ, the key differs and the
 * file is recomputed and overwritten (a stale file is ignored). The first task of a run creates it
 * from a clean work tree, under the version lock, so no other task has written yet; later tasks
 * (same process or not) read it. The first task records there that it wrote the plan (`applied`,
 * with a digest of the files it wrote, trusted only while the files still match). Dry runs read a
 * valid file but never write one.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { currentCommit, listTags } from '../../git';
import type { ComputePlanOptions } from '../../release';
import type { ReleasePlan } from '../../versioning';
import type { UvWorkspace } from '../../workspace';

export interface CachedPlan {
  key: string;
  head: string;
  createdAt: string;
  /** Changelog date of this run (the day the plan was made), `YYYY-MM-DD`. */
  date: string;
  repoUrl?: string;
  plan: ReleasePlan;
  /**
   * Set once the plan is written (all files, then one `uv lock`) by the version task named `by`;
   * `files` are those it changed, relative to the uv root, and `digest` their contents then
   * (appliedDigest). Later tasks only report while the files still hold what was written.
   */
  applied?: { by: string; files: string[]; digest: string };
}

export const STATE_DIR = '.nx-uv';

export function planCacheFile(nxRoot: string): string {
  return path.join(nxRoot, STATE_DIR, 'version-plan.json');
}

export function versionLockFile(nxRoot: string): string {
  return path.join(nxRoot, STATE_DIR, 'version.lock');
}

function stable(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v as object)
            .sort()
            .map((k) => [k, (v as Record<string, unknown>)[k]]),
        )
      : v,
  );
}

/** The cache key of a plan of `ws` with `options` at the current HEAD and tags (two git processes). */
export async function planKey(ws: UvWorkspace, options: ComputePlanOptions): Promise<{ key: string; head: string }> {
  const { env, ...rest } = options;
  const head = await currentCommit(ws.absRoot, 'HEAD', { env });
  const tags = (await listTags(ws.absRoot, undefined, { env })).map((t) => `${t.name}@${t.commit}`).sort();
  const key = createHash('sha256')
    .update(stable({ v: 1, root: ws.absRoot, head, tags, options: rest }))
    .digest('hex');
  return { key, head };
}

/**
 * A digest of `files` (relative to the uv root) as they are now: equal to the recorded one while
 * nobody reset or changed what the plan's first task wrote (a `git checkout .` after a run at the
 * same HEAD makes the next run write the plan again).
 */
export function appliedDigest(ws: UvWorkspace, files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort()) {
    hash.update(`${file}\0`);
    try {
      hash.update(fs.readFileSync(path.join(ws.absRoot, file)));
    } catch {
      hash.update('\0missing');
    }
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** The cached plan when the file exists and has this key; else undefined. */
export function readCachedPlan(nxRoot: string, key: string): CachedPlan | undefined {
  let text: string;
  try {
    text = fs.readFileSync(planCacheFile(nxRoot), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as CachedPlan;
    return parsed && parsed.key === key && parsed.plan ? parsed : undefined;
  } catch {
    return undefined; // torn or foreign: recompute
  }
}

export function writeCachedPlan(nxRoot: string, cached: CachedPlan): void {
  const file = planCacheFile(nxRoot);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(cached, null, 2)}\n`);
  fs.renameSync(tmp, file);
}
