/**
 * nx-uv: the Nx plugin entry. Nx 23 reads `createNodes`, Nx 21–22 `createNodesV2` (the same tuple).
 * Executors and generators are loaded by Nx from executors.json / generators.json, not from here,
 * so loading the plugin only loads the graph inference.
 */
import { createDependencies, createNodes } from './graph';

export type { NxUvPluginOptions } from './options';
export { createNodes, createDependencies };
export const createNodesV2 = createNodes;
