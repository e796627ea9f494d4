/** From the workspace model to the planner's members. */
import type { UvWorkspace } from '../workspace/types';
import type { PlanMember } from './plan-types';

/**
 * The planner's view of a modelled workspace (the virtual root included, as a non-package).
 * `lastReleases` (from tags) gives the version of members whose version is derived from git tags;
 * without a release tag, the plugin's fallback version (else 0.0.0) is the base of their first release.
 */
export function planMembersFromWorkspace(ws: UvWorkspace, lastReleases: Readonly<Record<string, string | undefined>> = {}): PlanMember[] {
  const all = ws.virtualRoot ? [ws.virtualRoot, ...ws.members] : [...ws.members];
  return all.map((m) => {
    const base = {
      name: m.name,
      isPackage: m.isPackage,
      dependencies: m.dependencies,
      pyprojectPath: m.pyprojectPath,
    };
    switch (m.version.kind) {
      case 'static':
      case 'hatch-file':
        return { ...base, version: m.version.version, versionFile: m.version.file };
      case 'vcs':
        return {
          ...base,
          version: lastReleases[m.name] ?? m.version.fallback ?? '0.0.0',
          versionFromTags: true,
          versionFile: `its git tags (${m.version.plugin})`,
        };
      case 'dynamic':
        return { ...base, versionProblem: `its version is dynamic (${m.version.reason})` };
      default:
        return { ...base, versionProblem: 'it has no [project] table' };
    }
  });
}
