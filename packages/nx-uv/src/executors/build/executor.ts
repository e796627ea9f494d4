/**
 * `nx-uv:build`: `uv build --package <name>` of one member into its output folder, with the member's
 * internal requirements (runtime and extras) pinned to the exact current versions while uv runs
 * (journalled; restored in all cases, and by the next nx-uv run after a crash).
 * Nothing half-done: the member versions are checked first (a version that is not PEP 440 stops the
 * build before anything is touched); uv builds into a temporary folder; the metadata of the built wheel
 * and sdist must carry the exact pins; only then is the output folder emptied and given the new files.
 * A failed build leaves the output folder as it was.
 */
import { logger, type ExecutorContext } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readResolvedPluginOptions } from '../../plugin-entry';
import {
  defaultJournalDir,
  lockedRequirementNotice,
  pinChanges,
  isPinRestoreFailure,
  planWorkspacePins,
  withPins,
  type PinPlan,
  type RequirementPin,
} from '../../pin';
import { formatKeyPath } from '../../toml';
import { runUv } from '../../uv';
import { distributionKind } from '../../wheel';
import {
  assertValidMemberVersions,
  displayPath,
  releaseVersions,
  resolveUvProject,
  runNxUvExecutor,
  tagSchemeOf,
  type ExecutorLogger,
  type ExecutorResult,
  type UvProject,
} from '../shared';
import { vcsBuildEnv, vcsTagAdvice, type VcsRelease } from '../../release/vcs-version';
import { parseDistributionFilename, sameVersion } from '../../registry/dist-files';
import type { Member, UvWorkspace } from '../../workspace';
import { auditDistribution, formatAuditProblems, pinExpectation, type FileAudit, type PinExpectation } from './audit';
import { assertOnlyDistributions, emptyOutputDir, isDistributionArtifact, resolveOutputDir } from './output-dir';
import { makeOwnedTempDir, removeAbandonedTempDirs } from '../../process-temp';

/** Options of the executor (schema.json). */
export interface BuildExecutorOptions {
  /** Folder for the sdist and wheel, relative to the project root. Default: the plugin option buildOutputPath, else `dist`. */
  outputPath?: string;
}

export interface BuildDependencies {
  /** The environment of uv (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Where this run's lines go (default @nx/devkit's logger). */
  logger?: ExecutorLogger;
}

/** The arguments of `uv build` for a member. */
export function uvBuildArgs(distributionName: string, outDir: string): string[] {
  // --no-sources: build as any other tool (and an installer from the index) would, without
  // [tool.uv.sources], as uv recommends for publishing.
  return ['build', '--package', distributionName, '--out-dir', outDir, '--no-sources'];
}

