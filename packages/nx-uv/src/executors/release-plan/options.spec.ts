import { parseReleaseAs, zeroMajorPolicyOf } from './options';

describe('zeroMajorPolicyOf (plugin options)', () => {
  it.each([
    [{}, 'features-minor'],
    [{ zeroMajorPolicy: 'cargo' }, 'cargo'],
    [{ majorOnZero: true }, 'semver'],
    [{ majorOnZero: false }, 'features-minor'],
    [{ majorOnZero: true, zeroMajorPolicy: 'semver' }, 'semver'],
  ])('%j → %s', (plugin, expected) => {
    expect(zeroMajorPolicyOf(plugin as never)).toBe(expected);
  });

  it.each([
    [{ zeroMajorPolicy: 'loose' }, /zeroMajorPolicy "loose" \(nx\.json\) must be one of features-minor, cargo, semver/],
    [{ majorOnZero: 'yes' }, /majorOnZero \(nx\.json\) must be true or false/],
    [{ majorOnZero: true, zeroMajorPolicy: 'cargo' }, /contradict each other/],
  ])('refuses %j', (plugin, message) => {
    expect(() => zeroMajorPolicyOf(plugin as never)).toThrow(message);
  });
});

describe('parseReleaseAs (--releaseAs)', () => {
  it('reads package=version pairs', () => {
    expect(parseReleaseAs('core=2.0.0, my_lib=1.0.0rc1')).toEqual({ core: '2.0.0', my_lib: '1.0.0rc1' });
  });
  it('refuses anything else, naming the part', () => {
    expect(() => parseReleaseAs('core:2.0.0')).toThrow('nx-uv: --releaseAs takes <package>=<version>[,<package>=<version>], got "core:2.0.0"');
  });
});
