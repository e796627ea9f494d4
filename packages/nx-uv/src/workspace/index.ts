/** The uv workspace model: public API (see CONTRACTS.md, "Workspace model API"). */
export * from './types';
export { normalizeName, isValidName } from './normalize-name';
export { parseRequirement, formatRequirement } from './requirement';
export { validateMarker } from './marker';
export { sortByKey } from './sort-by-key';
export { cleanRel, diskReader, memoryReader, parseTomlText, readUtf8File, UTF8 } from './reader';
export type { WorkspaceReader, DirEntry, DiskReaderOptions } from './reader';
export { treeReader } from './tree-reader';
export type { FileTree, ParsedToml } from './tree-reader';
export { isUvWorkspaceRootToml, modelUvWorkspace, workspaceGlobs, loadUvWorkspace, findUvWorkspaceRoot } from './model';
export {
  topologicalOrder,
  dependentsOf,
  describeCycle,
  DependencyCycleError,
  PUBLISHED_DEPENDENCY_KINDS,
  RELEASE_ORDER_KINDS,
  ALL_DEPENDENCY_KINDS,
  type CycleLink,
} from './order';
export { findHatchVersion } from './version-source';
export type { HatchVersionMatch } from './version-source';
export { compileGlob, matchGlob } from './glob';
