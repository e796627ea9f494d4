/**
 * Issue 4, bad input through the build executor (real uv, offline): a member with unbuildable metadata
 * and a dependency cycle between members. Each must end in a clear error (or, for the cycle, a correct
 * build) with nothing half-done: every pyproject.toml byte-identical, no pin journal, the output folder
 * exactly as it was, no temporary folder left behind.
 */
import { logger } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultJournalDir, hasJournal } from '../../pin';
import { makeTempDir, uvTestEnv, writeTree } from '../../testing/tools';
import { recordingUv, type RecordingUv } from '../../uv/__fixtures__/recording-uv';
import { metadataValues, readSdistMetadata, readWheelMetadata } from '../../wheel';
import { loadUvWorkspace, topologicalOrder } from '../../workspace';
import { captureLogger, executorContext, PYPROJECT_B, snapshotPyprojects, writeUvWorkspace, type LogCapture } from '../shared/__fixtures__/uv-workspace';
import { runBuildExecutor } from './executor';

/** Every file of a folder (recursively) with its bytes; {} when it does not exist. */
function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(child);
      else out[child] = fs.readFileSync(path.join(dir, child)).toString('base64');
    }
  };
  if (fs.existsSync(dir)) walk('');
  return out;
}

async function requiresDist(file: string): Promise<string[]> {
  const md = file.endsWith('.whl') ? await readWheelMetadata(file) : readSdistMetadata(file);
  return metadataValues(md.metadata, 'Requires-Dist');
}

