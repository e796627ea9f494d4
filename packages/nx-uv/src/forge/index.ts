/** GitHub effects of nx-uv: release pull request, labels, releases, repository_dispatch. */
export { createGitHubClient, GitHubClient, truncateBody, PULL_REQUEST_BODY_LIMIT, RELEASE_BODY_LIMIT } from './github';
export type {
  GitHubClientOptions,
  GitHubLogger,
  PullRequestSummary,
  ReleasePullRequestInput,
  ReleasePullRequestResult,
  FindMergedReleasePullRequestOptions,
  ReleaseInput,
  ReleaseResult,
} from './github';
export { gitHubClientFromEnv, resolveGitHubSettings } from './config';
export type { GitHubSettings, ResolveGitHubOptions } from './config';
export { GitHubApiError, GitHubConfigError } from './errors';
export type { GitHubValidationError } from './errors';
export { RELEASE_LABEL_PENDING, RELEASE_LABEL_TAGGED, RELEASE_LABEL_STYLES } from './labels';
export type { LabelStyle } from './labels';
export { apiUrlForHost, formatRepository, parseRemoteUrl, parseRepositorySlug } from './repository';
export type { RepoRef, RemoteRepository } from './repository';
export { applyNotify, DEFAULT_NOTIFY_EVENT_TYPE, dryRunNotifyLines, notifyPayload, packagesReleasedAt, planNotify } from './notify';
export type { NotifyClient, NotifyPlan, NotifyPlanInput, ReleasedPackage, ReleaseNotification } from './notify';
