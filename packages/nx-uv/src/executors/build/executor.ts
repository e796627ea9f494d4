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
import { DEFAULT_BUILD_OUTPUT } from '../../options';
import { defaultJournalDir, lockedRequirementNotice, pinChanges, PinRestoreError, planWorkspacePins, withPins } from '../../pin';
import { formatKeyPath } from '../../toml';
import { runUv } from '../../uv';
import { distributionKind } from '../../wheel';
import { assertValidMemberVersions, displayPath, nxUvPluginOptions, releaseVersions, resolveUvProject, runNxUvExecutor, tagSchemeOf, type ExecutorResult, type UvProject } from '../shared';
import { vcsBuildEnv, vcsTagAdvice, type VcsRelease } from '../../release/vcs-version';
import { parseDistributionFilename, sameVersion } from '../../registry/dist-files';
import type { Member } from '../../workspace';
import { auditDistribution, formatAuditProblems, pinExpectation, type FileAudit } from './audit';
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
}

/** The arguments of `uv build` for a member. */
export function uvBuildArgs(distributionName: string, outDir: string): string[] {
  // --no-sources: build as any other tool (and an installer from the index) would, without
  // [tool.uv.sources], as uv recommends for publishing.
  return ['build', '--package', distributionName, '--out-dir', outDir, '--no-sources'];
}

async function build(project: UvProject, options: BuildExecutorOptions, context: ExecutorContext, env: NodeJS.ProcessEnv): Promise<boolean> {
  const { workspace: ws, member, workspaceRoot } = project;
  const name = member.distributionName;
  if (!member.isPackage) {
    logger.info(`nx-uv build: ${name || member.root} is not a package (no [build-system], or [tool.uv] package = false); nothing to build.`);
    return true;
  }
  const outDir = resolveOutputDir(project, options.outputPath ?? nxUvPluginOptions(context).buildOutputPath ?? DEFAULT_BUILD_OUTPUT);
  // uv reads every member's pyproject.toml, so one invalid version anywhere stops every build.
  assertValidMemberVersions(ws, workspaceRoot, `build ${name}`);
  const { versions, vcs } = await releaseVersions(ws, tagSchemeOf(context, ws), env);
  const plans = planWorkspacePins(ws, [member.name], versions);
  const development = new Set([...vcs].filter(([, release]) => !release.atHead).map(([name]) => name));
  const expectation = { ...pinExpectation(ws, member, versions), development };
  const shownOut = displayPath(workspaceRoot, outDir);
  const shownPyproject = displayPath(workspaceRoot, path.join(ws.absRoot, member.pyprojectPath));
  assertOnlyDistributions(outDir, workspaceRoot);

  const pins = plans.flatMap((p) => p.pins.map((pin) => ({ file: p.file, ...pin })));
  if (pins.length > 0) {
    logger.info(`nx-uv build: ${name}: pinning ${pins.length} internal requirement(s) for the build:`);
    for (const p of pins) logger.info(`  [${formatKeyPath(p.keyPath)}] ${JSON.stringify(p.from)} -> ${JSON.stringify(p.to)}`);
  }
  // uv writes into a temporary folder; the output folder changes only once the build passed the audit.
  removeAbandonedTempDirs();
  const staging = makeOwnedTempDir('staging');
  try {
    const state: { uv: 'not run' | 'running' | 'done' } = { uv: 'not run' };
    try {
      const result = await withPins(defaultJournalDir(workspaceRoot), pinChanges(ws.absRoot, plans), async () => {
        state.uv = 'running';
        const r = await runUv(uvBuildArgs(name, staging), { cwd: ws.absRoot, env: { ...env, ...vcsBuildEnv(member, vcs.get(member.name)) } });
        state.uv = 'done';
        return r;
      });
      if (context.isVerbose) logger.info((result.stderr + result.stdout).trim());
    } catch (err) {
      // Only a failure of uv itself is reported as one; pinning or restoring errors speak for themselves.
      if (state.uv !== 'running' || err instanceof PinRestoreError || /while handling an earlier error/.test((err as Error).message)) throw err;
      throw new Error(
        `uv build of ${name} failed; ${shownPyproject} is back as it was and ${shownOut} was left as it was.\n${(err as Error).message}`,
      );
    }

    const built = fs.readdirSync(staging).filter((n) => isDistributionArtifact(n) && fs.lstatSync(path.join(staging, n)).isFile());
    const files = built
      .filter((n) => distributionKind(n) !== undefined)
      .sort()
      .map((n) => path.join(staging, n));
    if (!files.some((f) => distributionKind(f) === 'wheel')) {
      throw new Error(`uv build of ${name} reported success but wrote no wheel; ${shownOut} was left as it was`);
    }
    checkVcsVersion(member, vcs.get(member.name), files, shownOut);
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
    emptyOutputDir(outDir, workspaceRoot);
    for (const n of built) fs.copyFileSync(path.join(staging, n), path.join(outDir, n));
    for (const a of audits) if (a.note) logger.warn(`nx-uv build: ${a.file}: ${a.note}`);
    const internal = expectation.versions.size;
    logger.info(
      `nx-uv build: built ${audits.map((a) => a.file).join(', ')} in ${shownOut}` +
        (internal > 0 ? `; every internal requirement is pinned exactly (${[...expectation.versions].map(([n, v]) => `${n}==${v}`).join(', ')})` : ''),
    );
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
function checkVcsVersion(member: Member, release: VcsRelease | undefined, files: readonly string[], shownOut: string): void {
  if (member.version.kind !== 'vcs') return;
  const builtVersions = [...new Set(files.map((f) => parseDistributionFilename(path.basename(f))?.version).filter((v): v is string => v !== undefined))];
  const built = builtVersions.join(', ');
  if (!release?.atHead) {
    logger.info(
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
export async function runBuildExecutor(
  options: BuildExecutorOptions,
  context: ExecutorContext,
  deps: BuildDependencies = {},
): Promise<ExecutorResult> {
  return runNxUvExecutor('build', context, () => build(resolveUvProject(context), options, context, deps.env ?? process.env));
}

export default async function buildExecutor(options: BuildExecutorOptions, context: ExecutorContext): Promise<ExecutorResult> {
  return runBuildExecutor(options, context);
}
