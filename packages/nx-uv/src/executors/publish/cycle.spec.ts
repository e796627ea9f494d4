/**
 * Issue 4, a dependency cycle between members (pkg-a → pkg-b → pkg-a), seen from Nx.
 *
 * What is right, and what this file pins down:
 * - uv allows such a cycle (it locks and builds both; see build/bad-input.spec.ts), so the plugin
 *   infers it as it is: both edges, no error while Nx computes the graph.
 * - `build` needs no order (each member pins the other's current version): its task graph has no cycle.
 * - `publish` needs an order (a dependent is uploaded only once its dependencies are served) and a cycle
 *   has none: with the inferred `dependsOn: ["build", "^publish"]` the task graph has a cycle, and Nx
 *   refuses the whole run before any task starts, naming it (`pkg-a:publish --> pkg-b:publish --> …`);
 *   nothing is uploaded. `version` (`^version`) is refused the same way. nx-uv's own
 *   `topologicalOrder` names the cycle with the sections and files at fault.
 * This runs the plugin's real createNodes/createDependencies and Nx's own task-graph code (the
 * functions `nx run-many` calls) on a workspace on disk.
 */
import type { ProjectGraph } from '@nx/devkit';
import * as path from 'node:path';
import { findCycle } from 'nx/src/tasks-runner/task-graph-utils';
import { taskGraphOf, useInferredGraph } from '../../testing/nx-project-graph';
import { loadUvWorkspace, topologicalOrder } from '../../workspace';
import { memberPyproject } from './__fixtures__/publish-workspace';

const FILES: Record<string, string> = {
  'nx.json': '{}\n',
  'py/pyproject.toml': [
    '[tool.uv.workspace]',
    'members = ["packages/*"]',
    '',
    '[tool.uv.sources]',
    'pkg-a = { workspace = true }',
    'pkg-b = { workspace = true }',
    'pkg-c = { workspace = true }',
    '',
  ].join('\n'),
  'py/packages/a/pyproject.toml': memberPyproject({ name: 'pkg-a', version: '1.2.0', module: 'pkg_a', dependencies: ['pkg-b>=1.0'] }),
  'py/packages/b/pyproject.toml': memberPyproject({ name: 'pkg-b', version: '1.0.0', module: 'pkg_b', dependencies: ['pkg-a>=1.0'] }),
  'py/packages/c/pyproject.toml': memberPyproject({ name: 'pkg-c', version: '3.0.0', module: 'pkg_c', dependencies: ['pkg-a>=1.0'] }),
};
describe('a dependency cycle between members, through the Nx graph nx-uv infers', () => {
  const inferred = useInferredGraph('nx-uv-cycle-graph-', FILES);
  const root = inferred.root;
  let graph: ProjectGraph;
  beforeAll(() => (graph = inferred.graph()));

  const taskCycle = (target: string, projects = ['pkg-a', 'pkg-b', 'pkg-c']) => findCycle(taskGraphOf(graph, target, projects));

  it('the plugin infers both edges of the cycle, and the targets as usual', () => {
    expect(Object.keys(graph.nodes).sort()).toEqual(['pkg-a', 'pkg-b', 'pkg-c', 'uv-workspace']);
    expect(graph.dependencies['pkg-a'].map((d) => d.target)).toEqual(['pkg-b']);
    expect(graph.dependencies['pkg-b'].map((d) => d.target)).toEqual(['pkg-a']);
    expect(graph.dependencies['pkg-c'].map((d) => d.target)).toEqual(['pkg-a']);
    expect(graph.nodes['pkg-a'].data.targets?.publish?.dependsOn).toEqual(['build', { target: 'publish', projects: ['pkg-b'], params: 'forward' }]);
  });

  it('build: no task cycle, every member builds on its own', () => {
    expect(taskCycle('build')).toBeNull();
    const tasks = taskGraphOf(graph, 'build', ['pkg-a', 'pkg-b', 'pkg-c']);
    expect(Object.keys(tasks.tasks).sort()).toEqual(['pkg-a:build', 'pkg-b:build', 'pkg-c:build']);
  });

  it('publish: the task graph has the cycle, which Nx names and refuses to run (nothing starts, nothing is uploaded)', () => {
    // `nx run-many -t publish` prints "Could not execute command because the task graph has a circular
    // dependency" with this cycle joined by " --> ", and exits 1 before running any task.
    const cycle = taskCycle('publish');
    expect(cycle).not.toBeNull();
    expect(new Set(cycle)).toEqual(new Set(['pkg-a:publish', 'pkg-b:publish']));
    expect(cycle![0]).toBe(cycle![cycle!.length - 1]);
    // Publishing only the member outside the cycle still needs it: its dependency pkg-a is in the cycle.
    expect(taskCycle('publish', ['pkg-c'])).not.toBeNull();
  });

  it("version: refused the same way (version depends on the runtime dependencies' version)", () => {
    expect(new Set(taskCycle('version'))).toEqual(new Set(['pkg-a:version', 'pkg-b:version']));
  });

  it("nx-uv's own order names the cycle, its sections and files, and says what to do", () => {
    const ws = loadUvWorkspace(path.join(root, 'py'));
    expect(() => topologicalOrder(ws)).toThrow(
      /Dependency cycle between workspace members \(runtime dependencies\): pkg-a → pkg-b → pkg-a: pkg-a requires "pkg-b>=1\.0" \(project\.dependencies in packages\/a\/pyproject\.toml\); pkg-b requires "pkg-a>=1\.0" \(project\.dependencies in packages\/b\/pyproject\.toml\)\. .*Break the cycle/,
    );
  });
});
