/**
 * The `createNodes` tuple: every `pyproject.toml` of the Nx workspace in one batch; one Nx project
 * per uv workspace member (and one for a virtual uv root), nothing for other pyproject.toml files.
 */
import { AggregateCreateNodesError } from '@nx/devkit';
import type { CreateNodesResult, CreateNodesV2 } from '@nx/devkit';
import type { NxUvPluginOptions } from '../options';
import { inferGraph } from './infer-graph';

export const PYPROJECT_GLOB = '**/pyproject.toml';

export async function createNodesFromPyprojects(
  configFiles: readonly string[],
  options: NxUvPluginOptions | undefined,
  context: { workspaceRoot: string; nxJsonConfiguration?: { namedInputs?: Record<string, unknown> } | null },
): Promise<Array<readonly [string, CreateNodesResult]>> {
  // Results are built afresh on every call (never shared with the memo), so Nx may keep or merge them.
  const { results, errors } = inferGraph(configFiles, options, context);
  if (errors.length > 0) throw new AggregateCreateNodesError(errors, results);
  return results;
}

export const createNodes: CreateNodesV2<NxUvPluginOptions> = [
  PYPROJECT_GLOB,
  (configFiles, options, context) => createNodesFromPyprojects(configFiles, options, context),
];
