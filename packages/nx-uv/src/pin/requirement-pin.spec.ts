import { pinRequirement, splitRequirement } from './requirement-pin';

describe('pinRequirement', () => {
  it.each([
    ["pkg-a[x] >=1.0 ; python_version>='3.8'", "pkg-a[x]==1.3.0; python_version>='3.8'"],
    ['Pkg_A>=1.0,<2', 'Pkg_A==1.3.0'],
    ['pkg-a', 'pkg-a==1.3.0'],
    ['  pkg-a  ', 'pkg-a==1.3.0'],
    ['pkg-a (>=1.0)', 'pkg-a==1.3.0'],
    ['pkg-a[ x , y ]~=1.0;sys_platform == "linux" and extra == "z"', 'pkg-a[ x , y ]==1.3.0; sys_platform == "linux" and extra == "z"'],
    ['pkg.a==1.0.*', 'pkg.a==1.3.0'],
    ['pkg-a===weird', 'pkg-a==1.3.0'],
    ['pkg-a>=1!2.0+local.1 ;python_version<"3.13"', 'pkg-a==1.3.0; python_version<"3.13"'],
    ['pkg-a @ file:///ws/pkg-a', 'pkg-a==1.3.0'],
    ['pkg-a[x]@ file:///ws/pkg-a;v=1 ; os_name == "nt"', 'pkg-a[x]==1.3.0; os_name == "nt"'],
    ['pkg-a @ https://example.invalid/a.whl', 'pkg-a==1.3.0'],
  ])('%s', (raw, pinned) => {
    expect(pinRequirement(raw, '1.3.0')).toBe(pinned);
  });

  it('pins to prerelease and dev versions as given', () => {
    expect(pinRequirement('pkg-a>=1', '2.0.0rc1')).toBe('pkg-a==2.0.0rc1');
    expect(pinRequirement('pkg-a>=1', '2.0.0.dev3')).toBe('pkg-a==2.0.0.dev3');
  });

  it('rejects what is not a requirement or not a version', () => {
    expect(() => pinRequirement('>=1.0', '1.0')).toThrow(/not a PEP 508 requirement: ">=1.0"/);
    expect(() => pinRequirement('pkg-a[x', '1.0')).toThrow(/unclosed extras/);
    expect(() => pinRequirement('pkg-a >=1.0 garbage', '1.0')).toThrow(/bad version specifier/);
    expect(() => pinRequirement('pkg-a @ file:///x;bad', '1.0')).not.toThrow();
    expect(() => pinRequirement('pkg-a @ file:///x junk', '1.0')).toThrow(/after the URL/);
    expect(() => pinRequirement('pkg-a>=1;', '1.0')).toThrow(/empty marker/);
    expect(() => pinRequirement('pkg-a', 'not a version')).toThrow(/not a PEP 440 version/);
  });

  it('splits into parts as written', () => {
    expect(splitRequirement('Pkg_A [x] @ file:///p ; python_version < "3.9" ')).toEqual({
      name: 'Pkg_A',
      extras: '[x]',
      specifier: '',
      url: 'file:///p',
      marker: 'python_version < "3.9"',
    });
  });
});
