/**
 * The build batch implementation, called as Nx calls it (a TaskGraph, options per task id, one context
 * without a project), against the real uv (offline, backends from the local wheelhouse), through a
 * wrapper that records every uv command line. Two copies of the executors' fixture workspace: `whole`
 * (pkg-a ← Pkg_B ← pkg-c, every member a package: one `uv build --all-packages`) and `mixed` (plus
 * `scripts`, no package: uv would build it too, so each member is built alone).
 */
import { logger, type TaskGraph } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultJournalDir, hasJournal, pinChanges, pinFiles, planWorkspacePins, restorePins } from '../../pin';
import { makeTempDir, uvBin, uvTestEnv } from '../../testing/tools';
import { metadataValues, readSdistMetadata, readWheelMetadata } from '../../wheel';
import { loadUvWorkspace } from '../../workspace';
import type { BatchTaskOutcome } from '../shared/batch';
import {
  captureLogger,
  executorContext,
  PROJECTS,
  PYPROJECT_B,
  snapshotPyprojects,
  writeUvWorkspace,
  type LogCapture,
} from '../shared/__fixtures__/uv-workspace';
import buildBatch, { runBuildBatch } from './batch';
import { buildAllAtOnce, uvBuildArgs } from '../../release/build-plan';
import { runBuildExecutor } from './executor';
import { runUv } from '../../uv';
import { collectBatch, independentTaskGraph } from '../shared/__fixtures__/batch-tasks';

const ID = (project: string) => `${project}:build`;
const PACKAGES = ['pkg-a', 'pkg-b', 'pkg-c'];

/** The task graph of `nx run-many -t build` (build has no dependsOn). */
function buildTaskGraph(projects: readonly string[]): TaskGraph {
  return independentTaskGraph('build', projects, { cache: true });
}

const collect = collectBatch;

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
async function requiresOf(dir: string, files: string[]): Promise<string[]> {
  return (await Promise.all(files.map((f) => requiresDist(path.join(dir, f))))).flat();
}

