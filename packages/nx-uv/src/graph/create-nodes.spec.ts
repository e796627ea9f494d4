import { AggregateCreateNodesError } from '@nx/devkit';
import type { CreateNodesResult } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createNodes, createNodesV2 } from '../index';
import type { NxUvPluginOptions } from '../options';
import { makeTempDir, writeTree } from '../testing/tools';
import { pyproject, sampleWorkspace, virtualRoot } from './__fixtures__/trees';
import { resetGraphMemo } from './cache';

let dir: string;
let cleanup: () => void;

beforeEach(() => {
  ({ dir, cleanup } = makeTempDir('nx-uv-graph-'));
  resetGraphMemo();
});
afterEach(() => cleanup());

/** Every pyproject.toml under dir, as Nx's glob would list it (relative, POSIX). */
function pyprojects(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (e.name !== '.nx') walk(child);
      } else if (e.name === 'pyproject.toml') out.push(child);
    }
  };
  walk('');
  return out.sort();
}

async function run(
  options?: NxUvPluginOptions,
  nxJsonConfiguration: Record<string, unknown> = {},
  files = pyprojects(dir),
): Promise<Array<readonly [string, CreateNodesResult]>> {
  const context = { nxJsonConfiguration, workspaceRoot: dir, configFiles: [] };
  return createNodes[1](files, options, context as never) as Promise<Array<readonly [string, CreateNodesResult]>>;
}

function projectsByName(results: Array<readonly [string, CreateNodesResult]>) {
  const out: Record<string, { file: string; root: string; config: NonNullable<CreateNodesResult['projects']>[string] }> = {};
  for (const [file, result] of results) {
    for (const [root, config] of Object.entries(result.projects ?? {})) out[config.name as string] = { file, root, config };
  }
  return out;
}

async function errorOf(promise: Promise<unknown>): Promise<AggregateCreateNodesError> {
  try {
    await promise;
  } catch (e) {
    return e as AggregateCreateNodesError;
  }
  throw new Error('expected createNodes to throw');
}

