/**
 * What `nx-uv:tag` does for one member, worked out from facts read beforehand (the executor's
 * readTagFacts: the run's scope, HEAD, the local tags, the changelogs). Pure: no git, no file system,
 * no logging; a dry run prints renderTagPlan's lines. tag-apply.ts reads the facts and carries a plan
 * out.
 */
import * as path from 'node:path';
import { extractChangelogSection } from '../changelog';
import { RELEASE_LABEL_TAGGED, resolveReleaseLabel } from '../forge/labels';
import { assertRemote, type TagInfo } from '../git';
import { displayPath } from '../pin/leftover-pins';
import { isPrereleaseVersion, normalizeVersion, parseVersion } from '../versioning';
import type { Member, UvWorkspace } from '../workspace';
import { tagScheme, type TagScheme } from './tag-scheme';
import type { VcsRelease } from './vcs-version';

/** What tag needs to know of one member's run, read before anything is planned. */
export interface TagFacts {
  workspace: UvWorkspace;
  member: Member;
  /** The Nx workspace root: where git runs, and paths are shown from. */
  workspaceRoot: string;
  /** Why the member is outside the run's release group (`--group`), or undefined. */
  outsideGroup?: string;
  /** Why the member is kept from publishing, or undefined. */
  publishExclusion?: string;
  /** Read only for a member in the run's scope (tagScopeSkip says none). */
  inScope?: TagScopeFacts;
}

/** What the run's settings, git and the files say of a member in scope. */
export interface TagScopeFacts {
  /** The run's tag scheme (tagFormat, fixed groups). */
  scheme: TagScheme;
  /** The plugin option releaseLabel (the default of `--releaseLabel`). */
  pluginReleaseLabel?: unknown;
  /** The commit to tag (HEAD). */
  head: string;
  /** The local tags. */
  tags: readonly TagInfo[];
  /** A member whose version is derived from git tags: its release (vcsReleases), undefined when it has none. */
  vcs?: VcsRelease;
  /** CHANGELOG.md of the member and of its fixed group's members, by normalised name (undefined: none). */
  changelogs: ReadonlyMap<string, string | undefined>;
}

/** Options of a tag run the plan needs. */
export interface TagPlanOptions {
  /** Git remote to push to. Default `origin`. */
  remote?: string;
  /** `--releaseLabel` (default: the plugin option, else `autorelease: pending`). */
  releaseLabel?: unknown;
}

/** What the tag executor releases for one member. */
export interface ReleaseSpec {
  tag: string;
  version: string;
  /** `<distribution name> <version>`. */
  name: string;
  body: string;
  prerelease: boolean;
}

/** Nothing to create: `message` says why. */
export interface TagSkip {
  kind: 'skip';
  message: string;
}

/** What `tag` makes for one member, checked against the local tags before anything is created. */
export interface TagRelease {
  kind: 'tag';
  member: Member;
  version: string;
  spec: ReleaseSpec;
  /** The commit to tag (HEAD). */
  head: string;
  /** The release's tag, then a fixed group's per-package tags. */
  allTags: string[];
  /** Whether the release's tag is at HEAD already. */
  existing: boolean;
  /** Per-package tags still to create. */
  missingExtra: string[];
  remote: string;
  releaseLabel: string;
  /** Where git runs (the Nx workspace root). */
  cwd: string;
  /** The member's CHANGELOG.md as shown to the user. */
  changelog: string;
}

export type TagPlan = TagSkip | TagRelease;

/** The member's current version; throws for dynamic versions (nx-uv cannot tell what to tag). */
export function memberVersion(workspace: UvWorkspace, member: Member): { version: string; file: string } {
  const source = member.version;
  if (source.kind === 'static' || source.kind === 'hatch-file') {
    return { version: normalizeVersion(source.version, `${source.file} (${member.distributionName})`), file: source.file };
  }
  const where = path.join(workspace.absRoot, member.pyprojectPath);
  if (source.kind === 'dynamic') {
    throw new Error(
      `nx-uv: cannot tag ${member.distributionName}: its version is dynamic (${source.reason}) in ${where}; ` +
        'nx-uv tags versions it can read: set [project] version, or [tool.hatch.version] path to a file holding __version__',
    );
  }
  throw new Error(`nx-uv: cannot tag ${member.root}: ${where} has no [project] table, so no version to tag`);
}

