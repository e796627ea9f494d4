/**
 * Release groups from the plugin option `groups` (nx.json): `{ "<group>": { "projects": [...] } }`,
 * each entry an Nx project name glob (picomatch) or `tag:<nx tag>`. Resolved to uv member names
 * through the Nx project roots. Pure given the project configurations.
 */
import * as path from 'node:path';
import type { NxUvPluginOptions } from '../options';
import type { UvWorkspace } from '../workspace';
import { projectSelector } from './project-selector';

export interface NxProjectLike {
  root: string;
  tags?: string[];
}

export class ReleaseGroupError extends Error {
  override readonly name = 'ReleaseGroupError';
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
    throw new ReleaseGroupError(`nx-uv: release group ${JSON.stringify(groupName)} in nx.json must have "projects": an array of project name patterns or "tag:<tag>"`);
  }
  const selects = projectSelector(group.projects, `release group ${JSON.stringify(groupName)}`);
  const byRoot = new Map(ws.members.filter((m) => m.name !== '').map((m) => [m.root, m.name]));
  const selected = new Set<string>();
  for (const [name, project] of Object.entries(projects)) {
    if (!selects(name, project.tags ?? [])) continue;
    const rel = path.relative(ws.absRoot, path.resolve(nxRoot, project.root)).split(path.sep).join('/') || '.';
    const member = byRoot.get(rel);
    if (member !== undefined) selected.add(member);
  }
  if (selected.size === 0) {
    throw new ReleaseGroupError(
      `nx-uv: release group ${JSON.stringify(groupName)} (${group.projects.join(', ')}) matches no member of the uv workspace; check its "projects" in nx.json`,
    );
  }
  return { name: groupName, projects: [...selected].sort() };
}
