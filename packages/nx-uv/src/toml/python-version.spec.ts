import { readPythonVersionAssignment, setPythonVersionAssignment } from './python-version';

describe('setPythonVersionAssignment', () => {
  it('replaces only the version in a double-quoted __version__ line', () => {
    const input = '"""Package."""\n# __version__ = "0.0.0" in a comment is not it\n__version__ = "1.2.3"  # bumped by nx-uv\nx = "1.2.3"\n';
    const out = setPythonVersionAssignment(input, '1.3.0', 'src/a/__about__.py');
    expect(out).toBe(input.replace('__version__ = "1.2.3"', '__version__ = "1.3.0"'));
  });

  it('keeps single quotes, a v prefix and CRLF line endings', () => {
    const input = "import x\r\nVERSION = 'v1.2.3'\r\n__version__ = '9.9.9'\r\n";
    const out = setPythonVersionAssignment(input, '2.0.0rc1', 'v.py');
    expect(out).toBe("import x\r\nVERSION = 'v2.0.0rc1'\r\n__version__ = '9.9.9'\r\n");
    expect(readPythonVersionAssignment(out, 'v.py')).toBe('2.0.0rc1');
  });

  it('follows hatch: case-insensitive name, spaces only, start of line', () => {
    expect(setPythonVersionAssignment('version   =   "1"\n', '2', 'f.py')).toBe('version   =   "2"\n');
    expect(() => setPythonVersionAssignment('    __version__ = "1"\n__version__: str = "1"\n', '2', 'pkg/f.py')).toThrow(
      /pkg\/f\.py: no version assignment found/,
    );
  });

  it('takes a project pattern written for Python re', () => {
    const input = 'release = {"v": "1.0"}\n';
    const out = setPythonVersionAssignment(input, '1.1', 'f.py', String.raw`"v": "(?P<version>[^"]+)"`);
    expect(out).toBe('release = {"v": "1.1"}\n');
    expect(() => setPythonVersionAssignment(input, '1.1', 'f.py', '"v": "([^"]+)"')).toThrow(/no group named `version`/);
  });

  it('refuses a value that would break the Python string', () => {
    expect(() => setPythonVersionAssignment('__version__ = "1"\n', '1"; import os', 'f.py')).toThrow(/f\.py: refusing/);
  });
});
