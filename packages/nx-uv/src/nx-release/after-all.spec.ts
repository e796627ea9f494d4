/**
 * The whole `nx release version` sequence on disk, as Nx runs it: the VersionActions write into an Nx
 * FsTree, Nx flushes it, then `afterAllProjectsVersioned` runs the real uv (offline) once.
 */
import type { Tree } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import execa from 'execa';
// The tree Nx Release itself uses (test-only: nx-uv's code never imports nx internals).
import { FsTree, flushChanges } from 'nx/src/generators/tree';
import { makeTempDir, uvBin, uvTestEnv, writeTree } from '../testing/tools';
import { A, LOCKABLE_FILES, projectGraph } from './__fixtures__/release-workspace';
import { createAfterAllProjectsVersioned } from './after-all';
import { recordTouchedRoot, takeTouchedRoots } from './run-state';
import UvVersionActions from './version-actions';

type Ctor = ConstructorParameters<typeof UvVersionActions>;
const CONFIG = { manifestRootsToUpdate: [], adjustSemverBumpsForZeroMajorVersion: true, versionActionsOptions: {} } as unknown as Ctor[2];
const GROUP = { name: 'g', projects: [] } as unknown as Ctor[0];

async function uv(cwd: string, args: string[]) {
  return execa(uvBin, args, { cwd, env: uvTestEnv(), reject: false });
}

/** What `nx release version 1.3.0rc1 --projects=pkg-a` does to a → b → c (dependents patched). */
async function versionRun(tree: Tree, uvRoot: string): Promise<void> {
  const graph = projectGraph(uvRoot);
  const act = async (name: string) => {
    const a = new UvVersionActions(GROUP, graph.nodes[name], { ...CONFIG, manifestRootsToUpdate: [] } as Ctor[2]);
    await a.init(tree);
    return a;
  };
  await (await act('pkg-a')).updateProjectVersion(tree, '1.3.0rc1');
  await (await act('pkg-b')).updateProjectVersion(tree, '1.2.1');
  await (await act('pkg-c')).updateProjectVersion(tree, '1.2.1');
  await (await act('pkg-b')).updateProjectDependencies(tree, graph, { 'pkg-a': '1.3.0rc1' });
  await (await act('pkg-c')).updateProjectDependencies(tree, graph, { 'pkg-b': '1.2.1' });
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.name === '.venv' || e.name === '.nx') continue;
      if (e.isDirectory()) walk(r);
      else out[r] = fs.readFileSync(path.join(dir, r), 'utf8');
    }
  };
  walk('');
  return out;
}

describe('afterAllProjectsVersioned (real uv)', () => {
  const hook = createAfterAllProjectsVersioned({ env: uvTestEnv(), log: () => undefined });
  let tmp: ReturnType<typeof makeTempDir>;
  let lockedBefore: string;

  beforeAll(async () => {
    tmp = makeTempDir('nx-uv-nx-release-');
    writeTree(path.join(tmp.dir, 'py'), LOCKABLE_FILES);
    const r = await uv(path.join(tmp.dir, 'py'), ['lock']);
    if (r.exitCode !== 0) throw new Error(`uv lock failed in the fixture: ${r.stderr}`);
    lockedBefore = fs.readFileSync(path.join(tmp.dir, 'py/uv.lock'), 'utf8');
  });
  afterAll(() => tmp.cleanup());
  afterEach(() => takeTouchedRoots());

  it('on a dry run writes nothing and runs nothing', async () => {
    const before = snapshot(tmp.dir);
    const tree = new FsTree(tmp.dir, false);
    await versionRun(tree, 'py');
    expect(
      tree
        .listChanges()
        .map((c) => c.path)
        .sort(),
    ).toEqual([
      'py/packages/a/pyproject.toml',
      'py/packages/b/pyproject.toml',
      'py/packages/c/pyproject.toml',
      'py/packages/c/src/pkg_c/__about__.py',
      'py/pyproject.toml',
      'py/tools/pyproject.toml',
    ]);
    await expect(hook(tmp.dir, { dryRun: true })).resolves.toEqual({ changedFiles: [], deletedFiles: [] });
    expect(snapshot(tmp.dir)).toEqual(before);
  });

  it('runs uv lock once after the flush and hands back uv.lock (relative to the Nx root); uv lock --check passes', async () => {
    const tree = new FsTree(tmp.dir, false);
    await versionRun(tree, 'py');
    flushChanges(tmp.dir, tree.listChanges());
    expect(fs.readFileSync(path.join(tmp.dir, 'py/packages/a/pyproject.toml'), 'utf8')).toBe(A.replace('"1.2.0"', '"1.3.0rc1"'));
    expect((await uv(path.join(tmp.dir, 'py'), ['lock', '--check'])).exitCode).not.toBe(0);

    await expect(hook(tmp.dir, {})).resolves.toEqual({ changedFiles: ['py/uv.lock'], deletedFiles: [] });
    const lock = fs.readFileSync(path.join(tmp.dir, 'py/uv.lock'), 'utf8');
    expect(lock).not.toBe(lockedBefore);
    expect(lock).toMatch(/name = "pkg-a"\nversion = "1\.3\.0rc1"/);
    expect(lock).toMatch(/name = "pkg-b"\nversion = "1\.2\.1"/);
    const check = await uv(path.join(tmp.dir, 'py'), ['lock', '--check']);
    expect({ code: check.exitCode, stderr: check.exitCode === 0 ? '' : check.stderr }).toEqual({ code: 0, stderr: '' });

    // Nothing recorded since: nothing to do.
    await expect(hook(tmp.dir, {})).resolves.toEqual({ changedFiles: [], deletedFiles: [] });
  });

  it('leaves uv.lock alone with versionActionsOptions.lock = false, and rejects a non-boolean', async () => {
    const lock = fs.readFileSync(path.join(tmp.dir, 'py/uv.lock'), 'utf8');
    fs.writeFileSync(path.join(tmp.dir, 'py/packages/a/pyproject.toml'), A.replace('"1.2.0"', '"1.4.0"'));
    recordTouchedRoot({ root: tmp.dir } as Tree, 'py');
    await expect(hook(tmp.dir, { rootVersionActionsOptions: { lock: false } })).resolves.toEqual({ changedFiles: [], deletedFiles: [] });
    expect(fs.readFileSync(path.join(tmp.dir, 'py/uv.lock'), 'utf8')).toBe(lock);
    recordTouchedRoot({ root: tmp.dir } as Tree, 'py');
    await expect(hook(tmp.dir, { rootVersionActionsOptions: { lock: 'no' } })).rejects.toThrow(/versionActionsOptions.lock .* must be true or false/);
  });

  it('says that the versions were written and what to do when uv lock fails', async () => {
    fs.writeFileSync(
      path.join(tmp.dir, 'py/tools/pyproject.toml'),
      LOCKABLE_FILES['tools/pyproject.toml'].replace('"pkg-a==1.2.0"', '"no-such-package-anywhere"'),
    );
    recordTouchedRoot({ root: tmp.dir } as Tree, 'py');
    await expect(hook(tmp.dir, {})).rejects.toThrow(
      /`uv lock` failed in py after the new versions were written \(fix the cause, then run `uv lock` there and commit py\/uv.lock\): uv exited with code/,
    );
  });
});
