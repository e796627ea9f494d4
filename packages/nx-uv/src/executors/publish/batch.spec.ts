/**
 * The publish batch implementation, called as Nx calls it (a TaskGraph, options per task id, one
 * context without a project), over the publish fixture (pkg-a ← Pkg_B ← pkg.c, plus `scripts`, not a
 * package) against the real uv and a real pypiserver behind a recording proxy.
 */
import { logger, type Task, type TaskGraph } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startFaultProxy, type FaultProxy } from '../../testing/fault-proxy';
import { startPypiServer, type PypiServer } from '../../testing/pypiserver';
import { makeTempDir, toolsDir, uvTestEnv } from '../../testing/tools';
import { loadUvWorkspace } from '../../workspace';
import {
  buildPkgAVariant,
  buildWorkspaceDists,
  captureOutput,
  EXPECTED_FILES,
  executorContext,
  PACKAGES,
  PROJECTS,
  writePublishWorkspace,
  type OutputCapture,
} from './__fixtures__/publish-workspace';
import publishBatch, { batchConcurrency, runPublishBatch, type BatchTaskOutcome } from './batch';
import type { PublishExecutorOptions } from './schema';

const TOKEN = 'pypi-AgEIcHlwaS5vcmcCJDk3ZjM0-batch-TOKEN';
const ALL_FILES = PACKAGES.flatMap((p) => EXPECTED_FILES[p]).sort();
const ID = (project: string) => `${project}:publish`;

/** The task graph Nx builds for `nx run-many -t publish` with `dependsOn: ['^publish']`. */
function publishTaskGraph(): TaskGraph {
  const deps: Record<string, string[]> = { 'pkg-a': [], 'pkg-b': ['pkg-a'], 'pkg-c': ['pkg-b'], scripts: ['pkg-a'] };
  const tasks: Record<string, Task> = {};
  for (const project of Object.keys(deps)) {
    tasks[ID(project)] = {
      id: ID(project),
      target: { project, target: 'publish' },
      overrides: {},
      outputs: [],
      projectRoot: PROJECTS[project],
      cache: false,
      parallelism: true,
    };
  }
  return {
    roots: [ID('pkg-a')],
    tasks,
    dependencies: Object.fromEntries(Object.entries(deps).map(([p, ds]) => [ID(p), ds.map(ID)])),
    continuousDependencies: Object.fromEntries(Object.keys(deps).map((p) => [ID(p), []])),
  };
}

async function collect(results: AsyncIterable<BatchTaskOutcome>): Promise<BatchTaskOutcome[]> {
  const out: BatchTaskOutcome[] = [];
  for await (const r of results) out.push(r);
  return out;
}