describe('build executor, unbuildable metadata (real uv)', () => {
  const tmp = makeTempDir('nx-uv-build-bad-');
  const root = path.join(tmp.dir, 'ws');
  /** os.tmpdir() of the executor while these tests run: its staging folders must be gone afterwards. */
  const scratch = path.join(tmp.dir, 'tmp');
  const bFile = path.join(root, 'py/packages/b/pyproject.toml');
  const bDist = path.join(root, 'py/packages/b/dist');
  const cDist = path.join(root, 'py/packages/c/dist');
  const savedTmp = process.env.TMPDIR;
  let uv: RecordingUv;
  let env: NodeJS.ProcessEnv;
  let log: LogCapture;
  let original: Record<string, Buffer>;
  let goodB: Record<string, string>;
  let goodC: Record<string, string>;

  const build = (project: string) => runBuildExecutor({}, executorContext(root, project), { env });

  beforeAll(async () => {
    fs.mkdirSync(scratch, { recursive: true });
    process.env.TMPDIR = scratch;
    writeUvWorkspace(root);
    uv = recordingUv(tmp.dir);
    env = uvTestEnv({ NX_UV_UV_PATH: uv.path, TMPDIR: scratch });
    original = snapshotPyprojects(root);
    // A previous, good build of Pkg_B and pkg-c in their output folders.
    log = captureLogger(logger);
    try {
      expect(await build('pkg-b')).toEqual({ success: true });
      expect(await build('pkg-c')).toEqual({ success: true });
    } finally {
      log.restore();
    }
    goodB = snapshotDir(bDist);
    goodC = snapshotDir(cDist);
  }, 30000);
  afterAll(() => {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    tmp.cleanup();
  });
  beforeEach(() => {
    log = captureLogger(logger);
    uv.reset();
  });
  afterEach(() => {
    log.restore();
    fs.writeFileSync(bFile, original['py/packages/b/pyproject.toml']);
  });

  /** Nothing half-done: pyprojects as given, no journal, output folders as before, no staging folder. */
  const expectNothingChanged = (bText: string) => {
    expect(fs.readFileSync(bFile, 'utf8')).toBe(bText);
    const now = snapshotPyprojects(root);
    delete now['py/packages/b/pyproject.toml'];
    const others = { ...original };
    delete others['py/packages/b/pyproject.toml'];
    expect(now).toEqual(others);
    expect(hasJournal(defaultJournalDir(root))).toBe(false);
    expect(snapshotDir(bDist)).toEqual(goodB);
    expect(snapshotDir(cDist)).toEqual(goodC);
    expect(fs.readdirSync(scratch)).toEqual([]);
  };

  it('the fixture: good builds of Pkg_B and pkg-c (wheel, sdist and uv\'s .gitignore) sit in their output folders', async () => {
    expect(Object.keys(goodB).sort()).toEqual(['.gitignore', 'pkg_b-0.3.0rc1-py3-none-any.whl', 'pkg_b-0.3.0rc1.tar.gz']);
    expect(Object.keys(goodC).sort()).toEqual(['.gitignore', 'pkg_c-2.0.0-py3-none-any.whl', 'pkg_c-2.0.0.tar.gz']);
    expect(await requiresDist(path.join(bDist, 'pkg_b-0.3.0rc1-py3-none-any.whl'))).toEqual(["pkg-a[fast]==1.2.0 ; python_full_version >= '3.8'", 'packaging']);
  });

  it('an invalid [project] version: stops before uv and before pinning, naming the package, the version and its pyproject.toml', async () => {
    const broken = PYPROJECT_B.replace('version = "0.3.0rc1"', 'version = "1.0.0-banana"');
    fs.writeFileSync(bFile, broken);
    expect(await build('pkg-b')).toEqual({ success: false });
    expect(log.error.join('\n')).toBe(
      'nx-uv build (pkg-b) failed: cannot build Pkg_B: Pkg_B has version "1.0.0-banana" in py/packages/b/pyproject.toml ([project] version), ' +
        'which is not a PEP 440 version. uv refuses such a workspace; write a valid version (e.g. 1.0.0, 1.0.0rc1, 1.0.0.post1, 1.0.0+local) and run again. Nothing was changed.',
    );
    expect(log.info.join('\n')).not.toContain('pinning');
    expect(uv.invocations()).toEqual([]);
    expectNothingChanged(broken);
  });

  it('a dependent of that member: the error names the member at fault and ITS file, not the dependent\'s', async () => {
    const broken = PYPROJECT_B.replace('version = "0.3.0rc1"', 'version = "1.0.0-banana"');
    fs.writeFileSync(bFile, broken);
    expect(await build('pkg-c')).toEqual({ success: false });
    const error = log.error.join('\n');
    expect(error).toContain('nx-uv build (pkg-c) failed: cannot build pkg-c: Pkg_B has version "1.0.0-banana" in py/packages/b/pyproject.toml ([project] version)');
    expect(error).not.toContain('py/packages/c/pyproject.toml');
    expect(uv.invocations()).toEqual([]);
    expectNothingChanged(broken);
  });

  it.each([
    {
      what: 'a requires-python that is no specifier',
      edit: (t: string) => t.replace('requires-python = ">=3.8"', 'requires-python = "banana"'),
      uvSays: /requires-python = "banana"[\s\S]*Failed to parse version/,
    },
    {
      what: 'a build backend that is not available',
      edit: (t: string) =>
        t.replace('requires = ["uv_build>=0.13,<0.14"]\nbuild-backend = "uv_build"', 'requires = ["nx-uv-no-such-backend>=1"]\nbuild-backend = "nx_uv_no_such_backend"'),
      uvSays: /Failed to resolve requirements from `build-system.requires`[\s\S]*nx-uv-no-such-backend/,
    },
    {
      what: 'no build-backend key (the setuptools fallback, not installed)',
      edit: (t: string) => t.replace('build-backend = "uv_build"\n', ''),
      uvSays: /No module named 'setuptools'/,
    },
  ])('$what: uv fails; the error names the package and its pyproject.toml; pins restored byte-for-byte, output folder untouched', async ({ edit, uvSays }) => {
    const broken = edit(PYPROJECT_B);
    expect(broken).not.toBe(PYPROJECT_B);
    fs.writeFileSync(bFile, broken);
    expect(await build('pkg-b')).toEqual({ success: false });
    const error = log.error.join('\n');
    expect(error).toContain(
      'nx-uv build (pkg-b) failed: uv build of Pkg_B failed; py/packages/b/pyproject.toml is back as it was and py/packages/b/dist was left as it was.',
    );
    expect(error).toMatch(uvSays);
    // The pin was really applied while uv ran (and then taken back).
    expect(log.info.join('\n')).toContain(`Pkg_B: pinning 1 internal requirement(s) for the build:`);
    expect(uv.invocations().map((c) => c.argv.slice(0, 3))).toEqual([['build', '--package', 'Pkg_B']]);
    expectNothingChanged(broken);
  });

  it('after all that, a good build still replaces the output folder with exactly the new files', async () => {
    expect(await build('pkg-b')).toEqual({ success: true });
    expect(Object.keys(snapshotDir(bDist)).sort()).toEqual(['.gitignore', 'pkg_b-0.3.0rc1-py3-none-any.whl', 'pkg_b-0.3.0rc1.tar.gz']);
    expect(fs.readdirSync(scratch)).toEqual([]);
    expect(snapshotPyprojects(root)).toEqual(original);
  });
});

