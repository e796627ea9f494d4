import { zeroMajorPolicyOf } from './options';

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
