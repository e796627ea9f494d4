import { isValidName, normalizeName } from './normalize-name';

describe('normalizeName (PEP 503)', () => {
  it.each([
    ['pkg-a', 'pkg-a'],
    ['Pkg_A', 'pkg-a'],
    ['PKG.A', 'pkg-a'],
    ['pkg__a', 'pkg-a'],
    ['pkg-_.-a', 'pkg-a'],
    ['Friendly-Bard', 'friendly-bard'],
    ['FRIENDLY.BARD', 'friendly-bard'],
    ['friendly_bard', 'friendly-bard'],
    ['friendly--bard', 'friendly-bard'],
    ['FrIeNdLy-._.-bArD', 'friendly-bard'],
    ['a1', 'a1'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeName(input)).toBe(expected);
  });

  it('is stable when called repeatedly (memoised)', () => {
    expect(normalizeName('Some_Pkg')).toBe('some-pkg');
    expect(normalizeName('Some_Pkg')).toBe('some-pkg');
  });
});

describe('isValidName (PEP 508 names)', () => {
  it.each(['a', 'A1', 'pkg-a', 'pkg_a.b', 'x1-2_3.4'])('accepts %s', (name) => expect(isValidName(name)).toBe(true));
  it.each(['', '_pkg', 'pkg.', '-pkg', 'pkg a', 'pkg/a', 'pké'])('rejects %j', (name) => expect(isValidName(name)).toBe(false));
});
