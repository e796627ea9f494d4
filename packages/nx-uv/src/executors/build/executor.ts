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
import { readResolvedPluginOptions } from '../../plugin-entry';
import { applyBuild } from '../../release/build-apply';
import { readOutputDir, resolveOutputDir } from '../../release/build-output';
import { planBuild, renderBuildStep, type BuildFacts } from '../../release/build-plan';
import type { VcsRelease } from '../../release/vcs-version';
import type { UvWorkspace } from '../../workspace';
import { releaseVersions, resolveUvProject, runNxUvExecutor, tagSchemeOf, type ExecutorLogger, type ExecutorResult, type UvProject } from '../shared';

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

/** The versions of a uv workspace as build sees them (releaseVersions); a batch reads them once. */
export type ReleasesOf = (
  ws: UvWorkspace,
  context: ExecutorContext,
  env: NodeJS.ProcessEnv,
) => Promise<{ versions: ReadonlyMap<string, string>; vcs: ReadonlyMap<string, VcsRelease> }>;

/** The versions as the executor reads them: in the members' files, or from git tags (releaseVersions). */
export const releaseVersionsOf: ReleasesOf = (ws, context, env) => releaseVersions(ws, tagSchemeOf(context, ws), env);

/**
 * Reads what planBuild needs for `project`'s member: its output folder (resolved from the options,
 * checked: throws on a bad one) and what it holds, the member versions (git, for versions derived
 * from tags). Nothing for a member that is no package.
 */
export async function readBuildFacts(
  project: UvProject,
  options: BuildExecutorOptions,
  context: ExecutorContext,
  env: NodeJS.ProcessEnv,
  releasesOf: ReleasesOf = releaseVersionsOf,
): Promise<BuildFacts> {
  const { workspace: ws, member } = project;
  if (!member.isPackage) return { kind: 'not-a-package', member };
  const outDir = resolveOutputDir(project, options.outputPath ?? readResolvedPluginOptions(context.nxJsonConfiguration).buildOutputPath);
  const { versions, vcs } = await releasesOf(ws, context, env);
  return { kind: 'package', project, outDir, outDirListing: readOutputDir(outDir), versions, vcs };
}

/** The executor with its dependencies injectable (tests give uv's environment). */
export async function runBuildExecutor(options: BuildExecutorOptions, context: ExecutorContext, deps: BuildDependencies = {}): Promise<ExecutorResult> {
  const log = deps.logger ?? logger;
  const env = deps.env ?? process.env;
  return runNxUvExecutor(
    'build',
    context,
    async () => {
      const step = planBuild(await readBuildFacts(resolveUvProject(context), options, context, env));
      for (const line of renderBuildStep(step)) log.info(line);
      if (step.kind === 'build') await applyBuild(step, { env, log, verbose: context.isVerbose });
      return true;
    },
    log,
  );
}

export default async function buildExecutor(options: BuildExecutorOptions, context: ExecutorContext): Promise<ExecutorResult> {
  return runBuildExecutor(options, context);
}
