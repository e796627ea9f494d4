/**
 * The VersionActions class on an in-memory Nx tree (what `nx release version` hands it), with the
 * project graph nx-uv's graph plugin infers.
 */
import { logger, type ProjectGraph, type Tree } from '@nx/devkit';
import { createTree } from '@nx/devkit/testing';
// The tree Nx Release itself uses (test-only: nx-uv's code never imports nx internals).
import { FsTree } from 'nx/src/generators/tree';
import { makeTempDir, writeTree } from '../testing/tools';
import { A, B, C, C_ABOUT, FILES, projectGraph, ROOT, TOOLS } from './__fixtures__/release-workspace';
import { invalidateTreeWorkspace, treeWorkspace } from './tree-workspace';
import UvVersionActions, { afterAllProjectsVersioned } from './version-actions';
import * as versionActionsModule from './version-actions';

type Ctor = ConstructorParameters<typeof UvVersionActions>;

function finalConfig(overrides: Record<string, unknown> = {}): Ctor[2] {
  return {
    specifierSource: 'prompt',
    currentVersionResolver: 'disk',
    currentVersionResolverMetadata: {},
    fallbackCurrentVersionResolver: undefined,
    versionPrefix: 'auto',
    preserveLocalDependencyProtocols: true,
    preserveMatchingDependencyRanges: true,
    adjustSemverBumpsForZeroMajorVersion: true,
    applyPreidToDependents: false,
    versionActionsOptions: {},
    manifestRootsToUpdate: [],
    dockerOptions: {},
    ...overrides,
  } as Ctor[2];
}

const GROUP = { name: '__default__', projects: [], projectsRelationship: 'independent' } as unknown as Ctor[0];

function treeWith(files: Record<string, string>, prefix = ''): Tree {
  const tree = createTree();
  for (const [file, content] of Object.entries(files)) tree.write(prefix + file, content);
  return tree;
}

async function actionsFor(tree: Tree, graph: ProjectGraph, project: string, config = finalConfig()): Promise<UvVersionActions> {
  const actions = new UvVersionActions(GROUP, graph.nodes[project], config);
  await actions.init(tree);
  return actions;
}

const read = (tree: Tree, file: string) => tree.read(file, 'utf-8');

