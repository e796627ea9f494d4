import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { modelUvWorkspace } from './model';
import { treeReader } from './tree-reader';
import { UvWorkspaceError } from './types';

describe('treeReader', () => {
  it('reads below the uv root, lists folders and files, and re-parses a file only when its text changed', () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('py/pyproject.toml', '[tool.uv.workspace]\nmembers = ["packages/*"]\n');
    tree.write('py/packages/a/pyproject.toml', '[project]\nname = "a"\nversion = "1.0.0"\n');
    const reader = treeReader(tree, 'py');
    expect(reader.readText('./packages/a/pyproject.toml')).toContain('name = "a"');
    expect(reader.readText('packages')).toBeUndefined();
    expect(reader.readText('')).toBeUndefined();
    expect(reader.listDir('')?.sort((x, y) => x.name.localeCompare(y.name))).toEqual([
      { name: 'packages', isDirectory: true },
      { name: 'pyproject.toml', isDirectory: false },
    ]);
    expect(reader.listDir('pyproject.toml')).toBeUndefined();
    expect(reader.listDir('missing')).toBeUndefined();

    const first = reader.readToml('packages/a/pyproject.toml');
    expect(reader.readToml('packages/a/pyproject.toml')).toBe(first);
    tree.write('py/packages/a/pyproject.toml', '[project]\nname = "a"\nversion = "1.1.0"\n');
    expect(reader.readToml('packages/a/pyproject.toml')).toEqual({ project: { name: 'a', version: '1.1.0' } });
  });

  it('lets the model read what is only in the tree, and names the file of bad TOML', () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('pyproject.toml', '[tool.uv.workspace]\nmembers = ["libs/*"]\n');
    tree.write('libs/b/pyproject.toml', '[project]\nname = "B_b"\nversion = "0.1.0"\n');
    expect(modelUvWorkspace('/ws', treeReader(tree, '')).members.map((m) => [m.name, m.root])).toEqual([['b-b', 'libs/b']]);
    tree.write('libs/b/pyproject.toml', '[project\n');
    expect(() => modelUvWorkspace('/ws', treeReader(tree, '.'))).toThrow(UvWorkspaceError);
    expect(() => modelUvWorkspace('/ws', treeReader(tree, '.'))).toThrow(/Invalid TOML in libs\/b\/pyproject\.toml at line 1/);
  });
});
