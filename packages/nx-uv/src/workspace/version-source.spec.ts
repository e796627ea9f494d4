import { findHatchVersion, pythonPatternToRegExp } from './version-source';

describe('findHatchVersion (hatchling regex source)', () => {
  it.each([
    ['__version__ = "1.2.3"\n', '1.2.3'],
    ["__version__ = '1.2.3'\n", '1.2.3'],
    ['VERSION = "2.0.0a1"\n', '2.0.0a1'],
    ['version = "0.3"\n', '0.3'], // (?i)
    ['__version__="v1.0"\n', '1.0'], // leading v stripped
    ['__version__   =   "1.0.post2"\n', '1.0.post2'],
    ['"""Doc."""\nimport os\n\n__version__ = "3.1.4"\n__version__ = "9.9.9"\n', '3.1.4'], // first match
  ])('%j → %s', (text, version) => {
    const match = findHatchVersion(text)!;
    expect(match.version).toBe(version);
    expect(text.slice(match.start, match.end)).toBe(version);
  });

  it.each([
    ['x = "1.0"\n'],
    ['  __version__ = "1.0"\n'], // must start the line
    ['__version__ = 1.0\n'], // not quoted
    ['__version__ = "1.0\'\n'], // mismatched quotes
    ['__version__\t= "1.0"\n'], // only spaces around =
  ])('no match in %j', (text) => {
    expect(findHatchVersion(text)).toBeUndefined();
  });

  it('uses a custom pattern with a `version` group (Python syntax)', () => {
    const text = 'name = "x"\nrelease: 4.5.6 (stable)\n';
    const match = findHatchVersion(text, String.raw`^release: (?P<version>[\d.]+)`)!;
    expect(match.version).toBe('4.5.6');
    expect(text.slice(match.start, match.end)).toBe('4.5.6');
    expect(findHatchVersion('RELEASE: 1.0\n', String.raw`(?i)^release: (?P<version>[\d.]+)`)?.version).toBe('1.0');
    expect(findHatchVersion('release: 1.0\n', String.raw`^release: (?P<other>[\d.]+)`)).toBeUndefined();
  });

  it('translates named backreferences and rejects verbose patterns', () => {
    expect(pythonPatternToRegExp(String.raw`(?P<q>["'])(?P<version>[^"']+)(?P=q)`).exec(`'1.2'`)?.groups?.version).toBe('1.2');
    expect(() => pythonPatternToRegExp('(?x) a b')).toThrow(/verbose/);
  });
});
