/**
 * Issue 12, part 3: members behind symlinks, as uv sees them. A member directory that is a symlink to
 * a folder outside the workspace is a member for uv; Nx's file walk does not follow it, so its
 * pyproject.toml never reaches createNodes — nx-uv emits its project all the same (build uncached).
 * A symlink loop a member glob reaches is an error, as in uv.
 */
import { AggregateCreateNodesError } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createNodes } from '../index';
import { inferNxProjectGraph } from '../testing/nx-project-graph';
import { makeTempDir, uvTestEnv, writeTree } from '../testing/tools';
import { runUv } from '../uv';
import { resetGraphMemo } from './cache';

const ROOT = '[tool.uv.workspace]\nmembers = ["packages/*"]\n\n[tool.uv.sources]\next = { workspace = true }\n';
const A =
  '[project]\nname = "a"\nversion = "1.0.0"\nrequires-python = ">=3.9"\ndependencies = ["ext>=1.0"]\n\n[build-system]\nrequires = ["uv_build>=0.13,<0.14"]\nbuild-backend = "uv_build"\n';
const EXT =
  '[project]\nname = "ext"\nversion = "2.0.0"\nrequires-python = ">=3.9"\n\n[build-system]\nrequires = ["uv_build>=0.13,<0.14"]\nbuild-backend = "uv_build"\n';

describe('members behind symlinks', () => {
  const tmp = makeTempDir('nx-uv-symlinks-');
  const root = path.join(tmp.dir, 'ws');
  const outside = path.join(tmp.dir, 'elsewhere', 'ext');
  beforeAll(() => {
    writeTree(root, { 'nx.json': '{}\n', 'pyproject.toml': ROOT, 'packages/a/pyproject.toml': A, 'packages/a/src/a/__init__.py': '' });
    writeTree(outside, { 'pyproject.toml': EXT, 'src/ext/__init__.py': '' });
    fs.symlinkSync(outside, path.join(root, 'packages/ext'));
  });
  afterAll(() => tmp.cleanup());

  it('uv counts the symlinked member', async () => {
    const r = await runUv(['workspace', 'list', '--preview'], { cwd: root, env: uvTestEnv() });
    expect(r.stdout.trim().split('\n').sort()).toEqual(['a', 'ext']);
  });

  it('its project is emitted though Nx never listed its pyproject.toml; the edge is there; its build is not cached', async () => {
    // What Nx hands createNodes: the files its walk found, which does not enter the symlink.
    const graph = await inferNxProjectGraph(root, ['pyproject.toml', 'packages/a/pyproject.toml']);
    expect(Object.keys(graph.nodes).sort()).toEqual(['a', 'ext', 'uv-workspace']);
    expect(graph.nodes.ext.data.root).toBe('packages/ext');
    expect(graph.nodes.ext.data.targets?.build?.cache).toBe(false);
    expect(graph.nodes.a.data.targets?.build?.cache).toBe(true);
    expect(graph.dependencies.a.map((d) => d.target)).toEqual(['ext']);
    // From the cache too (a second call reads the entry).
    const again = await createNodes[1](['pyproject.toml', 'packages/a/pyproject.toml'], undefined, { nxJsonConfiguration: {}, workspaceRoot: root } as never);
    expect(again.map(([file]) => file)).toContain('packages/ext/pyproject.toml');
  });

  it('a symlink loop that a member glob reaches is an error naming it, as in uv', async () => {
    fs.symlinkSync('loop2', path.join(root, 'packages/loop1'));
    fs.symlinkSync('loop1', path.join(root, 'packages/loop2'));
    try {
      const uv = await runUv(['workspace', 'list', '--preview'], { cwd: root, env: uvTestEnv() }).catch((e: Error) => e);
      expect(String((uv as Error).message)).toMatch(/Too many levels of symbolic links/);
      resetGraphMemo();
      const error = await Promise.resolve(
        createNodes[1](['pyproject.toml', 'packages/a/pyproject.toml'], undefined, { nxJsonConfiguration: {}, workspaceRoot: root } as never),
      ).catch((e: unknown) => e as AggregateCreateNodesError);
      expect(error).toBeInstanceOf(AggregateCreateNodesError);
      const [[file, cause]] = (error as AggregateCreateNodesError).errors;
      expect(file).toBe('pyproject.toml');
      expect(cause.message).toMatch(
        /packages\/loop1 is a symlink loop \(it never resolves\) that a workspace member glob in pyproject\.toml reaches; uv refuses it too/,
      );
    } finally {
      fs.rmSync(path.join(root, 'packages/loop1'));
      fs.rmSync(path.join(root, 'packages/loop2'));
    }
  });
});
