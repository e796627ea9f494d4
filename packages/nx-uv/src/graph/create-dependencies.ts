/**
 * `createDependencies`: one static edge per internal uv dependency (runtime, optional, group, dev),
 * from the member's pyproject.toml. Reuses what createNodes computed in this process; reads and
 * models again only when that is missing.
 */
import { DependencyType } from '@nx/devkit';
import type { CreateDependencies, CreateDependenciesContext, RawProjectGraphDependency } from '@nx/devkit';
import type { NxUvPluginOptions } from '../options';
import { entriesForDependencies, GraphEntry } from './cache';
import { timed } from './perf';
import { graphOptionsKey, inferGraph, PYPROJECT } from './infer-graph';

function isPyproject(file: string): boolean {
  return file === PYPROJECT || file.endsWith(`/${PYPROJECT}`);
}

/** Every pyproject.toml Nx knows of, from the file map (no glob). */
export function pyprojectsInFileMap(context: Pick<CreateDependenciesContext, 'fileMap'>): string[] {
  const files: string[] = [];
  const fileMap = context.fileMap;
  if (!fileMap) return files;
  for (const list of Object.values(fileMap.projectFileMap ?? {})) {
    for (const f of list) if (isPyproject(f.file)) files.push(f.file);
  }
  for (const f of fileMap.nonProjectFiles ?? []) if (isPyproject(f.file)) files.push(f.file);
  return files;
}

function graphsFor(options: NxUvPluginOptions | undefined, context: CreateDependenciesContext): GraphEntry[] {
  const { optionsHash } = graphOptionsKey(options, context);
  return entriesForDependencies(context.workspaceRoot, optionsHash) ?? [inferGraph(pyprojectsInFileMap(context), options, context).entry];
}

export function dependenciesFromEntries(entries: GraphEntry[], projects: CreateDependenciesContext['projects']): RawProjectGraphDependency[] {
  // Edges are resolved by project root: a project.json may have renamed an inferred project.
  const nameByRoot = new Map<string, string>();
  for (const [name, project] of Object.entries(projects)) nameByRoot.set(project.root, name);
  // One entry's edges are unique (source pyproject, target root) pairs; several entries may repeat.
  const seen = entries.length > 1 ? new Set<string>() : undefined;
  const deps: RawProjectGraphDependency[] = [];
  for (const [sourceFile, targetRoot] of entries.length === 1 ? entries[0].edges : entries.flatMap((e) => e.edges)) {
    const slash = sourceFile.lastIndexOf('/');
    const source = nameByRoot.get(slash < 0 ? '.' : sourceFile.slice(0, slash));
    const target = nameByRoot.get(targetRoot);
    if (source === undefined || target === undefined || source === target) continue;
    if (seen) {
      const key = `${sourceFile}\0${targetRoot}`;
      if (seen.has(key)) continue;
      seen.add(key);
    }
    deps.push({ source, target, sourceFile, type: DependencyType.static });
  }
  // Already in a stable order: edges are sorted by (source pyproject, target root).
  return deps;
}

export const createDependencies: CreateDependencies<NxUvPluginOptions> = (options, context) =>
  timed('nx-uv:create-dependencies', () => dependenciesFromEntries(graphsFor(options, context), context.projects));
