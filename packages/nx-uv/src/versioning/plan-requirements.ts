/** Phase 5 of the release plan (plan.ts): the requirement strings that must name the new versions. */
import { normalizeName } from '../workspace/normalize-name';
import { byName, changesVersion } from './plan-state';
import type { PlanMember, RequirementUpdate } from './plan-types';
import type { VersionedState } from './plan-versions';
import { requirementAdmits, updateRequirementSpecifier } from './requirement-update';

/**
 * Every requirement on a released package, in member name order, rewritten in its own style: raised to
 * a new version always, kept when it admits a first release's version. Locked requirements have no string.
 */
export function requirementUpdates(members: ReadonlyMap<string, PlanMember>, versions: ReadonlyMap<string, VersionedState>): RequirementUpdate[] {
  const updates: RequirementUpdate[] = [];
  for (const m of [...members.values()].sort((a, b) => byName(a.name, b.name))) {
    for (const dep of m.dependencies) {
      const target = versions.get(normalizeName(dep.target));
      if (!target || target.member.name === m.name) continue;
      if (dep.locked) continue; // computed by a metadata hook (from uv.lock): no string in the file
      const req = dep.requirement;
      const to = changesVersion(target) || !requirementAdmits(req, target.next) ? updateRequirementSpecifier(req, target.next) : undefined;
      if (to !== undefined) {
        updates.push({
          member: m.name,
          ...(m.pyprojectPath ? { pyprojectPath: m.pyprojectPath } : {}),
          section: dep.section,
          kind: dep.kind,
          dependency: target.member.name,
          from: req.raw,
          to,
        });
      }
    }
  }
  return updates;
}
