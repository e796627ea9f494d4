import { githubWebUrl } from './repo-url';

describe('githubWebUrl', () => {
  it.each([
    ['https://github.com/octo/repo', 'https://github.com/octo/repo'],
    ['https://github.com/octo/repo.git', 'https://github.com/octo/repo'],
    ['https://x-access-token@github.com/octo/repo.git', 'https://github.com/octo/repo'],
    ['git@github.com:octo/repo.git', 'https://github.com/octo/repo'],
    ['ssh://git@github.com/octo/repo', 'https://github.com/octo/repo'],
    ['https://github.example.com/team/my.repo/', 'https://github.example.com/team/my.repo'],
    ['https://gitlab.com/octo/repo', undefined],
    ['/srv/git/remote.git', undefined],
    ['file:///srv/git/remote.git', undefined],
    ['https://github.com/octo', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%s → %s', (url, expected) => {
    expect(githubWebUrl(url)).toBe(expected);
  });
});