/** The changelog section of `name` at `version` in `changelogs`, or undefined. */
function changelogSection(changelogs: ReadonlyMap<string, string | undefined>, name: string, version: string): string | undefined {
  const changelog = changelogs.get(name);
  const section = changelog === undefined ? undefined : extractChangelogSection(changelog, version);
  return section && section.trim() !== '' ? section : undefined;
}

/**
 * The release of `member` at `version`: tag, title, changelog body (or a fallback line), prerelease
 * flag. For a fixed group, the group's release: its tag, the group's name as title, and every
 * member's changelog section in the body. `changelogs`: CHANGELOG.md texts by normalised name.
 */
export function releaseSpec(
  workspace: UvWorkspace,
  member: Member,
  version: string,
  scheme: TagScheme | string | undefined,
  changelogs: ReadonlyMap<string, string | undefined>,
): ReleaseSpec {
  const tags = typeof scheme === 'object' ? scheme : tagScheme(scheme);
  const tag = tags.tagOf(member.name, version);
  const prerelease = isPrereleaseVersion(parseVersion(version));
  const group = tags.groupOf(member.name);
  if (group) {
    const parts = group.members.map((name) => {
      const m = workspace.members.find((x) => x.name === name)!;
      const section = changelogSection(changelogs, m.name, version);
      return `## ${m.distributionName} ${version}\n\n${section ?? 'No changes of its own (released with the group).\n'}`;
    });
    return { tag, version, name: `${group.name} ${version}`, body: `${parts.join('\n').trimEnd()}\n`, prerelease };
  }
  const section = changelogSection(changelogs, member.name, version);
  return { tag, version, name: `${member.distributionName} ${version}`, body: section ?? `Release ${member.distributionName} ${version}.\n`, prerelease };
}

/** The members whose CHANGELOG.md a release of `member` reads: its own, or its fixed group's. */
export function changelogMembers(member: Member, scheme: TagScheme): string[] {
  return scheme.groupOf(member.name)?.members ?? [member.name];
}

/** Why the member is out of this run (no package, outside the group, excluded), or undefined: then git is read. */
export function tagScopeSkip(facts: Pick<TagFacts, 'member' | 'outsideGroup' | 'publishExclusion'>): TagSkip | undefined {
  const { member } = facts;
  if (!member.isPackage) {
    return { kind: 'skip', message: `nx-uv tag: ${member.distributionName || member.root} is not a package (uv does not build it); nothing to tag.` };
  }
  if (facts.outsideGroup) return { kind: 'skip', message: `nx-uv tag: ${member.distributionName} is ${facts.outsideGroup}: nothing to tag in this run.` };
  if (facts.publishExclusion) {
    return {
      kind: 'skip',
      message: `nx-uv tag: ${member.distributionName} is excluded from publishing (${facts.publishExclusion}): no tag, no GitHub Release.`,
    };
  }
  return undefined;
}

/**
 * Plans the tag of the member: a skip (not a package, outside the group, excluded, no release,
 * released by its group's lead or on an older commit) saying why, or the release to make. Throws on
 * a bad remote or label, a dynamic version, or a per-package tag on another commit.
 */
