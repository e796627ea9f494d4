/**
 * Where the publish executor looks for the built files: the `distPath` option; else the `outputPath`
 * option of the project's build target (so a build configured elsewhere is found); else the plugin
 * option `buildOutputPath`; else `dist`. Always relative to the project root (or absolute).
 */
import type { ExecutorContext } from '@nx/devkit';
import * as path from 'node:path';
import { DEFAULT_TARGET_NAMES } from '../../options';
import { readPluginOptions, resolvePluginOptions } from '../../plugin-entry';

export interface DistDirChoice {
  /** Absolute folder. */
  dir: string;
  /** Where the choice came from, for messages. */
  source: string;
  /** Name of the project's build target (for "run the build target" hints). */
  buildTarget: string;
}

export function resolveDistDir(
  context: Pick<ExecutorContext, 'nxJsonConfiguration' | 'projectsConfigurations'>,
  projectName: string,
  absProjectRoot: string,
  distPath: string | undefined,
): DistDirChoice {
  const given = readPluginOptions(context.nxJsonConfiguration);
  const plugin = resolvePluginOptions(given);
  // A disabled build target (false): a hand-written one goes by the default name.
  const buildTarget = plugin.targetNames.build ?? DEFAULT_TARGET_NAMES.build;
  const at = (rel: string) => path.resolve(absProjectRoot, rel);
  if (distPath) return { dir: at(distPath), source: 'option distPath', buildTarget };
  const buildOptions = context.projectsConfigurations?.projects?.[projectName]?.targets?.[buildTarget]?.options as Record<string, unknown> | undefined;
  const outputPath = buildOptions?.outputPath;
  if (typeof outputPath === 'string' && outputPath.trim() !== '') {
    return { dir: at(outputPath), source: `outputPath of the ${buildTarget} target`, buildTarget };
  }
  const source = given.buildOutputPath === undefined ? 'default' : 'plugin option buildOutputPath';
  return { dir: at(plugin.buildOutputPath), source, buildTarget };
}
