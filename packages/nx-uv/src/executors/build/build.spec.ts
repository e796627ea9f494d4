/**
 * The build executor against the real uv (offline, build backends from the local wheelhouse).
 */
import { logger } from '@nx/devkit';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultJournalDir, hasJournal, pinChanges, pinFiles, planWorkspacePins } from '../../pin';
import { makeTempDir, uvTestEnv } from '../../testing/tools';
import { runUv } from '../../uv';
import { listTarGzEntries, metadataValues, readSdistMetadata, readWheelMetadata } from '../../wheel';
import { loadUvWorkspace, parseRequirement } from '../../workspace';
import { captureLogger, executorContext, PYPROJECT_B, snapshotPyprojects, writeUvWorkspace, type LogCapture } from '../shared/__fixtures__/uv-workspace';
import { auditDistribution, formatAuditProblems, pinExpectation } from '../../release/build-audit';
import buildExecutor, { runBuildExecutor } from './executor';
import { uvBuildArgs } from '../../release/build-plan';

const env = uvTestEnv();

function dists(dir: string): string[] {
  return fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((n) => !n.startsWith('.'))
        .sort()
    : [];
}
async function requiresDist(file: string): Promise<string[]> {
  const md = file.endsWith('.whl') ? await readWheelMetadata(file) : readSdistMetadata(file);
  return metadataValues(md.metadata, 'Requires-Dist');
}

