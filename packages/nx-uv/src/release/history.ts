/**
 * The commit history of a uv workspace, read ONCE for all members, and split into each member's
 * release range.
 *
 * Rule (documented for users of the release plan):
 * - A member's release range is every commit reachable from HEAD and NOT reachable from the commit
 *   its last release tag points to (`git log <tag>..HEAD`), so side-branch commits merged after the
 *   release count even when they are older than the tag, and the tagged commit itself does not.
 *   A member without a release tag gets every commit read.
 * - History is read in one `git log` from the common ancestor of all last-release tag commits
 *   (`git merge-base --octopus`; just the tag commit when all tags share one, the usual case of a
 *   release commit) — or from the root when some package has never been released.
 * - Membership of the ranges: one `git rev-list HEAD ^<tag commit>` per DISTINCT tag commit other
 *   than that common ancestor (none in the usual case). No per-package `git log`.
 * - Files are mapped to members with the deepest-root rule of `memberPathIndex`; paths are converted
 *   from the git top level to the uv root; files outside the uv root touch no member.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { currentCommit, listTags, readHistory, runGit, type Commit } from '../git';
import { memberPathIndex, type MappedCommit } from '../versioning';
import type { UvWorkspace } from '../workspace';
import { lastReleaseTags, type ReleaseTag } from './release-tags';

export interface WorkspaceHistory {
  /** Absolute path of the git top level. */
  gitRoot: string;
  /** The uv root relative to the git top level, POSIX ('' when they are the same). */
  uvPrefix: string;
  head: string;
  /** The exclusive lower bound of the one history read (a commit), or undefined when read from the root. */
  since?: string;
  /** Every commit read, newest first (merges included). */
  commits: Commit[];
  /** Last release per member (normalised name), from the tags. */
  releases: Record<string, ReleaseTag>;
  /** Each non-merge commit with the members whose release range holds it and whose files it touches. */
  mapped: MappedCommit[];
}

export interface ReadWorkspaceHistoryOptions {
  tagFormat?: string;
  env?: NodeJS.ProcessEnv;
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

async function commonAncestor(cwd: string, commits: string[], env?: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (commits.length === 1) return commits[0];
  const r = await runGit(cwd, ['merge-base', '--octopus', ...commits], { env, okExitCodes: [1] });
  return r.exitCode === 0 ? r.stdout.trim() || undefined : undefined;
}

/** Reads the workspace history as described above. */
export async function readWorkspaceHistory(ws: UvWorkspace, options: ReadWorkspaceHistoryOptions = {}): Promise<WorkspaceHistory> {
  const env = options.env;
  const cwd = ws.absRoot;
  const gitRoot = fs.realpathSync((await runGit(cwd, ['rev-parse', '--show-toplevel'], { env })).stdout.trim());
  const uvPrefix = toPosix(path.relative(gitRoot, fs.realpathSync(ws.absRoot)));
  const head = await currentCommit(cwd, 'HEAD', { env });
  const releases = lastReleaseTags(await listTags(cwd, undefined, { env }), options.tagFormat, ws.members.map((m) => m.name));

  const packages = ws.members.filter((m) => m.isPackage && m.name !== '');
  const tagCommits = [...new Set(packages.map((m) => releases[m.name]?.commit).filter((c): c is string => c !== undefined))].sort();
  const everyPackageReleased = packages.every((m) => releases[m.name] !== undefined);
  const since = everyPackageReleased && tagCommits.length > 0 ? await commonAncestor(cwd, tagCommits, env) : undefined;
  const commits = await readHistory(cwd, { since, env });

  // Commits after each distinct tag commit (one rev-list per distinct commit other than `since`).
  const after = new Map<string, Set<string> | 'all'>();
  for (const c of tagCommits) {
    if (c === since) {
      after.set(c, 'all');
      continue;
    }
    const out = (await runGit(cwd, ['rev-list', 'HEAD', `^${c}`], { env })).stdout;
    after.set(c, new Set(out.split('\n').filter(Boolean)));
  }
  const inRange = (member: string, hash: string): boolean => {
    const release = releases[member];
    if (!release) return true;
    const set = after.get(release.commit);
    return set === undefined || set === 'all' || set.has(hash);
  };

  const lookup = memberPathIndex(ws.members);
  const prefix = uvPrefix === '' ? '' : `${uvPrefix}/`;
  const mapped: MappedCommit[] = [];
  for (const commit of commits) {
    if (commit.parents > 1) continue;
    const members = new Set<string>();
    for (const file of commit.files) {
      if (prefix && !file.startsWith(prefix)) continue;
      const m = lookup(file.slice(prefix.length));
      if (m !== undefined && inRange(m, commit.hash)) members.add(m);
    }
    if (members.size > 0) {
      mapped.push({ commit: { hash: commit.hash, subject: commit.subject, body: commit.body, parents: commit.parents }, members: [...members].sort() });
    }
  }
  return { gitRoot, uvPrefix, head, since, commits, releases, mapped };
}
