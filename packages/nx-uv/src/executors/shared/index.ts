/** Helpers every nx-uv executor uses. */
export { NotAUvMemberError, nxProjectOf, resolveUvProject, type UvProject } from './uv-project';
export { displayPath, restoreLeftoverPins } from '../../pin/leftover-pins';
export { reportExecutorError, runNxUvExecutor, type ExecutorLogger, type ExecutorResult } from './run-executor';
export { nxUvPluginOptions, PLUGIN_NAME, releaseLabelOf } from './plugin-options';
export { assertValidMemberVersions, invalidMemberVersions, releaseVersions } from '../../release/member-versions';
export { outsideGroup, publishExclusion, tagSchemeOf } from './exclusion';
