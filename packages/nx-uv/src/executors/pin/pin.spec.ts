import { logger } from '@nx/devkit';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultJournalDir, hasJournal, pinChanges, pinFiles, planWorkspacePins, readJournal, restorePins } from '../../pin';
import { makeTempDir, uvTestEnv } from '../../testing/tools';
import { readWheelMetadata, metadataValues } from '../../wheel';
import { loadUvWorkspace } from '../../workspace';
import { runBuildExecutor } from '../build/executor';
import {
  captureLogger,
  executorContext,
  PYPROJECT_B,
  PYPROJECT_C,
  snapshotPyprojects,
  writeUvWorkspace,
  type LogCapture,
} from '../shared/__fixtures__/uv-workspace';
import pinExecutor from './executor';

describe('pin executor', () => {
  const tmp = makeTempDir('nx-uv-pin-exec-');
  const root = tmp.dir;
  const journalDir = defaultJournalDir(root);
  const cFile = path.join(root, 'py/packages/c/pyproject.toml');
  const bFile = path.join(root, 'py/packages/b/pyproject.toml');
  let original: Record<string, Buffer>;
  let log: LogCapture;

  beforeAll(() => {
    writeUvWorkspace(root);
    original = snapshotPyprojects(root);
  });
  afterAll(() => tmp.cleanup());
  beforeEach(() => (log = captureLogger(logger)));
  afterEach(() => {
    log.restore();
    restorePins(journalDir);
  });

  const pin = (project: string, restore?: boolean) => pinExecutor(restore === undefined ? {} : { restore }, executorContext(root, project));

  const PINNED_C = PYPROJECT_C.replace(`['Pkg_B >=0.1']`, `['Pkg_B==0.3.0rc1']`).replace(
    `extra = ["pkg-b[x]>=0.1; sys_platform != 'win32'", "pkg-a"]`,
    `extra = ["pkg-b[x]==0.3.0rc1; sys_platform != 'win32'", "pkg-a==1.2.0"]`,
  );

  it('pins runtime and extra requirements persistently, idempotently; --restore is byte-exact and idempotent', async () => {
    expect(await pin('pkg-c')).toEqual({ success: true });
    expect(fs.readFileSync(cFile, 'utf8')).toBe(PINNED_C); // groups and self-references untouched
    const [entry] = readJournal(journalDir);
    expect(entry).toMatchObject({ id: 'pin-pkg-c', persistent: true });
    expect(entry.files.map((f) => f.file)).toEqual([cFile]);
    const out = log.info.join('\n');
    expect(out).toContain('pinned 3 internal requirement(s) of pkg-c (until `--restore`)');
    expect(out).toContain(`py/packages/c/pyproject.toml [project.dependencies] "Pkg_B >=0.1" -> "Pkg_B==0.3.0rc1"`);
    expect(out).toContain(`[project.optional-dependencies.extra] "pkg-b[x]>=0.1; sys_platform != 'win32'" -> "pkg-b[x]==0.3.0rc1; sys_platform != 'win32'"`);
    expect(out).toContain('journal: .nx-uv/pin-journal/pin-pkg-c.json');

    log.reset();
    expect(await pin('pkg-c')).toEqual({ success: true });
    expect(fs.readFileSync(cFile, 'utf8')).toBe(PINNED_C);
    expect(readJournal(journalDir).map((e) => e.id)).toEqual(['pin-pkg-c']);
    expect(log.info.join('\n')).toContain('pkg-c: all 3 internal requirement(s) already pinned');

    log.reset();
    expect(await pin('pkg-b', true)).toEqual({ success: true });
    expect(snapshotPyprojects(root)).toEqual(original);
    expect(hasJournal(journalDir)).toBe(false);
    expect(log.info).toContain('nx-uv pin --restore: restored py/packages/c/pyproject.toml');

    log.reset();
    expect(await pin('pkg-c', true)).toEqual({ success: true });
    expect(log.info).toEqual(['nx-uv pin --restore: no files are pinned; nothing to restore.']);
    expect(snapshotPyprojects(root)).toEqual(original);
  });

  it('pins of several members round-trip byte-exactly', async () => {
    expect(await pin('pkg-b')).toEqual({ success: true });
    expect(await pin('pkg-c')).toEqual({ success: true });
    expect(fs.readFileSync(bFile, 'utf8')).toBe(
      PYPROJECT_B.replace(`"pkg-a[fast] >=1.0 ; python_version >= '3.8'"`, `"pkg-a[fast]==1.2.0; python_version >= '3.8'"`),
    );
    expect(readJournal(journalDir).map((e) => e.id)).toEqual(['pin-pkg-b', 'pin-pkg-c']);
    expect(await pin('pkg-a', true)).toEqual({ success: true });
    expect(snapshotPyprojects(root)).toEqual(original);
    expect(hasJournal(journalDir)).toBe(false);
  });

  it('has nothing to pin for a member without internal requirements or a non-package', async () => {
    expect(await pin('pkg-a')).toEqual({ success: true });
    expect(await pin('scripts')).toEqual({ success: true });
    expect(log.info.join('\n')).toMatch(/pkg-a has no internal runtime or optional requirements; nothing to pin[\s\S]*scripts is not a package/);
    expect(hasJournal(journalDir)).toBe(false);
    expect(await pin('docs')).toEqual({ success: false });
    expect(log.error.join('\n')).toContain("nx-uv pin (docs) failed: project 'docs' (docs) is not in a uv workspace");
  });

  it('restores the pins of a crashed run first, then pins', async () => {
    const ws = loadUvWorkspace(path.join(root, 'py'));
    const crashed = pinFiles(journalDir, pinChanges(ws.absRoot, planWorkspacePins(ws, ['pkg-b'])), { persistent: false })!;
    const file = path.join(journalDir, `${crashed.id}.json`);
    fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), pid: 999999, hostname: os.hostname() }));
    expect(fs.readFileSync(bFile, 'utf8')).not.toBe(PYPROJECT_B);

    expect(await pin('pkg-c')).toEqual({ success: true });
    expect(log.warn.join('\n')).toContain('restored 1 file(s) first: py/packages/b/pyproject.toml');
    expect(fs.readFileSync(bFile, 'utf8')).toBe(PYPROJECT_B);
    expect(fs.readFileSync(cFile, 'utf8')).toBe(PINNED_C);
    expect(readJournal(journalDir).map((e) => e.id)).toEqual(['pin-pkg-c']);
  });

  it('--restore leaves the pins of a running process alone and says so', async () => {
    const ws = loadUvWorkspace(path.join(root, 'py'));
    const live = pinFiles(journalDir, pinChanges(ws.absRoot, planWorkspacePins(ws, ['pkg-b'])), { id: 'live-build' })!;
    expect(await pin('pkg-c')).toEqual({ success: true });
    expect(await pin('pkg-c', true)).toEqual({ success: true });
    expect(fs.readFileSync(cFile, 'utf8')).toBe(PYPROJECT_C);
    expect(fs.readFileSync(bFile, 'utf8')).not.toBe(PYPROJECT_B);
    expect(log.warn.join('\n')).toContain(
      `left py/packages/b/pyproject.toml pinned: running process ${process.pid} (since ${live.startedAt}) is using those pins`,
    );
    restorePins(journalDir, { id: live.id });
    expect(snapshotPyprojects(root)).toEqual(original);
  });

  it('a build while `pin` holds the pins uses them and leaves them in place', async () => {
    expect(await pin('pkg-c')).toEqual({ success: true });
    const r = await runBuildExecutor({}, executorContext(root, 'pkg-c'), { env: uvTestEnv() });
    expect(log.error).toEqual([]);
    expect(r).toEqual({ success: true });
    const wheel = path.join(root, 'py/packages/c/dist/pkg_c-2.0.0-py3-none-any.whl');
    expect(metadataValues((await readWheelMetadata(wheel)).metadata, 'Requires-Dist')[0]).toBe('pkg-b==0.3.0rc1');
    expect(fs.readFileSync(cFile, 'utf8')).toBe(PINNED_C);
    expect(readJournal(journalDir).map((e) => e.id)).toEqual(['pin-pkg-c']);
    expect(await pin('pkg-c', true)).toEqual({ success: true });
    expect(snapshotPyprojects(root)).toEqual(original);
  });

  it('refuses to re-pin to other versions while pinned, and --restore still puts the file back', async () => {
    expect(await pin('pkg-c')).toEqual({ success: true });
    fs.writeFileSync(bFile, PYPROJECT_B.replace('version = "0.3.0rc1"', 'version = "0.4.0"'));
    try {
      expect(await pin('pkg-c')).toEqual({ success: false });
      expect(log.error.join('\n')).toMatch(/py\/packages\/c\/pyproject\.toml is kept pinned by `nx-uv pin` .*restore those pins first/);
      expect(fs.readFileSync(cFile, 'utf8')).toBe(PINNED_C);
      log.reset();
      expect(await runBuildExecutor({}, executorContext(root, 'pkg-c'), { env: uvTestEnv() })).toEqual({ success: false });
      expect(log.error.join('\n')).toMatch(/^nx-uv build \(pkg-c\) failed: \S*py\/packages\/c\/pyproject\.toml is kept pinned by `nx-uv pin`/);
      expect(fs.readFileSync(cFile, 'utf8')).toBe(PINNED_C);
      expect(await pin('pkg-c', true)).toEqual({ success: true });
      expect(fs.readFileSync(cFile, 'utf8')).toBe(PYPROJECT_C);
    } finally {
      fs.writeFileSync(bFile, PYPROJECT_B);
    }
    expect(snapshotPyprojects(root)).toEqual(original);
  });

  it('--restore fails, overwriting nothing, when a pinned file was edited by hand', async () => {
    expect(await pin('pkg-c')).toEqual({ success: true });
    const edited = PINNED_C + '\n# my edit\n';
    fs.writeFileSync(cFile, edited);
    expect(await pin('pkg-c', true)).toEqual({ success: false });
    expect(log.error.join('\n')).toMatch(/did not restore 1 pinned file\(s\) because they changed after pinning/);
    expect(fs.readFileSync(cFile, 'utf8')).toBe(edited);
    fs.writeFileSync(cFile, PYPROJECT_C);
    fs.rmSync(journalDir, { recursive: true });
    expect(snapshotPyprojects(root)).toEqual(original);
  });
});