describe('build executor, a dependency cycle between members (real uv)', () => {
  // uv accepts a cycle between workspace members (it locks and builds them), so nx-uv builds each
  // member on its own: there is no order to respect, each pins the other's current version.
  const tmp = makeTempDir('nx-uv-build-cycle-');
  const root = tmp.dir;
  const env = uvTestEnv();
  const member = (name: string, other: string, version: string) =>
    [
      '[project]',
      `name = "${name}"`,
      `version = "${version}"`,
      'requires-python = ">=3.8"',
      `dependencies = ["${other}>=1.0"]`,
      '',
      '[project.optional-dependencies]',
      `extra = ["${other}"]`,
      '',
      '[build-system]',
      'requires = ["uv_build>=0.13,<0.14"]',
      'build-backend = "uv_build"',
      '',
    ].join('\n');
  const files = {
    'nx.json': '{}\n',
    'py/pyproject.toml': '[tool.uv.workspace]\nmembers = ["packages/*"]\n\n[tool.uv.sources]\npkg-a = { workspace = true }\npkg-b = { workspace = true }\n',
    'py/packages/a/pyproject.toml': member('pkg-a', 'pkg-b', '1.2.0'),
    'py/packages/a/src/pkg_a/__init__.py': 'A = 1\n',
    'py/packages/b/pyproject.toml': member('pkg-b', 'pkg-a', '1.0.0'),
    'py/packages/b/src/pkg_b/__init__.py': 'B = 1\n',
  };
  let log: LogCapture;

  beforeAll(() => writeTree(root, files));
  afterAll(() => tmp.cleanup());
  beforeEach(() => (log = captureLogger(logger)));
  afterEach(() => log.restore());

  it('uv itself locks the cycle: both members depend on each other in uv.lock', async () => {
    const { runUv } = await import('../../uv');
    await runUv(['lock'], { cwd: path.join(root, 'py'), env });
    const lock = fs.readFileSync(path.join(root, 'py/uv.lock'), 'utf8');
    expect(lock).toMatch(/name = "pkg-a"[\s\S]*?dependencies = \[\n\s+\{ name = "pkg-b" \}/);
    expect(lock).toMatch(/name = "pkg-b"[\s\S]*?dependencies = \[\n\s+\{ name = "pkg-a" \}/);
    fs.rmSync(path.join(root, 'py/uv.lock'));
  });

  it('the workspace model keeps both edges, and topologicalOrder refuses, naming the cycle and both files', () => {
    const ws = loadUvWorkspace(path.join(root, 'py'));
    expect(ws.members.map((m) => [m.name, m.dependencies.map((d) => `${d.kind}:${d.target}`)])).toEqual([
      ['pkg-a', ['runtime:pkg-b', 'optional:pkg-b']],
      ['pkg-b', ['runtime:pkg-a', 'optional:pkg-a']],
    ]);
    expect(() => topologicalOrder(ws)).toThrow(
      'Dependency cycle between workspace members (runtime dependencies): pkg-a → pkg-b → pkg-a: ' +
        'pkg-a requires "pkg-b>=1.0" (project.dependencies in packages/a/pyproject.toml); pkg-b requires "pkg-a>=1.0" (project.dependencies in packages/b/pyproject.toml). ' +
        'Each must be versioned and published before the other, so nx-uv has no order to release them in. Break the cycle: ' +
        'move one of these requirements into an extra ([project.optional-dependencies]) or a dependency group, or merge the packages.',
    );
  });

  it('builds each member of the cycle, each pinning the other exactly, and restores both pyproject.toml files', async () => {
    const before = snapshotPyprojects(root);
    for (const [project, other, version] of [
      ['pkg-a', 'pkg-b', '1.0.0'],
      ['pkg-b', 'pkg-a', '1.2.0'],
    ]) {
      expect([project, await runBuildExecutor({}, executorContext(root, project), { env })]).toEqual([project, { success: true }]);
      const dist = path.join(root, 'py/packages', project.slice(-1), 'dist');
      const own = project === 'pkg-a' ? '1.2.0' : '1.0.0';
      const wheel = path.join(dist, `${project.replace('-', '_')}-${own}-py3-none-any.whl`);
      expect(await requiresDist(wheel)).toEqual([`${other}==${version}`, `${other}==${version} ; extra == 'extra'`]);
      expect(await requiresDist(path.join(dist, `${project.replace('-', '_')}-${own}.tar.gz`))).toEqual([`${other}==${version}`, `${other}==${version} ; extra == 'extra'`]);
      expect(snapshotPyprojects(root)).toEqual(before);
      expect(hasJournal(defaultJournalDir(root))).toBe(false);
    }
    expect(log.error).toEqual([]);
  });
});
