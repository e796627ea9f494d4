import { compareVersions, formatVersion, isValidVersion, normalizeVersion, parseVersion, VersionError } from './pep440-version';

describe('normalizeVersion', () => {
  it.each([
    ['1.2.3', '1.2.3'],
    ['1.3.0-rc.2', '1.3.0rc2'],
    ['1.3.0-RC2', '1.3.0rc2'],
    ['1.0c1', '1.0rc1'],
    ['1.0alpha2', '1.0a2'],
    ['1.0.0-beta.3', '1.0.0b3'],
    ['1.0preview3', '1.0rc3'],
    ['1.2.3dev', '1.2.3.dev0'],
    ['1.2.3-dev.4', '1.2.3.dev4'],
    ['1.0.0-1', '1.0.0.post1'],
    ['v1.0', '1.0'],
    ['1!1.2.3', '1!1.2.3'],
    ['0!1.2.3', '1.2.3'],
    ['1.2.3+Local-7_a', '1.2.3+local.7.a'],
    [' 2.0.0rc1.post2.dev3 ', '2.0.0rc1.post2.dev3'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeVersion(input)).toBe(expected);
  });

  it.each(['', '1.2.x', 'latest', '1..2', 'rc1'])('rejects %j with a clear error', (input) => {
    expect(() => normalizeVersion(input, 'pkg-a/pyproject.toml')).toThrow(VersionError);
    expect(() => normalizeVersion(input, 'pkg-a/pyproject.toml')).toThrow(/not a valid PEP 440 version \(pkg-a\/pyproject.toml\)/);
  });
});

describe('parseVersion / formatVersion', () => {
  it('keeps the parts', () => {
    expect(parseVersion('1!2.0b3.post4.dev5+abc')).toEqual({
      epoch: 1,
      release: [2, 0],
      pre: { letter: 'b', number: 3 },
      post: 4,
      dev: 5,
      local: 'abc',
    });
    expect(formatVersion({ epoch: 0, release: [1, 2], pre: { letter: 'rc', number: 1 } })).toBe('1.2rc1');
  });
});

describe('compareVersions', () => {
  it.each([
    ['1.0.dev1', '1.0a1', -1],
    ['1.0a2', '1.0b1', -1],
    ['1.0rc1', '1.0', -1],
    ['1.0', '1.0.post1', -1],
    ['1!0.1', '2.0', 1],
    ['1.3.0rc1', '1.3.0-RC.1', 0],
    ['1.2', '1.2.0', 0],
  ])('%s vs %s', (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b))).toBe(sign);
  });

  it('isValidVersion', () => {
    expect(isValidVersion('1.2.3rc1')).toBe(true);
    expect(isValidVersion('nope')).toBe(false);
  });
});
