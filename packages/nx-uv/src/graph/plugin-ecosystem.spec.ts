/**
 * Issue 12: a plugin ecosystem (the core lists its plugins as extras, every plugin requires the core)
 * through the graph nx-uv infers and Nx's own task-graph code. uv locks it; the project graph keeps
 * every edge uv knows (affected stays right); release tasks are ordered by required runtime
 * dependencies only, so no release target is a task cycle.
 */
import type { ProjectGraph } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findCycle } from 'nx/src/tasks-runner/task-graph-utils';
import { inferNxProjectGraph, pyprojectsOf, taskGraphOf, useInferredGraph } from '../testing/nx-project-graph';
import { ECO_CORE, ECO_SAMPLE, ecoPluginName, ecosystemPackages, ecosystemRuntimeDependencies, pluginEcosystemFiles } from '../testing/plugin-ecosystem';
import { uvTestEnv } from '../testing/tools';
import { runUv } from '../uv';

const FILES = { 'nx.json': '{}\n', ...pluginEcosystemFiles({ plugins: 12 }, 'py') };
const PACKAGES = ecosystemPackages(12);

describe('a plugin ecosystem through the Nx graph nx-uv infers', () => {
  const inferred = useInferredGraph('nx-uv-eco-graph-', FILES);
  const root = inferred.root;
  let graph: ProjectGraph;
  beforeAll(() => (graph = inferred.graph()));

  const tasksOf = (target: string, projects: string[]) => taskGraphOf(graph, target, projects);

  it('uv locks it: the core depends on every plugin through its extras, every plugin on the core', async () => {
    await runUv(['lock'], { cwd: path.join(root, 'py'), env: uvTestEnv() });
    const lock = fs.readFileSync(path.join(root, 'py/uv.lock'), 'utf8');
    const block = (name: string) => {
      const at = lock.indexOf(`[[package]]\nname = "${name}"`);
      const end = lock.indexOf('\n[[package]]', at + 1);
      return lock.slice(at, end < 0 ? undefined : end);
    };
    expect(block(ECO_CORE)).toMatch(new RegExp(`\\[package\\.optional-dependencies\\][\\s\\S]*p12 = \\[\\n\\s+\\{ name = "${ecoPluginName(12)}" \\}`));
    expect(block(ecoPluginName(5))).toMatch(new RegExp(`dependencies = \\[\\n\\s+\\{ name = "${ECO_CORE}" \\}`));
  });

  it('keeps every edge uv knows in the project graph, extras included (so affected follows them)', () => {
    expect(graph.dependencies[ECO_CORE].map((d) => d.target).sort()).toEqual(PACKAGES.slice(1));
    expect(graph.dependencies[ecoPluginName(1)].map((d) => d.target).sort()).toEqual([ECO_CORE, ecoPluginName(2)]);
    expect(graph.dependencies[ecoPluginName(3)].map((d) => d.target).sort()).toEqual([ECO_CORE, ecoPluginName(1)]);
    expect(graph.dependencies['eco-testing'].map((d) => d.target).sort()).toEqual(PACKAGES);
  });

  it.each(['version', 'publish', 'nx-release-publish', 'build', 'tag', 'pin'])('%s: no task cycle for the whole workspace', (target) => {
    expect(findCycle(tasksOf(target, PACKAGES))).toBeNull();
  });

  it('publish: each package waits for exactly what it requires at runtime to be published', () => {
    const tasks = tasksOf('publish', PACKAGES);
    const runtime = ecosystemRuntimeDependencies(12);
    for (const name of PACKAGES) {
      const deps = tasks.dependencies[`${name}:publish`].filter((t) => t.endsWith(':publish')).sort();
      expect(deps).toEqual(runtime[name].map((d) => `${d}:publish`).sort());
      expect(tasks.dependencies[`${name}:publish`]).toContain(`${name}:build`);
    }
  });

  it('publishing one plugin also publishes what it requires, and nothing else', () => {
    expect(Object.keys(tasksOf('publish', [ecoPluginName(3)]).tasks).sort()).toEqual(
      [ECO_CORE, ecoPluginName(1), ecoPluginName(3)].flatMap((p) => [`${p}:build`, `${p}:publish`]).sort(),
    );
    expect(Object.keys(tasksOf('version', [ECO_CORE]).tasks)).toEqual([`${ECO_CORE}:version`]);
  });

  it('the sample ([tool.nx-uv] publish = false) is built and pinned, never versioned, tagged or published', () => {
    expect(Object.keys(graph.nodes[ECO_SAMPLE].data.targets ?? {})).toEqual(['pin', 'build']);
    expect(graph.nodes[ECO_SAMPLE].data.tags).toContain('uv:no-publish');
    expect(Object.keys(tasksOf('build', [ECO_SAMPLE]).tasks)).toEqual([`${ECO_SAMPLE}:build`]);
  });

  it('with optionalDependencyEdges: false the graph leaves the extras out (a plugin no longer affects the others)', async () => {
    const slim = await inferNxProjectGraph(root, pyprojectsOf(FILES), { optionalDependencyEdges: false });
    expect(slim.dependencies[ECO_CORE]).toEqual([]);
    expect(slim.dependencies[ecoPluginName(1)].map((d) => d.target)).toEqual([ECO_CORE]);
    expect(slim.dependencies[ecoPluginName(3)].map((d) => d.target).sort()).toEqual([ECO_CORE, ecoPluginName(1)]);
    // Group edges stay: only optional dependencies are left out.
    expect(slim.dependencies['eco-testing'].map((d) => d.target).sort()).toEqual(PACKAGES);
    expect(findCycle(taskGraphOf(slim, 'publish', PACKAGES))).toBeNull();
  });
});
