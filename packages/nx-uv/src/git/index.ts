/** Effects over the real `git` binary: one process per operation, never one per package. */
export { readHistory, historyArgs, HistoryParser } from './history';
export type { Commit, ReadHistoryOptions } from './history';
export { listTags, createAnnotatedTag, pushTags, deleteLocalTag, remoteTagCommit } from './tags';
export { assertRefName, assertRemote, GitInputError, refNameProblem } from './ref-names';
export type { TagInfo, TagPattern, CreatedTag, PushOptions, GitEnvOption } from './tags';
export { dirtyFiles, isClean, assertClean, DirtyWorkingTreeError } from './status';
export type { DirtyFile, CleanOptions } from './status';
export { currentCommit, currentBranch, remoteUrl, isAncestor, commitAll, fetchTags } from './repo';
export { runGit, GitError } from './run-git';
export type { GitRunOptions, GitResult } from './run-git';
export { gitHubAuthEnv, remoteAuthEnv } from './github-auth';
