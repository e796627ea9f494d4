/**
 * The release plan: which packages get which next version, why, and which requirement strings on
 * internal packages must change. Pure: the git layer supplies the last released version of each
 * member (from tags) and the commits since then, already mapped to members.
 *
 * Rules:
 * - A package with no release tag is a first release: its current version is released as is.
 * - A package whose pyproject.toml version is newer than its last release (set by hand, or a release
 *   whose tag was never pushed) is released as is.
 * - Otherwise the level comes from its commits (`bumpType: 'auto'`, Conventional Commits with the 0.x
 *   policy) or from `bumpType` when the package has any commit since its last release. `force`
 *   releases every selected package, with `bumpType` or patch when nothing asks for more.
 * - A package on a pre-release with no pre-release requested graduates even without new commits; a
 *   request for a later phase (beta → rc) moves it up even without new commits.
 * - Propagation: when a package gets a new version, every member that requires it at runtime is
 *   bumped by `dependentBump`, transitively, across group boundaries (a note says so). An extra that
 *   names it forces a release only when its requirement no longer admits the new version (a core
 *   whose extras list its plugins is not re-released for every plugin fix). Dependency groups and dev
 *   dependencies are not published: their requirement strings are updated but they force no release;
 *   extras that still admit the new version are raised the same way.
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