describe('build executor (real uv)', () => {
  const tmp = makeTempDir('nx-uv-build-');
  const root = tmp.dir;
  const journalDir = defaultJournalDir(root);
  let original: Record<string, Buffer>;
  let log: LogCapture;

  beforeAll(() => {
    writeUvWorkspace(root);
    original = snapshotPyprojects(root);
  });
  afterAll(() => tmp.cleanup());
  beforeEach(() => (log = captureLogger(logger)));
  afterEach(() => log.restore());

  const build = (project: string, options = {}) => runBuildExecutor(options, executorContext(root, project), { env });
  const expectPristine = () => {
    expect(snapshotPyprojects(root)).toEqual(original);
    expect(hasJournal(journalDir)).toBe(false);
  };

  it('builds wheel and sdist with the internal requirement pinned, extras and marker kept, and restores the pyproject', async () => {
    const r = await build('pkg-b');
    expect(log.error).toEqual([]);
    expect(r).toEqual({ success: true });
    const dist = path.join(root, 'py/packages/b/dist');
    expect(dists(dist)).toEqual(['pkg_b-0.3.0rc1-py3-none-any.whl', 'pkg_b-0.3.0rc1.tar.gz']);
    const expected = ["pkg-a[fast]==1.2.0 ; python_full_version >= '3.8'", 'packaging'];
    expect(await requiresDist(path.join(dist, 'pkg_b-0.3.0rc1-py3-none-any.whl'))).toEqual(expected);
    expect(await requiresDist(path.join(dist, 'pkg_b-0.3.0rc1.tar.gz'))).toEqual(expected);
    expect(log.info.join('\n')).toContain(
      `[project.dependencies] "pkg-a[fast] >=1.0 ; python_version >= '3.8'" -> "pkg-a[fast]==1.2.0; python_version >= '3.8'"`,
    );
    expect(log.info.join('\n')).toMatch(/built pkg_b-0\.3\.0rc1-py3-none-any\.whl, pkg_b-0\.3\.0rc1\.tar\.gz in py\/packages\/b\/dist; .*pkg-a==1\.2\.0/);
    expectPristine();
  });

  it('pins runtime and extra requirements (hatchling), leaves dependency groups and self-references alone', async () => {
    const r = await build('pkg-c');
    expect(r).toEqual({ success: true });
    const dist = path.join(root, 'py/packages/c/dist');
    expect(dists(dist)).toEqual(['pkg_c-2.0.0-py3-none-any.whl', 'pkg_c-2.0.0.tar.gz']);
    const reqs = (await requiresDist(path.join(dist, 'pkg_c-2.0.0-py3-none-any.whl'))).map((s) => parseRequirement(s));
    const shown = reqs.map((q) => `${q.normalizedName}[${q.extras.join(',')}]${q.specifier}; ${q.marker ?? ''}`);
    expect(shown).toEqual([
      'pkg-b[]==0.3.0rc1; ',
      "pkg-a[]==1.2.0; extra == 'all'",
      "pkg-b[x]==0.3.0rc1; (sys_platform != 'win32') and extra == 'all'",
      "pkg-a[]==1.2.0; extra == 'extra'",
      "pkg-b[x]==0.3.0rc1; (sys_platform != 'win32') and extra == 'extra'",
    ]);
    // The sdist carries the pyproject.toml as it was during the build: pinned, group untouched.
    const sdistPyproject = listTarGzEntries(fs.readFileSync(path.join(dist, 'pkg_c-2.0.0.tar.gz')))
      .find((e) => e.name === 'pkg_c-2.0.0/pyproject.toml')!
      .data.toString('utf8');
    expect(sdistPyproject).toContain(`dependencies = ['Pkg_B==0.3.0rc1']`);
    expect(sdistPyproject).toContain(`extra = ["pkg-b[x]==0.3.0rc1; sys_platform != 'win32'", "pkg-a==1.2.0"]`);
    expect(sdistPyproject).toContain('all = ["pkg-c[extra]"]');
    expect(sdistPyproject).toContain('dev = ["pkg-a"]');
    expectPristine();
  });

  it('empties the output folder first, builds a member without internal requirements, through the default export too', async () => {
    const dist = path.join(root, 'py/packages/a/out');
    fs.mkdirSync(dist, { recursive: true });
    fs.writeFileSync(path.join(dist, 'pkg_a-0.0.1-py3-none-any.whl'), 'stale');
    fs.writeFileSync(path.join(dist, 'pkg_a-0.0.1.tar.gz'), 'stale');
    const saved = { ...process.env };
    Object.assign(process.env, env);
    let r;
    try {
      r = await buildExecutor({ outputPath: 'out' }, executorContext(root, 'pkg-a'));
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
    expect(r).toEqual({ success: true });
    expect(dists(dist)).toEqual(['pkg_a-1.2.0-py3-none-any.whl', 'pkg_a-1.2.0.tar.gz']);
    expect(await requiresDist(path.join(dist, 'pkg_a-1.2.0-py3-none-any.whl'))).toEqual([]);
    expectPristine();
  });

  it('defaults the output folder to the plugin option buildOutputPath', async () => {
    const ctx = executorContext(root, 'pkg-a');
    ctx.nxJsonConfiguration = { plugins: [{ plugin: 'nx-uv', options: { buildOutputPath: 'build/py' } }] };
    expect(await runBuildExecutor({}, ctx, { env })).toEqual({ success: true });
    expect(dists(path.join(root, 'py/packages/a/build/py'))).toEqual(['pkg_a-1.2.0-py3-none-any.whl', 'pkg_a-1.2.0.tar.gz']);
    expect(fs.existsSync(path.join(root, 'py/packages/a/dist'))).toBe(false);
    fs.rmSync(path.join(root, 'py/packages/a/build'), { recursive: true });
    expectPristine();
  });

  it('refuses an output folder that holds anything but distributions, deleting nothing', async () => {
    const dist = path.join(root, 'py/packages/a/dist');
    fs.mkdirSync(path.join(dist, 'notes'), { recursive: true });
    fs.writeFileSync(path.join(dist, 'keep.txt'), 'mine');
    fs.writeFileSync(path.join(dist, 'old-1-py3-none-any.whl'), 'stale');
    expect(await build('pkg-a')).toEqual({ success: false });
    expect(log.error.join('\n')).toMatch(/py\/packages\/a\/dist holds "keep\.txt", "notes", which are not built distributions; .*deleted nothing/);
    expect(fs.readdirSync(dist).sort()).toEqual(['keep.txt', 'notes', 'old-1-py3-none-any.whl']);
    expect(await build('pkg-a', { outputPath: '..' })).toEqual({ success: false });
    expect(log.error.join('\n')).toMatch(/outputPath "\.\." of project 'pkg-a' resolves to py\/packages, which is or contains py\/packages\/a/);
    fs.rmSync(dist, { recursive: true });
    expectPristine();
  });

  it('succeeds without building for a member that is not a package', async () => {
    expect(await build('scripts')).toEqual({ success: true });
    expect(log.info.join('\n')).toContain('scripts is not a package');
    expect(fs.existsSync(path.join(root, 'py/tools/scripts/dist'))).toBe(false);
  });

  it('fails for a project that is not a uv member', async () => {
    expect(await build('docs')).toEqual({ success: false });
    expect(log.error.join('\n')).toContain("nx-uv build (docs) failed: project 'docs' (docs) is not in a uv workspace");
  });

  it('restores the pins left by a crashed run before building', async () => {
    const ws = loadUvWorkspace(path.join(root, 'py'));
    const entry = pinFiles(journalDir, pinChanges(ws.absRoot, planWorkspacePins(ws, ['pkg-c'])), { persistent: false })!;
    const file = path.join(journalDir, `${entry.id}.json`);
    fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), pid: 999999, hostname: os.hostname() }));
    expect(fs.readFileSync(path.join(root, 'py/packages/c/pyproject.toml'), 'utf8')).toContain("'Pkg_B==0.3.0rc1'");

    expect(await build('pkg-b')).toEqual({ success: true });
    expect(log.warn.join('\n')).toContain('restored 1 file(s) first: py/packages/c/pyproject.toml');
    expectPristine();
  });

  it('restores everything when uv build fails, and names the package', async () => {
    const bFile = path.join(root, 'py/packages/b/pyproject.toml');
    const broken = PYPROJECT_B.replace('module-name = "pkg_b"', 'module-name = "no_such_module"');
    fs.writeFileSync(bFile, broken);
    const dist = path.join(root, 'py/packages/b/dist');
    try {
      expect(await build('pkg-b')).toEqual({ success: false });
      const message = log.error.join('\n');
      expect(message).toContain(
        'nx-uv build (pkg-b) failed: uv build of Pkg_B failed; py/packages/b/pyproject.toml is back as it was and py/packages/b/dist was left as it was.',
      );
      expect(message).toMatch(/no_such_module/);
      expect(log.info.join('\n')).toContain('Pkg_B: pinning 1 internal requirement(s) for the build');
      expect(fs.readFileSync(bFile, 'utf8')).toBe(broken);
      expect(hasJournal(journalDir)).toBe(false);
      expect(dists(dist)).toEqual(['pkg_b-0.3.0rc1-py3-none-any.whl', 'pkg_b-0.3.0rc1.tar.gz']); // the earlier build, untouched
    } finally {
      fs.writeFileSync(bFile, PYPROJECT_B);
    }
    expectPristine();
  });

  it('the audit fails, naming the wheel, the dependency and the version, for distributions built without pins', async () => {
    const ws = loadUvWorkspace(path.join(root, 'py'));
    const c = ws.members.find((m) => m.name === 'pkg-c')!;
    const out = path.join(root, 'unpinned');
    await runUv(uvBuildArgs('pkg-c', out), { cwd: ws.absRoot, env });
    const expectation = pinExpectation(ws, c);
    expect([...expectation.versions]).toEqual([
      ['pkg-b', '0.3.0rc1'],
      ['pkg-a', '1.2.0'],
    ]);
    const wheel = await auditDistribution(path.join(out, 'pkg_c-2.0.0-py3-none-any.whl'), expectation);
    expect(wheel.problems.map((p) => [p.file, p.dependency, p.expected])).toEqual([
      ['pkg_c-2.0.0-py3-none-any.whl', 'pkg-b', '0.3.0rc1'],
      ['pkg_c-2.0.0-py3-none-any.whl', 'pkg-a', '1.2.0'],
      ['pkg_c-2.0.0-py3-none-any.whl', 'pkg-b', '0.3.0rc1'],
      ['pkg_c-2.0.0-py3-none-any.whl', 'pkg-a', '1.2.0'],
      ['pkg_c-2.0.0-py3-none-any.whl', 'pkg-b', '0.3.0rc1'],
    ]);
    expect(formatAuditProblems(wheel.problems)).toContain(
      `  - pkg_c-2.0.0-py3-none-any.whl: Requires-Dist "pkg-b>=0.1": workspace member pkg-b must be pinned ==0.3.0rc1 (its current version), found ">=0.1"\n` +
        `  - pkg_c-2.0.0-py3-none-any.whl: Requires-Dist "pkg-a; extra == 'all'": workspace member pkg-a must be pinned ==1.2.0 (its current version), found no version`,
    );
    const sdist = await auditDistribution(path.join(out, 'pkg_c-2.0.0.tar.gz'), expectation);
    expect(sdist.kind).toBe('sdist');
    expect(sdist.problems).toHaveLength(5);
    // The pinned build passes the same audit.
    expect(await build('pkg-c')).toEqual({ success: true });
    expect((await auditDistribution(path.join(root, 'py/packages/c/dist/pkg_c-2.0.0-py3-none-any.whl'), expectation)).problems).toEqual([]);
    expectPristine();

    // A backend that ignores the pins: the executor fails on the audit and ships nothing.
    const fakeUv = path.join(root, 'fake-uv.sh');
    fs.writeFileSync(
      fakeUv,
      `#!/bin/sh\nwhile [ $# -gt 0 ]; do if [ "$1" = "--out-dir" ]; then out="$2"; fi; shift; done\ncp '${out}'/*.whl '${out}'/*.tar.gz "$out"/\n`,
      { mode: 0o755 },
    );
    log.reset();
    const r = await runBuildExecutor({}, executorContext(root, 'pkg-c'), { env: { ...env, NX_UV_UV_PATH: fakeUv } });
    expect(r).toEqual({ success: false });
    expect(log.error.join('\n')).toContain(
      'nx-uv build (pkg-c) failed: the distributions built for pkg-c do not pin their workspace dependencies exactly, so they were discarded (py/packages/c/dist was left as it was):\n' +
        '  - pkg_c-2.0.0-py3-none-any.whl: Requires-Dist "pkg-b>=0.1": workspace member pkg-b must be pinned ==0.3.0rc1',
    );
    expect(log.error.join('\n')).toContain('  - pkg_c-2.0.0.tar.gz: Requires-Dist "pkg-b>=0.1"');
    expect(dists(path.join(root, 'py/packages/c/dist'))).toEqual(['pkg_c-2.0.0-py3-none-any.whl', 'pkg_c-2.0.0.tar.gz']); // the audited build before
    expectPristine();
  });
});
