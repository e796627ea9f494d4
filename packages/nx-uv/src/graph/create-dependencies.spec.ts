import type { CreateDependenciesContext, CreateNodesResult, ProjectConfiguration } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createDependencies, createNodes } from '../index';
import type { NxUvPluginOptions } from '../options';
import { makeTempDir, writeTree } from '../testing/tools';
import { pyproject, sampleWorkspace, virtualRoot } from './__fixtures__/trees';
import { parseStats } from './batch-reader';
import { resetGraphMemo } from './cache';

let dir: string;
let cleanup: () => void;

beforeEach(() => {
  ({ dir, cleanup } = makeTempDir('nx-uv-deps-'));
  resetGraphMemo();
});
afterEach(() => {
  jest.restoreAllMocks();
  cleanup();
});

function listPyprojects(): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (e.name !== '.nx') walk(child);
      } else if (e.name === 'pyproject.toml') out.push(child);
    }
  };
  walk('');
  return out.sort();
}

async function nodes(options?: NxUvPluginOptions): Promise<Record<string, ProjectConfiguration>> {
  const results = (await createNodes[1](listPyprojects(), options, {
    nxJsonConfiguration: {},
    workspaceRoot: dir,
    configFiles: [],
  } as never)) as Array<readonly [string, CreateNodesResult]>;
  const projects: Record<string, ProjectConfiguration> = {};
  for (const [, r] of results) {
    for (const [root, p] of Object.entries(r.projects ?? {})) projects[p.name as string] = { ...p, root } as ProjectConfiguration;
  }
  return projects;
}

function depsContext(projects: Record<string, ProjectConfiguration>): CreateDependenciesContext {
  // The file map as Nx builds it: every file under the project that owns it.
  const projectFileMap: Record<string, { file: string; hash: string }[]> = {};
  for (const name of Object.keys(projects)) projectFileMap[name] = [];
  const roots = Object.entries(projects).sort((a, b) => b[1].root.length - a[1].root.length);
  const nonProjectFiles: { file: string; hash: string }[] = [];
  for (const file of listPyprojects()) {
    const owner = roots.find(([, p]) => p.root === '.' || file.startsWith(`${p.root}/`));
    (owner ? projectFileMap[owner[0]] : nonProjectFiles).push({ file, hash: 'x' });
  }
  return {
    externalNodes: {},
    projects,
    nxJsonConfiguration: {},
    fileMap: { projectFileMap, nonProjectFiles },
    filesToProcess: { projectFileMap: {}, nonProjectFiles: [] },
    workspaceRoot: dir,
  };
}

