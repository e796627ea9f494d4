import { formatRequirement, parseRequirement, requirementName } from './requirement';
import { Requirement, UvWorkspaceError } from './types';

type Expected = Partial<Omit<Requirement, 'raw'>>;

describe('parseRequirement (PEP 508)', () => {
  const cases: [string, Expected][] = [
    ['requests', { name: 'requests', normalizedName: 'requests', extras: [], specifier: '' }],
    ['Pkg_A', { name: 'Pkg_A', normalizedName: 'pkg-a' }],
    ['pkg-a>=1.0', { name: 'pkg-a', specifier: '>=1.0' }],
    ['pkg-a >= 1.0 , < 2', { specifier: '>=1.0,<2' }],
    ['pkg-a (>=1.0,<2)', { specifier: '>=1.0,<2' }],
    ['pkg-a ( >= 1.0 , < 2 )', { specifier: '>=1.0,<2' }],
    ['pkg-a>=1,', { specifier: '>=1' }], // uv accepts a trailing comma
    ['pkg-a==1.*', { specifier: '==1.*' }],
    ['pkg-a===foobar', { specifier: '===foobar' }],
    ['pkg-a~=1.4.2', { specifier: '~=1.4.2' }],
    ['pkg-a!=1.0.post1,>0.9', { specifier: '!=1.0.post1,>0.9' }],
    ['pkg-a==1.0+local.7', { specifier: '==1.0+local.7' }],
    ['pkg-a==1!2.0', { specifier: '==1!2.0' }],
    ['pkg-a[x]', { extras: ['x'], specifier: '' }],
    ['pkg-a[x,Y_z]>=1', { extras: ['x', 'Y_z'], specifier: '>=1' }],
    ['pkg-a [ x , y ] ( >= 1 )', { extras: ['x', 'y'], specifier: '>=1' }],
    ['pkg-a[]', { extras: [] }],
    ['pkg-a; python_version >= "3.9"', { marker: 'python_version >= "3.9"', specifier: '' }],
    ['pkg-a>=1 ; sys_platform == "linux" and python_version < "3.12"', { specifier: '>=1', marker: 'sys_platform == "linux" and python_version < "3.12"' }],
    ["pkg-a[x]>=1;extra=='test'", { extras: ['x'], specifier: '>=1', marker: "extra=='test'" }],
    [
      'pkg-a; (os_name == "nt" or platform_machine == "x86_64") and implementation_name != "pypy"',
      { marker: '(os_name == "nt" or platform_machine == "x86_64") and implementation_name != "pypy"' },
    ],
    ['pkg-a; "linux" in sys_platform', { marker: '"linux" in sys_platform' }],
    ['pkg-a; python_version not in "3.8 3.9"', { marker: 'python_version not in "3.8 3.9"' }],
    ['pkg-a; os.name == "posix"', { marker: 'os.name == "posix"' }],
    ['pkg-a @ https://example.com/pkg_a-1.0-py3-none-any.whl', { url: 'https://example.com/pkg_a-1.0-py3-none-any.whl', specifier: '' }],
    ['pkg-a@https://example.com/a.whl', { url: 'https://example.com/a.whl' }],
    [
      'pkg-a[x] @ git+https://github.com/o/r.git@v1 ; python_version > "3"',
      { extras: ['x'], url: 'git+https://github.com/o/r.git@v1', marker: 'python_version > "3"' },
    ],
    ['pkg-a @ file:///tmp/pkg-a', { url: 'file:///tmp/pkg-a' }],
    ['   pkg-a   ', { name: 'pkg-a', specifier: '' }],
    ['\tpkg-a\t>=1\t', { name: 'pkg-a', specifier: '>=1' }],
  ];
  it.each(cases)('%j', (raw, expected) => {
    const requirement = parseRequirement(raw);
    expect(requirement.raw).toBe(raw);
    expect(requirement).toMatchObject(expected);
    if (!('url' in expected)) expect(requirement.url).toBeUndefined();
    if (!('marker' in expected)) expect(requirement.marker).toBeUndefined();
  });

  const bad: [string, RegExp][] = [
    ['', /empty requirement/],
    ['   ', /empty requirement/],
    ['>=1.0', /expected distribution name/],
    ['_pkg', /not a valid distribution name/],
    ['pkg.', /not a valid distribution name/],
    ['pkg a', /expected a version operator/],
    ['pkg[a,]', /not a valid extra name|expected extra name/],
    ['pkg[a', /expected ',' or '\]'/],
    ['pkg[-a]', /expected extra name|not a valid extra name/],
    ['pkg (>=1', /expected '\)'/],
    ['pkg ()', /expected a version operator/],
    ['pkg==', /expected a version after `==`/],
    ['pkg <>1', /expected a version after `<`/],
    ['pkg=1', /expected a version operator/],
    ['pkg==1.0 and', /unexpected `and`/],
    ['pkg>=1 ; ', /empty marker/],
    ['pkg; bar == "1"', /unknown marker variable 'bar'/],
    ['pkg; python_version == "3" and and', /expected a marker variable/],
    ['pkg; python_version', /expected a comparison operator/],
    ['pkg; (python_version == "3"', /expected '\)'/],
    ['pkg; python_version == "3', /unterminated string/],
    ['pkg @ ', /expected a URL/],
    ['pkg @ https://x.org/a.whl extra', /unexpected `extra`/],
  ];
  it.each(bad)('rejects %j', (raw, message) => {
    let thrown: unknown;
    try {
      parseRequirement(raw);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UvWorkspaceError);
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).toContain(`\`${raw}\``);
  });
});

