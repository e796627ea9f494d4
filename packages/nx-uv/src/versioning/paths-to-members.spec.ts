import { mapPathsToMembers, memberForPath } from './paths-to-members';

const withRoot = [
  { name: 'app', root: '.' },
  { name: 'pkg-a', root: 'packages/pkg-a' },
  { name: 'pkg-a-plugin', root: 'packages/pkg-a/plugins/plugin' },
  { name: 'pkg-ab', root: 'packages/pkg-ab' },
];
const virtual = [
  { name: 'pkg-a', root: 'packages/pkg-a' },
  { name: 'pkg-b', root: './packages/pkg-b/' },
];

describe('memberForPath', () => {
  it.each([
    ['packages/pkg-a/src/a.py', 'pkg-a'],
    ['packages/pkg-a/pyproject.toml', 'pkg-a'],
    ['packages/pkg-a/plugins/plugin/x.py', 'pkg-a-plugin'],
    ['packages/pkg-a/plugins/other.py', 'pkg-a'],
    ['packages/pkg-ab/x.py', 'pkg-ab'],
    ['packages/pkg-abc/x.py', 'app'],
    ['README.md', 'app'],
    ['uv.lock', 'app'],
    ['./packages/pkg-a/a.py', 'pkg-a'],
  ])('with a root member: %s → %s', (p, expected) => {
    expect(memberForPath(p, withRoot)).toBe(expected);
  });

  it.each([
    ['packages/pkg-b/b.py', 'pkg-b'],
    ['packages/pkg-a/a.py', 'pkg-a'],
    ['README.md', undefined],
    ['packages/pkg-c/c.py', undefined],
    ['../outside.py', undefined],
  ])('with a virtual root: %s → %s', (p, expected) => {
    expect(memberForPath(p, virtual)).toBe(expected);
  });

  it('a virtual root passed as a nameless member owns nothing', () => {
    expect(memberForPath('README.md', [{ name: '', root: '.' }, ...virtual])).toBeUndefined();
  });
});

describe('mapPathsToMembers', () => {
  it('returns each member once, sorted, ignoring files outside members', () => {
    expect(mapPathsToMembers(['packages/pkg-b/b.py', 'docs/index.md', 'packages/pkg-a/a.py', 'packages/pkg-b/c.py'], virtual)).toEqual(['pkg-a', 'pkg-b']);
    expect(mapPathsToMembers([], virtual)).toEqual([]);
  });
});