export function planTag(facts: TagFacts, options: TagPlanOptions = {}): TagPlan {
  const skip = tagScopeSkip(facts);
  if (skip) return skip;
  const { workspace, member, workspaceRoot } = facts;
  const git = facts.inScope;
  if (!git) throw new Error(`nx-uv tag: the facts of ${member.distributionName} in this run were not read`);
  const remote = options.remote ?? 'origin';
  assertRemote(remote);
  const releaseLabel = resolveReleaseLabel(options.releaseLabel, git.pluginReleaseLabel);
  const { scheme } = git;
  let version: string;
  if (member.version.kind === 'vcs') {
    // The tag makes the version: the one `version` recorded in CHANGELOG.md.
    if (!git.vcs) {
      return {
        kind: 'skip',
        message:
          `nx-uv tag: ${member.distributionName} takes its version from git tags (${member.version.plugin}) and has no release to tag: ` +
          'no release tag, and no version in its CHANGELOG.md (the version target writes one when it releases it).',
      };
    }
    version = git.vcs.version;
  } else {
    version = memberVersion(workspace, member).version;
  }
  const group = scheme.groupOf(member.name);
  if (group && group.lead !== member.name) {
    return {
      kind: 'skip',
      message:
        `nx-uv tag: ${member.distributionName} ${version} is released with fixed group ${group.name}: its tag ` +
        `${scheme.tagOf(member.name, version)} and GitHub Release are made by the tag target of ${group.lead}.`,
    };
  }
  const spec = releaseSpec(workspace, member, version, scheme, git.changelogs);
  const { head } = git;
  const allTags = scheme.tagsOf(member.name, version);
  const local = new Map(git.tags.filter((t) => allTags.includes(t.name)).map((t) => [t.name, t]));
  const existing = local.get(spec.tag);
  // A fixed group's per-package tags (packageTags), made with the group's tag.
  const extraTags = allTags.slice(1);
  for (const t of extraTags) {
    const at = local.get(t);
    if (at && at.commit !== head && !(existing && existing.commit !== head)) {
      throw new Error(
        `nx-uv: tag ${t} already exists on commit ${at.commit.slice(0, 12)}, not on HEAD ${head.slice(0, 12)}: it cannot mark the release ${spec.tag} ` +
          '(packageTags of a fixed group). Delete it if it was a mistake, or release a new version.',
      );
    }
  }
  if (existing && existing.commit !== head) {
    return {
      kind: 'skip',
      message: `nx-uv tag: ${member.distributionName} ${version} already released at ${spec.tag} (commit ${existing.commit.slice(0, 12)}); nothing new to release.`,
    };
  }
  return {
    kind: 'tag',
    member,
    version,
    spec,
    head,
    allTags,
    existing: existing !== undefined,
    missingExtra: extraTags.filter((t) => !local.has(t)),
    remote,
    releaseLabel,
    cwd: workspaceRoot,
    changelog: displayPath(workspaceRoot, path.join(workspace.absRoot, member.root, 'CHANGELOG.md')),
  };
}

/** The lines of a plan: why nothing is made, or (a dry run) what would be. */
export function renderTagPlan(plan: TagPlan): string[] {
  if (plan.kind === 'skip') return [plan.message];
  const { spec, head, remote } = plan;
  const extraTags = plan.allTags.slice(1);
  return [
    `nx-uv tag (dry run): ${plan.existing ? `tag ${spec.tag} already at HEAD; would ensure` : `would create annotated tag ${spec.tag} at ${head.slice(0, 12)}, push it to ${remote}, and create`} the GitHub Release:`,
    `  name: ${spec.name}${spec.prerelease ? ' (prerelease)' : ''}`,
    `  body (from ${plan.changelog} or a fallback line):`,
    ...spec.body
      .trimEnd()
      .split('\n')
      .map((line) => `    ${line}`),
    ...(extraTags.length > 0 ? [`  with the per-package tags ${extraTags.join(', ')}`] : []),
    `  then move the merged release PR's label "${plan.releaseLabel}" to "${RELEASE_LABEL_TAGGED}"`,
  ];
}

/** Why a tag the remote has at `onRemote` stops the release (another commit), or undefined. */
export function remoteTagConflict(plan: TagRelease, tag: string, onRemote: string | undefined): string | undefined {
  if (onRemote === undefined || onRemote === plan.head) return undefined;
  return (
    `${plan.remote} already has tag ${tag} on commit ${onRemote.slice(0, 12)}, not on HEAD ${plan.head.slice(0, 12)}: ` +
    `${plan.member.distributionName} ${plan.version} was released from another commit. Fetch the tags (git fetch --tags ${plan.remote}) ` +
    'and release a new version, or delete the remote tag if that release was a mistake.'
  );
}
