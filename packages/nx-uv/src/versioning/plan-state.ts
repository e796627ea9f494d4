/** What the planner's phases share (plan.ts): the resolved input, a member's release state, small helpers. */
import { compareCodeUnits } from '../workspace/sort-by-key';
import type { DependencyKind } from '../workspace/types';
import type { ZeroMajorPolicy } from './bump-level';
import type { ClassifiedCommit, CommitInput } from './commits';
import type { BumpLevel } from './next-version';
import { compareVersions, formatVersion, parseVersion } from './pep440-version';
import { BumpType, DependentBump, PlanMember, PlannedCommit, ReleasePlanError } from './plan-types';
import type { PrereleaseRequest } from './prerelease';

/** Dependency kinds that are published with a package, so a new version of their target releases it. */
export const PUBLISHED_KINDS: ReadonlySet<DependencyKind> = new Set<DependencyKind>(['runtime', 'optional']);

/** The plan options, checked and with their defaults. */
export interface ResolvedOptions {
  bumpType: BumpType;
  dependentBump: DependentBump;
  zeroMajorPolicy: ZeroMajorPolicy;
  prerelease: PrereleaseRequest | undefined;
  force: boolean;
}

export interface FixedGroup {
  name: string;
  /** Normalised names of its released members (packages, not excluded). */
  members: string[];
}

/** The plan input, checked and indexed by normalised name (plan-input.ts). */
export interface PlanContext {
  opts: ResolvedOptions;
  members: ReadonlyMap<string, PlanMember>;
  /** Last released version of each member, PEP 440 normal form. */
  lastRelease: ReadonlyMap<string, string>;
  commitsOf: ReadonlyMap<string, readonly CommitInput[]>;
  /** The release group, when one is selected: only its members are released on their own account. */
  group?: { name: string; members: ReadonlySet<string> };
  /** Members never released (name → why). */
  excluded: ReadonlyMap<string, string>;
  fixedGroupOf: ReadonlyMap<string, FixedGroup>;
  /** The `releaseAs` option as given (names not normalised). */
  releaseAs: Readonly<Record<string, string>>;
}

/** A member the plan releases, while the phases decide how. */
export interface State {
  member: PlanMember;
  kind: 'first-release' | 'as-set' | 'bump';
  /** The version a bump starts from (max of current and last release). */
  base: string;
  level: BumpLevel;
  reasons: string[];
  commits: PlannedCommit[];
  /** Names of released dependencies that forced this release. */
  causes: Set<string>;
  /** An exact next version (a `Release-As:` footer, or the `releaseAs` option). */
  releaseAs?: string;
}

/** Names in code-unit order. */
export const byName = compareCodeUnits;

export function short(hash: string): string {
  return hash.slice(0, 7);
}

/** Where the version of `m` is written, for messages (`pyproject.toml` when not known). */
export function versionFileOf(m: PlanMember): string {
  return m.versionFile ?? 'pyproject.toml';
}

/** True when `name` may be released on its own account (no group selected, or it is in the group). */
export function inGroup(ctx: PlanContext, name: string): boolean {
  return !ctx.group || ctx.group.members.has(name);
}

/** A first release publishes the version it has; every other release writes a new one. */
export function changesVersion(s: State): boolean {
  return s.kind !== 'first-release';
}

export function plannedCommit(c: ClassifiedCommit): PlannedCommit {
  return {
    hash: c.hash,
    subject: c.subject,
    type: c.type,
    scope: c.scope,
    description: c.description,
    breaking: c.breaking,
    breakingNotes: c.breakingNotes,
  };
}

/** The version of `m` in normal form; throws when a member that must be released (`why`) has none. */
function requireVersion(m: PlanMember, why: string): string {
  if (m.version === undefined) {
    throw new ReleasePlanError(
      `package ${m.name} must be released (${why}) but ${m.versionProblem ?? 'its version is unknown'}: ` +
        'nx-uv cannot compute or write its next version; set [project] version, or a [tool.hatch.version] path',
    );
  }
  try {
    return formatVersion(parseVersion(m.version, `${m.name}'s version`));
  } catch (e) {
    throw new ReleasePlanError(`package ${m.name}: ${(e as Error).message}`);
  }
}

/**
 * The starting state of a member the plan releases (`why`, for the error when its version is unknown):
 * a first release, a version released as set, or a bump (level none yet) from the higher of its
 * version and its last release; with a note when that needs saying.
 */
export function startState(ctx: PlanContext, m: PlanMember, why: string): { state: State; note?: string } {
  const current = requireVersion(m, why);
  const last = ctx.lastRelease.get(m.name);
  const state: State = { member: m, kind: 'bump', base: current, level: 'none', reasons: [], commits: [], causes: new Set() };
  if (last === undefined && m.versionFromTags) {
    // No tag yet and no file to read: the first release is the base bumped by the commits.
    return {
      state,
      note: `${m.name}: no release tag yet; its version comes from ${versionFileOf(m)}, so its first release is ${current} bumped by its commits`,
    };
  }
  if (last === undefined) {
    return { state: { ...state, kind: 'first-release', reasons: [`first release (no release tag found): releases the version in ${versionFileOf(m)}`] } };
  }
  const order = compareVersions(current, last);
  if (order > 0) {
    return {
      state: { ...state, kind: 'as-set', reasons: [`version ${current} in ${versionFileOf(m)} is newer than the last release ${last}: released as set`] },
    };
  }
  if (order < 0) {
    return { state: { ...state, base: last }, note: `${m.name}: ${versionFileOf(m)} says ${current} but ${last} is already released: bumping from ${last}` };
  }
  return { state };
}
