/**
 * The run-time check of publish and tag: a member kept from publishing (its pyproject.toml, or
 * `publishExclude` in nx.json, also through project.json tags the graph could not see) is never
 * tagged or uploaded, whichever way the target was started (run-many, a batch, nx release, by hand).
 */
import type { ExecutorContext } from '@nx/devkit';
import { fixedGroupsOf, memberExclusions, resolveReleaseGroup, tagScheme, type TagScheme } from '../../release';
import type { Member, UvWorkspace } from '../../workspace';
import { nxUvPluginOptions } from './plugin-options';

/** Why `member` is kept from publishing, or undefined when it is not. */
export function publishExclusion(context: ExecutorContext, ws: UvWorkspace, member: Member): string | undefined {
  const exclusion = memberExclusions(nxUvPluginOptions(context), context.projectsConfigurations?.projects ?? {}, ws, context.root).get(member.name);
  return exclusion?.publish ? exclusion.why : undefined;
}

/** The release tag scheme of the run: `tagFormat` and the fixed groups' tags (groups resolved through the Nx projects). */
export function tagSchemeOf(context: ExecutorContext, ws: UvWorkspace): TagScheme {
  const plugin = nxUvPluginOptions(context);
  return tagScheme(plugin.tagFormat, fixedGroupsOf(plugin, context.projectsConfigurations?.projects ?? {}, ws, context.root));
}

/**
 * Why `member` is left out of a run limited to release group `group` (`--group`, the workflow's
 * dispatch input), or undefined when it is in the group (or no group was given).
 */
export function outsideGroup(context: ExecutorContext, ws: UvWorkspace, member: Member, group: string | undefined): string | undefined {
  if (!group) return undefined;
  const resolved = resolveReleaseGroup(group, nxUvPluginOptions(context), context.projectsConfigurations?.projects ?? {}, ws, context.root);
  return resolved.projects.includes(member.name) ? undefined : `not in release group ${group} (${resolved.projects.join(', ')})`;
}
