/** Inputs and outputs of the release planner (plan.ts). All JSON-serialisable. */
import type { DependencyKind, InternalDependency } from '../workspace/types';
import type { ZeroMajorPolicy } from './bump-level';
import type { ClassifiedCommit, CommitInput } from './commits';
import type { BumpLevel, NextVersionAction } from './next-version';

export type BumpType = 'auto' | 'patch' | 'minor' | 'major';
export type DependentBump = 'patch' | 'minor' | 'none';

export interface PlanOptions {
  bumpType?: BumpType;
  /** A pre-release request as typed by the user (`rc`, `rc.1`, `beta`, `dev`); empty means none. */
  prerelease?: string;
  force?: boolean;
  /** Only these members are released on their own account (dependents outside still follow). */
  group?: { name: string; projects: string[] };
  /** Bump of a member whose internal runtime/optional dependency gets a new version. Default patch. */
  dependentBump?: DependentBump;
  /** See bump-level.ts. Default `features-minor`. */
  zeroMajorPolicy?: ZeroMajorPolicy;
  /**
   * Members never released by the plan (normalised name → why, e.g. `[tool.nx-uv] publish = false`,
   * `bumpExclude`): listed as not released, never bumped as dependents. Their requirement strings on
   * released members are still updated.
   */
  excluded?: Record<string, string>;
  /**
   * Fixed (lockstep) groups: their members always share one version. A change in any member (its own
   * commits, or a dependency's release) releases all of them at the same next version, the highest
   * bump of any member winning, from the highest version any of them has.
   */
  fixedGroups?: { name: string; projects: string[] }[];
  /** Exact next versions by member name (the `releaseAs` executor option), like a `Release-As:` footer. */
  releaseAs?: Record<string, string>;
}

/** One member as the planner sees it. */
export interface PlanMember {
  /** PEP 503 normalised name; '' for a virtual root (never released, may hold dependency groups). */
  name: string;
  /** The version in pyproject.toml (or the hatch version file); undefined when not readable. */
  version?: string;
  /** Why the version is not readable (a dynamic version), for error messages. */
  versionProblem?: string;
  isPackage: boolean;
  /** Internal dependencies (all kinds). */
  dependencies: InternalDependency[];
  /** `<root>/pyproject.toml`, carried into requirement updates. */
  pyprojectPath?: string;
  /** The file that holds the version (pyproject.toml, or a hatch version file), for messages. */
  versionFile?: string;
  /**
   * The version is derived from git tags (a VCS version plugin): `version` is the last release's (or
   * the plugin's fallback), nothing is written, and without a release tag the commits bump it.
   */
  versionFromTags?: true;
}

/** A commit and the members it touches whose release range contains it. */
export interface MappedCommit {
  commit: CommitInput;
  members: string[];
}

export interface PlanInput {
  members: PlanMember[];
  /** Last released version of each member from its tags; absent or undefined when never released. */
  lastReleases: Record<string, string | undefined>;
  commits: MappedCommit[];
  options?: PlanOptions;
}

/** A commit as the plan lists it: the part of its classification a changelog and a reader need. */
export type PlannedCommit = Pick<ClassifiedCommit, 'hash' | 'subject' | 'type' | 'scope' | 'description' | 'breaking' | 'breakingNotes'>;

export type PlannedAction = NextVersionAction | 'first-release' | 'as-set';

export interface PlannedPackage {
  name: string;
  /** Version in pyproject.toml now. */
  current: string;
  next: string;
  /** Last released version (from tags), or null for a first release. */
  lastRelease: string | null;
  /** Release level applied; 'none' for a first release, a version released as set, or a graduation. */
  bump: BumpLevel;
  action: PlannedAction;
  prerelease: boolean;
  /** Why: releasable commits (`feat: add x (abc1234)`), `dependency pkg-a 1.2.0 → 1.3.0`, … */
  reasons: string[];
  /** Commits since the last release that count (no merges, no reverted pairs), in input order. */
  commits: PlannedCommit[];
  /** Internal dependencies released in this plan that caused or accompany this release. */
  dependencyUpdates: { name: string; from: string | null; to: string }[];
}

export interface RequirementUpdate {
  /** The member whose pyproject.toml holds the requirement ('' for a virtual root). */
  member: string;
  pyprojectPath?: string;
  /** TOML key path of the array (`project.dependencies`, `dependency-groups.dev`, …). */
  section: string;
  kind: DependencyKind;
  /** The released internal package it names. */
  dependency: string;
  from: string;
  to: string;
}

export interface ReleasePlan {
  /** Sorted by name. */
  packages: PlannedPackage[];
  requirementUpdates: RequirementUpdate[];
  /** Selected packages that are not released, with the reason. */
  skipped: { name: string; reason: string }[];
  notes: string[];
  options: {
    bumpType: BumpType;
    prerelease: string | null;
    force: boolean;
    group: string | null;
    dependentBump: DependentBump;
    zeroMajorPolicy: ZeroMajorPolicy;
  };
}

/** Bad plan input (unknown member, bad option, a version nx-uv cannot bump). */
export class ReleasePlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReleasePlanError';
  }
}
