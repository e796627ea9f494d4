/**
 * The release plan: which packages get which next version, why, and which requirement strings on
 * internal packages must change. Pure: the git layer supplies each member's last release (from
 * tags) and the commits since then, already mapped to members. The rules are on planRelease.
 */
import { planOptionsRecord, plannedPackages, unconventionalNote } from './plan-assemble';
import { readPlanInput } from './plan-input';
import { planOwnReleases } from './plan-own-releases';
import { propagateReleases } from './plan-propagate';
import { requirementUpdates } from './plan-requirements';
import { PlanInput, ReleasePlan } from './plan-types';
import { nextVersions, shareFixedGroupVersions } from './plan-versions';

export * from './plan-types';
export { planMembersFromWorkspace } from './plan-members';

/**
 * Builds the release plan, phase by phase; each phase is a pure function of the input and the phases
 * before it. Throws ReleasePlanError (or VersionError) on input it cannot plan.
 *
 * - No release tag: a first release of the current version, as is. A version in the files newer
 *   than the last release (set by hand, or a tag never pushed) is also released as is.
 * - Otherwise, when the package has commits since its last release, the level comes from them
 *   (`bumpType: 'auto'`: Conventional Commits with the 0.x policy) or from `bumpType`. `force`
 *   releases every selected package, at `bumpType` or patch when nothing asks for more.
 * - A pre-release graduates when no pre-release is requested, and moves up when a later phase is
 *   (beta → rc), even without new commits.
 * - Propagation: every member that requires a released package at runtime is bumped by
 *   `dependentBump`, transitively, across group boundaries (with a note). An extra forces a release
 *   only when it no longer admits the new version, so a core whose extras list its plugins is not
 *   re-released for every plugin fix. Dependency groups are not published: their requirements are
 *   updated but force no release; extras that still admit the new version are raised the same way.
 */
export function planRelease(input: PlanInput): ReleasePlan {
  // 1. The input, checked and indexed by normalised name.
  const { ctx, notes: inputNotes } = readPlanInput(input);
  // 2. Packages released on their own account (commits, options), and the ones skipped.
  const own = planOwnReleases(ctx);
  // 3. Dependents and fixed groups they pull in, to a fixed point.
  const propagated = propagateReleases(ctx, own.states);
  // 4. Next versions; a fixed group shares the highest.
  const bumped = nextVersions(ctx.opts, propagated.states);
  const versions = shareFixedGroupVersions(ctx.fixedGroupOf, bumped.versions);
  // 5. Requirement strings on released packages.
  const updates = requirementUpdates(ctx.members, versions);
  // 6. The plan value.
  const unconventional = unconventionalNote([...own.unconventional.values()]);
  const notes = new Set([...inputNotes, ...own.notes, ...propagated.notes, ...bumped.notes, ...(unconventional === undefined ? [] : [unconventional])]);
  return {
    packages: plannedPackages(versions, ctx.lastRelease),
    requirementUpdates: updates,
    // A package skipped for lack of commits may have been pulled in by a dependency.
    skipped: own.skipped.filter((s) => !versions.has(s.name)),
    notes: [...notes],
    options: planOptionsRecord(ctx.opts, input.options?.group?.name),
  };
}