describe('createDependencies', () => {
  it('makes a static edge per internal dependency (runtime, optional, group, dev), deduplicated, from the pyproject', async () => {
    writeTree(dir, sampleWorkspace());
    const projects = await nodes();
    const deps = await createDependencies(undefined, depsContext(projects));
    expect(deps).toEqual([
      { source: 'pkg-a', target: 'pkg-b', sourceFile: 'packages/a/pyproject.toml', type: 'static' },
      { source: 'pkg-a', target: 'pkg-c', sourceFile: 'packages/a/pyproject.toml', type: 'static' },
      { source: 'pkg-a', target: 'pkg-d', sourceFile: 'packages/a/pyproject.toml', type: 'static' },
      { source: 'pkg-d', target: 'pkg-b', sourceFile: 'packages/d/pyproject.toml', type: 'static' },
      { source: 'uv-workspace', target: 'pkg-a', sourceFile: 'pyproject.toml', type: 'static' },
    ]);
  });

  it('uses source files relative to the Nx root when the uv root is a subfolder, and the projectName template', async () => {
    writeTree(dir, sampleWorkspace('py'));
    const projects = await nodes({ projectName: 'py-{name}' });
    const deps = await createDependencies({ projectName: 'py-{name}' }, depsContext(projects));
    expect(deps.map((d) => [d.source, d.target, (d as { sourceFile: string }).sourceFile])).toEqual([
      ['py-pkg-a', 'py-pkg-b', 'py/packages/a/pyproject.toml'],
      ['py-pkg-a', 'py-pkg-c', 'py/packages/a/pyproject.toml'],
      ['py-pkg-a', 'py-pkg-d', 'py/packages/a/pyproject.toml'],
      ['py-pkg-d', 'py-pkg-b', 'py/packages/d/pyproject.toml'],
      ['uv-workspace', 'py-pkg-a', 'py/pyproject.toml'],
    ]);
  });

  it('drops edges to or from projects Nx does not have, and follows projects renamed by project.json', async () => {
    writeTree(dir, sampleWorkspace());
    const projects = await nodes();
    delete projects['pkg-c'];
    const renamed = { ...projects['pkg-b'], name: 'b-renamed' };
    delete projects['pkg-b'];
    projects['b-renamed'] = renamed;
    const deps = await createDependencies(undefined, depsContext(projects));
    expect(deps.map((d) => `${d.source}->${d.target}`)).toEqual(['pkg-a->b-renamed', 'pkg-a->pkg-d', 'pkg-d->b-renamed', 'uv-workspace->pkg-a']);
  });

  it('reads and parses nothing after createNodes ran in the same process', async () => {
    writeTree(dir, sampleWorkspace());
    const projects = await nodes();
    const context = depsContext(projects);
    parseStats.parses = 0;
    // Nothing left on disk to read: the edges can only come from what createNodes computed.
    for (const entry of fs.readdirSync(dir)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
    const deps = await createDependencies(undefined, context);
    expect(deps).toHaveLength(5);
    expect(parseStats.parses).toBe(0);
  });

  it('computes the graph itself (from the file map, no glob) when createNodes did not run in this process', async () => {
    writeTree(dir, sampleWorkspace());
    const projects = await nodes();
    resetGraphMemo();
    fs.rmSync(path.join(dir, '.nx'), { recursive: true, force: true });
    parseStats.parses = 0;
    const deps = await createDependencies(undefined, depsContext(projects));
    expect(deps).toHaveLength(5);
    expect(parseStats.parses).toBeGreaterThan(0);
  });

  it('keeps edges within each of several uv workspaces', async () => {
    writeTree(dir, {
      'one/pyproject.toml': virtualRoot(['*']),
      'one/x/pyproject.toml': pyproject('x', { deps: ['y'], sources: ['y'] }),
      'one/y/pyproject.toml': pyproject('y'),
      'two/pyproject.toml': pyproject('z', { deps: ['w'], sources: ['w'], extra: '[tool.uv.workspace]\nmembers = ["w"]' }),
      'two/w/pyproject.toml': pyproject('w'),
    });
    const projects = await nodes({ workspaceProjectName: 'one-ws' });
    const deps = await createDependencies({ workspaceProjectName: 'one-ws' }, depsContext(projects));
    expect(deps.map((d) => `${d.source}->${d.target}`)).toEqual(['x->y', 'z->w']);
  });

  it('unites what several registrations with the same options (different include globs) computed, per round', async () => {
    writeTree(dir, {
      'one/pyproject.toml': virtualRoot(['*']),
      'one/x/pyproject.toml': pyproject('x', { deps: ['y'], sources: ['y'] }),
      'one/y/pyproject.toml': pyproject('y'),
      'two/pyproject.toml': pyproject('z', { deps: ['w'], sources: ['w'], extra: '[tool.uv.workspace]\nmembers = ["w"]' }),
      'two/w/pyproject.toml': pyproject('w'),
    });
    const options = { workspaceProjectName: 'one-ws' };
    const context = { nxJsonConfiguration: {}, workspaceRoot: dir, configFiles: [] } as never;
    const projects: Record<string, ProjectConfiguration> = {};
    const collect = (results: unknown) => {
      for (const [, r] of results as Array<readonly [string, CreateNodesResult]>) {
        for (const [root, p] of Object.entries(r.projects ?? {})) projects[p.name as string] = { ...p, root } as ProjectConfiguration;
      }
    };
    const all = listPyprojects();
    collect(
      await createNodes[1](
        all.filter((f) => f.startsWith('one/')),
        options,
        context,
      ),
    );
    collect(
      await createNodes[1](
        all.filter((f) => f.startsWith('two/')),
        options,
        context,
      ),
    );
    const deps = await createDependencies(options, depsContext(projects));
    expect(deps.map((d) => `${d.source}->${d.target}`)).toEqual(['x->y', 'z->w']);

    // next round: only what this round's createNodes computed counts (no stale edges)
    writeTree(dir, { 'one/x/pyproject.toml': pyproject('x') });
    collect(
      await createNodes[1](
        all.filter((f) => f.startsWith('one/')),
        options,
        context,
      ),
    );
    const next = await createDependencies(options, depsContext(projects));
    expect(next.map((d) => `${d.source}->${d.target}`)).toEqual([]);
  });

  it('makes no edge for requirements on packages outside the workspace', async () => {
    writeTree(dir, {
      'pyproject.toml': virtualRoot(['p/*']),
      'p/a/pyproject.toml': pyproject('a', { deps: ['requests>=2', 'c'], groups: { dev: ['pytest'] } }),
      'p/b/pyproject.toml': pyproject('b'),
    });
    const deps = await createDependencies(undefined, depsContext(await nodes()));
    expect(deps).toEqual([]);
  });
});
