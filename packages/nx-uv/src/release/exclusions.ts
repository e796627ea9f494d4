/**
 * Which members the release leaves alone, and why: `[tool.nx-uv] publish = false` in the member,
 * the plugin options `publishExclude` (never versioned, tagged or published) and `bumpExclude` (never
 * versioned). Matched against the Nx projects (name and tags, project.json tags included) through their
 * roots. Pure given the project configurations.
 */
import type { NxUvPluginOptions } from '../options';
import type { Member, UvWorkspace } from '../workspace';
import { memberRootOf, type NxProjectLike } from './group';
import { projectSelector } from './project-selector';

export interface Exclusion {
  /** Never tagged or published (and so never versioned either). */
  publish: boolean;
  why: string;
}

/** Normalised member name → its exclusion, for every excluded package member. */
export function memberExclusions(plugin: NxUvPluginOptions, projects: Record<string, NxProjectLike>, ws: UvWorkspace, nxRoot: string): Map<string, Exclusion> {
  const out = new Map<string, Exclusion>();
  for (const m of ws.members) {
    if (m.isPackage && m.publish === false) out.set(m.name, { publish: true, why: `[tool.nx-uv] publish = false in ${m.pyprojectPath}` });
  }
  const publishExclude = projectSelector(plugin.publishExclude, '"publishExclude"');
  const bumpExclude = projectSelector(plugin.bumpExclude, '"bumpExclude"');
  const byRoot = new Map<string, Member>(ws.members.filter((m) => m.isPackage && m.name !== '').map((m) => [m.root, m]));
  for (const [name, project] of Object.entries(projects)) {
    const member = byRoot.get(memberRootOf(project, ws, nxRoot));
    if (!member || out.has(member.name)) continue;
    const tags = project.tags ?? [];
    if (publishExclude(name, tags)) out.set(member.name, { publish: true, why: `publishExclude in nx.json matches project ${name}` });
    else if (bumpExclude(name, tags)) out.set(member.name, { publish: false, why: `bumpExclude in nx.json matches project ${name}` });
  }
  return out;
}

/** The plan's `excluded` option: every excluded member with its reason. */
export function excludedMembers(plugin: NxUvPluginOptions, projects: Record<string, NxProjectLike>, ws: UvWorkspace, nxRoot: string): Record<string, string> {
  return Object.fromEntries([...memberExclusions(plugin, projects, ws, nxRoot)].map(([name, e]) => [name, e.why]));
}
