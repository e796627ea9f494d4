/**
 * Where the publish executor looks for the built files: the `distPath` option; else the `outputPath`
 * option of the project's build target (so a build configured elsewhere is found); else the plugin
 * option `buildOutputPath`; else `dist`. Always relative to the project root (or absolute).
 */
import type { ExecutorContext } from '@nx/devkit';
import * as path from 'node:path';
import { DEFAULT_BUILD_OUTPUT, DEFAULT_TARGET_NAMES } from '../../options';
import { nxUvPluginOptions } from '../shared';

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
  const pluginOptions = nxUvPluginOptions(context);
  const configured = pluginOptions.targetNames?.build;
  const buildTarget = typeof configured === 'string' && configured !== '' ? configured : DEFAULT_TARGET_NAMES.build;
  const at = (rel: string) => path.resolve(absProjectRoot, rel);
  if (distPath) return { dir: at(distPath), source: 'option distPath', buildTarget };
  const buildOptions = context.projectsConfigurations?.projects?.[projectName]?.targets?.[buildTarget]?.options as Record<string, unknown> | undefined;
  const outputPath = buildOptions?.outputPath;
  if (typeof outputPath === 'string' && outputPath.trim() !== '') {
    return { dir: at(outputPath), source: `outputPath of the ${buildTarget} target`, buildTarget };
  }
  if (typeof pluginOptions.buildOutputPath === 'string' && pluginOptions.buildOutputPath.trim() !== '') {
    return { dir: at(pluginOptions.buildOutputPath), source: 'plugin option buildOutputPath', buildTarget };
  }
  return { dir: at(DEFAULT_BUILD_OUTPUT), source: 'default', buildTarget };
}