describe('publish batch implementation (real uv, real pypiserver)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let root: string;
  let scratch: string;
  let server: PypiServer;
  let proxy: FaultProxy;
  let env: NodeJS.ProcessEnv;
  let out: OutputCapture;
  let outcomes: BatchTaskOutcome[] = [];

  const distOf = (project: string) => path.join(root, PROJECTS[project], 'dist');
  const stored = () => fs.readdirSync(server.packagesDir).sort();
  const posts = () => proxy.requests.filter((r) => r.method === 'POST');
  /** The batch context as Nx gives it: no project, no target. */
  const batchContext = () => ({ ...executorContext(root, 'pkg-a'), projectName: undefined, targetName: undefined });
  const run = async (options: PublishExecutorOptions = {}, perTask: Record<string, PublishExecutorOptions> = {}, concurrency = 4) => {
    const graph = publishTaskGraph();
    const inputs = Object.fromEntries(Object.keys(graph.tasks).map((id) => [id, { ...options, ...perTask[id] }]));
    outcomes = await collect(runPublishBatch(graph, inputs, batchContext(), { env, concurrency, retry: { baseDelayMs: 20, maxDelayMs: 50 } }));
    return Object.fromEntries(outcomes.map((o) => [o.task, o.result]));
  };

  beforeAll(async () => {
    tmp = makeTempDir('nx-uv-publish-batch-');
    root = path.join(tmp.dir, 'ws');
    scratch = path.join(tmp.dir, 'scratch');
    writePublishWorkspace(root);
    [server] = await Promise.all([startPypiServer({ auth: { username: '__token__', password: TOKEN } }), buildWorkspaceDists(root)]);
    proxy = await startFaultProxy({ upstream: server.url });
    env = uvTestEnv({ UV_HTTP_RETRIES: '0', UV_PUBLISH_URL: proxy.url, UV_PUBLISH_TOKEN: TOKEN, UV_CACHE_DIR: path.join(toolsDir, 'uv-cache') });
    for (const k of ['UV_PUBLISH_CHECK_URL', 'UV_PUBLISH_USERNAME', 'UV_PUBLISH_PASSWORD', 'TESTPYPI_TOKEN', 'NX_DRY_RUN', 'NX_UV_UV_PATH']) delete env[k];
  });
  afterAll(async () => {
    await proxy?.stop();
    await server?.stop();
    tmp?.cleanup();
  });
  beforeEach(() => {
    out = captureOutput(logger as unknown as Record<string, unknown>);
    outcomes = [];
  });
  afterEach(() => {
    out.restore();
    const everything = [out.text(), ...outcomes.map((o) => o.result.terminalOutput)].join('\n');
    for (const secret of [TOKEN, Buffer.from(`__token__:${TOKEN}`).toString('base64')]) expect(everything).not.toContain(secret);
  });

  it('dry run: every task succeeds with its own listing, nothing is uploaded; one report file, printed once', async () => {
    const printed: string[] = [];
    const graph = publishTaskGraph();
    const inputs = Object.fromEntries(Object.keys(graph.tasks).map((id) => [id, { dryRun: true }]));
    outcomes = await collect(runPublishBatch(graph, inputs, batchContext(), { env, concurrency: 4, write: (t) => printed.push(t) }));
    const results = Object.fromEntries(outcomes.map((o) => [o.task, o.result]));
    const report = fs.readFileSync(path.join(root, '.nx-uv', 'publish-dry-run.txt'), 'utf8');
    expect(report).toMatch(/^nx-uv publish \(dry run\): what `publish` would do\. Nothing was uploaded\./);
    for (const id of Object.keys(graph.tasks)) expect(report).toContain(`> ${id}\n`);
    expect(report).toMatch(/pkg_a-1\.2\.0\.tar\.gz .* — would be uploaded/);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain('(also in .nx-uv/publish-dry-run.txt)');
    expect(results[ID('pkg-a')].terminalOutput).toContain('(every task of this dry run: .nx-uv/publish-dry-run.txt)');
    expect(Object.keys(results).sort()).toEqual(['pkg-a', 'pkg-b', 'pkg-c', 'scripts'].map(ID));
    for (const r of Object.values(results)) expect(r).toMatchObject({ success: true, status: 'success' });
    expect(results[ID('pkg-a')].terminalOutput).toMatch(/pkg_a-1\.2\.0\.tar\.gz .* — would be uploaded/);
    expect(results[ID('pkg-b')].terminalOutput).toMatch(/pkg_b-0\.3\.0rc1-py3-none-any\.whl .* — would be uploaded/);
    expect(results[ID('pkg-c')].terminalOutput).toContain('nothing was uploaded and uv publish was not run');
    expect(posts()).toEqual([]);
    expect(stored()).toEqual([]);
    expect(out.text()).toBe(''); // nothing went to the shared logger
  });

  it('a failing task fails; its dependents are skipped naming the dependency and contact nothing', async () => {
    // pkg-a's wheel is already on the index with other content: a conflict, found before any upload.
    const other = path.join(scratch, 'other-dist');
    await buildPkgAVariant(scratch, '1.2.0', 'changed', other);
    const requestsBefore = proxy.requests.length;
    const emptyDir = path.join(scratch, 'empty');
    fs.mkdirSync(emptyDir, { recursive: true });
    // Pkg_B fails first (no files in its distPath), pkg-a is fine: pkg.c is skipped because of Pkg_B.
    const results = await run({}, { [ID('pkg-b')]: { distPath: emptyDir } });
    expect(results[ID('pkg-a')]).toMatchObject({ success: true, status: 'success' });
    expect(results[ID('scripts')]).toMatchObject({ success: true, status: 'success' });
    expect(results[ID('pkg-b')]).toMatchObject({ success: false, status: 'failure' });
    expect(results[ID('pkg-b')].terminalOutput).toMatch(
      /nx-uv publish \(pkg-b\) failed: no built distribution of Pkg_B 0\.3\.0rc1 in .*Run the build target first/,
    );
    expect(results[ID('pkg-c')]).toEqual({
      success: false,
      status: 'failure',
      terminalOutput: 'nx-uv publish: pkg-c:publish skipped, nothing uploaded: its dependency pkg-b:publish failed.\n',
    });
    expect(out.text('warn')).toContain('pkg-c:publish skipped'); // on the batch's own output too
    expect(proxy.requests.slice(requestsBefore).filter((r) => /pkg-b|pkg-c|pkg_b|pkg_c/.test(`${r.path} ${r.uploadFilename ?? ''}`))).toEqual([]);
    expect(stored()).toEqual(EXPECTED_FILES['pkg-a']);

    // Now pkg-a conflicts with the index: Pkg_B and pkg.c are skipped, pkg.c naming both.
    const wheel = path.join(distOf('pkg-a'), 'pkg_a-1.2.0-py3-none-any.whl');
    const original = fs.readFileSync(wheel);
    fs.copyFileSync(path.join(other, 'pkg_a-1.2.0-py3-none-any.whl'), wheel);
    const postsBefore = posts().length;
    try {
      const second = await run();
      expect(second[ID('pkg-a')]).toMatchObject({ success: false, status: 'failure' });
      expect(second[ID('pkg-a')].terminalOutput).toMatch(/pkg_a-1\.2\.0-py3-none-any\.whl: index has sha256 [0-9a-f]{64}, local .* has [0-9a-f]{64}/);
      expect(second[ID('pkg-b')]).toMatchObject({ success: false, status: 'failure' });
      expect(second[ID('pkg-b')].terminalOutput).toContain('its dependency pkg-a:publish failed');
      expect(second[ID('pkg-c')].terminalOutput).toContain('its dependency pkg-b:publish was not published either (pkg-a:publish failed)');
      expect(second[ID('scripts')].status).toBe('failure');
      // Reported as they are known: the failure before what it blocks.
      expect(outcomes.map((o) => o.task).indexOf(ID('pkg-a'))).toBeLessThan(outcomes.map((o) => o.task).indexOf(ID('pkg-c')));
    } finally {
      fs.writeFileSync(wheel, original);
    }
    expect(posts().length).toBe(postsBefore);
    expect(stored()).toEqual(EXPECTED_FILES['pkg-a']);
  });

  it('publishes in dependency order, each task with its own output, all files served', async () => {
    proxy.requests.length = 0;
    let loads = 0;
    const graph = publishTaskGraph();
    const inputs = Object.fromEntries(Object.keys(graph.tasks).map((id) => [id, {}]));
    outcomes = await collect(
      runPublishBatch(graph, inputs, batchContext(), {
        env,
        concurrency: 4,
        loadWorkspace: (uvRoot) => (loads++, loadUvWorkspace(uvRoot)),
      }),
    );
    const results = Object.fromEntries(outcomes.map((o) => [o.task, o.result]));
    for (const [id, r] of Object.entries(results)) expect([id, r.success, r.status]).toEqual([id, true, 'success']);
    expect(loads).toBe(1); // the uv workspace read once for the batch
    expect(stored()).toEqual(ALL_FILES);

    // Order on the wire: Pkg_B's uploads come after pkg-a's files are served (pkg-a was there
    // already: listed, not uploaded), pkg.c's after Pkg_B's uploads and a listing that serves them.
    const seqOf = (pred: (r: (typeof proxy.requests)[number]) => boolean) => proxy.requests.filter(pred).map((r) => r.seq);
    const postsOf = (prefix: string) => seqOf((r) => r.method === 'POST' && (r.uploadFilename ?? '').startsWith(prefix));
    const listingsOf = (name: string) => seqOf((r) => r.method === 'GET' && r.path === `/simple/${name}/` && r.upstreamStatus === 200);
    expect(postsOf('pkg_a')).toEqual([]);
    expect(postsOf('pkg_b')).toHaveLength(2);
    expect(postsOf('pkg_c')).toHaveLength(2);
    expect(Math.min(...postsOf('pkg_b'))).toBeGreaterThan(Math.min(...listingsOf('pkg-a')));
    const lastB = Math.max(...postsOf('pkg_b'));
    expect(listingsOf('pkg-b').some((s) => s > lastB && s < Math.min(...postsOf('pkg_c')))).toBe(true);
    expect(results[ID('pkg-c')].startTime!).toBeGreaterThanOrEqual(results[ID('pkg-b')].endTime!);

    // Each task's output holds its own lines only.
    expect(results[ID('pkg-a')].terminalOutput).toMatch(/pkg-a 1\.2\.0: nothing to upload; already on the index \(identical\)/);
    expect(results[ID('pkg-b')].terminalOutput).toMatch(/Pkg_B 0\.3\.0rc1: uploaded pkg_b-0\.3\.0rc1/);
    expect(results[ID('pkg-c')].terminalOutput).toMatch(/pkg\.c 2\.0\.0: uploaded pkg_c-2\.0\.0/);
    expect(results[ID('scripts')].terminalOutput).toMatch(/^nx-uv publish: scripts 0\.1\.0 is not a package .*\n$/);
    const mentions = { 'pkg-a': /pkg[-_]a\b/i, 'pkg-b': /pkg[-_]b\b/i, 'pkg-c': /pkg[._]c\b/i } as const;
    for (const own of PACKAGES) {
      for (const other of PACKAGES.filter((p) => p !== own)) {
        expect([own, other, mentions[other].test(results[ID(own)].terminalOutput)]).toEqual([own, other, false]);
      }
    }
    expect(out.text()).toBe('');
  });

  it('the default export is the Nx entry point (options per task id, one context)', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const graph = publishTaskGraph();
      const inputs = Object.fromEntries(Object.keys(graph.tasks).map((id) => [id, { dryRun: true }]));
      outcomes = await collect(publishBatch(graph, inputs, {}, batchContext()));
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
    expect(outcomes.map((o) => [o.task, o.result.status]).sort()).toEqual(['pkg-a', 'pkg-b', 'pkg-c', 'scripts'].map((p) => [ID(p), 'success']));
    expect(outcomes.find((o) => o.task === ID('pkg-c'))!.result.terminalOutput).toContain('already on the index (identical), would be skipped');
  });
});

describe('batchConcurrency', () => {
  it('NX_UV_PUBLISH_CONCURRENCY, else NX_PARALLEL, else 16 whatever the CPUs (publishing waits on the network)', () => {
    expect(batchConcurrency({ NX_UV_PUBLISH_CONCURRENCY: '7', NX_PARALLEL: '3' })).toBe(7);
    expect(batchConcurrency({ NX_PARALLEL: '3' })).toBe(3);
    expect(batchConcurrency({ NX_UV_PUBLISH_CONCURRENCY: '2', NX_PARALLEL: '30' })).toBe(2);
    expect(batchConcurrency({ NX_PARALLEL: '50%' })).toBe(16);
    expect(batchConcurrency({ NX_UV_PUBLISH_CONCURRENCY: '0' })).toBe(16);
    expect(batchConcurrency({})).toBe(16);
  });
});
