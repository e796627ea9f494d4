/**
 * nx-uv: the Nx plugin entry. Nx 23 reads `createNodes`, Nx 21–22 `createNodesV2` (the same tuple).
 * Executors and generators are loaded by Nx from executors.json / generators.json, not from here,
 * so loading the plugin only loads the graph inference; the pre-tasks hook loads its code when called.
 */
import type { PreTasksExecution } from '@nx/devkit';
import { createDependencies, createNodes } from './graph';
import type { NxUvPluginOptions } from './options';

export type { NxUvPluginOptions } from './options';
export { createNodes, createDependencies };
export const createNodesV2 = createNodes;

/** Restores leftover pins and refuses runtime dependency cycles before Nx runs any task (hooks/pre-tasks). */
export const preTasksExecution: PreTasksExecution<NxUvPluginOptions> = async (options, context) => {
  const hook = await import('./hooks/pre-tasks');
  hook.preTasksExecution(options, context);
};
