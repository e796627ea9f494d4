/**
 * `nx-uv:tag`: tags the member's current version at HEAD (annotated tag named by the plugin option
 * `tagFormat`), pushes the tag, creates the GitHub Release (body = the member's CHANGELOG.md section)
 * and moves the merged release PR from `autorelease: pending` to `autorelease: tagged`.
 * Idempotent: a tag already at HEAD is not recreated but its release is ensured (a re-run completes a
 * failed release); a tag of the current version on an older commit means nothing new to release.
 */
import { logger, type ExecutorContext } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { extractChangelogSection } from '../../changelog';
import { gitHubClientFromEnv, RELEASE_LABEL_TAGGED, type GitHubClient } from '../../forge';
import { assertRemote, createAnnotatedTag, currentBranch, currentCommit, deleteLocalTag, listTags, pushTags, remoteAuthEnv, remoteTagCommit } from '../../git';
import { loadUvWorkspace, type Member, type UvWorkspace } from '../../workspace';
import { tagUmbrella, umbrellaFormatFor } from './umbrella';
import { isPrereleaseVersion, normalizeVersion, parseVersion } from '../../versioning';
import {
  displayPath,
  outsideGroup,
  publishExclusion,
  releaseLabelOf,
  resolveUvProject,
  runNxUvExecutor,
  tagSchemeOf,
  type ExecutorLogger,
  type ExecutorResult,
  type UvProject,
} from '../shared';
import { tagScheme, type TagScheme } from '../../release/tag-scheme';
import { vcsReleases } from '../../release/vcs-version';

