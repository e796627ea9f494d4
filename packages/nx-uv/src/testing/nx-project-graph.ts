/**
 * Test-only: the Nx project graph of a workspace on disk as nx-uv infers it, through the plugin's real
 * createNodes and createDependencies (the functions Nx calls), ready for Nx's own task-graph code.
 */
import type { CreateDependenciesContext, CreateNodesResult, ProjectConfiguration, ProjectGraph } from '@nx/devkit';
import { resetGraphMemo } from '../graph';
import { createDependencies, createNodes } from '../index';
import type { NxUvPluginOptions } from '../options';

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
