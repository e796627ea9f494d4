/** From the workspace model to the planner's members. */
import type { UvWorkspace } from '../workspace/types';
import type { PlanMember } from './plan-types';

/** The planner's view of a modelled workspace (the virtual root included, as a non-package). */
export function planMembersFromWorkspace(ws: UvWorkspace): PlanMember[] {
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
      case 'dynamic':
        return { ...base, versionProblem: `its version is dynamic (${m.version.reason})` };
      default:
        return { ...base, versionProblem: 'it has no [project] table' };
    }
  });
}
