/**
 * Nx Release support (`nx release version` / `nx release publish`) for uv members. Nx loads
 * `nx-uv/src/nx-release/version-actions` itself (default export + `afterAllProjectsVersioned`); the
 * rest is exported for tests and tools. Not re-exported from the plugin's main entry point, so the
 * graph plugin never loads nx/release.
 */
export { default as UvVersionActions, afterAllProjectsVersioned } from './version-actions';
export { createAfterAllProjectsVersioned, type AfterAllDependencies, type AfterAllProjectsVersionedHook } from './after-all';
export {
  isRelativeKeyword,
  newVersionLogText,
  pep440NewVersion,
  Pep440ReleaseError,
  RELATIVE_KEYWORDS,
  type NewVersionOptions,
  type NewVersionResult,
  type RelativeKeyword,
} from './new-version';
export {
  currentVersionOf,
  ManifestEditError,
  requirementEdits,
  requirementUpdatesForRelease,
  requirementUpdatesOfMember,
  versionFileEdit,
  versionFileOf,
} from './manifest-edits';
export { highestListedVersion, readRegistryVersion, registryLookupOptions, type RegistryLookupOptions, type RegistryVersion } from './registry-version';
export {
  memberOfProject,
  memberOfProjectName,
  NotAUvReleaseMemberError,
  projectNamesOfMembers,
  relativeToUvRoot,
  treeReader,
  treeWorkspace,
  uvRootOf,
  type UvReleaseMember,
} from './tree-workspace';