/** Options of the executor (schema.json). */
export interface TagExecutorOptions {
  /** Print what would be tagged and released; touch nothing. */
  dryRun?: boolean;
  /** Git remote to push the tag to. Default `origin`. */
  remote?: string;
  /** The label of the merged release PR to move to `autorelease: tagged`. Default: plugin option, else `autorelease: pending`. */
  releaseLabel?: string;
  /** Only members of this release group are tagged; the others do nothing. */
  group?: string;
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

/** The changelog section of `member` at `version`, or undefined. */
function changelogSection(workspace: UvWorkspace, member: Member, version: string): string | undefined {
  const changelogPath = path.join(workspace.absRoot, member.root, 'CHANGELOG.md');
  const changelog = fs.existsSync(changelogPath) ? fs.readFileSync(changelogPath, 'utf8') : undefined;
  const section = changelog === undefined ? undefined : extractChangelogSection(changelog, version);
  return section && section.trim() !== '' ? section : undefined;
}

/**
 * The release of `member` at `version`: tag, title, changelog body (or a fallback line), prerelease
 * flag. For a fixed group, the group's release: its tag, the group's name as title, and every
 * member's changelog section in the body.
 */
export function releaseSpec(workspace: UvWorkspace, member: Member, version: string, scheme: TagScheme | string | undefined): ReleaseSpec {
  const tags = typeof scheme === 'object' ? scheme : tagScheme(scheme);
  const tag = tags.tagOf(member.name, version);
  const prerelease = isPrereleaseVersion(parseVersion(version));
  const group = tags.groupOf(member.name);
  if (group) {
    const parts = group.members.map((name) => {
      const m = workspace.members.find((x) => x.name === name)!;
      const section = changelogSection(workspace, m, version);
      return `## ${m.distributionName} ${version}\n\n${section ?? 'No changes of its own (released with the group).\n'}`;
    });
    return { tag, version, name: `${group.name} ${version}`, body: `${parts.join('\n').trimEnd()}\n`, prerelease };
  }
  const section = changelogSection(workspace, member, version);
  return { tag, version, name: `${member.distributionName} ${version}`, body: section ?? `Release ${member.distributionName} ${version}.\n`, prerelease };
}

async function relabelReleasePullRequest(client: GitHubClient, cwd: string, head: string, label: string, log: ExecutorLogger): Promise<void> {
  const base = (await currentBranch(cwd)) ?? (await client.getDefaultBranch());
  const pr = await client.findMergedReleasePullRequest({ base, mergeCommitSha: head, label });
  if (!pr) {
    log.info(`nx-uv tag: no merged release pull request labelled "${label}" for ${head.slice(0, 12)}; no label to move`);
    return;
  }
  await client.relabel(pr.number, label, RELEASE_LABEL_TAGGED);
  log.info(`nx-uv tag: labelled release pull request #${pr.number} "${RELEASE_LABEL_TAGGED}"`);
}

/** What `tag` makes for one member, worked out (and checked against the local tags) before anything is created. */
export interface TagPlan {
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
}

/**
 * Plans the tag of the project's member. Undefined when there is nothing to create (not a package,
 * outside the group, excluded, no release, released by its group's lead or on an older commit, a dry
 * run): it said why in `log`. Throws, creating nothing, when a per-package tag sits on another commit.
 */
export async function planTag(options: TagExecutorOptions, context: ExecutorContext, project: UvProject, log: ExecutorLogger): Promise<TagPlan | undefined> {
  const { workspace, member, workspaceRoot } = project;
  if (!member.isPackage) {
    log.info(`nx-uv tag: ${member.distributionName || member.root} is not a package (uv does not build it); nothing to tag.`);
    return undefined;
  }
  const outside = outsideGroup(context, workspace, member, options.group);
  if (outside) {
    log.info(`nx-uv tag: ${member.distributionName} is ${outside}: nothing to tag in this run.`);
    return undefined;
  }
  const excluded = publishExclusion(context, workspace, member);
  if (excluded) {
    log.info(`nx-uv tag: ${member.distributionName} is excluded from publishing (${excluded}): no tag, no GitHub Release.`);
    return undefined;
  }
  const remote = options.remote ?? 'origin';
  assertRemote(remote);
  const releaseLabel = releaseLabelOf(options.releaseLabel, context);
  const cwd = workspaceRoot;
  const scheme = tagSchemeOf(context, workspace);
  let version: string;
  if (member.version.kind === 'vcs') {
    // The tag makes the version: the one `version` recorded in CHANGELOG.md.
    const release = (await vcsReleases(workspace, [member], scheme)).get(member.name);
    if (!release) {
      log.info(
        `nx-uv tag: ${member.distributionName} takes its version from git tags (${member.version.plugin}) and has no release to tag: ` +
          'no release tag, and no version in its CHANGELOG.md (the version target writes one when it releases it).',
      );
      return undefined;
    }
    version = release.version;
  } else {
    version = memberVersion(workspace, member).version;
  }
  const group = scheme.groupOf(member.name);
  if (group && group.lead !== member.name) {
    log.info(
      `nx-uv tag: ${member.distributionName} ${version} is released with fixed group ${group.name}: its tag ` +
        `${scheme.tagOf(member.name, version)} and GitHub Release are made by the tag target of ${group.lead}.`,
    );
    return undefined;
  }
  const spec = releaseSpec(workspace, member, version, scheme);
  const head = await currentCommit(cwd);
  const allTags = scheme.tagsOf(member.name, version);
  const local = new Map((await listTags(cwd, (n) => allTags.includes(n))).map((t) => [t.name, t]));
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
  const missingExtra = extraTags.filter((t) => !local.has(t));

  if (existing && existing.commit !== head) {
    log.info(
      `nx-uv tag: ${member.distributionName} ${version} already released at ${spec.tag} (commit ${existing.commit.slice(0, 12)}); nothing new to release.`,
    );
    return undefined;
  }

  if (options.dryRun) {
    const changelog = displayPath(workspaceRoot, path.join(workspace.absRoot, member.root, 'CHANGELOG.md'));
    log.info(
      `nx-uv tag (dry run): ${existing ? `tag ${spec.tag} already at HEAD; would ensure` : `would create annotated tag ${spec.tag} at ${head.slice(0, 12)}, push it to ${remote}, and create`} the GitHub Release:`,
    );
    log.info(`  name: ${spec.name}${spec.prerelease ? ' (prerelease)' : ''}`);
    log.info(`  body (from ${changelog} or a fallback line):`);
    for (const line of spec.body.trimEnd().split('\n')) log.info(`    ${line}`);
    if (extraTags.length > 0) log.info(`  with the per-package tags ${extraTags.join(', ')}`);
    log.info(`  then move the merged release PR's label "${releaseLabel}" to "${RELEASE_LABEL_TAGGED}"`);
    return undefined;
  }
  return { member, version, spec, head, allTags, existing: existing !== undefined, missingExtra, remote, releaseLabel, cwd };
}

/** The GitHub client of a run (settings and token checked: nothing is created when the release could not be made). */
export function tagGitHubClient(cwd: string, remote: string, log: ExecutorLogger): Promise<GitHubClient> {
  return gitHubClientFromEnv({ cwd, remote, log: { debug: () => undefined, info: () => undefined, warn: (m) => log.warn(m), error: (m) => log.error(m) } });
}

/** Credentials for the network commands, in their environment only (the workflow checks out without persisting any). */
export async function tagRemoteAuth(cwd: string, remote: string): Promise<{ env: NodeJS.ProcessEnv }> {
  return { env: await remoteAuthEnv(cwd, remote) };
}

/** A tag the remote already has on another commit would make the push fail: says why, creating nothing. */
export async function assertRemoteTagsFree(plan: TagPlan, auth: { env: NodeJS.ProcessEnv }): Promise<void> {
  for (const t of plan.allTags) {
    const onRemote = await remoteTagCommit(plan.cwd, plan.remote, t, auth);
    if (onRemote !== undefined && onRemote !== plan.head) {
      throw new Error(
        `${plan.remote} already has tag ${t} on commit ${onRemote.slice(0, 12)}, not on HEAD ${plan.head.slice(0, 12)}: ` +
          `${plan.member.distributionName} ${plan.version} was released from another commit. Fetch the tags (git fetch --tags ${plan.remote}) ` +
          'and release a new version, or delete the remote tag if that release was a mistake.',
      );
    }
  }
}

/** Creates the plan's local tags; returns those it created (to delete when the push fails). */
export async function createPlannedTags(plan: TagPlan, log: ExecutorLogger): Promise<string[]> {
  const { spec, head, cwd } = plan;
  const created: string[] = [];
  try {
    if (plan.existing) {
      log.info(`nx-uv tag: tag ${spec.tag} already at HEAD; not recreated`);
    } else {
      await createAnnotatedTag(cwd, spec.tag, `${spec.name}\n`, head);
      created.push(spec.tag);
      log.info(`nx-uv tag: created tag ${spec.tag} at ${head.slice(0, 12)}`);
    }
    for (const t of plan.missingExtra) {
      await createAnnotatedTag(cwd, t, `${spec.name}\n`, head);
      created.push(t);
      log.info(`nx-uv tag: created tag ${t} at ${head.slice(0, 12)} (a per-package tag of ${spec.tag})`);
    }
  } catch (error) {
    await deleteTags(cwd, created);
    throw error;
  }
  return created;
}

/** Deletes local tags (after a failed push: a rerun starts from the same state). */
export async function deleteTags(cwd: string, tags: readonly string[]): Promise<void> {
  for (const t of tags) await deleteLocalTag(cwd, t).catch(() => undefined);
}

/** After the push: the plan's GitHub Release, then the release PR's label. */
export async function releasePlannedTag(plan: TagPlan, client: GitHubClient, log: ExecutorLogger): Promise<void> {
  const { spec, head } = plan;
  log.info(`nx-uv tag: pushed ${plan.allTags.join(', ')} to ${plan.remote}`);
  const release = await client.createRelease({ tag: spec.tag, name: spec.name, body: spec.body, prerelease: spec.prerelease, targetCommitish: head });
  const verb = release.action === 'created' ? 'created' : release.action === 'updated' ? 'updated' : 'already up to date:';
  log.info(`nx-uv tag: ${verb} GitHub Release ${spec.name}${spec.prerelease ? ' (prerelease)' : ''} ${release.url}`);
  await relabelReleasePullRequest(client, plan.cwd, head, plan.releaseLabel, log);
}

async function tag(options: TagExecutorOptions, context: ExecutorContext, log: ExecutorLogger): Promise<boolean> {
  const plan = await planTag(options, context, resolveUvProject(context), log);
  if (!plan) return true;
  // Settings and token first: nothing is created when the release could not be made.
  const client = await tagGitHubClient(plan.cwd, plan.remote, log);
  const auth = await tagRemoteAuth(plan.cwd, plan.remote);
  await assertRemoteTagsFree(plan, auth);
  const created = await createPlannedTags(plan, log);
  try {
    await pushTags(plan.cwd, plan.remote, plan.allTags, auth);
  } catch (error) {
    // No local tag from a failed push: a rerun starts from the same state.
    await deleteTags(plan.cwd, created);
    throw error;
  }
  await releasePlannedTag(plan, client, log);
  return true;
}

/** The executor with its lines going to `log` (one task's own log in a batch). */
export async function runTagExecutor(options: TagExecutorOptions, context: ExecutorContext, log: ExecutorLogger = logger): Promise<ExecutorResult> {
  return runNxUvExecutor(
    options.dryRun ? 'tag --dryRun' : 'tag',
    context,
    async () => {
      const umbrella = umbrellaFormatFor(context);
      if (!umbrella) return tag(options, context, log);
      // The uv root project: its own package tag when it is a member, then the umbrella tag.
      const isMember = loadUvWorkspace(umbrella.uvRoot).members.some((m) => m.root === '.');
      const ok = isMember ? await tag(options, context, log) : true;
      await tagUmbrella(options, context, umbrella.format, umbrella.uvRoot, log);
      return ok;
    },
    log,
  );
}

export default async function tagExecutor(options: TagExecutorOptions, context: ExecutorContext): Promise<ExecutorResult> {
  return runTagExecutor(options, context);
}
