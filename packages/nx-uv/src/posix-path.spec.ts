import * as path from 'node:path';
import { childPath, joinPosix, toPosix } from './posix-path';

describe('toPosix', () => {
  it('turns native separators into /', () => {
    expect(toPosix(['a', 'b', 'c.toml'].join(path.sep))).toBe('a/b/c.toml');
    expect(toPosix('')).toBe('');
  });
});

describe('joinPosix', () => {
  it("joins parts with /, '' standing for the root", () => {
    expect(joinPosix('', 'pyproject.toml')).toBe('pyproject.toml');
    expect(joinPosix('packages', 'a')).toBe('packages/a');
    expect(joinPosix('a/b', 'c/d', 'e')).toBe('a/b/c/d/e');
    expect(joinPosix()).toBe('');
    expect(joinPosix('')).toBe('');
  });

  it('drops empty parts and . segments, keeps .. (no resolution)', () => {
    expect(joinPosix('.', 'a')).toBe('a');
    expect(joinPosix('.', '.')).toBe('');
    expect(joinPosix('./a/', '/b//c/.', '')).toBe('a/b/c');
    expect(joinPosix('a', '..', 'b')).toBe('a/../b');
  });
});

describe('childPath', () => {
  it("puts an entry name under a directory, '' standing for the root", () => {
    expect(childPath('', 'pyproject.toml')).toBe('pyproject.toml');
    expect(childPath('packages', 'a')).toBe('packages/a');
    expect(childPath('packages/a', '.gitignore')).toBe('packages/a/.gitignore');
  });
});
