import { auditRequirements, isExactPin } from './build-audit';

describe('isExactPin', () => {
  it.each([
    ['==1.2.0', '1.2.0', true],
    ['==1.2', '1.2.0', true],
    ['==v1.2.0', '1.2.0', true],
    ['===1.2.0', '1.2.0', true],
    ['===1.2', '1.2.0', false],
    ['==1.2.*', '1.2.0', false],
    ['==1.2.1', '1.2.0', false],
    ['>=1.2.0', '1.2.0', false],
    ['==1.2.0,>=1', '1.2.0', false],
    ['~=1.2.0', '1.2.0', false],
    ['', '1.2.0', false],
    ['==0.3.0rc1', '0.3.0rc1', true],
    ['==0.3.0-rc.1', '0.3.0rc1', true],
  ])('%s for %s → %s', (spec, version, ok) => expect(isExactPin(spec, version)).toBe(ok));
});

describe('auditRequirements', () => {
  const expectation = {
    self: 'pkg-c',
    versions: new Map([
      ['pkg-b', '0.3.0rc1'],
      ['pkg-a', '1.2.0'],
    ]),
  };

  it('accepts exact pins with extras and markers, external and self requirements', () => {
    expect(
      auditRequirements(
        'w.whl',
        [
          "Pkg_B[x]==0.3.0rc1 ; (sys_platform != 'win32') and extra == 'e'",
          'pkg.a == 1.2.0',
          'requests>=2',
          "pkg-c[extra]; extra == 'all'",
          'not a requirement ((',
        ],
        expectation,
      ),
    ).toEqual([]);
  });

  it('a member whose version is a development version from git (not at its tag): any exact pin, as a metadata hook writes it', () => {
    const dev = { ...expectation, development: new Set(['pkg-a']) };
    expect(auditRequirements('w.whl', ['pkg-a==1.2.1.dev12+b205ceb3b', 'pkg-b==0.3.0rc1'], dev)).toEqual([]);
    expect(auditRequirements('w.whl', ['pkg-a>=1.2.0'], dev).map((p) => p.reason)).toEqual(['">=1.2.0"']);
    expect(auditRequirements('w.whl', ['pkg-a==1.*'], dev)).toHaveLength(1);
    expect(auditRequirements('w.whl', ['pkg-b==0.3.0rc2'], dev)).toHaveLength(1);
  });

  it('names each unpinned internal requirement, what it found and the version expected', () => {
    const problems = auditRequirements(
      'w.whl',
      ['pkg-b>=0.1', "pkg-a; extra == 'x'", 'pkg-a @ file:///tmp/a.whl', 'pkg-b ==0.2', 'pkg-b[x] (( broken'],
      expectation,
    );
    expect(problems.map((p) => [p.dependency, p.expected, p.reason.replace(/ \(not a .*$/, ' (…)')])).toEqual([
      ['pkg-b', '0.3.0rc1', '">=0.1"'],
      ['pkg-a', '1.2.0', 'no version'],
      ['pkg-a', '1.2.0', 'a direct reference (file:///tmp/a.whl)'],
      ['pkg-b', '0.3.0rc1', '"==0.2"'],
      ['pkg-b', '0.3.0rc1', expect.stringMatching(/^an unreadable requirement/)],
    ]);
    expect(problems.every((p) => p.file === 'w.whl')).toBe(true);
  });
});
