/**
 * nx-uv in a fresh Nx workspace, string form (`"plugins": ["nx-uv"]`): the projects, the edges
 * (checked against uv's own uv.lock), the inferred targets and `affected`.
 */
import {
  createNxWorkspace,
  dependsOnNames,
  internalEdges,
  packPlugin,
  parseJsonOutput,
  readNxGraph,
  type DependsOnEntry,
  type GraphFile,
  type NxWorkspace,
  type PackedPlugin,
} from './harness';
import { dependentsOfApiClient, dependentsOfCoreLib, expectedEdges, memberNames, memberRoots, packageMembers, uvWorkspaceFiles } from './fixtures/uv-workspace';
import { readUvLockGraph } from './uv-lock';

interface TargetConfig {
  executor?: string;
  cache?: boolean;
  outputs?: string[];
  dependsOn?: DependsOnEntry[];
}
interface ProjectConfig {
  name: string;
  root: string;
  targets?: Record<string, TargetConfig>;
}

const arrow = ([source, target]: [string, string]) => `${source} -> ${target}`;

let packed: PackedPlugin;
let ws: NxWorkspace;
let graph: GraphFile;

beforeAll(() => {
  packed = packPlugin();
  ws = createNxWorkspace({ files: uvWorkspaceFiles, tarball: packed.tarball, uvLock: true });
  graph = readNxGraph(ws);
});

afterAll(() => {
  ws?.cleanup();
  packed?.cleanup();
});

describe('projects', () => {
  it('lists every uv member by normalised name, plus uv-workspace for the virtual root', () => {
    const projects = parseJsonOutput<string[]>(ws.runNx(['show', 'projects', '--json']).stdout);
    expect([...projects].sort()).toEqual([...memberNames, 'uv-workspace'].sort());
  });

  it('has the same members as uv itself (uv.lock and `uv workspace list`)', () => {
    const lock = readUvLockGraph(ws.readFile('uv.lock'));
    expect(lock.members).toEqual([...memberNames].sort());
    const listed = ws.runUv(['workspace', 'list']).stdout.split('\n').filter(Boolean).sort();
    expect(listed).toEqual([...memberNames].sort());
  });

  it('roots each project at its member directory, and uv-workspace at the workspace root', () => {
    const roots = Object.fromEntries(Object.values(graph.graph.nodes).map((node) => [node.name, node.data.root]));
    expect(roots).toEqual({ ...memberRoots, 'uv-workspace': '.' });
  });

  it('gives the excluded member (packages/legacy) no project', () => {
    expect(Object.keys(graph.graph.nodes)).not.toContain('legacy-pkg');
    expect(Object.values(graph.graph.nodes).map((node) => node.data.root)).not.toContain('packages/legacy');
  });
});

describe('dependencies', () => {
  it('are exactly the internal edges: runtime, extras, optional and dependency groups', () => {
    expect(internalEdges(graph)).toEqual(expectedEdges.map(arrow).sort());
  });

  it('agree with the edges of the uv.lock that `uv lock` wrote', () => {
    const lock = readUvLockGraph(ws.readFile('uv.lock'));
    expect(internalEdges(graph)).toEqual(lock.edges);
  });

  it('are static edges (what Nx Release cascades on)', () => {
    const types = new Set(
      Object.values(graph.graph.dependencies)
        .flat()
        .filter((dep) => memberNames.includes(dep.target))
        .map((dep) => dep.type),
    );
    expect([...types]).toEqual(['static']);
  });
});

