/**
 * planBuild on facts given as values: no file system, no git, no uv.
 */
import { memoryReader, modelUvWorkspace, type UvWorkspace } from '../workspace';
import type { OutputListing } from './build-output';
import { buildAllAtOnce, planBuild, renderBuildStep, uvBuildArgs, type BuildFacts } from './build-plan';
import type { VcsRelease } from './vcs-version';

const NX_ROOT = '/nx';
const UV_BUILD = '[build-system]\nrequires = ["uv_build"]\nbuild-backend = "uv_build"\n';
const FILES: Record<string, string> = {
  'pyproject.toml': '[tool.uv.workspace]\nmembers = ["packages/*"]\n\n[tool.uv.sources]\npkg-a = { workspace = true }\npkg-v = { workspace = true }\n',
  'packages/a/pyproject.toml': `[project]\nname = "pkg-a"\nversion = "1.2.0"\n\n${UV_BUILD}`,
  'packages/b/pyproject.toml': `[project]\nname = "Pkg_B"\nversion = "0.3.0rc1"\ndependencies = ["pkg-a>=1.0", "pkg-v", "requests"]\n\n[project.optional-dependencies]\nx = ["pkg-a[fast]"]\n\n${UV_BUILD}`,
  'packages/v/pyproject.toml':
    '[project]\nname = "pkg-v"\ndynamic = ["version"]\n\n[build-system]\nrequires = ["hatchling", "hatch-vcs"]\nbuild-backend = "hatchling.build"\n\n[tool.hatch.version]\nsource = "vcs"\n',
  'packages/s/pyproject.toml': '[project]\nname = "scripts"\nversion = "0.1.0"\ndependencies = ["pkg-a"]\n',
};

function workspace(files: Record<string, string> = FILES): UvWorkspace {
  return modelUvWorkspace(`${NX_ROOT}/py`, memoryReader(files));
}

function facts(
  ws: UvWorkspace,
  name: string,
  overrides: { listing?: OutputListing; vcs?: Map<string, VcsRelease>; versions?: Map<string, string> } = {},
): BuildFacts {
  const member = ws.members.find((m) => m.name === name)!;
  if (!member.isPackage) return { kind: 'not-a-package', member };
  const vcs = overrides.vcs ?? new Map<string, VcsRelease>([['pkg-v', { version: '3.1.0', tag: 'pkg-v-v3.1.0', tagged: true, atHead: true, from: 'tag' }]]);
  const versions =
    overrides.versions ??
    new Map([['pkg-a', '1.2.0'], ['pkg-b', '0.3.0rc1'], ['scripts', '0.1.0'], ...[...vcs].map(([n, r]) => [n, r.version] as [string, string])]);
  const project = { projectName: name, absProjectRoot: `${ws.absRoot}/${member.root}`, workspaceRoot: NX_ROOT, workspace: ws, member };
  return { kind: 'package', project, outDir: `${ws.absRoot}/${member.root}/dist`, outDirListing: overrides.listing ?? { entries: [] }, versions, vcs };
}

