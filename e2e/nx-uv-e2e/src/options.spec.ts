/**
 * nx-uv in object form with options (`{ "plugin": "nx-uv", "options": {...} }`): project-name
 * template, workspace project name, renamed and disabled targets, build output folder.
 */
import {
  createNxWorkspace,
  dependsOnNames,
  internalEdges,
  parseJsonOutput,
  readNxGraph,
  type DependsOnEntry,
  type GraphFile,
  type NxWorkspace,
} from './harness';
import { expectedEdges, memberNames, uvWorkspaceFiles } from './fixtures/uv-workspace';

interface TargetConfig {
  executor?: string;
  cache?: boolean;
  outputs?: string[];
  dependsOn?: DependsOnEntry[];
}

const options = {
  projectName: 'py-{name}',
  workspaceProjectName: 'monorepo',
  targetNames: { pin: false, publish: 'pypi-publish' },
  buildOutputPath: 'out',
};

let ws: NxWorkspace;
let graph: GraphFile;

beforeAll(() => {
  ws = createNxWorkspace({ files: uvWorkspaceFiles, plugins: [{ plugin: 'nx-uv', options }] });
  graph = readNxGraph(ws);
});

afterAll(() => ws?.cleanup());

it('names the projects with the template and the virtual root with workspaceProjectName', () => {
  const projects = parseJsonOutput<string[]>(ws.runNx(['show', 'projects', '--json']).stdout);
  expect([...projects].sort()).toEqual([...memberNames.map((name) => `py-${name}`), 'monorepo'].sort());
});

it('keeps the same edges under the templated names', () => {
  expect(internalEdges(graph)).toEqual(expectedEdges.map(([source, target]) => `py-${source} -> py-${target}`).sort());
});

it('renames publish (and its dependency on the runtime dependencies’ publish), drops pin and moves the build output', () => {
  const project = parseJsonOutput<{ targets: Record<string, TargetConfig> }>(ws.runNx(['show', 'project', 'py-util-helpers', '--json']).stdout);
  const targets = project.targets;
  expect(targets.pin).toBeUndefined();
  expect(targets.publish).toBeUndefined();
  expect(targets['pypi-publish']?.executor).toBe('nx-uv:publish');
  expect(dependsOnNames(targets['pypi-publish'].dependsOn).sort()).toEqual(['build', 'py-core-lib:pypi-publish']);
  expect(targets.build?.executor).toBe('nx-uv:build');
  expect(targets.build.outputs).toEqual(['{projectRoot}/out']);
  expect(targets.version?.executor).toBe('nx-uv:version');
  expect(targets.tag?.executor).toBe('nx-uv:tag');
});

it('puts the workspace-level targets on the renamed workspace project', () => {
  const project = graph.graph.nodes['monorepo'];
  expect(project?.data.root).toBe('.');
  const targets = (project?.data.targets ?? {}) as Record<string, TargetConfig>;
  expect(targets['release-plan']?.executor).toBe('nx-uv:release-plan');
});
