/**
 * The commit history of a uv workspace, read once for all members and split into release ranges.
 * A member's range is `git log <last release tag>..HEAD`, so side-branch commits merged after the
 * release count even when they are older than the tag. A member without a release tag gets every
 * commit read. Only tags HEAD can reach are releases; any other tag is ignored with a note.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { currentCommit, listTags, readHistory, runGit, type Commit } from '../git';
import { memberPathIndex, type MappedCommit } from '../versioning';
import type { UvWorkspace } from '../workspace';
import { lastReleaseTags, type ReleaseTag } from './release-tags';
import { compareVersions } from '../versioning';
import type { TagScheme } from './tag-scheme';
import { compareCodeUnits } from '../workspace/sort-by-key';
import { toPosix } from '../posix-path';

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
  /** Last release per member (normalised name), from the tags HEAD can reach. */
  releases: Record<string, ReleaseTag>;
  /** Release tags HEAD cannot reach (another branch, a later commit), ignored: one note each. */
  notes: string[];
  /** Each non-merge commit with the members whose release range holds it and whose files it touches. */
  mapped: MappedCommit[];
}

export interface ReadWorkspaceHistoryOptions {
  /** The tag scheme (or the plugin option `tagFormat` alone). */
  tagFormat?: string;
  tagScheme?: TagScheme;
  /**
   * The last commit before the workspace adopted nx-uv: a package with no release tag HEAD can reach
   * counts its commits from there, starting from the version in its files, instead of releasing that
   * version unchanged as a first release.
   */
  bootstrapSha?: string;
  env?: NodeJS.ProcessEnv;
}

async function commonAncestor(cwd: string, commits: string[], env?: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (commits.length === 1) return commits[0];
  const r = await runGit(cwd, ['merge-base', '--octopus', ...commits], { env, okExitCodes: [1] });
  return r.exitCode === 0 ? r.stdout.trim() || undefined : undefined;
}

/**
 * For each tag commit found among `commits` (one `git log` read, parents included): a mask over the
 * indices of `commits`, 1 where the commit is the tag commit or one of its ancestors. Tag commits
 * not among `commits` are left out. Iterative depth-first walk over integer indices.
 */
export function ancestorMasks(commits: readonly Pick<Commit, 'hash' | 'parentHashes'>[], tagCommits: readonly string[]): Map<string, Uint8Array> {
  const n = commits.length;
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) index.set(commits[i].hash, i);
  const masks = new Map<string, Uint8Array>();
  const starts = tagCommits.filter((c) => index.has(c));
  if (starts.length === 0) return masks;
  // Parents as indices (parents outside the commits read dropped), compressed: parents of i are
  // parentIndex[parentStart[i] .. parentStart[i + 1]).
  const parentStart = new Int32Array(n + 1);
  const flat: number[] = [];
  for (let i = 0; i < n; i++) {
    parentStart[i] = flat.length;
    for (const p of commits[i].parentHashes) {
      const j = index.get(p);
      if (j !== undefined) flat.push(j);
    }
  }
  parentStart[n] = flat.length;
  const parentIndex = Int32Array.from(flat);
  const stack = new Int32Array(n);
  for (const tag of starts) {
    if (masks.has(tag)) continue;
    const mask = new Uint8Array(n);
    const start = index.get(tag) as number;
    mask[start] = 1;
    stack[0] = start;
    let top = 1;
    while (top > 0) {
      const i = stack[--top];
      for (let k = parentStart[i], end = parentStart[i + 1]; k < end; k++) {
        const j = parentIndex[k];
        if (mask[j] === 0) {
          mask[j] = 1;
          stack[top++] = j;
        }
      }
    }
    masks.set(tag, mask);
  }
  return masks;
}

/** The commit of the plugin option `bootstrapSha`, checked to be HEAD or an ancestor of it. */
async function bootstrapCommit(cwd: string, sha: string, head: string, env?: NodeJS.ProcessEnv): Promise<string> {
  const resolved = await runGit(cwd, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${sha}^{commit}`], { env, okExitCodes: [1] });
  const commit = resolved.stdout.trim();
  if (resolved.exitCode !== 0 || commit === '') {
    throw new Error(
      `nx-uv: the plugin option bootstrapSha ${JSON.stringify(sha)} (nx.json) names no commit of this repository: give the last commit before nx-uv was adopted`,
    );
  }
  const ancestor = await runGit(cwd, ['merge-base', '--is-ancestor', commit, head], { env, okExitCodes: [1] });
  if (ancestor.exitCode !== 0) {
    throw new Error(
      `nx-uv: the plugin option bootstrapSha ${sha} (nx.json) is not an ancestor of HEAD ${head.slice(0, 7)}: give a commit of this branch's history`,
    );
  }
  return commit;
}

/**
 * One `git log` for all members, from the common ancestor of the last-release tag commits
 * (`git merge-base --octopus`), or from the root when some package was never released. Range
 * membership then comes from the parents of the commits read (ancestorMasks), with no git process
 * per package. This equals `git rev-list HEAD ^<tag commit>`: the read set is `since..HEAD`, so any
 * path from a tag commit in it down to an ancestor in it stays inside it.
 * Files map to members by the deepest member root (memberPathIndex), with paths taken from the git
 * top level to the uv root; a file outside the uv root touches no member.
 */