describe('build batch implementation (real uv)', () => {
  const tmp = makeTempDir('nx-uv-build-batch-');
  const whole = path.join(tmp.dir, 'whole');
  const mixed = path.join(tmp.dir, 'mixed');
  const calls = path.join(tmp.dir, 'uv-calls.txt');
  const unpinned = path.join(tmp.dir, 'unpinned');
  const wrapper = path.join(tmp.dir, 'uv-wrapper.sh');
  // Records each command line; with UNPINNED set, puts the files of that folder over uv's own ones of the same name.
  const env = uvTestEnv({ NX_UV_UV_PATH: wrapper, UV_CALLS: calls });
  const originals: Record<string, Record<string, Buffer>> = {};
  let log: LogCapture;

  beforeAll(async () => {
    fs.writeFileSync(
      wrapper,
      `#!/bin/sh\necho "$*" >> "$UV_CALLS"\n'${uvBin}' "$@" || exit $?\n` +
        `if [ -n "$UNPINNED" ]; then\n  while [ $# -gt 0 ]; do if [ "$1" = "--out-dir" ]; then out="$2"; fi; shift; done\n` +
        `  for f in "$UNPINNED"/*; do if [ -e "$out/$(basename "$f")" ]; then cp "$f" "$out/"; fi; done\nfi\n`,
      { mode: 0o755 },
    );
    writeUvWorkspace(whole);
    fs.rmSync(path.join(whole, 'py/tools'), { recursive: true });
    writeUvWorkspace(mixed);
    originals.whole = snapshotPyprojects(whole);
    originals.mixed = snapshotPyprojects(mixed);
    // pkg-c built without its pins: what a backend that ignores them would ship.
    await runUv(uvBuildArgs('pkg-c', unpinned), { cwd: path.join(mixed, 'py'), env: uvTestEnv() });
  });
  afterAll(() => tmp.cleanup());
  beforeEach(() => {
    log = captureLogger(logger);
    fs.rmSync(calls, { force: true });
  });
  afterEach(() => log.restore());

  const uvCalls = () =>
    (fs.existsSync(calls) ? fs.readFileSync(calls, 'utf8').trim().split('\n') : []).map((l) => l.replace(/--out-dir \S+/, '--out-dir <staging>'));
  /** The batch context as Nx gives it: no project, no target. */
  const batchContext = (root: string) => ({ ...executorContext(root, 'pkg-a'), projectName: undefined, targetName: undefined });
  const batch = (root: string, projects: readonly string[], runEnv = env, loadWorkspace?: (uvRoot: string) => ReturnType<typeof loadUvWorkspace>) => {
    const graph = buildTaskGraph(projects);
    return collect(
      runBuildBatch(graph, Object.fromEntries(Object.keys(graph.tasks).map((id) => [id, {}])), batchContext(root), { env: runEnv, loadWorkspace }),
    );
  };
  const distOf = (root: string, project: string) => path.join(root, PROJECTS[project], 'dist');
  const expectPristine = (root: string, which: 'whole' | 'mixed') => {
    expect(snapshotPyprojects(root)).toEqual(originals[which]);
    expect(hasJournal(defaultJournalDir(root))).toBe(false);
  };

  it('chooses one uv run only for most of a workspace whose every member uv builds is a package', () => {
    const ws = loadUvWorkspace(path.join(whole, 'py'));
    expect([1, 2, 3].map((n) => buildAllAtOnce(ws, n))).toEqual([false, true, true]);
    const withScripts = loadUvWorkspace(path.join(mixed, 'py'));
    expect(buildAllAtOnce(withScripts, 3)).toBe(false);
  });

  it("builds every member with ONE `uv build --all-packages`: each task's files in its own output folder, the executor's lines, pins restored", async () => {
    // What the executor does, task by task.
    const single: Record<string, { success: boolean; text: string; files: string[]; requires: string[] }> = {};
    for (const project of PACKAGES) {
      log.reset();
      const r = await runBuildExecutor({}, executorContext(whole, project), { env });
      const files = dists(distOf(whole, project));
      const lines = [...log.info, ...log.warn, ...log.error];
      single[ID(project)] = {
        success: r.success,
        text: `${lines.join('\n')}\n`,
        files,
        requires: await requiresOf(distOf(whole, project), files),
      };
      fs.rmSync(distOf(whole, project), { recursive: true });
    }
    expect(uvCalls()).toHaveLength(3);
    fs.rmSync(calls);
    log.reset();

    let loads = 0;
    const results = await batch(whole, PACKAGES, env, (uvRoot) => (loads++, loadUvWorkspace(uvRoot)));
    expect(uvCalls()).toEqual(['build --all-packages --out-dir <staging> --no-sources']);
    expect(loads).toBe(1);
    for (const project of PACKAGES) {
      const r = results[ID(project)];
      const files = dists(distOf(whole, project));
      expect({ success: r.success, text: r.terminalOutput, files, requires: await requiresOf(distOf(whole, project), files) }).toEqual(single[ID(project)]);
      expect(r.status).toBe('success');
      expect(fs.existsSync(path.join(distOf(whole, project), '.gitignore'))).toBe(true); // uv's, as the executor leaves it
    }
    expect(single[ID('pkg-c')].requires).toContain('pkg-b==0.3.0rc1');
    expect(results[ID('pkg-c')].terminalOutput).toContain('pkg-c: pinning 3 internal requirement(s) for the build');
    expect(log.all()).toBe(''); // nothing went to the shared logger
    expectPristine(whole, 'whole');
  });

  it('builds each member alone (several at a time) when uv would build a member that is no package', async () => {
    const results = await batch(mixed, [...PACKAGES, 'scripts']);
    expect(uvCalls().sort()).toEqual(['Pkg_B', 'pkg-a', 'pkg-c'].map((n) => `build --package ${n} --out-dir <staging> --no-sources`).sort());
    for (const project of [...PACKAGES, 'scripts']) expect([project, results[ID(project)].status]).toEqual([project, 'success']);
    expect(results[ID('scripts')].terminalOutput).toBe(
      'nx-uv build: scripts is not a package (no [build-system], or [tool.uv] package = false); nothing to build.\n',
    );
    expect(dists(distOf(mixed, 'pkg-b'))).toEqual(['pkg_b-0.3.0rc1-py3-none-any.whl', 'pkg_b-0.3.0rc1.tar.gz']);
    expect((await requiresDist(path.join(distOf(mixed, 'pkg-c'), 'pkg_c-2.0.0-py3-none-any.whl')))[0]).toBe('pkg-b==0.3.0rc1');
    expectPristine(mixed, 'mixed');
  });

  it('a member uv cannot build fails alone: the one run fails, then every member is built alone', async () => {
    const bFile = path.join(whole, 'py/packages/b/pyproject.toml');
    const broken = PYPROJECT_B.replace('module-name = "pkg_b"', 'module-name = "no_such_module"');
    fs.writeFileSync(bFile, broken);
    const before = dists(distOf(whole, 'pkg-b'));
    try {
      const results = await batch(whole, PACKAGES);
      expect(uvCalls()[0]).toBe('build --all-packages --out-dir <staging> --no-sources');
      expect(uvCalls().slice(1).sort()).toEqual(['Pkg_B', 'pkg-a', 'pkg-c'].map((n) => `build --package ${n} --out-dir <staging> --no-sources`).sort());
      expect(results[ID('pkg-b')]).toMatchObject({ success: false, status: 'failure' });
      expect(results[ID('pkg-b')].terminalOutput).toContain(
        'nx-uv build (pkg-b) failed: uv build of Pkg_B failed; py/packages/b/pyproject.toml is back as it was and py/packages/b/dist was left as it was.',
      );
      expect(results[ID('pkg-b')].terminalOutput).toMatch(/no_such_module/);
      expect(dists(distOf(whole, 'pkg-b'))).toEqual(before);
      for (const project of ['pkg-a', 'pkg-c']) expect([project, results[ID(project)].status]).toEqual([project, 'success']);
      expect(fs.readFileSync(bFile, 'utf8')).toBe(broken);
      expect(hasJournal(defaultJournalDir(whole))).toBe(false);
    } finally {
      fs.writeFileSync(bFile, PYPROJECT_B);
    }
    expectPristine(whole, 'whole');
  });

  it('a member whose files fail the audit fails alone, its output folder left as it was', async () => {
    const before = fs.readdirSync(distOf(whole, 'pkg-c')).map((n) => [n, fs.readFileSync(path.join(distOf(whole, 'pkg-c'), n))]);
    const results = await batch(whole, PACKAGES, { ...env, UNPINNED: unpinned });
    expect(uvCalls()).toEqual(['build --all-packages --out-dir <staging> --no-sources']);
    expect(results[ID('pkg-c')]).toMatchObject({ success: false, status: 'failure' });
    expect(results[ID('pkg-c')].terminalOutput).toContain(
      'nx-uv build (pkg-c) failed: the distributions built for pkg-c do not pin their workspace dependencies exactly, so they were discarded (py/packages/c/dist was left as it was):\n' +
        '  - pkg_c-2.0.0-py3-none-any.whl: Requires-Dist "pkg-b>=0.1": workspace member pkg-b must be pinned ==0.3.0rc1',
    );
    expect(fs.readdirSync(distOf(whole, 'pkg-c')).map((n) => [n, fs.readFileSync(path.join(distOf(whole, 'pkg-c'), n))])).toEqual(before);
    for (const project of ['pkg-a', 'pkg-b']) expect([project, results[ID(project)].status]).toEqual([project, 'success']);
    expectPristine(whole, 'whole');
  });

  it('a member kept pinned by `nx-uv pin` at other versions fails alone, before anything is pinned', async () => {
    const journalDir = defaultJournalDir(whole);
    const bFile = path.join(whole, 'py/packages/b/pyproject.toml');
    const ws = loadUvWorkspace(path.join(whole, 'py'));
    pinFiles(journalDir, pinChanges(ws.absRoot, planWorkspacePins(ws, ['pkg-c'])), { persistent: true, id: 'pin-pkg-c' });
    fs.writeFileSync(bFile, PYPROJECT_B.replace('version = "0.3.0rc1"', 'version = "0.4.0"'));
    try {
      const results = await batch(whole, PACKAGES);
      expect(results[ID('pkg-c')]).toMatchObject({ success: false, status: 'failure' });
      expect(results[ID('pkg-c')].terminalOutput).toMatch(/nx-uv build \(pkg-c\) failed: \S*py\/packages\/c\/pyproject\.toml is kept pinned by `nx-uv pin`/);
      expect(results[ID('pkg-b')]).toMatchObject({ success: true, status: 'success' });
      expect(dists(distOf(whole, 'pkg-b'))).toEqual(['pkg_b-0.4.0-py3-none-any.whl', 'pkg_b-0.4.0.tar.gz']);
      expect(results[ID('pkg-a')].status).toBe('success');
    } finally {
      restorePins(journalDir);
      fs.writeFileSync(bFile, PYPROJECT_B);
    }
    expectPristine(whole, 'whole');
  });

  it('the default export is the Nx entry point (options per task id, one context, uv from the environment)', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    let outcomes: Record<string, BatchTaskOutcome['result']>;
    try {
      const graph = buildTaskGraph(PACKAGES);
      outcomes = await collect(buildBatch(graph, Object.fromEntries(Object.keys(graph.tasks).map((id) => [id, {}])), {}, batchContext(whole)));
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
    expect(Object.values(outcomes).map((r) => r.status)).toEqual(['success', 'success', 'success']);
    expect(uvCalls()).toEqual(['build --all-packages --out-dir <staging> --no-sources']);
    expect(dists(distOf(whole, 'pkg-b'))).toEqual(['pkg_b-0.3.0rc1-py3-none-any.whl', 'pkg_b-0.3.0rc1.tar.gz']);
    expectPristine(whole, 'whole');
  });
});
