/**
 * The pin batch implementation, called as Nx calls it (a TaskGraph, options per task id, one context
 * without a project), over the executors' fixture workspace (pkg-a ← Pkg_B ← pkg-c, `scripts` not a
 * package): the same files and the same lines per task as the per-task executor.
 */
import { logger, type TaskGraph } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultJournalDir, hasJournal, readJournal, restorePins } from '../../pin';
import { makeTempDir } from '../../testing/tools';
import { loadUvWorkspace } from '../../workspace';
import type { BatchTaskOutcome } from '../shared/batch';
import {
  captureLogger,
  executorContext,
  PYPROJECT_B,
  PYPROJECT_C,
  snapshotPyprojects,
  writeUvWorkspace,
  type LogCapture,
} from '../shared/__fixtures__/uv-workspace';
import pinBatch, { runPinBatch } from './batch';
import { runPinExecutor, type PinExecutorOptions } from './executor';
import { collectBatch, independentTaskGraph } from '../shared/__fixtures__/batch-tasks';

const ID = (project: string) => `${project}:pin`;
const MEMBERS = ['pkg-a', 'pkg-b', 'pkg-c', 'scripts'];

/** The task graph of `nx run-many -t pin` (pin has no dependsOn). */
function pinTaskGraph(projects: readonly string[] = MEMBERS): TaskGraph {
  return independentTaskGraph('pin', projects);
}

const collect = collectBatch;

const PINNED_B = PYPROJECT_B.replace(`"pkg-a[fast] >=1.0 ; python_version >= '3.8'"`, `"pkg-a[fast]==1.2.0; python_version >= '3.8'"`);
const PINNED_C = PYPROJECT_C.replace(`['Pkg_B >=0.1']`, `['Pkg_B==0.3.0rc1']`).replace(
  `extra = ["pkg-b[x]>=0.1; sys_platform != 'win32'", "pkg-a"]`,
  `extra = ["pkg-b[x]==0.3.0rc1; sys_platform != 'win32'", "pkg-a==1.2.0"]`,
);

