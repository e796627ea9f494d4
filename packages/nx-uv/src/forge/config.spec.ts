import { createTestRepo, type TestRepo } from '../testing/git-repo';
import { startFakeGitHub } from '../testing/github-fake';
import { gitHubClientFromEnv, resolveGitHubSettings } from './config';
import { GitHubConfigError } from './errors';
import { apiUrlForHost, parseRemoteUrl, parseRepositorySlug } from './repository';

describe('parseRemoteUrl', () => {
  it.each([
    ['https://github.com/octo-org/octo-repo.git', { host: 'github.com', owner: 'octo-org', repo: 'octo-repo' }],
    ['https://github.com/octo-org/octo-repo', { host: 'github.com', owner: 'octo-org', repo: 'octo-repo' }],
    ['https://x-access-token:ghs_abc@github.com/octo-org/octo-repo.git/', { host: 'github.com', owner: 'octo-org', repo: 'octo-repo' }],
    ['http://ghe.corp.example:8080/team/app.git', { host: 'ghe.corp.example', owner: 'team', repo: 'app' }],
    ['https://ghe.corp.example/prefix/team/app', { host: 'ghe.corp.example', owner: 'team', repo: 'app' }],
    ['git@github.com:octo-org/octo-repo.git', { host: 'github.com', owner: 'octo-org', repo: 'octo-repo' }],
    ['git@ghe.corp.example:team/my.app.git', { host: 'ghe.corp.example', owner: 'team', repo: 'my.app' }],
    ['ssh://git@ssh.github.com:443/octo-org/octo-repo.git', { host: 'ssh.github.com', owner: 'octo-org', repo: 'octo-repo' }],
    ['git+ssh://git@GHE.corp.example/team/app', { host: 'ghe.corp.example', owner: 'team', repo: 'app' }],
    ['git://github.com/octo-org/octo-repo.git', { host: 'github.com', owner: 'octo-org', repo: 'octo-repo' }],
  ])('%s', (url, expected) => {
    expect(parseRemoteUrl(url)).toEqual(expected);
  });

  it.each(['/srv/git/repo.git', 'file:///srv/git/repo.git', 'C:\\repos\\x', 'https://github.com/only-owner', '../relative/repo'])(
    'names no repository: %s',
    (url) => {
      expect(parseRemoteUrl(url)).toBeUndefined();
    },
  );
});

describe('apiUrlForHost and parseRepositorySlug', () => {
  it('maps hosts to API base URLs', () => {
    expect(apiUrlForHost('github.com')).toBe('https://api.github.com');
    expect(apiUrlForHost('ssh.github.com')).toBe('https://api.github.com');
    expect(apiUrlForHost('octo.ghe.com')).toBe('https://api.octo.ghe.com');
    expect(apiUrlForHost('ghe.corp.example')).toBe('https://ghe.corp.example/api/v3');
  });

  it('parses owner/name and names the source on error', () => {
    expect(parseRepositorySlug('octo-org/octo-repo')).toEqual({ owner: 'octo-org', repo: 'octo-repo' });
    expect(() => parseRepositorySlug('octo-org/octo-repo/extra', 'GITHUB_REPOSITORY')).toThrow(/GITHUB_REPOSITORY must be "owner\/name"/);
    expect(() => parseRepositorySlug('', 'GITHUB_REPOSITORY')).toThrow(/GITHUB_REPOSITORY/);
  });
});

describe('resolveGitHubSettings', () => {
  let repo: TestRepo;
  beforeAll(() => {
    repo = createTestRepo({ initialCommit: true });
  });
  afterAll(() => repo.cleanup());

  it('prefers GITHUB_REPOSITORY and GITHUB_API_URL', async () => {
    const settings = await resolveGitHubSettings({
      cwd: repo.dir,
      env: { GITHUB_TOKEN: 't', GITHUB_REPOSITORY: 'a/b', GITHUB_API_URL: 'https://ghe.corp.example/api/v3' },
    });
    expect(settings).toEqual({
      token: 't',
      baseUrl: 'https://ghe.corp.example/api/v3',
      repository: { owner: 'a', repo: 'b' },
      repositorySource: 'GITHUB_REPOSITORY',
    });
    expect((await resolveGitHubSettings({ cwd: repo.dir, env: { GITHUB_REPOSITORY: 'a/b' } })).baseUrl).toBe('https://api.github.com');
  });

  it('falls back to the git remote, with the Enterprise API URL of its host', async () => {
    repo.git(['remote', 'add', 'ghe', 'git@ghe.corp.example:team/app.git']);
    const settings = await resolveGitHubSettings({ cwd: repo.dir, remote: 'ghe', env: { PATH: process.env.PATH } });
    expect(settings).toEqual({
      token: undefined,
      baseUrl: 'https://ghe.corp.example/api/v3',
      repository: { owner: 'team', repo: 'app' },
      repositorySource: 'git remote ghe',
    });
  });

  it('says what to set when neither names a repository', async () => {
    const noRemote = await resolveGitHubSettings({ cwd: repo.dir, remote: 'upstream', env: { PATH: process.env.PATH } }).catch((e: unknown) => e);
    expect(noRemote).toBeInstanceOf(GitHubConfigError);
    expect((noRemote as Error).message).toMatch(/no git remote "upstream".*set GITHUB_REPOSITORY=owner\/name/);
    const localRemote = await resolveGitHubSettings({ cwd: repo.dir, env: { PATH: process.env.PATH } }).catch((e: unknown) => e);
    expect((localRemote as Error).message).toMatch(/git remote "origin" names no GitHub repository/);
    await expect(resolveGitHubSettings({ cwd: repo.dir, env: { GITHUB_REPOSITORY: 'a/b', GITHUB_API_URL: 'ghe.corp' } })).rejects.toThrow(
      /GITHUB_API_URL must be an http\(s\) URL/,
    );
  });

  it('builds a working client from the environment, and asks for GITHUB_TOKEN without one', async () => {
    const fake = await startFakeGitHub();
    try {
      const client = await gitHubClientFromEnv({
        cwd: repo.dir,
        env: { GITHUB_TOKEN: 'secret-token', GITHUB_API_URL: fake.url, GITHUB_REPOSITORY: 'octo-org/octo-repo' },
      });
      expect(client.repository).toBe('octo-org/octo-repo');
      expect(await client.getDefaultBranch()).toBe('main');
      fake.assertNoErrors();
      await expect(gitHubClientFromEnv({ cwd: repo.dir, env: { GITHUB_API_URL: fake.url, GITHUB_REPOSITORY: 'octo-org/octo-repo' } })).rejects.toThrow(
        /GITHUB_TOKEN/,
      );
    } finally {
      await fake.close();
    }
  });
});
