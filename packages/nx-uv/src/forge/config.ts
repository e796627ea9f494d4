/**
 * Where the GitHub client's settings come from: `GITHUB_TOKEN`, `GITHUB_API_URL` (GitHub Enterprise,
 * or the test fake), `GITHUB_REPOSITORY` — else the repository and host parsed from the git remote.
 */
import { remoteUrl } from '../git/repo';
import { GitHubConfigError } from './errors';
import { createGitHubClient, type GitHubClient, type GitHubClientOptions } from './github';
import { apiUrlForHost, parseRemoteUrl, parseRepositorySlug, type RepoRef } from './repository';

export interface GitHubSettings {
  token: string | undefined;
  baseUrl: string;
  repository: RepoRef;
  /** Where the repository came from (for messages): `GITHUB_REPOSITORY` or `git remote origin`. */
  repositorySource: string;
}

export interface ResolveGitHubOptions {
  /** Directory inside the git repository (for the remote fallback). */
  cwd: string;
  /** Remote whose URL names the repository when GITHUB_REPOSITORY is unset. Default `origin`. */
  remote?: string;
  env?: NodeJS.ProcessEnv;
}

/** Reads the settings without requiring a token (dry runs print what they would do). */
export async function resolveGitHubSettings(options: ResolveGitHubOptions): Promise<GitHubSettings> {
  const env = options.env ?? process.env;
  const remote = options.remote ?? 'origin';
  const token = env.GITHUB_TOKEN?.trim() || undefined;
  const apiUrl = env.GITHUB_API_URL?.trim() || undefined;
  if (apiUrl && !/^https?:\/\/[^/\s]+/i.test(apiUrl)) {
    throw new GitHubConfigError(`GITHUB_API_URL must be an http(s) URL such as https://ghe.example.com/api/v3, got ${JSON.stringify(apiUrl)}`);
  }
  const slug = env.GITHUB_REPOSITORY?.trim();
  if (slug) {
    return {
      token,
      baseUrl: apiUrl ?? 'https://api.github.com',
      repository: parseRepositorySlug(slug, 'GITHUB_REPOSITORY'),
      repositorySource: 'GITHUB_REPOSITORY',
    };
  }
  const url = await remoteUrl(options.cwd, remote, { env });
  const parsed = url === undefined ? undefined : parseRemoteUrl(url);
  if (!parsed) {
    const why = url === undefined ? `there is no git remote "${remote}"` : `the URL of git remote "${remote}" names no GitHub repository`;
    throw new GitHubConfigError(
      `cannot tell which GitHub repository to use: GITHUB_REPOSITORY is not set and ${why} in ${options.cwd}; set GITHUB_REPOSITORY=owner/name`,
    );
  }
  return {
    token,
    baseUrl: apiUrl ?? apiUrlForHost(parsed.host),
    repository: { owner: parsed.owner, repo: parsed.repo },
    repositorySource: `git remote ${remote}`,
  };
}

/** A client configured from the environment; throws a GitHubConfigError naming the variable to set. */
export async function gitHubClientFromEnv(
  options: ResolveGitHubOptions & Pick<GitHubClientOptions, 'log' | 'userAgent' | 'retries' | 'retryDelayMs'>,
): Promise<GitHubClient> {
  const settings = await resolveGitHubSettings(options);
  return createGitHubClient({
    token: settings.token,
    baseUrl: settings.baseUrl,
    repository: settings.repository,
    log: options.log,
    userAgent: options.userAgent,
    retries: options.retries,
    retryDelayMs: options.retryDelayMs,
  });
}
