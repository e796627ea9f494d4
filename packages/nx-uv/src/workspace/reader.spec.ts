import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, writeTree } from '../testing/tools';
import { cleanRel, diskReader, memoryReader, WorkspaceReader } from './reader';
import { UvWorkspaceError } from './types';

const FILES = {
  'pyproject.toml': '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
  'packages/a/pyproject.toml': '[project]\nname = "a"\n',
  'packages/a/src/a/__init__.py': '__version__ = "1"\n',
  'packages/empty/': '',
};

function sharedBehaviour(name: string, make: () => { reader: WorkspaceReader; done?: () => void }): void {
  describe(name, () => {
    let reader: WorkspaceReader;
    let done: (() => void) | undefined;
    beforeAll(() => ({ reader, done } = make()));
    afterAll(() => done?.());

    it('reads text, undefined when missing or a directory', () => {
      expect(reader.readText('packages/a/src/a/__init__.py')).toBe('__version__ = "1"\n');
      expect(reader.readText('./packages/a/src/a/__init__.py')).toBe('__version__ = "1"\n');
      expect(reader.readText('packages/missing.txt')).toBeUndefined();
      expect(reader.readText('packages/a/pyproject.toml/x')).toBeUndefined();
      expect(reader.readText('packages/a')).toBeUndefined();
    });

    it('parses TOML once and returns the same object', () => {
      const first = reader.readToml('packages/a/pyproject.toml');
      expect(first).toEqual({ project: { name: 'a' } });
      expect(reader.readToml('./packages/a/pyproject.toml')).toBe(first);
      expect(reader.readToml('packages/b/pyproject.toml')).toBeUndefined();
    });

    it('lists directories, including empty ones; undefined for files and missing paths', () => {
      const entries = reader.listDir('packages')!.sort((x, y) => x.name.localeCompare(y.name));
      expect(entries).toEqual([
        { name: 'a', isDirectory: true },
        { name: 'empty', isDirectory: true },
      ]);
      expect(reader.listDir('packages/empty')).toEqual([]);
      expect(
        reader
          .listDir('')!
          .map((e) => e.name)
          .sort(),
      ).toEqual(['packages', 'pyproject.toml']);
      expect(reader.listDir('.')!.length).toBe(2);
      expect(reader.listDir('packages/a/pyproject.toml')).toBeUndefined();
      expect(reader.listDir('nope')).toBeUndefined();
    });
  });
}

sharedBehaviour('memoryReader', () => ({ reader: memoryReader(FILES) }));
sharedBehaviour('diskReader', () => {
  const tmp = makeTempDir();
  writeTree(tmp.dir, Object.fromEntries(Object.entries(FILES).filter(([k]) => !k.endsWith('/'))));
  fs.mkdirSync(path.join(tmp.dir, 'packages/empty'));
  return { reader: diskReader(tmp.dir), done: tmp.cleanup };
});

describe('bad TOML', () => {
  it.each([['memoryReader', (files: Record<string, string>) => memoryReader(files)]])(
    '%s: throws UvWorkspaceError with the file and the line',
    (_name, make) => {
      const reader = make({ 'packages/a/pyproject.toml': '[project]\nname = "a"\ndependencies = [\n  "x",\n  oops\n]\n' });
      let thrown: unknown;
      try {
        reader.readToml('packages/a/pyproject.toml');
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(UvWorkspaceError);
      const error = thrown as UvWorkspaceError;
      expect(error.file).toBe('packages/a/pyproject.toml');
      expect(error.line).toBe(5);
      expect(error.message).toMatch(/Invalid TOML in packages\/a\/pyproject\.toml at line 5/);
      expect(error.message).toMatch(/Fix the TOML syntax/);
    },
  );

  it('diskReader: same error for a file on disk', () => {
    const tmp = makeTempDir();
    try {
      writeTree(tmp.dir, { 'pyproject.toml': '[tool.uv\nmembers = []\n' });
      expect(() => diskReader(tmp.dir).readToml('pyproject.toml')).toThrow(/Invalid TOML in pyproject\.toml at line 1/);
    } finally {
      tmp.cleanup();
    }
  });

  it('accepts comments and trailing commas in arrays', () => {
    const reader = memoryReader({ 'p.toml': 'deps = [\n  "a", # first\n  "b",  # second\n]\n' });
    expect(reader.readToml('p.toml')).toEqual({ deps: ['a', 'b'] });
  });
});

describe('diskReader options', () => {
  it('memoise: false parses on every call', () => {
    const tmp = makeTempDir();
    try {
      writeTree(tmp.dir, { 'a.toml': 'x = 1\n' });
      const reader = diskReader(tmp.dir, { memoise: false });
      const first = reader.readToml('a.toml');
      expect(reader.readToml('a.toml')).not.toBe(first);
      expect(reader.readToml('a.toml')).toEqual({ x: 1 });
    } finally {
      tmp.cleanup();
    }
  });

  it('reports a symlink to a directory as a directory', () => {
    const tmp = makeTempDir();
    try {
      writeTree(tmp.dir, { 'real/pyproject.toml': '' });
      fs.symlinkSync(path.join(tmp.dir, 'real'), path.join(tmp.dir, 'link'));
      fs.symlinkSync(path.join(tmp.dir, 'nowhere'), path.join(tmp.dir, 'dangling'));
      const entries = diskReader(tmp.dir)
        .listDir('')!
        .sort((x, y) => x.name.localeCompare(y.name));
      expect(entries).toEqual([
        { name: 'dangling', isDirectory: false },
        { name: 'link', isDirectory: true },
        { name: 'real', isDirectory: true },
      ]);
    } finally {
      tmp.cleanup();
    }
  });
});

describe('cleanRel', () => {
  it.each([
    ['', ''],
    ['.', ''],
    ['./', ''],
    ['./a/b', 'a/b'],
    ['a//b/', 'a/b'],
    ['a/./b', 'a/b'],
    ['a/b/../c', 'a/c'],
    ['a/b', 'a/b'],
    ['packages/.hidden/x', 'packages/.hidden/x'],
  ])('%j → %j', (input, output) => expect(cleanRel(input)).toBe(output));
});
