/**
 * The packed plugin on every Nx major its peer range admits (21–24): for each, a fresh workspace
 * installs that major's nx and @nx/devkit from the npm registry (one `npm install`, --prefer-offline)
 * beside the packed nx-uv, and runs against the e2e uv workspace: the project graph (members and
 * edges), one real `uv build` through the build target, and `publish --dryRun`. The majors run one
 * after the other, each workspace removed before the next is made.
 *
 * NX_MAJORS pins the exact versions: the newest release of each major on the registry when this was
 * written. @nx/devkit is pinned like nx (with Nx 21, npm otherwise installs a newer devkit, whose
 * peer range does not admit nx 21); Nx 24's newest devkit is 24.0.0 (nx itself is at 24.0.7).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as semver from 'semver';
import {
  createNxWorkspace,
  distDir,
  internalEdges,
  nxVersion,
  packPlugin,
  parseJsonOutput,
  readNxGraph,
  type NxVersions,
  type NxWorkspace,
  type PackedPlugin,
} from './harness';
import { expectedEdges, memberNames, uvWorkspaceFiles } from './fixtures/uv-workspace';
import { nxReleaseToolEnv } from './runner-env';

/** The supported majors and the exact versions each is tested with: the one place to change them. */
const NX_MAJORS: (NxVersions & { major: number })[] = [
  { major: 21, nx: '21.6.11', devkit: '21.6.11' },
  { major: 22, nx: '22.7.12', devkit: '22.7.12' },
  { major: 23, nx: '23.3.2', devkit: '23.3.2' },
  { major: 24, nx: '24.0.7', devkit: '24.0.0' },
];

/** A closed loopback port: a dry run that tried to upload would fail. */
const INDEX = 'http://127.0.0.1:9/';

const peers = (JSON.parse(fs.readFileSync(path.join(distDir, 'package.json'), 'utf8')) as { peerDependencies: Record<string, string> })
  .peerDependencies;

let packed: PackedPlugin;

beforeAll(() => {
  packed = packPlugin();
});

afterAll(() => packed?.cleanup());

it('tests exactly the Nx majors the peer range admits, each with versions inside it', () => {
  const admitted = Array.from({ length: 100 }, (_, major) => major).filter(
    (major) => semver.intersects(peers.nx, `^${major}.0.0`) && semver.intersects(peers['@nx/devkit'], `^${major}.0.0`),
  );
  expect(NX_MAJORS.map((m) => m.major)).toEqual(admitted);
  for (const { major, nx, devkit } of NX_MAJORS) {
    expect({ major, nx: semver.major(nx), devkit: semver.major(devkit) }).toEqual({ major, nx: major, devkit: major });
    expect({ nx, devkit, ok: semver.satisfies(nx, peers.nx) && semver.satisfies(devkit, peers['@nx/devkit']) }).toEqual({ nx, devkit, ok: true });
  }
  // The repository's own Nx is one of them (the rest of the suite runs on it).
  expect(NX_MAJORS.map((m) => m.nx)).toContain(nxVersion);
});

describe.each(NX_MAJORS)('Nx $major ($nx, @nx/devkit $devkit)', (versions) => {
  let ws: NxWorkspace | undefined;
  const workspace = (): NxWorkspace => {
    if (!ws) throw new Error(`the Nx ${versions.major} workspace was not created (see the beforeAll failure)`);
    return ws;
  };

  beforeAll(() => {
    const started = Date.now();
    ws = createNxWorkspace({ files: uvWorkspaceFiles, tarball: packed.tarball, nxVersions: versions });
    // The time this major adds to CI, install included (shown with --verbose=false too).
    process.stdout.write(`nx-versions: Nx ${versions.nx} workspace installed in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  });

  afterAll(() => ws?.cleanup());

  it('installs the pinned versions', () => {
    const installed = (name: string) =>
      (JSON.parse(workspace().readFile(`node_modules/${name}/package.json`)) as { version: string }).version;
    expect({ nx: installed('nx'), devkit: installed('@nx/devkit') }).toEqual({ nx: versions.nx, devkit: versions.devkit });
    expect(workspace().runNx(['--version']).stdout).toContain(versions.nx);
  });

  it('graph: every uv member is a project, with the dependency edges', () => {
    const projects = parseJsonOutput<string[]>(workspace().runNx(['show', 'projects', '--json']).stdout);
    expect([...projects].sort()).toEqual([...memberNames, 'uv-workspace'].sort());
    const graph = readNxGraph(workspace());
    expect(internalEdges(graph)).toEqual(expectedEdges.map(([source, target]) => `${source} -> ${target}`).sort());
  });

  it('build: util-helpers builds its sdist and wheel with uv, core-lib pinned exactly', () => {
    const { stdout } = workspace().runNx(['run', 'util-helpers:build'], nxReleaseToolEnv());
    expect(stdout).toMatch(/Successfully ran target build for project util-helpers/);
    const dist = path.join(workspace().root, 'packages/utils/dist');
    expect(fs.readdirSync(dist).filter((f) => !f.startsWith('.')).sort()).toEqual([
      'util_helpers-0.4.1-py3-none-any.whl',
      'util_helpers-0.4.1.tar.gz',
    ]);
    // The build pins its internal requirement to the exact current version (and restores the file).
    expect(stdout).toContain('core-lib==1.2.0');
    expect(workspace().readFile('packages/utils/pyproject.toml')).toBe(uvWorkspaceFiles['packages/utils/pyproject.toml']);
  });

  it('publish --dryRun: lists what it would upload, uploads nothing', () => {
    const { stdout } = workspace().runNx(['run', 'util-helpers:publish', '--dryRun', '--exclude-task-dependencies'], {
      ...nxReleaseToolEnv(),
      UV_PUBLISH_URL: INDEX,
    });
    expect(stdout).toContain(`nx-uv publish (dry run): util.helpers 0.4.1 → ${INDEX}`);
    expect(stdout).toMatch(/util_helpers-0\.4\.1-py3-none-any\.whl .*would be uploaded/);
    expect(stdout).toMatch(/util_helpers-0\.4\.1\.tar\.gz .*would be uploaded/);
    expect(stdout).toContain('nx-uv publish (dry run): nothing was uploaded and uv publish was not run.');
  });
});
