import { DistributionSelectionError, parseDistributionFilename, sameVersion, selectDistributions } from './dist-files';

describe('parseDistributionFilename', () => {
  it.each([
    ['pkg_a-1.2.0-py3-none-any.whl', { kind: 'wheel', name: 'pkg-a', version: '1.2.0' }],
    ['Pkg_B-0.3.0rc1-py2.py3-none-any.whl', { kind: 'wheel', name: 'pkg-b', version: '0.3.0rc1' }],
    ['numpy-2.1.0-1-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl', { kind: 'wheel', name: 'numpy', version: '2.1.0' }],
    ['pkg_a-1.2.0+local.7-py3-none-any.whl', { kind: 'wheel', name: 'pkg-a', version: '1.2.0+local.7' }],
    ['pkg_a-1.2.0.tar.gz', { kind: 'sdist', name: 'pkg-a', version: '1.2.0' }],
    ['pkg-a-1.2.0.tar.gz', { kind: 'sdist', name: 'pkg-a', version: '1.2.0' }], // before PEP 625
    ['zope.interface-6.0.post1.tar.gz', { kind: 'sdist', name: 'zope-interface', version: '6.0.post1' }],
  ])('%s', (filename, expected) => {
    expect(parseDistributionFilename(filename)).toEqual({ filename, ...expected });
  });

  it.each(['pkg_a-1.2.0.zip', 'pkg_a-1.2.0-py3-none.whl', '.gitignore', 'README.md', 'pkg_a.tar.gz', 'pkg_a-1.2.0.tar.gz.asc'])('ignores %s', (filename) =>
    expect(parseDistributionFilename(filename)).toBeUndefined(),
  );
});

describe('sameVersion', () => {
  it('compares by PEP 440', () => {
    expect(sameVersion('1.0', '1.0.0')).toBe(true);
    expect(sameVersion('1.0RC1', '1.0rc1')).toBe(true);
    expect(sameVersion('1.0.post0', '1.0.post')).toBe(true);
    expect(sameVersion('1.0', '1.0.1')).toBe(false);
    expect(sameVersion('1.0+a', '1.0')).toBe(false);
    expect(sameVersion('not-a-version', 'NOT-A-VERSION')).toBe(true);
  });
});

describe('selectDistributions', () => {
  const member = { name: 'pkg-a', distributionName: 'Pkg.A' };
  const files = [
    'pkg_a-1.1.0-py3-none-any.whl',
    'pkg_a-1.1.0.tar.gz',
    'pkg_a-1.2.0.tar.gz',
    'pkg_a-1.2.0-py3-none-any.whl',
    'pkg_ab-1.2.0-py3-none-any.whl',
    '.gitignore',
  ];

  it("picks the member's files of its version, sorted, and sets the others aside", () => {
    expect(selectDistributions(files, member, '1.2', 'dist')).toEqual({
      selected: [
        { filename: 'pkg_a-1.2.0-py3-none-any.whl', kind: 'wheel', name: 'pkg-a', version: '1.2.0' },
        { filename: 'pkg_a-1.2.0.tar.gz', kind: 'sdist', name: 'pkg-a', version: '1.2.0' },
      ],
      otherVersions: [
        { filename: 'pkg_a-1.1.0-py3-none-any.whl', kind: 'wheel', name: 'pkg-a', version: '1.1.0' },
        { filename: 'pkg_a-1.1.0.tar.gz', kind: 'sdist', name: 'pkg-a', version: '1.1.0' },
      ],
      foreign: ['.gitignore', 'pkg_ab-1.2.0-py3-none-any.whl'],
      version: '1.2',
    });
  });

  it('finds nothing when only other versions are there', () => {
    const s = selectDistributions(files, member, '2.0.0', 'dist');
    expect(s.selected).toEqual([]);
    expect(s.otherVersions).toHaveLength(4);
  });

  it('a dynamic version takes the one version present, and refuses to guess among several', () => {
    const one = selectDistributions(['pkg_a-3.0-py3-none-any.whl', 'pkg_a-3.0.0.tar.gz'], member, undefined, 'dist');
    expect(one.version).toBe('3.0');
    expect(one.selected.map((p) => p.filename)).toEqual(['pkg_a-3.0-py3-none-any.whl', 'pkg_a-3.0.0.tar.gz']);
    expect(selectDistributions([], member, undefined, 'dist')).toEqual({ selected: [], otherVersions: [], foreign: [] });
    expect(() => selectDistributions(files, member, undefined, 'py/a/dist')).toThrow(DistributionSelectionError);
    expect(() => selectDistributions(files, member, undefined, 'py/a/dist')).toThrow(
      /py\/a\/dist holds files of Pkg\.A in 2 versions \(1\.1\.0, 1\.2\.0\) and its version is dynamic.*empty the folder and run the build target again/,
    );
  });
});
