/**
 * `nx release` driving a uv workspace through nx-uv's VersionActions and nx-release-publish: a fresh
 * Nx workspace with the packed plugin, three members a ← b ← c, `release` in nx.json pointing
 * `versionActions` at nx-uv, real git, real uv (offline). Versions must be PEP 440 (`1.3.0rc1`,
 * never `1.3.0-rc.0`), dependents' requirements must follow, everything else in the files must stay
 * byte for byte, uv.lock must be relocked and committed, and dry runs must change and upload nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createNxWorkspace, parseJsonOutput, type NxWorkspace } from './harness';
import { NX_RELEASE_CONFIG, nxReleaseToolEnv } from './runner-env';

const BUILD = `
[build-system]
requires = ["uv_build>=0.13,<0.14"]
build-backend = "uv_build"
`;

const ROOT = `# the uv workspace (virtual root)
[tool.uv.workspace]
members = ["packages/*"]

[tool.uv.sources]
pkg-a = { workspace = true }
pkg-b = { workspace = true }
pkg-c = { workspace = true }
`;

const A = `# pkg-a: the base
[project]
name = "pkg-a"
# written by releases; this comment stays
version = "1.2.0"  # and so does this one
description = "a"
requires-python = ">=3.9"
${BUILD}`;

const B = `[project]
name = "pkg-b"
version = '1.2.0'
requires-python = ">=3.9"
dependencies = [
    # the base
    "pkg-a>=1.2.0",
]
${BUILD}`;

const C = `[project]
name = "pkg-c"
version = "1.2.0"
requires-python = ">=3.9"
dependencies = ["pkg-b >=1.2.0, <2 ; python_version >= '3.9'"]  # spacing and marker kept
${BUILD}`;

const NX_JSON = {
  $schema: './node_modules/nx/schemas/nx-schema.json',
  plugins: ['nx-uv'],
  release: NX_RELEASE_CONFIG,
};

const FILES: Record<string, string> = {
  'nx.json': JSON.stringify(NX_JSON, null, 2) + '\n',
  'pyproject.toml': ROOT,
  'packages/a/pyproject.toml': A,
  'packages/a/src/pkg_a/__init__.py': '"""a."""\n',
  'packages/b/pyproject.toml': B,
  'packages/b/src/pkg_b/__init__.py': '"""b."""\n',
  'packages/c/pyproject.toml': C,
  'packages/c/src/pkg_c/__init__.py': '"""c."""\n',
};

const toolEnv = nxReleaseToolEnv;

let ws: NxWorkspace;
const nx = (args: string[], extra: NodeJS.ProcessEnv = {}) => {
  const r = ws.runNx(args, { ...toolEnv(), ...extra });
  return `${r.stdout}\n${r.stderr}`;
};
const status = () => ws.git(['status', '--porcelain']).stdout;
const tags = () => ws.git(['tag', '--list']).stdout.split('\n').filter(Boolean).sort();
const head = () => ws.git(['rev-parse', 'HEAD']).stdout.trim();

beforeAll(() => {
  ws = createNxWorkspace({ files: FILES, uvLock: true });
});
afterAll(() => ws?.cleanup());

it('the fixture: three release projects with nx-release-publish after build and the dependencies', () => {
  const project = parseJsonOutput<{ targets: Record<string, { executor: string; dependsOn?: unknown[] }> }>(
    ws.runNx(['show', 'project', 'pkg-b', '--json']).stdout,
  );
  expect(project.targets['nx-release-publish']).toMatchObject({
    executor: 'nx-uv:nx-release-publish',
    dependsOn: ['build', { target: 'nx-release-publish', projects: ['pkg-a'], params: 'forward' }],
  });
  expect(status()).toBe('');
});

it('a dry run prints the PEP 440 versions and changes nothing (no file, no commit, no tag, no uv.lock)', () => {
  const before = head();
  const out = nx(['release', 'version', 'preminor', '--preid=rc', '--projects=pkg-a', '--dry-run']);
  expect(out).toMatch(/new version 1\.3\.0rc1/);
  expect(out).not.toMatch(/1\.3\.0-rc\.0/);
  expect(out).toMatch(/would run `uv lock`/);
  expect(status()).toBe('');
  expect(head()).toBe(before);
  expect(tags()).toEqual([]);
  expect(ws.readFile('packages/a/pyproject.toml')).toBe(A);
});

it('nx release version preminor --preid=rc: 1.3.0rc1, dependents patched, requirements followed, the rest kept, uv.lock relocked and committed', () => {
  nx(['release', 'version', 'preminor', '--preid=rc', '--projects=pkg-a']);
  expect(ws.readFile('packages/a/pyproject.toml')).toBe(A.replace('version = "1.2.0"', 'version = "1.3.0rc1"'));
  expect(ws.readFile('packages/b/pyproject.toml')).toBe(B.replace("version = '1.2.0'", "version = '1.2.1'").replace('"pkg-a>=1.2.0"', '"pkg-a>=1.3.0rc1"'));
  expect(ws.readFile('packages/c/pyproject.toml')).toBe(
    C.replace('version = "1.2.0"', 'version = "1.2.1"').replace('"pkg-b >=1.2.0, <2', '"pkg-b >=1.2.1, <2'),
  );
  expect(ws.readFile('pyproject.toml')).toBe(ROOT);
  ws.runUv(['lock', '--check']);
  expect(ws.readFile('uv.lock')).toMatch(/name = "pkg-a"\nversion = "1\.3\.0rc1"/);
  // Committed (uv.lock included) and tagged with PEP 440 versions.
  expect(status()).toBe('');
  expect(ws.git(['show', '--name-only', '--format=', 'HEAD']).stdout.split('\n').filter(Boolean).sort()).toEqual([
    'packages/a/pyproject.toml',
    'packages/b/pyproject.toml',
    'packages/c/pyproject.toml',
    'uv.lock',
  ]);
  expect(tags()).toEqual(['pkg-a-v1.3.0rc1', 'pkg-b-v1.2.1', 'pkg-c-v1.2.1']);
});

it('nx release version prerelease continues the series (rc1 → rc2), then minor graduates it (→ 1.3.0)', () => {
  nx(['release', 'version', 'prerelease', '--preid=rc', '--projects=pkg-a']);
  expect(ws.readFile('packages/a/pyproject.toml')).toBe(A.replace('version = "1.2.0"', 'version = "1.3.0rc2"'));
  expect(ws.readFile('packages/b/pyproject.toml')).toContain('"pkg-a>=1.3.0rc2"');
  nx(['release', 'version', 'minor', '--projects=pkg-a']);
  expect(ws.readFile('packages/a/pyproject.toml')).toBe(A.replace('version = "1.2.0"', 'version = "1.3.0"'));
  expect(ws.readFile('packages/b/pyproject.toml')).toContain('"pkg-a>=1.3.0"');
  ws.runUv(['lock', '--check']);
  expect(status()).toBe('');
  expect(tags()).toEqual(expect.arrayContaining(['pkg-a-v1.3.0rc2', 'pkg-a-v1.3.0', 'pkg-c-v1.2.3']));
});

it('conventional commits: a fix in pkg-a releases 1.3.1 (not a second 1.3.0 from git’s tag order) and patches the dependents', () => {
  ws.writeFiles({ 'packages/a/src/pkg_a/__init__.py': '"""a, fixed."""\n' });
  ws.git(['add', '--all']);
  ws.git(['-c', 'commit.gpgsign=false', 'commit', '--quiet', '--no-verify', '-m', 'fix(pkg-a): repair a']);
  const out = nx(['release', 'version']);
  // git ranks pkg-a-v1.3.0rc2 above pkg-a-v1.3.0; the manifest says 1.3.0.
  expect(out).toMatch(/latest \(1\.3\.0rc2\) is older than 1\.3\.0 in the manifest/);
  expect(ws.readFile('packages/a/pyproject.toml')).toBe(A.replace('version = "1.2.0"', 'version = "1.3.1"'));
  expect(ws.readFile('packages/b/pyproject.toml')).toBe(B.replace("version = '1.2.0'", "version = '1.2.4'").replace('"pkg-a>=1.2.0"', '"pkg-a>=1.3.1"'));
  expect(ws.readFile('packages/c/pyproject.toml')).toBe(
    C.replace('version = "1.2.0"', 'version = "1.2.4"').replace('"pkg-b >=1.2.0, <2', '"pkg-b >=1.2.4, <2'),
  );
  ws.runUv(['lock', '--check']);
  expect(status()).toBe('');
  expect(tags()).toEqual(expect.arrayContaining(['pkg-a-v1.3.1', 'pkg-b-v1.2.4', 'pkg-c-v1.2.4']));
});

it('nx release publish --dry-run builds, then publishes nothing (no server, no credentials) and leaves the tree clean', () => {
  // A closed loopback port: any real upload attempt would fail the command.
  const out = nx(['release', 'publish', '--dry-run'], { UV_PUBLISH_URL: 'http://127.0.0.1:9/' });
  for (const name of ['pkg-a 1.3.1', 'pkg-b 1.2.4', 'pkg-c 1.2.4']) {
    expect(out).toContain(`nx-uv publish (dry run): ${name} → http://127.0.0.1:9/`);
  }
  expect(out.match(/nothing was uploaded and uv publish was not run/g)).toHaveLength(3);
  expect(out).not.toMatch(/Uploading|uploaded pkg_/);
  // build ran first (dependsOn), into the git-ignored dist folder
  expect(
    fs
      .readdirSync(path.join(ws.root, 'packages/a/dist'))
      .filter((f) => !f.startsWith('.'))
      .sort(),
  ).toEqual(['pkg_a-1.3.1-py3-none-any.whl', 'pkg_a-1.3.1.tar.gz']);
  expect(status()).toBe('');
});
