import { req } from './__fixtures__/requirement';
import { requirementAdmits, updateRequirementSpecifier } from './requirement-update';

describe('updateRequirementSpecifier', () => {
  it.each([
    // Lower bounds follow the release.
    ['pkg-a>=1.2', '1.3.0', 'pkg-a>=1.3.0'],
    ['pkg-a >= 1.2', '1.3.0', 'pkg-a >= 1.3.0'],
    ['pkg-a>1.2', '1.3.0', undefined],
    ['pkg-a>1.3.0', '1.3.0', 'pkg-a>=1.3.0'],
    // Compatible release keeps its precision.
    ['pkg-a~=1.2', '1.3.0', 'pkg-a~=1.3'],
    ['pkg-a~=1.2.0', '1.3.0', 'pkg-a~=1.3.0'],
    ['pkg-a~=1.2', '2.0.0', 'pkg-a~=2.0'],
    ['pkg-a~=1.2', '1.3.0rc1', 'pkg-a~=1.3rc1'],
    // Exact pins.
    ['pkg-a==1.2.0', '1.3.0', 'pkg-a==1.3.0'],
    ['pkg-a===1.2.0', '1.3.0', 'pkg-a===1.3.0'],
    ['pkg-a==1.2.*', '1.3.0', 'pkg-a==1.3.*'],
    ['pkg-a==1.*', '1.3.0', undefined],
    ['pkg-a==1.*', '2.0.0', 'pkg-a==2.*'],
    ['pkg-a==1.2.0', '1.3.0rc2', 'pkg-a==1.3.0rc2'],
    // Ranges: the upper bound stays while it admits the version, else moves up at its own position.
    ['pkg-a>=1,<2', '1.3.0', 'pkg-a>=1.3.0,<2'],
    ['pkg-a>=1, <2', '2.1.0', 'pkg-a>=2.1.0, <3'],
    ['pkg-a>=1.2,<1.4', '1.5.0', 'pkg-a>=1.5.0,<1.6'],
    ['pkg-a>=1.2.0,<1.4.0', '1.5.0', 'pkg-a>=1.5.0,<1.6.0'],
    ['pkg-a>=0.4,<0.5', '0.5.0', 'pkg-a>=0.5.0,<0.6'],
    ['pkg-a>=1,<2', '2.0.0rc1', 'pkg-a>=2.0.0rc1,<3'],
    ['pkg-a>=1,<=1.4', '1.5.0', 'pkg-a>=1.5.0,<=1.5'],
    ['pkg-a>=1,<=1.4', '1.5.1', 'pkg-a>=1.5.1,<=1.5.1'],
    ['pkg-a<2', '1.3.0', undefined],
    ['pkg-a>=1,!=1.3.0', '1.3.0', 'pkg-a>=1.3.0'],
    ['pkg-a>=1,!=1.2.5', '1.3.0', 'pkg-a>=1.3.0,!=1.2.5'],
    ['pkg-a!=1.3.0', '1.3.0', 'pkg-a'],
    // Extras, markers, parentheses and name spelling stay as written.
    ['Pkg_A[x,y]>=1.2', '1.3.0', 'Pkg_A[x,y]>=1.2'.replace('1.2', '1.3.0')],
    ['pkg-a[x] >=1.2 ; python_version >= "3.10"', '1.3.0', 'pkg-a[x] >=1.3.0 ; python_version >= "3.10"'],
    ['pkg-a>=1.2;sys_platform=="linux"', '1.3.0', 'pkg-a>=1.3.0;sys_platform=="linux"'],
    ['pkg-a (>=1.2, <2)', '1.3.0', 'pkg-a (>=1.3.0, <2)'],
    ['pkg-a (!=1.3.0) ; os_name == "nt"', '1.3.0', 'pkg-a ; os_name == "nt"'],
    // Epochs.
    ['pkg-a>=1!1.2', '1!1.3.0', 'pkg-a>=1!1.3.0'],
    // Nothing to change.
    ['pkg-a', '1.3.0', undefined],
    ['pkg-a[x]; python_version >= "3.10"', '1.3.0', undefined],
    ['pkg-a @ file:///somewhere/pkg-a', '1.3.0', undefined],
    ['pkg-a>=1.3.0', '1.3.0', undefined],
  ])('%s with %s → %s', (raw, version, expected) => {
    expect(updateRequirementSpecifier(req(raw), version)).toBe(expected);
  });

  it('names the requirement when a clause cannot be read', () => {
    expect(() => updateRequirementSpecifier(req('pkg-a>=1.2,foo'), '1.3.0')).toThrow(/cannot read the version specifier of "pkg-a>=1.2,foo" \(clause "foo"\)/);
  });
});

describe('requirementAdmits', () => {
  it.each([
    ['pkg-a>=1.2,<2', '1.3.0', true],
    ['pkg-a>=1.2,<2', '2.0.0', false],
    ['pkg-a<2', '2.0.0rc1', false],
    ['pkg-a', '9.9.9', true],
    ['pkg-a @ file:///x', '9.9.9', true],
    ['pkg-a==0.1.0 ; python_version >= "3.10"', '0.1.0', true],
  ])('%s admits %s: %s', (raw, version, expected) => {
    expect(requirementAdmits(req(raw), version)).toBe(expected);
  });
});