describe('planBuild (pure)', () => {
  it('pins every internal runtime and optional requirement to the current versions and expects the built files to pin them', () => {
    const ws = workspace();
    const plan = planBuild(facts(ws, 'pkg-b'));
    if (plan.kind !== 'build') throw new Error('expected a build');
    expect(plan).toMatchObject({ outDir: '/nx/py/packages/b/dist', shownOut: 'py/packages/b/dist', shownPyproject: 'py/packages/b/pyproject.toml', uvEnv: {} });
    expect(plan.pins.map((p) => [p.file, p.from, p.to])).toEqual([
      ['packages/b/pyproject.toml', 'pkg-a>=1.0', 'pkg-a==1.2.0'],
      ['packages/b/pyproject.toml', 'pkg-v', 'pkg-v==3.1.0'],
      ['packages/b/pyproject.toml', 'pkg-a[fast]', 'pkg-a[fast]==1.2.0'],
    ]);
    expect(plan.expectation.self).toBe('pkg-b');
    expect([...plan.expectation.versions]).toEqual([
      ['pkg-a', '1.2.0'],
      ['pkg-v', '3.1.0'],
    ]);
    expect([...plan.expectation.development!]).toEqual([]);
    expect(renderBuildStep(plan)).toEqual([
      'nx-uv build: Pkg_B: pinning 3 internal requirement(s) for the build:',
      '  [project.dependencies] "pkg-a>=1.0" -> "pkg-a==1.2.0"',
      '  [project.dependencies] "pkg-v" -> "pkg-v==3.1.0"',
      '  [project.optional-dependencies.x] "pkg-a[fast]" -> "pkg-a[fast]==1.2.0"',
    ]);
    expect(uvBuildArgs('Pkg_B', '/tmp/s')).toEqual(['build', '--package', 'Pkg_B', '--out-dir', '/tmp/s', '--no-sources']);
  });

  it('a member whose version comes from git tags: its version for uv at its tag; a development build off its tag', () => {
    const ws = workspace();
    const tagged = planBuild(facts(ws, 'pkg-v'));
    if (tagged.kind !== 'build') throw new Error('expected a build');
    expect(tagged.vcs?.version).toBe('3.1.0');
    expect(tagged.uvEnv).toMatchObject({ SETUPTOOLS_SCM_PRETEND_VERSION: '3.1.0', SETUPTOOLS_SCM_PRETEND_VERSION_FOR_PKG_V: '3.1.0' });
    expect(renderBuildStep(tagged)).toEqual([]);

    const vcs = new Map<string, VcsRelease>([['pkg-v', { version: '3.1.0', tag: 'pkg-v-v3.1.0', tagged: true, atHead: false, from: 'tag' }]]);
    const dev = planBuild(facts(ws, 'pkg-v', { vcs }));
    if (dev.kind !== 'build') throw new Error('expected a build');
    expect(dev.uvEnv).toEqual({});
    const dependent = planBuild(facts(ws, 'pkg-b', { vcs }));
    if (dependent.kind !== 'build') throw new Error('expected a build');
    expect([...dependent.expectation.development!]).toEqual(['pkg-v']);
  });

  it('says a member without [build-system] is no package', () => {
    const step = planBuild(facts(workspace(), 'scripts'));
    expect(step.kind).toBe('not-a-package');
    expect(renderBuildStep(step)).toEqual(['nx-uv build: scripts is not a package (no [build-system], or [tool.uv] package = false); nothing to build.']);
  });

  it('refuses a foreign file in the output folder and a folder it could not read, touching nothing', () => {
    const ws = workspace();
    const listing: OutputListing = {
      entries: [
        { name: 'pkg_a-1.1.0-py3-none-any.whl', isFile: true },
        { name: '.gitignore', isFile: true },
        { name: 'notes.txt', isFile: true },
        { name: 'old.whl', isFile: false },
      ],
    };
    expect(() => planBuild(facts(ws, 'pkg-a', { listing }))).toThrow(
      'nx-uv: the build output folder py/packages/a/dist holds "notes.txt", "old.whl", which are not built distributions',
    );
    const ok = planBuild(facts(ws, 'pkg-a', { listing: { entries: listing.entries.slice(0, 2) } }));
    expect(ok.kind).toBe('build');
    expect(() => planBuild(facts(ws, 'pkg-a', { listing: { error: new Error('ENOTDIR: not a directory') } }))).toThrow('ENOTDIR');
  });

  it('refuses any member version that is not PEP 440 (uv would refuse the whole workspace) before looking at the output folder', () => {
    const ws = workspace({ ...FILES, 'packages/a/pyproject.toml': FILES['packages/a/pyproject.toml'].replace('1.2.0', 'one') });
    const listing: OutputListing = { entries: [{ name: 'notes.txt', isFile: true }] };
    expect(() => planBuild(facts(ws, 'pkg-b', { listing }))).toThrow(
      /cannot build Pkg_B: pkg-a has version "one" in py\/packages\/a\/pyproject.toml \(\[project\] version\), which is not a PEP 440 version/,
    );
  });

  it('builds most of a workspace in one uv run only when uv would build nothing but packages', () => {
    const packages = workspace({
      'pyproject.toml': FILES['pyproject.toml'],
      'packages/a/pyproject.toml': FILES['packages/a/pyproject.toml'],
      'packages/b/pyproject.toml': FILES['packages/b/pyproject.toml'],
      'packages/v/pyproject.toml': FILES['packages/v/pyproject.toml'],
    });
    expect([1, 2, 3].map((n) => buildAllAtOnce(packages, n))).toEqual([false, true, true]);
    expect(buildAllAtOnce(workspace(), 4)).toBe(false);
  });
});
