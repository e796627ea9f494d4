/** A stateful fake of the GitHub REST API, validated against GitHub's OpenAPI description. Test-only. */
export { startFakeGitHub } from './server';
export type { FakeGitHub, FakeGitHubError, FakeGitHubOptions, FakeRepositoryInit, RecordedRequest } from './server';
export type { FakeDispatch, FakeLabel, FakePull, FakeRelease, FakeRepository } from './state';
export { loadGitHubSpec, matchOperation } from './spec';