export async function readWorkspaceHistory(ws: UvWorkspace, options: ReadWorkspaceHistoryOptions = {}): Promise<WorkspaceHistory> {
  const env = options.env;
  const cwd = ws.absRoot;
  const [topLevel, head, allTags] = await Promise.all([
    runGit(cwd, ['rev-parse', '--show-toplevel'], { env }),
    currentCommit(cwd, 'HEAD', { env }),
    listTags(cwd, undefined, { env }),
  ]);
  const gitRoot = fs.realpathSync(topLevel.stdout.trim());
  const uvPrefix = toPosix(path.relative(gitRoot, fs.realpathSync(ws.absRoot)));
  // Only releases HEAD can reach are releases of this checkout: a tag made on a later commit or on
  // another branch says nothing about the commits here.
  const names = ws.members.map((m) => m.name);
  const scheme = options.tagScheme ?? options.tagFormat;
  const versions = new Map<string, string>();
  for (const m of ws.members) if (m.version.kind === 'static' || m.version.kind === 'hatch-file') versions.set(m.name, m.version.version);
  const newest = lastReleaseTags(allTags, scheme, names, versions);
  const reachable = Object.keys(newest).length === 0 ? [] : await listTags(cwd, undefined, { env, mergedInto: head });
  const notes: string[] = [];
  const outOfStep = new Map<string, string>();
  const releases = lastReleaseTags(reachable, scheme, names, versions, (member, tag) => {
    const seen = outOfStep.get(member);
    if (seen === undefined || compareVersions(tag.version, seen) > 0) outOfStep.set(member, tag.version);
  });
  for (const [member, version] of [...outOfStep].sort((a, b) => compareCodeUnits(a[0], b[0]))) {
    notes.push(
      `${member} is at ${versions.get(member)}, below its fixed group's release ${version}: it was not released with the group, ` +
        "so the group's tags do not count for it (check the group's projects in nx.json; released with the group, it moves to the group's version)",
    );
  }
  for (const [name, tag] of Object.entries(newest).sort((a, b) => compareCodeUnits(a[0], b[0]))) {
    if (releases[name]?.tag === tag.tag) continue;
    notes.push(
      `${name}: tag ${tag.tag} is not reachable from HEAD (made on another branch or a later commit): ignored; ` +
        (releases[name] ? `the last release HEAD can reach is ${releases[name].tag}` : 'no release tag is reachable from HEAD'),
    );
  }
  if (options.bootstrapSha) {
    const bootstrap = await bootstrapCommit(cwd, options.bootstrapSha, head, env);
    for (const m of ws.members) {
      if (!m.isPackage || m.name === '' || releases[m.name]) continue;
      const from =
        m.version.kind === 'static' || m.version.kind === 'hatch-file'
          ? m.version.version
          : m.version.kind === 'vcs'
            ? (m.version.fallback ?? '0.0.0')
            : undefined;
      if (from === undefined) continue;
      releases[m.name] = { tag: `bootstrapSha ${bootstrap.slice(0, 7)}`, version: from, commit: bootstrap };
      notes.push(`${m.name}: no release tag; its commits are counted since bootstrapSha ${bootstrap.slice(0, 7)}, from version ${from}`);
    }
  }

  const packages = ws.members.filter((m) => m.isPackage && m.name !== '');
  const tagCommits = [...new Set(packages.map((m) => releases[m.name]?.commit).filter((c): c is string => c !== undefined))].sort();
  const everyPackageReleased = packages.every((m) => releases[m.name] !== undefined);
  const since = everyPackageReleased && tagCommits.length > 0 ? await commonAncestor(cwd, tagCommits, env) : undefined;
  const commits = await readHistory(cwd, { since, env });

  // Which commits read lie after each distinct tag commit: 'all' for `since` itself; otherwise the
  // complement of the tag's ancestors among the commits read. Every tag here is reachable from HEAD
  // and a descendant of `since` (or the history is read from the root), so its commit was read.
  const masks = ancestorMasks(
    commits,
    tagCommits.filter((c) => c !== since),
  );
  const inRange = (member: string, i: number): boolean => {
    const release = releases[member];
    if (!release || release.commit === since) return true;
    return masks.get(release.commit)![i] === 0;
  };

  const lookup = memberPathIndex(ws.members);
  const prefix = uvPrefix === '' ? '' : `${uvPrefix}/`;
  const mapped: MappedCommit[] = [];
  for (let i = 0; i < commits.length; i++) {
    const commit = commits[i];
    if (commit.parents > 1) continue;
    const members = new Set<string>();
    for (const file of commit.files) {
      if (prefix && !file.startsWith(prefix)) continue;
      const m = lookup(file.slice(prefix.length));
      if (m !== undefined && inRange(m, i)) members.add(m);
    }
    if (members.size > 0) {
      mapped.push({ commit: { hash: commit.hash, subject: commit.subject, body: commit.body, parents: commit.parents }, members: [...members].sort() });
    }
  }
  return { gitRoot, uvPrefix, head, since, commits, releases, notes, mapped };
}