describe('targets', () => {
  const show = (name: string) => parseJsonOutput<ProjectConfig>(ws.runNx(['show', 'project', name, '--json']).stdout);
  /** The targets of a project as the graph file has them (the same configuration, one nx run for all). */
  const targetsOf = (name: string) => (graph.graph.nodes[name]?.data.targets ?? {}) as Record<string, TargetConfig>;

  it('infers build, publish, version, tag and pin with nx-uv executors on a package member', () => {
    const project = show('core-lib');
    expect(project.root).toBe('packages/core');
    const targets = project.targets ?? {};
    expect(targets.build?.executor).toBe('nx-uv:build');
    expect(targets.publish?.executor).toBe('nx-uv:publish');
    expect(targets.version?.executor).toBe('nx-uv:version');
    expect(targets.tag?.executor).toBe('nx-uv:tag');
    expect(targets.pin?.executor).toBe('nx-uv:pin');
  });

  it('caches build with the dist folder as output, and never caches the release steps', () => {
    const targets = targetsOf('api-client');
    expect(targets.build.cache).toBe(true);
    expect(targets.build.outputs).toEqual(['{projectRoot}/dist']);
    for (const name of ['publish', 'version', 'tag', 'pin']) {
      expect({ name, cache: targets[name].cache ?? false }).toEqual({ name, cache: false });
    }
  });

  it('orders publish after build and after the runtime dependencies’ publish, version after theirs', () => {
    const targets = targetsOf('util-helpers');
    expect(dependsOnNames(targets.publish.dependsOn).sort()).toEqual(['build', 'core-lib:publish']);
    expect(dependsOnNames(targets.version.dependsOn)).toEqual(['core-lib:version']);
    // api-client requires util-helpers and core-lib[fast] at runtime.
    expect(dependsOnNames(targetsOf('api-client').publish.dependsOn)).toEqual(['build', 'core-lib,util-helpers:publish']);
  });

  it('an extra imposes no release order: py-plugins (only an extra on api-client) publishes after its build alone', () => {
    const targets = targetsOf('py-plugins');
    expect(dependsOnNames(targets.publish.dependsOn)).toEqual(['build']);
    expect(targets.version.dependsOn).toBeUndefined();
  });

  it('gives every package member the release targets', () => {
    for (const name of packageMembers) {
      expect({ name, targets: Object.keys(targetsOf(name)) }).toEqual({
        name,
        targets: expect.arrayContaining(['build', 'publish', 'version', 'tag', 'pin']),
      });
    }
  });

  it('gives a `package = false` member none of them', () => {
    const targets = Object.keys(targetsOf('web-app'));
    for (const name of ['build', 'publish', 'version', 'tag', 'pin']) expect(targets).not.toContain(name);
  });

  it('puts the workspace-level targets on uv-workspace', () => {
    const targets = targetsOf('uv-workspace');
    expect(targets['release-plan']?.executor).toBe('nx-uv:release-plan');
    expect(targets['release-pr']?.executor).toBe('nx-uv:release-pr');
    expect(targets.notify?.executor).toBe('nx-uv:notify');
    expect(targets.build).toBeUndefined();
  });
});

describe('affected', () => {
  const affected = (file: string) => parseJsonOutput<string[]>(ws.runNx(['show', 'projects', '--affected', `--files=${file}`, '--json']).stdout).sort();

  it('a change in the leaf dependency core-lib affects it and all its dependents, nothing else', () => {
    expect(affected('packages/core/src/core_lib/__init__.py')).toEqual(dependentsOfCoreLib);
  });

  it('a change in api-client affects only it and its dependents', () => {
    expect(affected('packages/api/src/api_client/__init__.py')).toEqual(dependentsOfApiClient);
  });
});

describe('after an edit', () => {
  afterAll(() => ws.git(['checkout', '--', 'packages/utils/pyproject.toml', 'uv.lock']));

  it('follows a new dependency without stale results', () => {
    ws.writeFiles({
      'packages/utils/pyproject.toml': `${ws.readFile('packages/utils/pyproject.toml').replace('"core-lib>=1.0",', '"core-lib>=1.0", "scripts",')}
[tool.uv.sources]
scripts = { workspace = true }
`,
    });
    expect(ws.readFile('packages/utils/pyproject.toml')).toContain('"scripts"');
    ws.runUv(['lock']);
    const edges = internalEdges(readNxGraph(ws));
    expect(edges).toEqual([...expectedEdges.map(arrow), 'util-helpers -> scripts'].sort());
    expect(edges).toEqual(readUvLockGraph(ws.readFile('uv.lock')).edges);
  });
});