/** What the build of one member will do, worked out before anything is touched (planBuild). */
export interface BuildPlan {
  kind: 'build';
  project: UvProject;
  member: Member;
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

/** The versions of a uv workspace as build sees them (releaseVersions); a batch reads them once. */
export type ReleasesOf = (
  ws: UvWorkspace,
  context: ExecutorContext,
  env: NodeJS.ProcessEnv,
) => Promise<{ versions: ReadonlyMap<string, string>; vcs: ReadonlyMap<string, VcsRelease> }>;

/** The versions as the executor reads them: in the members' files, or from git tags (releaseVersions). */
export const releaseVersionsOf: ReleasesOf = (ws, context, env) => releaseVersions(ws, tagSchemeOf(context, ws), env);

/**
 * Plans the build of `project`'s member: its output folder, pins and what the built files must pin.
 * Throws, touching nothing, on a bad output folder, an invalid member version or a foreign file in
 * the output folder.
 */
export async function planBuild(
  project: UvProject,
  options: BuildExecutorOptions,
  context: ExecutorContext,
  env: NodeJS.ProcessEnv,
  releasesOf: ReleasesOf = releaseVersionsOf,
): Promise<BuildStep> {
  const { workspace: ws, member, workspaceRoot } = project;
  const name = member.distributionName;
  if (!member.isPackage) return { kind: 'not-a-package', member };
  const outDir = resolveOutputDir(project, options.outputPath ?? readResolvedPluginOptions(context.nxJsonConfiguration).buildOutputPath);
  // uv reads every member's pyproject.toml, so one invalid version anywhere stops every build.
  assertValidMemberVersions(ws, workspaceRoot, `build ${name}`);
  const { versions, vcs } = await releasesOf(ws, context, env);
  const plans = planWorkspacePins(ws, [member.name], versions);
  const development = new Set([...vcs].filter(([, release]) => !release.atHead).map(([name]) => name));
  const expectation = { ...pinExpectation(ws, member, versions), development };
  const shownOut = displayPath(workspaceRoot, outDir);
  const shownPyproject = displayPath(workspaceRoot, path.join(ws.absRoot, member.pyprojectPath));
  assertOnlyDistributions(outDir, workspaceRoot);
  const release = vcs.get(member.name);
  return {
    kind: 'build',
    project,
    member,
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

/** Says what a planned build pins (before uv runs). */
export function logBuildPins(plan: BuildPlan, log: ExecutorLogger): void {
  if (plan.pins.length === 0) return;
  log.info(`nx-uv build: ${plan.member.distributionName}: pinning ${plan.pins.length} internal requirement(s) for the build:`);
  for (const p of plan.pins) log.info(`  [${formatKeyPath(p.keyPath)}] ${JSON.stringify(p.from)} -> ${JSON.stringify(p.to)}`);
}

/** The error of a failed `uv build` of a planned member (its pins are back by the time it is reported). */
export function uvBuildFailure(plan: BuildPlan, err: unknown): Error {
  return new Error(
    `uv build of ${plan.member.distributionName} failed; ${plan.shownPyproject} is back as it was and ${plan.shownOut} was left as it was.\n${(err as Error).message}`,
  );
}

/**
 * After uv built the member into `staging` (a folder of its own): checks the files (a wheel, the
 * version of a release from git tags, the exact pins: audit.ts), then replaces the output folder's
 * contents with them. Throws, leaving the output folder as it was, when a check fails.
 */
export async function finishBuild(plan: BuildPlan, staging: string, log: ExecutorLogger): Promise<void> {
  const { member, outDir, shownOut, expectation, project } = plan;
  const name = member.distributionName;
  const built = fs.readdirSync(staging).filter((n) => isDistributionArtifact(n) && fs.lstatSync(path.join(staging, n)).isFile());
  const files = built
    .filter((n) => distributionKind(n) !== undefined)
    .sort()
    .map((n) => path.join(staging, n));
  if (!files.some((f) => distributionKind(f) === 'wheel')) {
    throw new Error(`uv build of ${name} reported success but wrote no wheel; ${shownOut} was left as it was`);
  }
  checkVcsVersion(member, plan.vcs, files, shownOut, log);
  const audits: FileAudit[] = await Promise.all(files.map((f) => auditDistribution(f, expectation)));
  const problems = audits.flatMap((a) => a.problems);
  if (problems.length > 0) {
    const notice = lockedRequirementNotice(member);
    throw new Error(
      `the distributions built for ${name} do not pin their workspace dependencies exactly, so they were discarded (${shownOut} was left as it was):\n` +
        formatAuditProblems(problems) +
        (notice ? `\n${notice}.` : ''),
    );
  }
  // Replace the output folder's contents (distributions and uv's .gitignore) with the new build.
  emptyOutputDir(outDir, project.workspaceRoot);
  for (const n of built) fs.copyFileSync(path.join(staging, n), path.join(outDir, n));
  for (const a of audits) if (a.note) log.warn(`nx-uv build: ${a.file}: ${a.note}`);
  const internal = expectation.versions.size;
  log.info(
    `nx-uv build: built ${audits.map((a) => a.file).join(', ')} in ${shownOut}` +
      (internal > 0 ? `; every internal requirement is pinned exactly (${[...expectation.versions].map(([n, v]) => `${n}==${v}`).join(', ')})` : ''),
  );
}

/** Says that a member is no package. */
export function logNotAPackage(member: Member, log: ExecutorLogger): void {
  log.info(`nx-uv build: ${member.distributionName || member.root} is not a package (no [build-system], or [tool.uv] package = false); nothing to build.`);
}

async function build(
  project: UvProject,
  options: BuildExecutorOptions,
  context: ExecutorContext,
  env: NodeJS.ProcessEnv,
  log: ExecutorLogger,
): Promise<boolean> {
  const plan = await planBuild(project, options, context, env);
  if (plan.kind === 'not-a-package') {
    logNotAPackage(plan.member, log);
    return true;
  }
  const { workspace: ws, member, workspaceRoot } = project;
  logBuildPins(plan, log);
  // uv writes into a temporary folder; the output folder changes only once the build passed the audit.
  removeAbandonedTempDirs();
  const staging = makeOwnedTempDir('staging');
  try {
    const state: { uv: 'not run' | 'running' | 'done' } = { uv: 'not run' };
    try {
      const result = await withPins(defaultJournalDir(workspaceRoot), pinChanges(ws.absRoot, plan.plans), async () => {
        state.uv = 'running';
        const r = await runUv(uvBuildArgs(member.distributionName, staging), { cwd: ws.absRoot, env: { ...env, ...plan.uvEnv } });
        state.uv = 'done';
        return r;
      });
      if (context.isVerbose) log.info((result.stderr + result.stdout).trim());
    } catch (err) {
      // Only a failure of uv itself is reported as one; pinning or restoring errors speak for themselves.
      if (state.uv !== 'running' || isPinRestoreFailure(err)) throw err;
      throw uvBuildFailure(plan, err);
    }
    await finishBuild(plan, staging, log);
    return true;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * A member whose version is derived from git tags: where HEAD carries its release tag, the built files
 * must carry that version (else the VCS plugin does not read nx-uv's tags, and the build is refused);
 * elsewhere the build is a development build, said so.
 */
function checkVcsVersion(member: Member, release: VcsRelease | undefined, files: readonly string[], shownOut: string, log: ExecutorLogger): void {
  if (member.version.kind !== 'vcs') return;
  const builtVersions = [...new Set(files.map((f) => parseDistributionFilename(path.basename(f))?.version).filter((v): v is string => v !== undefined))];
  const built = builtVersions.join(', ');
  if (!release?.atHead) {
    log.info(
      `nx-uv build: ${member.distributionName} ${built} is a development build (version from git tags by ${member.version.plugin}): ` +
        (release ? `HEAD does not carry its release tag ${release.tag}` : 'it has no release tag yet') +
        '; publish uploads only builds of a tagged release.',
    );
    return;
  }
  if (builtVersions.length !== 1 || !sameVersion(builtVersions[0], release.version)) {
    throw new Error(
      `the distributions built for ${member.distributionName} carry version ${built || '(none)'}, but HEAD is its release ${release.version} (tag ${release.tag}), ` +
        `so they were discarded (${shownOut} was left as it was). ${vcsTagAdvice(member, release.tag)}. ` +
        'A development version (.devN+g…) means the plugin also ignored the version nx-uv sets for the build ' +
        '(SETUPTOOLS_SCM_PRETEND_VERSION, UV_DYNAMIC_VERSIONING_BYPASS, POETRY_DYNAMIC_VERSIONING_BYPASS, PDM_BUILD_SCM_VERSION) and read the tree as changed.',
    );
  }
}

/** The executor with its dependencies injectable (tests give uv's environment). */
export async function runBuildExecutor(options: BuildExecutorOptions, context: ExecutorContext, deps: BuildDependencies = {}): Promise<ExecutorResult> {
  const log = deps.logger ?? logger;
  return runNxUvExecutor('build', context, () => build(resolveUvProject(context), options, context, deps.env ?? process.env, log), log);
}

export default async function buildExecutor(options: BuildExecutorOptions, context: ExecutorContext): Promise<ExecutorResult> {
  return runBuildExecutor(options, context);
}
