/** Phase 6 of the release plan (plan.ts): the plan's packages, its closing note and its options, as plain values. */
import { normalizeName } from '../workspace/normalize-name';
import type { ClassifiedCommit } from './commits';
import { formatVersion, isPrereleaseVersion, parseVersion } from './pep440-version';
import { byName, changesVersion, PUBLISHED_KINDS, ResolvedOptions, short } from './plan-state';
import type { PlannedPackage, ReleasePlan } from './plan-types';
import type { VersionedState } from './plan-versions';

/** Non-conventional commits listed in the plan by name before "and N more". */
const UNCONVENTIONAL_SHOWN = 3;

/** The released packages in name order, each with the released dependencies that caused or accompany it. */
export function plannedPackages(versions: ReadonlyMap<string, VersionedState>, lastRelease: ReadonlyMap<string, string>): PlannedPackage[] {
  return [...versions.values()].sort((a, b) => byName(a.member.name, b.member.name)).map((s) => plannedPackage(s, versions, lastRelease));
}

function plannedPackage(s: VersionedState, versions: ReadonlyMap<string, VersionedState>, lastRelease: ReadonlyMap<string, string>): PlannedPackage {
  const deps = new Map<string, { name: string; from: string | null; to: string }>();
  for (const dep of s.member.dependencies) {
    const t = versions.get(normalizeName(dep.target));
    if (!t || !changesVersion(t) || t === s) continue;
    if (!PUBLISHED_KINDS.has(dep.kind)) continue;
    deps.set(t.member.name, { name: t.member.name, from: lastRelease.get(t.member.name) ?? null, to: t.next });
  }
  const reasons = [...s.reasons];
  for (const cause of [...s.causes].sort()) {
    const d = deps.get(cause);
    if (d) reasons.push(`dependency ${cause} ${d.from ?? '(new)'} → ${d.to}`);
  }
  return {
    name: s.member.name,
    current: formatVersion(parseVersion(s.member.version!)),
    next: s.next,
    lastRelease: lastRelease.get(s.member.name) ?? null,
    bump: s.level,
    action: s.action,
    prerelease: isPrereleaseVersion(parseVersion(s.next)),
    reasons,
    commits: s.commits,
    dependencyUpdates: [...deps.values()].sort((a, b) => byName(a.name, b.name)),
  };
}

/** One note for the commits that are not Conventional Commits (the first few by name), or undefined when there are none. */
export function unconventionalNote(commits: readonly ClassifiedCommit[]): string | undefined {
  if (commits.length === 0) return undefined;
  const shown = commits.slice(0, UNCONVENTIONAL_SHOWN).map((c) => `${short(c.hash)} "${c.subject}"`);
  const more = commits.length - shown.length;
  const what = commits.length === 1 ? '1 commit is not a Conventional Commit and changes' : `${commits.length} commits are not Conventional Commits and change`;
  return `${what} no version: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

/** The options the plan was made with, as the plan records them. */
export function planOptionsRecord(opts: ResolvedOptions, group: string | undefined): ReleasePlan['options'] {
  return {
    bumpType: opts.bumpType,
    prerelease: opts.prerelease ? `${opts.prerelease.phase}${opts.prerelease.minNumber !== undefined ? `.${opts.prerelease.minNumber}` : ''}` : null,
    force: opts.force,
    group: group ?? null,
    dependentBump: opts.dependentBump,
    zeroMajorPolicy: opts.zeroMajorPolicy,
  };
}
