import { execFileSync } from 'node:child_process';
import { createTestRepo } from '../testing/git-repo';
import { gitHubAuthEnv } from './github-auth';

describe('gitHubAuthEnv', () => {
  const env = { GITHUB_TOKEN: 'ghs_secret0123456789' };
  const basic = Buffer.from('x-access-token:ghs_secret0123456789').toString('base64');

  it('gives git an extraheader for https remotes on the GitHub server, in the environment only', () => {
    expect(gitHubAuthEnv('https://github.com/acme/repo.git', env)).toEqual({
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.https://github.com/.extraheader',
      GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}`,
    });
    expect(gitHubAuthEnv('https://ghe.acme.example/o/r', { ...env, GITHUB_SERVER_URL: 'https://ghe.acme.example', GIT_CONFIG_COUNT: '2' })).toEqual({
      GIT_CONFIG_COUNT: '3',
      GIT_CONFIG_KEY_2: 'http.https://ghe.acme.example/.extraheader',
      GIT_CONFIG_VALUE_2: `AUTHORIZATION: basic ${basic}`,
    });
  });

  it.each([
    ['no token', 'https://github.com/o/r', {}],
    ['another host', 'https://gitlab.com/o/r', env],
    ['ssh', 'git@github.com:o/r.git', env],
    ['a local path', '/srv/git/r.git', env],
    ['credentials in the URL already', 'https://me:pw@github.com/o/r', env],
  ])('%s: nothing', (_label, url, e) => {
    expect(gitHubAuthEnv(url, e as NodeJS.ProcessEnv)).toEqual({});
  });

  it('git reads it from the environment (and .git/config never holds it)', () => {
    const repo = createTestRepo({ initialCommit: true });
    try {
      const auth = gitHubAuthEnv('https://github.com/acme/repo.git', env);
      const seen = execFileSync('git', ['config', '--get', 'http.https://github.com/.extraheader'], {
        cwd: repo.dir,
        env: { ...process.env, ...auth },
        encoding: 'utf8',
      });
      expect(seen.trim()).toBe(`AUTHORIZATION: basic ${basic}`);
      expect(repo.git(['config', '--list', '--local'])).not.toContain('extraheader');
    } finally {
      repo.cleanup();
    }
  });
});