describe('requirementName', () => {
  it.each([
    ['pkg-a>=1', 'pkg-a'],
    ['  Pkg_A [x]', 'Pkg_A'],
    ['pkg', 'pkg'],
    ['>=1', ''],
  ])('%j → %j', (raw, name) => expect(requirementName(raw)).toBe(name));
});

describe('formatRequirement', () => {
  it.each([
    ['pkg-a', 'pkg-a'],
    ['Pkg_A [ x , y ] ( >= 1.0 , < 2 ) ;python_version>="3.9"', 'Pkg_A[x,y]>=1.0,<2; python_version>="3.9"'],
    ['pkg-a @ https://x.org/a.whl ; os_name == "nt"', 'pkg-a @ https://x.org/a.whl ; os_name == "nt"'],
    ['pkg-a[x]@https://x.org/a.whl', 'pkg-a[x] @ https://x.org/a.whl'],
  ])('%j → %j', (raw, formatted) => {
    expect(formatRequirement(parseRequirement(raw))).toBe(formatted);
  });

  it('round-trips: parse(format(r)) has the same parts', () => {
    for (const raw of ['a[b,c]>=1,<2,!=1.5; python_version < "3.11" or os_name == "nt"', 'b @ file:///x ; extra == "y"', 'c']) {
      const first = parseRequirement(raw);
      const second = parseRequirement(formatRequirement(first));
      expect({ ...second, raw: '' }).toEqual({ ...first, raw: '' });
    }
  });

  it('writes a pinned version into an edited requirement', () => {
    const requirement = { ...parseRequirement('pkg-b[x]>=0.1 ; python_version >= "3.9"'), specifier: '==1.2.3' };
    expect(formatRequirement(requirement)).toBe('pkg-b[x]==1.2.3; python_version >= "3.9"');
  });

  it('refuses a requirement with both a URL and specifiers', () => {
    expect(() => formatRequirement({ ...parseRequirement('a @ https://x.org/a.whl'), specifier: '>=1' })).toThrow(/both a URL and version specifiers/);
  });
});

describe('parseRequirement: the compact form (one regexp match) agrees with the full scanner', () => {
  // A leading blank never matches the compact form, so `' ' + raw` always goes through the scanner.
  const outcome = (raw: string): unknown => {
    try {
      const { raw: _ignored, ...parts } = parseRequirement(raw);
      return parts;
    } catch (error) {
      return `error: ${(error as Error).message.replace(/ \(at position \d+\)/, '').replace(/requirement `[^`]*`/, 'requirement')}`;
    }
  };
  const names = ['a', 'Pkg_A', 'pkg-a', 'x.y', '_a', 'a_', 'a-', '-a', 'a..b', 'A1'];
  const extras = ['', '[x]', '[x,Y_z]', '[]', '[x,]', '[,x]', '[-x]', '[x_]', '[x.y,z]'];
  const specifiers = [
    '',
    '>=1',
    '==1.*',
    '===x',
    '!=1.0.post1,>0.9',
    '~=1.4',
    '<2',
    '>1,<=2,!=1.5',
    '==1!2.0',
    '==1.0+local.7',
    '>=',
    '=>1',
    '>=1,',
    '<>1',
    '==1!=2',
    '>=1,,<2',
    '~1',
  ];
  const cases: string[] = [];
  for (const name of names) for (const extra of extras) for (const specifier of specifiers) cases.push(name + extra + specifier);

  it(`on ${names.length * extras.length * specifiers.length} generated strings, valid and invalid`, () => {
    let compact = 0;
    for (const raw of cases) {
      const viaScanner = outcome(' ' + raw);
      expect([raw, outcome(raw)]).toEqual([raw, viaScanner]);
      if (typeof viaScanner !== 'string') compact++;
    }
    expect(compact).toBeGreaterThan(300); // the generator does exercise the valid form
  });
});
