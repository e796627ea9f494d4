/** Helpers every nx-uv executor uses. */
export { nxProjectOf, resolveUvProject, type UvProject } from './uv-project';
export { displayPath } from '../../pin/leftover-pins';
export { reportExecutorError, runNxUvExecutor, type ExecutorLogger, type ExecutorResult } from './run-executor';
export { nxUvPluginOptions } from './plugin-options';
export { assertValidMemberVersions, releaseVersions } from '../../release/member-versions';
export { outsideGroup, publishExclusion, tagSchemeOf } from './exclusion';