describe('pin batch implementation', () => {
  const tmp = makeTempDir('nx-uv-pin-batch-');
  const root = tmp.dir;
  const journalDir = defaultJournalDir(root);
  const bFile = path.join(root, 'py/packages/b/pyproject.toml');
  const cFile = path.join(root, 'py/packages/c/pyproject.toml');
  let original: Record<string, Buffer>;
  let log: LogCapture;

  /** The batch context as Nx gives it: no project, no target. */
  const batchContext = () => ({ ...executorContext(root, 'pkg-a'), projectName: undefined, targetName: undefined });
  const batch = (options: PinExecutorOptions = {}, projects: readonly string[] = MEMBERS, perTask: Record<string, PinExecutorOptions> = {}) => {
    const graph = pinTaskGraph(projects);
    const inputs = Object.fromEntries(Object.keys(graph.tasks).map((id) => [id, { ...options, ...perTask[id] }]));
    return collect(runPinBatch(graph, inputs, batchContext()));
  };
  /** What the per-task executor prints for each project, run one after the other. */
  const perTask = async (options: PinExecutorOptions, projects: readonly string[] = MEMBERS) => {
    const out: Record<string, { success: boolean; text: string }> = {};
    for (const project of projects) {
      log.reset();
      const r = await runPinExecutor(options, executorContext(root, project));
      const lines: string[] = [];
      // The executor writes through @nx/devkit's logger; the batch keeps the same lines in order.
      lines.push(...log.info, ...log.warn, ...log.error);
      out[ID(project)] = { success: r.success, text: lines.length ? `${lines.join('\n')}\n` : '' };
    }
    log.reset();
    return out;
  };

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

  it("pins every task's member with the workspace read once; each task has the executor's lines; --restore puts every byte back", async () => {
    let loads = 0;
    const graph = pinTaskGraph();
    const inputs = Object.fromEntries(Object.keys(graph.tasks).map((id) => [id, {}]));
    const results = await collect(runPinBatch(graph, inputs, batchContext(), { loadWorkspace: (uvRoot) => (loads++, loadUvWorkspace(uvRoot)) }));
    expect(loads).toBe(1);
    expect(Object.keys(results).sort()).toEqual(MEMBERS.map(ID));
    for (const r of Object.values(results)) expect(r).toMatchObject({ success: true, status: 'success' });
    expect(fs.readFileSync(bFile, 'utf8')).toBe(PINNED_B);
    expect(fs.readFileSync(cFile, 'utf8')).toBe(PINNED_C);
    expect(readJournal(journalDir).map((e) => [e.id, e.persistent])).toEqual([
      ['pin-pkg-b', true],
      ['pin-pkg-c', true],
    ]);
    expect(results[ID('pkg-a')].terminalOutput).toBe('nx-uv pin: pkg-a has no internal runtime or optional requirements; nothing to pin.\n');
    expect(results[ID('scripts')].terminalOutput).toBe('nx-uv pin: scripts is not a package (uv does not build it); nothing to pin.\n');
    expect(results[ID('pkg-b')].terminalOutput).toBe(
      'nx-uv pin: pinned 1 internal requirement(s) of Pkg_B (until `--restore`):\n' +
        `  py/packages/b/pyproject.toml [project.dependencies] "pkg-a[fast] >=1.0 ; python_version >= '3.8'" -> "pkg-a[fast]==1.2.0; python_version >= '3.8'"\n` +
        '  journal: .nx-uv/pin-journal/pin-pkg-b.json\n',
    );
    expect(results[ID('pkg-c')].terminalOutput).toContain('pinned 3 internal requirement(s) of pkg-c (until `--restore`)');
    expect(results[ID('pkg-c')].terminalOutput).not.toMatch(/Pkg_B \(until|pkg-a has/); // its own lines only
    expect(log.all()).toBe(''); // nothing went to the shared logger

    const again = await batch();
    expect(again[ID('pkg-c')].terminalOutput).toBe('nx-uv pin: pkg-c: all 3 internal requirement(s) already pinned.\n');
    expect(again[ID('pkg-b')].terminalOutput).toBe('nx-uv pin: Pkg_B: all 1 internal requirement(s) already pinned.\n');
    expect(fs.readFileSync(cFile, 'utf8')).toBe(PINNED_C);

    const restored = await batch({ restore: true });
    for (const r of Object.values(restored)) expect(r).toMatchObject({ success: true, status: 'success' });
    expect(snapshotPyprojects(root)).toEqual(original);
    expect(hasJournal(journalDir)).toBe(false);
    // The first task restores everything (as the first per-task run does); the others find nothing left.
    const texts = MEMBERS.map((p) => restored[ID(p)].terminalOutput);
    expect(texts[0]).toBe('nx-uv pin --restore: restored py/packages/b/pyproject.toml\nnx-uv pin --restore: restored py/packages/c/pyproject.toml\n');
    for (const text of texts.slice(1)) expect(text).toBe('nx-uv pin --restore: no files are pinned; nothing to restore.\n');
  });

  it('says per task exactly what the per-task executor says, pinning and restoring', async () => {
    const single = await perTask({});
    const singleFiles = snapshotPyprojects(root);
    const singleRestore = await perTask({ restore: true });
    expect(snapshotPyprojects(root)).toEqual(original);

    const batched = await batch();
    expect(snapshotPyprojects(root)).toEqual(singleFiles);
    const batchedRestore = await batch({ restore: true });
    expect(snapshotPyprojects(root)).toEqual(original);
    const view = (rs: Record<string, BatchTaskOutcome['result']>) =>
      Object.fromEntries(Object.entries(rs).map(([id, r]) => [id, { success: r.success, text: r.terminalOutput }]));
    expect(view(batched)).toEqual(single);
    expect(view(batchedRestore)).toEqual(singleRestore);
  });

  it('a task that fails fails alone; the others pin', async () => {
    // pkg-c is kept pinned to other versions than the current ones: its re-pin is refused, as per task.
    await batch({}, ['pkg-c']);
    fs.writeFileSync(bFile, PYPROJECT_B.replace('version = "0.3.0rc1"', 'version = "0.4.0"'));
    try {
      const results = await batch({}, [...MEMBERS, 'docs']);
      expect(results[ID('pkg-c')]).toMatchObject({ success: false, status: 'failure' });
      expect(results[ID('pkg-c')].terminalOutput).toMatch(
        /^nx-uv pin \(pkg-c\) failed: \S*py\/packages\/c\/pyproject\.toml is kept pinned by `nx-uv pin` .*restore those pins first/,
      );
      expect(results[ID('docs')]).toMatchObject({ success: false, status: 'failure' });
      expect(results[ID('docs')].terminalOutput).toContain("nx-uv pin (docs) failed: project 'docs' (docs) is not in a uv workspace");
      for (const p of ['pkg-a', 'pkg-b', 'scripts']) expect(results[ID(p)]).toMatchObject({ success: true, status: 'success' });
      expect(fs.readFileSync(cFile, 'utf8')).toBe(PINNED_C);
      expect(readJournal(journalDir).map((e) => e.id)).toEqual(['pin-pkg-b', 'pin-pkg-c']);
    } finally {
      restorePins(journalDir);
      fs.writeFileSync(bFile, PYPROJECT_B);
    }
    expect(snapshotPyprojects(root)).toEqual(original);
  });

  it('the default export is the Nx entry point (options per task id, one context)', async () => {
    const graph = pinTaskGraph();
    const inputs = Object.fromEntries(Object.keys(graph.tasks).map((id) => [id, {}]));
    const results = await collect(pinBatch(graph, inputs, {}, batchContext()));
    expect(Object.values(results).map((r) => r.status)).toEqual(['success', 'success', 'success', 'success']);
    expect(fs.readFileSync(cFile, 'utf8')).toBe(PINNED_C);
  });
});