describe('createNodes', () => {
  it('exports the same tuple as createNodes and createNodesV2, globbing pyproject.toml', () => {
    expect(createNodesV2).toBe(createNodes);
    expect(createNodes[0]).toBe('**/pyproject.toml');
  });

  it('infers one project per member at the Nx root, names normalised, non-members ignored', async () => {
    writeTree(dir, { ...sampleWorkspace(), 'other/pyproject.toml': '[project]\nname = "unrelated"\n' });
    const results = await run();
    expect(results.map(([file]) => file)).toEqual([
      'packages/a/pyproject.toml',
      'packages/b/pyproject.toml',
      'packages/c/pyproject.toml',
      'packages/d/pyproject.toml',
      'pyproject.toml',
    ]);
    const projects = projectsByName(results);
    expect(Object.keys(projects).sort()).toEqual(['pkg-a', 'pkg-b', 'pkg-c', 'pkg-d', 'uv-workspace']);
    expect(projects['pkg-a'].root).toBe('packages/a');
    expect(projects['pkg-c'].root).toBe('packages/c');
    expect(projects['uv-workspace'].root).toBe('.');
    expect(projects['uv-workspace'].config.tags).toEqual(['lang:python', 'uv:virtual']);
    expect(Object.keys(projects['uv-workspace'].config.targets ?? {})).toEqual(['release-plan', 'release-pr', 'notify']);
    expect(projects['pkg-d'].config.tags).toEqual(['lang:python', 'uv:member', 'uv:no-package']);
    expect(projects['pkg-d'].config.targets).toEqual({});
    expect(projects['pkg-a'].config.targets?.build).toMatchObject({
      executor: 'nx-uv:build',
      cache: true,
      inputs: ['default', '^default', '!{projectRoot}/dist/**/*', '{workspaceRoot}/uv.lock', '{workspaceRoot}/pyproject.toml', { runtime: 'uv --version' }, { env: 'NX_UV_UV_PATH' }],
      outputs: ['{projectRoot}/dist'],
    });
    expect(projects['pkg-a'].config.metadata?.uv).toMatchObject({ name: 'pkg-a', distributionName: 'Pkg_A', version: '0.1.0' });
  });

  it('handles a uv root in a subfolder of the Nx workspace, with production inputs and options', async () => {
    writeTree(dir, {
      'python/pyproject.toml': pyproject('App', { deps: ['lib'], sources: ['lib'], extra: '[tool.uv.workspace]\nmembers = ["libs/*"]' }),
      'python/libs/lib/pyproject.toml': pyproject('Lib'),
      'web/pyproject.toml': '[tool.black]\nline-length = 100\n',
    });
    const results = await run(
      { projectName: 'py-{name}', targetNames: { pin: false } },
      { namedInputs: { production: ['default'] } },
    );
    const projects = projectsByName(results);
    expect(Object.keys(projects).sort()).toEqual(['py-app', 'py-lib']);
    expect(projects['py-app']).toMatchObject({ file: 'python/pyproject.toml', root: 'python' });
    expect(projects['py-lib']).toMatchObject({ file: 'python/libs/lib/pyproject.toml', root: 'python/libs/lib' });
    const app = projects['py-app'].config;
    expect(Object.keys(app.targets ?? {})).toEqual(['version', 'tag', 'build', 'publish', 'nx-release-publish', 'release-plan', 'release-pr', 'notify']);
    expect(app.tags).toEqual(['lang:python', 'uv:member']);
    expect(projects['py-lib'].config.targets?.build.inputs).toEqual([
      'production',
      '^production',
      '!{projectRoot}/dist/**/*',
      '{workspaceRoot}/python/uv.lock',
      '{workspaceRoot}/python/pyproject.toml',
      { runtime: 'uv --version' },
      { env: 'NX_UV_UV_PATH' },
    ]);
  });

  it('returns nothing when no pyproject.toml declares a uv workspace', async () => {
    writeTree(dir, { 'a/pyproject.toml': pyproject('a', { sources: ['b'] }), 'pyproject.toml': '[tool.ruff]\n' });
    expect(await run()).toEqual([]);
  });

  it('only returns projects for files in the batch (Nx include/exclude)', async () => {
    writeTree(dir, sampleWorkspace());
    const files = pyprojects(dir).filter((f) => f !== 'packages/b/pyproject.toml');
    const projects = projectsByName(await run(undefined, {}, files));
    expect(Object.keys(projects).sort()).toEqual(['pkg-a', 'pkg-c', 'pkg-d', 'uv-workspace']);
  });

  it('is deterministic: the same output whatever the order of the batch', async () => {
    writeTree(dir, sampleWorkspace());
    const a = await run();
    resetGraphMemo();
    fs.rmSync(path.join(dir, '.nx'), { recursive: true, force: true });
    const b = await run(undefined, {}, pyprojects(dir).reverse());
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('reports bad TOML in a member under that file, with the line, and keeps other workspaces', async () => {
    writeTree(dir, {
      ...sampleWorkspace('one'),
      'two/pyproject.toml': virtualRoot(['m/*']),
      'two/m/ok/pyproject.toml': pyproject('ok'),
      'two/m/bad/pyproject.toml': '[project]\nname = "bad"\nversion = \n',
    });
    const err = await errorOf(run());
    expect(err).toBeInstanceOf(AggregateCreateNodesError);
    expect(err.errors.map(([file]) => file)).toEqual(['two/m/bad/pyproject.toml']);
    const [, error] = err.errors[0];
    expect(error.name).toBe('UvWorkspaceError');
    expect(error.message).toContain('m/bad/pyproject.toml');
    expect(error.message).toMatch(/line 3/);
    // the healthy workspace still comes through
    expect(Object.keys(projectsByName(err.partialResults as never)).sort()).toEqual([
      'pkg-a', 'pkg-b', 'pkg-c', 'pkg-d', 'uv-workspace',
    ]);
  });

  it('reports a model error (member glob matching a directory without pyproject.toml) under the uv root file', async () => {
    writeTree(dir, { 'pyproject.toml': virtualRoot(['packages/*']), 'packages/a/pyproject.toml': pyproject('a'), 'packages/b/README.md': 'hi' });
    const err = await errorOf(run());
    expect(err.errors).toHaveLength(1);
    const [file, error] = err.errors[0];
    expect(file).toBe('pyproject.toml');
    expect(error.message).toContain('packages/b');
    expect(error.message).toMatch(/missing a `pyproject.toml`/);
  });

  it('reports a broken pyproject.toml that may be a uv root', async () => {
    writeTree(dir, { 'svc/pyproject.toml': '[tool.uv.workspace\nmembers = ["x"]\n' });
    const err = await errorOf(run());
    expect(err.errors.map(([f]) => f)).toEqual(['svc/pyproject.toml']);
    expect(err.errors[0][1].message).toContain('svc/pyproject.toml');
  });

  it('ignores a broken pyproject.toml inside a uv workspace that is not a member (uv ignores it too)', async () => {
    writeTree(dir, { ...sampleWorkspace(), 'tests/fixtures/x/pyproject.toml': '[tool.uv.workspace\n' });
    const projects = projectsByName(await run());
    expect(Object.keys(projects)).toHaveLength(5);
  });

  it('says which files clash when two workspaces infer the same project name', async () => {
    writeTree(dir, {
      'one/pyproject.toml': virtualRoot(['p']),
      'one/p/pyproject.toml': pyproject('p'),
      'two/pyproject.toml': virtualRoot(['p']),
      'two/p/pyproject.toml': pyproject('p'),
    });
    const err = await errorOf(run());
    const files = err.errors.map(([f]) => f);
    expect(files).toEqual(['two/p/pyproject.toml', 'two/pyproject.toml']);
    expect(err.errors[0][1].message).toContain('"p"');
    expect(err.errors[0][1].message).toContain('one/p/pyproject.toml');
    expect(err.errors[1][1].message).toContain('"uv-workspace"');
    expect(err.errors[1][1].message).toMatch(/projectName|workspaceProjectName/);
  });

  it('rejects invalid plugin options naming nx.json', async () => {
    writeTree(dir, sampleWorkspace());
    await expect(run({ targetNames: { bogus: 'x' } as never })).rejects.toThrow(/nx\.json.*bogus/);
  });
});
