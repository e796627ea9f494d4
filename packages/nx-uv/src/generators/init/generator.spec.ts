import { logger, readNxJson, updateNxJson } from '@nx/devkit';
import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { initGenerator } from './generator';

function nxUvEntries(tree: Tree): unknown[] {
  return (readNxJson(tree)?.plugins ?? []).filter((p) => p === 'nx-uv' || (typeof p === 'object' && p !== null && p.plugin === 'nx-uv'));
}

beforeEach(() => {
  jest.spyOn(logger, 'info').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

describe('nx-uv:init', () => {
  it('registers the plugin with an explicit tag format and ignores .nx/, .nx-uv/ and dist/', async () => {
    const tree = createTreeWithEmptyWorkspace();
    const before = readNxJson(tree)!;
    const callback = await initGenerator(tree, {});
    const after = readNxJson(tree)!;
    expect(after.plugins).toEqual([{ plugin: 'nx-uv', options: { tagFormat: '{name}-v{version}' } }]);
    // Everything else in nx.json is untouched.
    expect({ ...after, plugins: undefined }).toEqual({ ...before, plugins: undefined });
    expect(tree.read('.gitignore', 'utf-8')).toBe('# nx-uv: Nx cache and workspace data, pin journal and state, Python build output\n.nx/\n.nx-uv/\ndist/\n');
    expect(typeof callback).toBe('function');
    expect(() => callback()).not.toThrow();
  });

  it('is idempotent: a second and third run change nothing', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('.gitignore', 'node_modules\n');
    await initGenerator(tree, {});
    const nxJson = tree.read('nx.json', 'utf-8');
    const gitignore = tree.read('.gitignore', 'utf-8');
    await initGenerator(tree, { skipFormat: true, keepExistingVersions: true });
    await initGenerator(tree, {});
    expect(tree.read('nx.json', 'utf-8')).toBe(nxJson);
    expect(tree.read('.gitignore', 'utf-8')).toBe(gitignore);
    expect(nxUvEntries(tree)).toHaveLength(1);
    expect(gitignore).toBe('node_modules\n\n# nx-uv: Nx cache and workspace data, pin journal and state, Python build output\n.nx/\n.nx-uv/\ndist/\n');
  });

  it.each([
    ['a string', 'nx-uv'],
    ['an object with options', { plugin: 'nx-uv', options: { tagFormat: 'v{version}', workspaceProjectName: 'py' } }],
    ['an object with include', { plugin: 'nx-uv', include: ['py/**'] }],
  ])('keeps an existing registration as %s exactly as it is', async (_label, entry) => {
    const tree = createTreeWithEmptyWorkspace();
    const nxJson = readNxJson(tree)!;
    nxJson.plugins = ['@nx/js/typescript', entry as string];
    updateNxJson(tree, nxJson);
    await initGenerator(tree, {});
    expect(readNxJson(tree)!.plugins).toEqual(['@nx/js/typescript', entry]);
  });

  it('appends after other plugins', async () => {
    const tree = createTreeWithEmptyWorkspace();
    const nxJson = readNxJson(tree)!;
    nxJson.plugins = [{ plugin: '@nx/js/typescript', options: {} }];
    updateNxJson(tree, nxJson);
    await initGenerator(tree, {});
    expect(readNxJson(tree)!.plugins).toEqual([
      { plugin: '@nx/js/typescript', options: {} },
      { plugin: 'nx-uv', options: { tagFormat: '{name}-v{version}' } },
    ]);
  });

  it.each([
    ['dist', 'dist\n'],
    ['dist/', 'dist/\n'],
    ['**/dist/', '**/dist/\n'],
    ['.nx-uv and dist', '.nx-uv\ndist\n'],
  ])('does not add a line that an existing one (%s) already covers', async (_label, existing) => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('.gitignore', existing);
    await initGenerator(tree, {});
    const lines = tree.read('.gitignore', 'utf-8')!.split('\n');
    expect(lines.filter((l) => /dist/.test(l))).toHaveLength(1);
    expect(lines.filter((l) => /\.nx-uv/.test(l))).toHaveLength(1);
  });

  it('still adds dist/ when only the workspace root dist is ignored (/dist)', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('.gitignore', '/dist\n.nx-uv/\n/.nx');
    await initGenerator(tree, {});
    // `/.nx` already ignores Nx's folder at the root, where it lives: not added again.
    expect(tree.read('.gitignore', 'utf-8')).toBe(
      '/dist\n.nx-uv/\n/.nx\n\n# nx-uv: Nx cache and workspace data, pin journal and state, Python build output\ndist/\n',
    );
  });

  it('ignores a custom build output folder from the plugin options', async () => {
    const tree = createTreeWithEmptyWorkspace();
    const nxJson = readNxJson(tree)!;
    nxJson.plugins = [{ plugin: 'nx-uv', options: { buildOutputPath: 'build/python' } }];
    updateNxJson(tree, nxJson);
    await initGenerator(tree, {});
    expect(tree.read('.gitignore', 'utf-8')).toContain('\n.nx-uv/\n**/build/python/\n');
  });

  it('works when nx.json has no plugins array and creates .gitignore when absent', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('nx.json', '{}');
    tree.delete('.gitignore');
    await initGenerator(tree, {});
    expect(readNxJson(tree)).toEqual({ plugins: [{ plugin: 'nx-uv', options: { tagFormat: '{name}-v{version}' } }] });
    expect(tree.exists('.gitignore')).toBe(true);
  });

  it('names nx.json and the plugin when the registered options are not an object', async () => {
    const tree = createTreeWithEmptyWorkspace();
    const nxJson = readNxJson(tree)!;
    nxJson.plugins = [{ plugin: 'nx-uv', options: 'oops' }];
    updateNxJson(tree, nxJson);
    await expect(initGenerator(tree, {})).rejects.toThrow(/nx\.json: plugins\[0\] \(nx-uv\) has "options" that is not an object/);
  });
});
