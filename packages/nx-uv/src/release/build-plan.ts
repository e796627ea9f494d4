/**
 * What `nx-uv:build` does for one member, worked out from facts read beforehand (readBuildFacts in the
 * executor: the output folder's contents, the member versions, their releases from git tags). Pure:
 * no file system, no git, no logging. build-apply.ts carries a plan out.
 */
import * as path from 'node:path';
import { displayPath } from '../pin/leftover-pins';
import { planWorkspacePins, type PinPlan, type RequirementPin } from '../pin';
import { formatKeyPath } from '../toml';
import type { Member, UvWorkspace } from '../workspace';
import { pinExpectation, type PinExpectation } from './build-audit';
import { assertValidMemberVersions } from './member-versions';
import { onlyDistributions, type BuildProject, type OutputListing } from './build-output';
import { vcsBuildEnv, type VcsRelease } from './vcs-version';

/** What the build of a package member needs to know, read before anything is planned. */
export interface PackageBuildFacts {
  kind: 'package';
  project: BuildProject;
  /** Absolute output folder (checked: resolveOutputDir). */
  outDir: string;
  /** What the output folder holds now. */
  outDirListing: OutputListing;
  /** The version of every member (in its files, or its release from git tags), by normalised name. */
  versions: ReadonlyMap<string, string>;
  /** The releases of the members whose version is derived from git tags, by normalised name. */
  vcs: ReadonlyMap<string, VcsRelease>;
}

/** The facts of a build: a member that is no package needs none. */
export type BuildFacts = PackageBuildFacts | { kind: 'not-a-package'; member: Member };

/** What the build of one member will do, worked out before anything is touched (planBuild). */
export interface BuildPlan {
  kind: 'build';
  workspace: UvWorkspace;
  member: Member;
  /** Absolute path of the Nx workspace (journal, messages). */
  workspaceRoot: string;
  /** Absolute output folder. */
  outDir: string;
  shownOut: string;
  shownPyproject: string;
  /** The member's pins (its own pyproject.toml). */
  plans: PinPlan[];
  pins: (RequirementPin & { file: string })[];
  /** What the built files must pin. */
  expectation: PinExpectation;
  /** Its release, when its version is derived from git tags. */
  vcs?: VcsRelease;
  /** What uv's environment needs for this member alone (a version derived from git tags, at its tag). */
  uvEnv: Record<string, string>;
}

export type BuildStep = BuildPlan | { kind: 'not-a-package'; member: Member };

/**
 * Plans the build of a member: its pins and what the built files must pin. Throws, touching nothing,
 * on an invalid member version or a foreign file in the output folder.
 */
export function planBuild(facts: BuildFacts): BuildStep {
  if (facts.kind === 'not-a-package') return facts;
  const { project, outDir, versions, vcs } = facts;
  const { workspace: ws, member, workspaceRoot } = project;
  // uv reads every member's pyproject.toml, so one invalid version anywhere stops every build.
  assertValidMemberVersions(ws, workspaceRoot, `build ${member.distributionName}`);
  const plans = planWorkspacePins(ws, [member.name], versions);
  const development = new Set([...vcs].filter(([, release]) => !release.atHead).map(([name]) => name));
  const expectation = { ...pinExpectation(ws, member, versions), development };
  const shownOut = displayPath(workspaceRoot, outDir);
  const shownPyproject = displayPath(workspaceRoot, path.join(ws.absRoot, member.pyprojectPath));
  onlyDistributions(facts.outDirListing, outDir, workspaceRoot);
  const release = vcs.get(member.name);
  return {
    kind: 'build',
    workspace: ws,
    member,
    workspaceRoot,
    outDir,
    shownOut,
    shownPyproject,
    plans,
    pins: plans.flatMap((p) => p.pins.map((pin) => ({ file: p.file, ...pin }))),
    expectation,
    vcs: release,
    uvEnv: vcsBuildEnv(member, release),
  };
}

/** What a step says before uv runs: that a member is no package, or what a planned build pins. */
export function renderBuildStep(step: BuildStep): string[] {
  const { member } = step;
  if (step.kind === 'not-a-package') {
    return [`nx-uv build: ${member.distributionName || member.root} is not a package (no [build-system], or [tool.uv] package = false); nothing to build.`];
  }
  if (step.pins.length === 0) return [];
  return [
    `nx-uv build: ${member.distributionName}: pinning ${step.pins.length} internal requirement(s) for the build:`,
    ...step.pins.map((p) => `  [${formatKeyPath(p.keyPath)}] ${JSON.stringify(p.from)} -> ${JSON.stringify(p.to)}`),
  ];
}

/** The arguments of `uv build` for a member. */
export function uvBuildArgs(distributionName: string, outDir: string): string[] {
  // --no-sources: build as any other tool (and an installer from the index) would, without
  // [tool.uv.sources], as uv recommends for publishing.
  return ['build', '--package', distributionName, '--out-dir', outDir, '--no-sources'];
}

/** The arguments of the one `uv build` of a whole workspace. */
export function uvBuildAllArgs(outDir: string): string[] {
  return ['build', '--all-packages', '--out-dir', outDir, '--no-sources'];
}

/**
 * Whether one `uv build --all-packages` is the cheaper way to build `count` members of `ws`: when they
 * are at least two, at least two thirds of its members, and uv would build nothing nx-uv does not
 * count as a package (a member without [build-system] or with `package = false`).
 */
export function buildAllAtOnce(ws: UvWorkspace, count: number): boolean {
  const members = ws.members.length;
  return count >= 2 && count * 3 >= members * 2 && ws.members.every((m) => m.isPackage);
}
