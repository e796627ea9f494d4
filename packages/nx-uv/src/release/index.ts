/**
 * The release glue the release-plan, version and release-pr executors share: plan the whole uv
 * workspace from git (one tag listing, one history read) and write a plan into the files.
 */
export { computeWorkspacePlan, type ComputePlanOptions, type WorkspacePlan } from './compute';
export { readWorkspaceHistory, type ReadWorkspaceHistoryOptions, type WorkspaceHistory } from './history';
export { lastReleaseTags, type ReleaseTag } from './release-tags';
export { tagScheme, assertGroupTagFormat, type FixedGroup, type TagScheme } from './tag-scheme';
export {
  ApplyPlanError,
  changelogPath,
  diskText,
  editOptionsFor,
  planFileEdits,
  planFiles,
  relock,
  sectionKeyPath,
  writeRelease,
  writeVersionInto,
  type EditOptions,
  type FileEdit,
  type WritableVersionSource,
  type WriteReleaseOptions,
  type WrittenRelease,
} from './apply';
export { fixedGroupsOf, resolveReleaseGroup, ReleaseGroupError, type NxProjectLike } from './group';
export {
  assertOnBase,
  planReleasePr,
  renderReleasePrPlan,
  type ReleasePrAlreadyApplied,
  type ReleasePrContent,
  type ReleasePrFacts,
  type ReleasePrNothing,
  type ReleasePrPlan,
  type ReleasePrPlanOptions,
  type ReleasePrPrepare,
} from './release-pr-plan';
export {
  applyReleasePr,
  readReleasePrFacts,
  type ReleasePrApplied,
  type ReleasePrEffects,
  type ReleasePrFactsInput,
  type ReleasePrForge,
  type ReleasePrLog,
} from './release-pr-apply';
export { withFileLock, type FileLockOptions } from '../file-lock';
export { excludedMembers, memberExclusions, type Exclusion } from './exclusions';
export { projectSelector, type ProjectMatcher } from './project-selector';
export { newestChangelogVersion, vcsBuildEnv, vcsReleaseOf, vcsReleases, vcsTagAdvice, type VcsRelease } from './vcs-version';
