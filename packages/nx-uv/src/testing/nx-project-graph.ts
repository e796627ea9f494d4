/**
 * Test-only: the Nx project graph of a workspace on disk as nx-uv infers it, through the plugin's real
 * createNodes and createDependencies (the functions Nx calls), ready for Nx's own task-graph code.
 */
import type { CreateDependenciesContext, CreateNodesResult, ProjectConfiguration, ProjectGraph } from '@nx/devkit';
import { createTaskGraph } from 'nx/src/tasks-runner/create-task-graph';
import { resetGraphMemo } from '../graph';
import { createDependencies, createNodes } from '../index';
import type { NxUvPluginOptions } from '../options';
import { makeTempDir, writeTree } from './tools';

export async function inferNxProjectGraph(root: string, pyprojects: string[], options?: NxUvPluginOptions): Promise<ProjectGraph> {
  resetGraphMemo();
  const results = (await createNodes[1](pyprojects, options, { nxJsonConfiguration: {}, workspaceRoot: root, configFiles: [] } as never)) as Array<
    readonly [string, CreateNodesResult]
  >;
  const projects: Record<string, ProjectConfiguration> = {};
  for (const [, r] of results) {
    for (const [projectRoot, p] of Object.entries(r.projects ?? {})) projects[p.name as string] = { ...p, root: projectRoot } as ProjectConfiguration;
  }
  const projectFileMap: Record<string, { file: string; hash: string }[]> = Object.fromEntries(Object.keys(projects).map((n) => [n, []]));
  const byDepth = Object.entries(projects).sort((a, b) => b[1].root.length - a[1].root.length);
  for (const file of pyprojects) {
    const owner = byDepth.find(([, p]) => p.root === '.' || file.startsWith(`${p.root}/`));
    if (owner) projectFileMap[owner[0]].push({ file, hash: 'x' });
  }
  const context: CreateDependenciesContext = {
    externalNodes: {},
    projects,
    nxJsonConfiguration: {},
    fileMap: { projectFileMap, nonProjectFiles: [] },
    filesToProcess: { projectFileMap: {}, nonProjectFiles: [] },
    workspaceRoot: root,
  };
  const edges = await createDependencies(options, context);
  return {
    nodes: Object.fromEntries(Object.entries(projects).map(([name, data]) => [name, { name, type: 'lib', data }])),
    dependencies: Object.fromEntries(
      Object.keys(projects).map((name) => [name, edges.filter((e) => e.source === name).map((e) => ({ source: e.source, target: e.target, type: e.type }))]),
    ),
  } as ProjectGraph;
}

/** Nx's task graph for `target` on `projects`, as `nx run-many` builds it. */
export function taskGraphOf(graph: ProjectGraph, target: string, projects: string[]) {
  return createTaskGraph(graph, {}, projects, [target], undefined, {});
}

/**
 * In a describe block: writes `files` to a temporary Nx workspace before the tests and infers its
 * project graph (every pyproject.toml of `files` in the batch); removes it after.
 */
export function useInferredGraph(prefix: string, files: Record<string, string>): { root: string; graph(): ProjectGraph } {
  const tmp = makeTempDir(prefix);
  let graph: ProjectGraph | undefined;
  beforeAll(async () => {
    writeTree(tmp.dir, files);
    graph = await inferNxProjectGraph(tmp.dir, pyprojectsOf(files));
  });
  afterAll(() => tmp.cleanup());
  return { root: tmp.dir, graph: () => graph! };
}

export function pyprojectsOf(files: Record<string, string>): string[] {
  return Object.keys(files).filter((f) => f.endsWith('pyproject.toml'));
}