describe('UvVersionActions', () => {
  let tree: Tree;
  const graph = projectGraph();
  beforeEach(() => {
    tree = treeWith(FILES);
  });

  it('is the module shape Nx loads: a default class and a named afterAllProjectsVersioned', async () => {
    expect(versionActionsModule.default).toBe(UvVersionActions);
    expect(typeof afterAllProjectsVersioned).toBe('function');
    const a = await actionsFor(tree, graph, 'pkg-a');
    expect(a.validManifestFilenames).toEqual(['pyproject.toml']);
    expect(a.excludeManifestsFromFormatting).toBe(true);
    expect(a.manifestsToUpdate.map((m) => m.manifestPath)).toEqual(['packages/a/pyproject.toml']);
    await expect(a.validate(tree)).resolves.toBeUndefined();
  });

  describe('readCurrentVersionFromSourceManifest', () => {
    it('reads [project] version, and the hatch version file of a dynamic version', async () => {
      await expect((await actionsFor(tree, graph, 'pkg-a')).readCurrentVersionFromSourceManifest(tree)).resolves.toEqual({
        currentVersion: '1.2.0',
        manifestPath: 'packages/a/pyproject.toml',
      });
      await expect((await actionsFor(tree, graph, 'pkg-c')).readCurrentVersionFromSourceManifest(tree)).resolves.toEqual({
        currentVersion: '1.2.0',
        manifestPath: 'packages/c/src/pkg_c/__about__.py',
      });
    });

    it('reads through the tree, so it sees what this run wrote before anything is on disk', async () => {
      const a = await actionsFor(tree, graph, 'pkg-a');
      await a.updateProjectVersion(tree, '2.0.0b1');
      await expect(a.readCurrentVersionFromSourceManifest(tree)).resolves.toMatchObject({ currentVersion: '2.0.0b1' });
    });

    it('is a clear error (logged, since Nx replaces it) for a VCS-derived version and for the virtual root', async () => {
      const errors: string[] = [];
      const spy = jest.spyOn(logger, 'error').mockImplementation((m) => void errors.push(String(m)));
      try {
        const d = await actionsFor(tree, graph, 'pkg-d');
        await expect(d.readCurrentVersionFromSourceManifest(tree)).rejects.toThrow(
          /version of pkg-d \(packages\/d\/pyproject.toml\) is derived from git tags by hatch-vcs, so no file holds it: set "currentVersionResolver": "git-tag"/,
        );
        const root = await actionsFor(tree, graph, 'uv-workspace');
        await expect(root.readCurrentVersionFromSourceManifest(tree)).rejects.toThrow(/"uv-workspace" \(\.\) is not a member .*virtual root/);
        expect(errors).toHaveLength(2);
        expect(errors[0]).toMatch(/hatch-vcs/);
      } finally {
        spy.mockRestore();
      }
    });
  });

  describe('dependencies', () => {
    it('reads runtime and optional internal requirements as Nx projects (not dependency groups)', async () => {
      expect(await (await actionsFor(tree, graph, 'pkg-b')).readDependencies(tree, graph)).toEqual([
        { source: 'pkg-b', target: 'pkg-a', type: 'static' },
      ]);
      expect(await (await actionsFor(tree, graph, 'pkg-c')).readDependencies(tree, graph)).toEqual([
        { source: 'pkg-c', target: 'pkg-b', type: 'static' },
      ]);
      expect(await (await actionsFor(tree, graph, 'pkg-a')).readDependencies(tree, graph)).toEqual([]);
    });

    it('maps members to projects by root, so renamed projects keep their edges', async () => {
      const renamed = projectGraph();
      renamed.nodes['python-a'] = { ...renamed.nodes['pkg-a'], name: 'python-a' };
      delete renamed.nodes['pkg-a'];
      expect(await (await actionsFor(tree, renamed, 'pkg-b')).readDependencies(tree, renamed)).toEqual([
        { source: 'pkg-b', target: 'python-a', type: 'static' },
      ]);
    });

    it('reads the specifier of a requirement and the array it is in', async () => {
      const b = await actionsFor(tree, graph, 'pkg-b');
      await expect(b.readCurrentVersionOfDependency(tree, graph, 'pkg-a')).resolves.toEqual({
        currentVersion: '>=1.2.0',
        dependencyCollection: 'project.dependencies',
      });
      const c = await actionsFor(tree, graph, 'pkg-c');
      await expect(c.readCurrentVersionOfDependency(tree, graph, 'pkg-b')).resolves.toEqual({
        currentVersion: '>=1.2.0,<2',
        dependencyCollection: 'project.dependencies',
      });
      await expect(c.readCurrentVersionOfDependency(tree, graph, 'pkg-a')).resolves.toEqual({ currentVersion: null, dependencyCollection: null });
      await expect(c.readCurrentVersionOfDependency(tree, graph, 'nope')).resolves.toEqual({ currentVersion: null, dependencyCollection: null });
    });
  });

  describe('updateProjectVersion', () => {
    it('changes only the version string in pyproject.toml (comments and quotes kept byte for byte)', async () => {
      const a = await actionsFor(tree, graph, 'pkg-a');
      const logs = await a.updateProjectVersion(tree, '1.3.0rc1');
      expect(read(tree, 'packages/a/pyproject.toml')).toBe(A.replace('version = "1.2.0"', 'version = "1.3.0rc1"'));
      expect(logs[0]).toBe('✍️  New version 1.3.0rc1 written to manifest: packages/a/pyproject.toml');
    });

    it('writes the normalised PEP 440 form of what it is given', async () => {
      const b = await actionsFor(tree, graph, 'pkg-b');
      await b.updateProjectVersion(tree, '1.3.0-RC.2');
      expect(read(tree, 'packages/b/pyproject.toml')).toBe(B.replace("version = '1.2.0'", "version = '1.3.0rc2'"));
    });

    it('writes the hatch version file of a dynamic version', async () => {
      const c = await actionsFor(tree, graph, 'pkg-c');
      const logs = await c.updateProjectVersion(tree, '1.3.0');
      expect(read(tree, 'packages/c/src/pkg_c/__about__.py')).toBe(C_ABOUT.replace("'1.2.0'", "'1.3.0'"));
      expect(read(tree, 'packages/c/pyproject.toml')).toBe(C);
      expect(logs[0]).toMatch(/written to manifest: packages\/c\/src\/pkg_c\/__about__.py$/);
    });

    it('updates requirements on it that Nx never routes to a dependent: non-packages, the virtual root, dependency groups', async () => {
      const a = await actionsFor(tree, graph, 'pkg-a');
      const logs = await a.updateProjectVersion(tree, '1.3.0');
      expect(read(tree, 'tools/pyproject.toml')).toBe(TOOLS.replace('"pkg-a==1.2.0"', '"pkg-a==1.3.0"'));
      // pkg-b's runtime requirement is pkg-b's own updateProjectDependencies' business; its test group is not.
      expect(read(tree, 'packages/b/pyproject.toml')).toBe(B.replace('test = ["pkg-a==1.2.0"]', 'test = ["pkg-a==1.3.0"]'));
      expect(logs.slice(1).sort()).toEqual([
        '✍️  Updated "pkg-a==1.2.0" to "pkg-a==1.3.0" in packages/b/pyproject.toml (dependency-groups.test)',
        '✍️  Updated "pkg-a==1.2.0" to "pkg-a==1.3.0" in tools/pyproject.toml (project.dependencies)',
      ]);
      const c = await actionsFor(tree, graph, 'pkg-c');
      await c.updateProjectVersion(tree, '1.2.1');
      expect(read(tree, 'pyproject.toml')).toBe(ROOT.replace('"pkg-c==1.2.0"', '"pkg-c==1.2.1"'));
    });

    it('writes no version for a VCS-derived version (the release tag makes it), and says so', async () => {
      const d = await actionsFor(tree, graph, 'pkg-d');
      const logs = await d.updateProjectVersion(tree, '1.0.0');
      expect(logs[0]).toBe('✍️  pkg-d takes its version from git tags (hatch-vcs): nothing written; the release tag of 1.0.0 makes it');
      for (const [file, content] of Object.entries(FILES)) expect({ file, content: read(tree, file) }).toEqual({ file, content });
    });

    it('refuses a version that is not PEP 440', async () => {
      const a = await actionsFor(tree, graph, 'pkg-a');
      await expect(a.updateProjectVersion(tree, 'one-point-three')).rejects.toThrow(/not a valid PEP 440 version/);
      expect(read(tree, 'packages/a/pyproject.toml')).toBe(A);
    });
  });

  describe('updateProjectDependencies', () => {
    it('moves the specifier of a dependency released in this run, keeping name spelling, extras, marker and comment', async () => {
      await (await actionsFor(tree, graph, 'pkg-a')).updateProjectVersion(tree, '1.3.0rc1');
      await (await actionsFor(tree, graph, 'pkg-b')).updateProjectVersion(tree, '1.2.1');
      const b = await actionsFor(tree, graph, 'pkg-b');
      const logs = await b.updateProjectDependencies(tree, graph, { 'pkg-a': '1.3.0rc1' });
      expect(read(tree, 'packages/b/pyproject.toml')).toBe(
        B.replace("version = '1.2.0'", "version = '1.2.1'")
          .replace('"Pkg_A>=1.2.0",  # internal', '"Pkg_A>=1.3.0rc1",  # internal')
          .replace('test = ["pkg-a==1.2.0"]', 'test = ["pkg-a==1.3.0rc1"]'),
      );
      expect(logs).toEqual([
        '✍️  Updated 1 internal requirement in manifest: packages/b/pyproject.toml ("Pkg_A>=1.2.0" → "Pkg_A>=1.3.0rc1")',
      ]);
      const c = await actionsFor(tree, graph, 'pkg-c');
      await c.updateProjectDependencies(tree, graph, { 'pkg-b': '1.2.1' });
      expect(read(tree, 'packages/c/pyproject.toml')).toBe(
        C.replace(`"pkg-b[fast] >=1.2.0, <2 ; python_version >= '3.8'"`, `"pkg-b[fast] >=1.2.1, <2 ; python_version >= '3.8'"`),
      );
    });

    it('keeps its cached model equal to a fresh model of the tree after a whole run of writes', async () => {
      await (await actionsFor(tree, graph, 'pkg-a')).updateProjectVersion(tree, '1.3.0rc1');
      await (await actionsFor(tree, graph, 'pkg-b')).updateProjectVersion(tree, '1.2.1');
      await (await actionsFor(tree, graph, 'pkg-c')).updateProjectVersion(tree, '1.2.1');
      await (await actionsFor(tree, graph, 'pkg-b')).updateProjectDependencies(tree, graph, { 'pkg-a': '1.3.0rc1' });
      await (await actionsFor(tree, graph, 'pkg-c')).updateProjectDependencies(tree, graph, { 'pkg-b': '1.2.1' });
      const cached = treeWorkspace(tree, '.');
      invalidateTreeWorkspace(tree, '.');
      const fresh = treeWorkspace(tree, '.');
      expect(fresh).not.toBe(cached);
      expect(cached).toEqual(fresh);
      expect(fresh.members.find((m) => m.name === 'pkg-c')?.version).toMatchObject({ kind: 'hatch-file', version: '1.2.1' });
    });

    it('strips the prefix Nx adds from versionPrefix', async () => {
      await (await actionsFor(tree, graph, 'pkg-a')).updateProjectVersion(tree, '1.3.0');
      await (await actionsFor(tree, graph, 'pkg-b')).updateProjectDependencies(tree, graph, { 'pkg-a': '^1.3.0' });
      expect(read(tree, 'packages/b/pyproject.toml')).toContain('"Pkg_A>=1.3.0",  # internal');
    });

    it('leaves a requirement on a dependency that was not released alone while it admits the version, rewrites it otherwise', async () => {
      const b = await actionsFor(tree, graph, 'pkg-b');
      expect(await b.updateProjectDependencies(tree, graph, { 'pkg-a': '1.2.0' })).toEqual([]);
      expect(read(tree, 'packages/b/pyproject.toml')).toBe(B);
      const c = await actionsFor(tree, graph, 'pkg-c');
      await c.updateProjectDependencies(tree, graph, { 'pkg-b': '2.1.0' });
      expect(read(tree, 'packages/c/pyproject.toml')).toContain(`"pkg-b[fast] >=2.1.0, <3 ; python_version >= '3.8'"`);
    });

    it('says what to do when another versionActions gave a version that is not PEP 440', async () => {
      const b = await actionsFor(tree, graph, 'pkg-b');
      await expect(b.updateProjectDependencies(tree, graph, { 'pkg-a': 'next' })).rejects.toThrow(
        /"next" .* not a PEP 440 version: configure the same versionActions \(nx-uv\)/,
      );
    });
  });

  describe('calculateNewVersion', () => {
    it('is PEP 440 maths with Nx’s 0.x adjustment from the project config', async () => {
      const a = await actionsFor(tree, graph, 'pkg-a');
      await expect(a.calculateNewVersion('1.2.0', 'preminor', 'USER_SPECIFIER', {}, 'rc')).resolves.toEqual({
        newVersion: '1.3.0rc1',
        logText: '❓ Applied PEP 440 pre-release (new series) for "preminor", from the given specifier, to get new version 1.3.0rc1',
      });
      await expect(a.calculateNewVersion('1.3.0rc1', 'prerelease', 'USER_SPECIFIER', {}, 'rc')).resolves.toMatchObject({ newVersion: '1.3.0rc2' });
      await expect(a.calculateNewVersion('0.4.0', 'major', 'USER_SPECIFIER', {}, '')).resolves.toMatchObject({ newVersion: '0.5.0' });
      const noAdjust = await actionsFor(tree, graph, 'pkg-a', finalConfig({ adjustSemverBumpsForZeroMajorVersion: false }));
      await expect(noAdjust.calculateNewVersion('0.4.0', 'major', 'USER_SPECIFIER', {}, '')).resolves.toMatchObject({ newVersion: '1.0.0' });
    });

    it('with git-tag resolution, bumps from the manifest (as on disk before the run) when git ranked an older pre-release tag first', async () => {
      const tmp = makeTempDir('nx-uv-va-tags-');
      try {
        writeTree(tmp.dir, { ...FILES, 'packages/a/pyproject.toml': A.replace('"1.2.0"', '"1.3.0"') });
        const disk = new FsTree(tmp.dir, false);
        const fromTags = await actionsFor(disk, graph, 'pkg-a', finalConfig({ currentVersionResolver: 'git-tag' }));
        const r = await fromTags.calculateNewVersion('1.3.0rc2', 'patch', 'CONVENTIONAL_COMMITS', {}, '');
        expect(r.newVersion).toBe('1.3.1'); // not a second 1.3.0 (the graduation of rc2)
        expect(r.logText).toMatch(/^⚠️ {2}The git tag Nx took as the latest \(1\.3\.0rc2\) is older than 1\.3\.0/);
        // An explicit version, and other resolvers, are left alone.
        await expect(fromTags.calculateNewVersion('1.3.0rc2', '1.3.0rc3', 'USER_SPECIFIER', {}, '')).resolves.toMatchObject({ newVersion: '1.3.0rc3' });
        const fromDisk = await actionsFor(disk, graph, 'pkg-a');
        await expect(fromDisk.calculateNewVersion('1.3.0rc2', 'patch', 'USER_SPECIFIER', {}, '')).resolves.toMatchObject({ newVersion: '1.3.0' });
        // Nx bumps a dependent twice in one run (as a dependent, then for its own commits) from the same
        // current version: what this run already wrote into the tree must not move the base.
        const b = await actionsFor(disk, graph, 'pkg-b', finalConfig({ currentVersionResolver: 'git-tag' }));
        await b.updateProjectVersion(disk, (await b.calculateNewVersion('1.2.0', 'patch', 'DEPENDENCY_WAS_BUMPED', {}, '')).newVersion);
        const again = await b.calculateNewVersion('1.2.0', 'patch', 'CONVENTIONAL_COMMITS', {}, '');
        expect(again).toEqual({
          newVersion: '1.2.1',
          logText: '❓ Applied PEP 440 release for "patch", derived from conventional commits data, to get new version 1.2.1',
        });
      } finally {
        tmp.cleanup();
      }
    });
  });

  it('works with the uv workspace below the Nx root (uv root from metadata, or found by walking up)', async () => {
    const nested = treeWith(FILES, 'python/');
    const g = projectGraph('python');
    const b = await actionsFor(nested, g, 'pkg-b');
    await expect(b.readCurrentVersionFromSourceManifest(nested)).resolves.toEqual({
      currentVersion: '1.2.0',
      manifestPath: 'python/packages/b/pyproject.toml',
    });
    expect(await b.readDependencies(nested, g)).toEqual([{ source: 'pkg-b', target: 'pkg-a', type: 'static' }]);
    // Without nx-uv's metadata (a hand-written project.json): found by walking up.
    const bare = projectGraph('python');
    for (const n of Object.values(bare.nodes)) n.data.metadata = {};
    const c = await actionsFor(nested, bare, 'pkg-c');
    await c.updateProjectVersion(nested, '1.3.0');
    expect(read(nested, 'python/packages/c/src/pkg_c/__about__.py')).toContain("__version__ = '1.3.0'");
    expect(read(nested, 'python/pyproject.toml')).toContain('"pkg-c==1.3.0"');
  });
});
