/**
 * Release groups from the plugin option `groups` (nx.json): `{ "<group>": { "projects": [...] } }`,
 * each entry an Nx project name glob (picomatch) or `tag:<nx tag>`. Resolved to uv member names
 * through the Nx project roots. Pure given the project configurations.
 */
import * as path from 'node:path';
import type { NxUvPluginOptions } from '../options';
import { toPosix } from '../posix-path';
import { compareCodeUnits } from '../workspace/sort-by-key';
import type { UvWorkspace } from '../workspace';
import { projectSelector } from './project-selector';
import type { FixedGroup } from './tag-scheme';

export interface NxProjectLike {
  root: string;
  tags?: string[];
}

export class ReleaseGroupError extends Error {
  override readonly name = 'ReleaseGroupError';
}

/** The root of an Nx project relative to the uv root, as a member's `root` is written ('.' for the uv root itself). */
export function memberRootOf(project: NxProjectLike, ws: UvWorkspace, nxRoot: string): string {
  return toPosix(path.relative(ws.absRoot, path.resolve(nxRoot, project.root))) || '.';
}

/** `{ name, projects: member names }` of group `groupName`; throws naming the known groups when unknown. */
export function resolveReleaseGroup(
  groupName: string,
  pluginOptions: NxUvPluginOptions,
  projects: Record<string, NxProjectLike>,
  ws: UvWorkspace,
  nxRoot: string,
): { name: string; projects: string[] } {
  const groups = pluginOptions.groups ?? {};
  const known = Object.keys(groups).sort();
  const group = Object.prototype.hasOwnProperty.call(groups, groupName) ? groups[groupName] : undefined;
  if (!group) {
    throw new ReleaseGroupError(
      `nx-uv: unknown release group ${JSON.stringify(groupName)}; ` +
        (known.length > 0
          ? `the groups in nx.json (plugins → "nx-uv" → options.groups) are: ${known.join(', ')}`
          : 'nx.json defines no groups (plugins → "nx-uv" → options.groups)'),
    );
  }
  if (!Array.isArray(group.projects) || group.projects.some((p) => typeof p !== 'string')) {
    throw new ReleaseGroupError(
      `nx-uv: release group ${JSON.stringify(groupName)} in nx.json must have "projects": an array of project name patterns or "tag:<tag>"`,
    );
  }
  const selects = projectSelector(group.projects, `release group ${JSON.stringify(groupName)}`);
  const byRoot = new Map(ws.members.filter((m) => m.name !== '').map((m) => [m.root, m.name]));
  const selected = new Set<string>();
  for (const [name, project] of Object.entries(projects)) {
    if (!selects(name, project.tags ?? [])) continue;
    const member = byRoot.get(memberRootOf(project, ws, nxRoot));
    if (member !== undefined) selected.add(member);
  }
  if (selected.size === 0) {
    throw new ReleaseGroupError(
      `nx-uv: release group ${JSON.stringify(groupName)} (${group.projects.join(', ')}) matches no member of the uv workspace; check its "projects" in nx.json`,
    );
  }
  return { name: groupName, projects: [...selected].sort() };
}

/** The fixed (lockstep) groups of the plugin options, resolved to uv members, with their lead. */
export function fixedGroupsOf(pluginOptions: NxUvPluginOptions, projects: Record<string, NxProjectLike>, ws: UvWorkspace, nxRoot: string): FixedGroup[] {
  const out: FixedGroup[] = [];
  const taken = new Map<string, string>();
  for (const [name, group] of Object.entries(pluginOptions.groups ?? {}).sort((a, b) => compareCodeUnits(a[0], b[0]))) {
    const relationship = group?.relationship ?? 'independent';
    if (relationship !== 'fixed' && relationship !== 'independent') {
      throw new ReleaseGroupError(
        `nx-uv: release group ${JSON.stringify(name)} in nx.json: "relationship" must be "fixed" or "independent", got ${JSON.stringify(relationship)}`,
      );
    }
    if (relationship !== 'fixed') continue;
    const members = resolveReleaseGroup(name, pluginOptions, projects, ws, nxRoot).projects;
    for (const m of members) {
      const other = taken.get(m);
      if (other)
        throw new ReleaseGroupError(
          `nx-uv: ${m} is in two fixed release groups, ${JSON.stringify(other)} and ${JSON.stringify(name)} (nx.json): a member has one version, so one fixed group`,
        );
      taken.set(m, name);
    }
    let lead = members[0];
    if (group.lead !== undefined) {
      const project = projects[group.lead];
      const rel = project ? memberRootOf(project, ws, nxRoot) : undefined;
      const member = ws.members.find((m) => m.root === rel)?.name;
      if (!member || !members.includes(member)) {
        throw new ReleaseGroupError(
          `nx-uv: the lead ${JSON.stringify(group.lead)} of release group ${JSON.stringify(name)} (nx.json) is not a project of that group (${members.join(', ')})`,
        );
      }
      lead = member;
    }
    if (group.tagFormat !== undefined && typeof group.tagFormat !== 'string') {
      throw new ReleaseGroupError(`nx-uv: the tagFormat of release group ${JSON.stringify(name)} (nx.json) must be a string such as "v{version}"`);
    }
    if (group.packageTags !== undefined && typeof group.packageTags !== 'boolean') {
      throw new ReleaseGroupError(`nx-uv: packageTags of release group ${JSON.stringify(name)} (nx.json) must be true or false`);
    }
    out.push({ name, members, lead, tagFormat: group.tagFormat ?? '{name}-v{version}', ...(group.packageTags ? { packageTags: true } : {}) });
  }
  return out;
}
