/**
 * The release version of a member whose version a VCS plugin derives from git tags (hatch-vcs,
 * setuptools-scm, uv-dynamic-versioning, …). No file holds it, so the record is the changelog:
 * `version` writes the planned version's CHANGELOG.md section, `tag` makes the tag that becomes the
 * version. The release version is the newest version in CHANGELOG.md when it is above the last release
 * tag HEAD can reach (planned, not tagged yet), else that tag's. Pin, build and publish use it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { level2Headings } from '../changelog/headings';
import { currentCommit, listTags, type TagInfo } from '../git';
import { compareVersions } from '../versioning';
import type { Member, UvWorkspace } from '../workspace';
import { lastReleaseTags } from './release-tags';
import type { TagScheme } from './tag-scheme';

export interface VcsRelease {
  version: string;
  /** The tag that makes (or made) this version. */
  tag: string;
  /** The tag exists. */
  tagged: boolean;
  /** The tag points at HEAD: a build here carries `version`. */
  atHead: boolean;
  /** Where the version was read, for messages. */
  from: 'changelog' | 'tag';
}

/** The newest version a changelog's `## ` headings name, or undefined. */
export function newestChangelogVersion(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  return level2Headings(text).find((h) => h.version !== undefined)?.version;
}

/**
 * Pure: the release of one member from its changelog text, its last release tag HEAD can reach, every
 * tag and HEAD. Undefined when it has neither (never released, nothing planned).
 */
export function vcsReleaseOf(
  name: string,
  changelog: string | undefined,
  last: { tag: string; version: string; commit: string } | undefined,
  allTags: readonly TagInfo[],
  head: string,
  scheme: TagScheme,
): VcsRelease | undefined {
  const planned = newestChangelogVersion(changelog);
  if (planned !== undefined && (last === undefined || compareVersions(planned, last.version) > 0)) {
    const tag = scheme.tagOf(name, planned);
    const existing = allTags.find((t) => t.name === tag);
    return { version: planned, tag, tagged: existing !== undefined, atHead: existing?.commit === head, from: 'changelog' };
  }
  if (last === undefined) return undefined;
  return { version: last.version, tag: last.tag, tagged: true, atHead: last.commit === head, from: 'tag' };
}

/** The release of every member of `members` whose version is derived from git tags (one tag listing). */
export async function vcsReleases(
  ws: UvWorkspace,
  members: readonly Member[],
  scheme: TagScheme,
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<Map<string, VcsRelease>> {
  const out = new Map<string, VcsRelease>();
  const vcs = members.filter((m) => m.version.kind === 'vcs' && m.isPackage);
  if (vcs.length === 0) return out;
  const cwd = ws.absRoot;
  const [head, allTags] = await Promise.all([currentCommit(cwd, 'HEAD', options), listTags(cwd, undefined, options)]);
  const reachable = await listTags(cwd, undefined, { ...options, mergedInto: head });
  const last = lastReleaseTags(reachable, scheme, vcs.map((m) => m.name));
  for (const m of vcs) {
    const file = path.join(ws.absRoot, m.root, 'CHANGELOG.md');
    const changelog = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    const release = vcsReleaseOf(m.name, changelog, last[m.name], allTags, head, scheme);
    if (release) out.set(m.name, release);
  }
  return out;
}

/** How a member's VCS plugin is told about nx-uv's tags, for error messages. */
export function vcsTagAdvice(member: Member, tag: string): string {
  const plugin = member.version.kind === 'vcs' ? member.version.plugin : 'the VCS version plugin';
  return (
    `${plugin} must read nx-uv's tag ${tag} for ${member.distributionName}: in a monorepo, match only this package's tags ` +
    '(hatch-vcs: [tool.hatch.version] tag-pattern and raw-options git_describe_command with --match; setuptools-scm: tag_regex and ' +
    'git_describe_command; uv-dynamic-versioning: pattern), and set its root to the repository root'
  );
}

/**
 * The environment that makes a build of `member` at its release tag carry exactly the tagged version.
 * The build pins internal requirements in pyproject.toml for its duration, which leaves the tree dirty,
 * and a dirty tree at a tag reads as the next development version (`1.3.1.dev0+g…d…`) to the plugins;
 * each plugin's documented override takes the tag's version instead. Empty unless HEAD is the release.
 */
export function vcsBuildEnv(member: Member, release: VcsRelease | undefined): Record<string, string> {
  if (member.version.kind !== 'vcs' || !release?.atHead) return {};
  const v = release.version;
  const forName = member.name.replace(/[-_.]+/g, '_').toUpperCase();
  return {
    // setuptools-scm and hatch-vcs (which calls it); uv builds one package per process.
    SETUPTOOLS_SCM_PRETEND_VERSION: v,
    [`SETUPTOOLS_SCM_PRETEND_VERSION_FOR_${forName}`]: v,
    UV_DYNAMIC_VERSIONING_BYPASS: v,
    POETRY_DYNAMIC_VERSIONING_BYPASS: v,
    PDM_BUILD_SCM_VERSION: v,
  };
}
