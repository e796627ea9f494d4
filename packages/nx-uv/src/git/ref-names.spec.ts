import { execFileSync } from 'node:child_process';
import { assertRemote, refNameProblem } from './ref-names';

/** git's own verdict on `refs/tags/<name>`. */
function gitAccepts(name: string): boolean {
  try {
    execFileSync('git', ['check-ref-format', `refs/tags/${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('refNameProblem agrees with git check-ref-format', () => {
  it.each([
    'pkg-v1.2.0',
    'pkg@1.2.0rc1',
    'py/v1.0.0',
    'core@1.7.0',
    'v1.0.0.post1',
    'pkg v1',
    '../pkg-v1',
    'pkg..v1',
    'pkg-v1.lock',
    'pkg/v1.lock/x',
    '$(id)-v1',
    'pkg~1',
    'pkg^1',
    'pkg:1',
    'pkg?1',
    'pkg*1',
    'pkg[1',
    'pkg\\1',
    'pkg@{1}',
    '.pkg-v1',
    'a/.b',
    'pkg-v1.',
    'pkg//v1',
    'pkg-v1/',
    'tab\tv1',
  ])('%j', (name) => {
    // `$(id)` has no forbidden character for git: it is only dangerous in a shell, and nx-uv never uses one.
    expect({ name, valid: refNameProblem(name) === undefined }).toEqual({ name, valid: gitAccepts(name) });
  });
});

it('refuses a leading "-" that git check-ref-format allows in a full ref: `git tag -x` would read it as an option', () => {
  expect(gitAccepts('-pkg-v1')).toBe(true);
  expect(refNameProblem('-pkg-v1')).toBe('it starts with "-" (git would read it as an option)');
});

describe('assertRemote', () => {
  it.each(['origin', 'upstream', 'https://github.com/o/r.git', 'git@github.com:o/r.git', '/srv/git/r.git'])('accepts %j', (remote) => {
    expect(() => assertRemote(remote)).not.toThrow();
  });
  it.each(['--receive-pack=touch /tmp/x', '-oProxyCommand=x', '', 'origin main', 'o\nrigin'])('refuses %j', (remote) => {
    expect(() => assertRemote(remote)).toThrow(/--remote must name a git remote/);
  });
});
