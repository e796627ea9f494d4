/**
 * The tag batch implementation, called as Nx calls it (a TaskGraph, options per task id, one context
 * without a project), on a real git repository with a bare `origin` whose pre-receive hook records
 * every push, against the GitHub fake (every request validated against GitHub's OpenAPI description).
 */
import { logger, type TaskGraph } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gitAndGitHubEnv } from '../../testing/executor-context';
import { createTestRepo, type TestRepo } from '../../testing/git-repo';
import { startFakeGitHub, type FakeGitHub } from '../../testing/github-fake';
import { loadUvWorkspace } from '../../workspace';
import { captureLogger, executorContext, workspaceFiles, type LogCapture } from '../shared/__fixtures__/uv-workspace';
import tagBatch, { runTagBatch } from './batch';
import { runTagExecutor, type TagExecutorOptions } from './executor';
import { collectBatch, independentTaskGraph } from '../shared/__fixtures__/batch-tasks';

const REPO = 'octo-org/octo-repo';
const ID = (project: string) => `${project}:tag`;
const MEMBERS = ['pkg-a', 'pkg-b', 'pkg-c', 'scripts'];
const TAGS = ['pkg-a-v1.2.0', 'pkg-b-v0.3.0rc1', 'pkg-c-v2.0.0'];

/** The task graph of `nx run-many -t tag` (tag has no dependsOn on a package member). */
function tagTaskGraph(projects: readonly string[] = MEMBERS): TaskGraph {
  return independentTaskGraph('tag', projects);
}

const collect = collectBatch;

let repo: TestRepo;
let fake: FakeGitHub;
let log: LogCapture;
let pushLog: string;

const env = gitAndGitHubEnv();

beforeEach(async () => {
  repo = createTestRepo({
    files: workspaceFiles({ 'py/packages/a/CHANGELOG.md': '# Changelog\n\n## 1.2.0 (2025-01-01)\n\n### Bug Fixes\n\n- **a:** fix the thing\n' }),
  });
  repo.push();
  // Each push the remote receives: one line per push, the refs it updates.
  pushLog = path.join(repo.dir, '..', 'pushes.txt');
  fs.writeFileSync(
    path.join(repo.bare, 'hooks', 'pre-receive'),
    `#!/bin/sh\nrefs=""\nwhile read old new ref; do refs="$refs $ref"; done\necho "$refs" >> '${pushLog}'\n`,
    { mode: 0o755 },
  );
  fake = await startFakeGitHub({ repositories: [{ fullName: REPO, gitDir: repo.bare }] });
  env.set(fake.url, REPO);
  log = captureLogger(logger);
});
afterEach(async () => {
  log.restore();
  await fake.close();
  repo.cleanup();
});

const pushes = () => (fs.existsSync(pushLog) ? fs.readFileSync(pushLog, 'utf8').trim().split('\n').filter(Boolean) : []).map((l) => l.trim().split(' ').sort());
const localTags = (): string[] => repo.git(['tag', '--list']).split('\n').filter(Boolean).sort();
const remoteTags = (): string[] => repo.gitBare(['tag', '--list']).split('\n').filter(Boolean).sort();
const posts = (): string[] => fake.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.operationId}`);
/** The batch context as Nx gives it: no project, no target. */
const batchContext = () => ({ ...executorContext(repo.dir, 'pkg-a'), projectName: undefined, targetName: undefined });
const batch = (options: TagExecutorOptions = {}, projects: readonly string[] = MEMBERS) => {
  const graph = tagTaskGraph(projects);
  return collect(runTagBatch(graph, Object.fromEntries(Object.keys(graph.tasks).map((id) => [id, options])), batchContext()));
};

describe('tag batch implementation', () => {
  it("pushes every tag in ONE atomic push, then each GitHub Release; each task has the executor's lines; a rerun pushes and posts nothing", async () => {
    let loads = 0;
    const graph = tagTaskGraph();
    const results = await collect(
      runTagBatch(graph, Object.fromEntries(Object.keys(graph.tasks).map((id) => [id, {}])), batchContext(), {
        loadWorkspace: (uvRoot) => (loads++, loadUvWorkspace(uvRoot)),
      }),
    );
    expect(loads).toBe(1);
    expect(pushes()).toEqual([TAGS.map((t) => `refs/tags/${t}`)]);
    for (const [id, r] of Object.entries(results)) expect([id, r.status]).toEqual([id, 'success']);
    const head = repo.head();
    for (const t of TAGS) expect(repo.gitBare(['for-each-ref', '--format=%(objecttype) %(*objectname)', `refs/tags/${t}`])).toBe(`tag ${head}`);
    expect(
      fake
        .releases(REPO)
        .map((r) => [r.tagName, r.name, r.prerelease])
        .sort(),
    ).toEqual([
      ['pkg-a-v1.2.0', 'pkg-a 1.2.0', false],
      ['pkg-b-v0.3.0rc1', 'Pkg_B 0.3.0rc1', true],
      ['pkg-c-v2.0.0', 'pkg-c 2.0.0', false],
    ]);
    expect(fake.releases(REPO).find((r) => r.tagName === 'pkg-a-v1.2.0')!.body).toBe('### Bug Fixes\n\n- **a:** fix the thing\n');
    const out = results[ID('pkg-a')].terminalOutput.split('\n');
    expect(out[0]).toBe(`nx-uv tag: created tag pkg-a-v1.2.0 at ${head.slice(0, 12)}`);
    expect(out[1]).toBe('nx-uv tag: pushed pkg-a-v1.2.0 to origin');
    expect(out[2]).toMatch(/^nx-uv tag: created GitHub Release pkg-a 1\.2\.0 http/);
    expect(out[3]).toBe(`nx-uv tag: no merged release pull request labelled "autorelease: pending" for ${head.slice(0, 12)}; no label to move`);
    expect(results[ID('pkg-b')].terminalOutput).not.toMatch(/pkg-a/);
    expect(results[ID('scripts')].terminalOutput).toBe('nx-uv tag: scripts is not a package (uv does not build it); nothing to tag.\n');
    expect(log.all()).toBe(''); // nothing went to the shared logger
    fake.assertNoErrors();

    // The same lines as the executor, task by task: the rerun finds every tag at HEAD.
    fake.clearRecords();
    const again = await batch();
    expect(pushes()).toHaveLength(1); // git pushes nothing new: the remote has every tag (no hook run)
    expect(posts()).toEqual([]);
    for (const project of MEMBERS) {
      log.reset();
      expect(await runTagExecutor({}, executorContext(repo.dir, project))).toEqual({ success: true });
      expect([project, again[ID(project)].terminalOutput]).toEqual([project, `${[...log.info, ...log.warn, ...log.error].join('\n')}\n`]);
    }
    expect(localTags()).toEqual(TAGS);
    fake.assertNoErrors();
  });

  it('a tag the remote has on another commit fails that task alone; the others are pushed and released', async () => {
    const first = repo.head();
    repo.commit('fix(b): later', { 'py/packages/b/x.py': 'X = 1\n' });
    repo.push();
    fs.rmSync(pushLog, { force: true });
    repo.gitBare(['tag', 'pkg-b-v0.3.0rc1', first]);
    const results = await batch();
    expect(results[ID('pkg-b')]).toMatchObject({ success: false, status: 'failure' });
    expect(results[ID('pkg-b')].terminalOutput).toContain(
      `nx-uv tag (pkg-b) failed: origin already has tag pkg-b-v0.3.0rc1 on commit ${first.slice(0, 12)}, not on HEAD ${repo.head().slice(0, 12)}`,
    );
    for (const project of ['pkg-a', 'pkg-c', 'scripts']) expect([project, results[ID(project)].status]).toEqual([project, 'success']);
    expect(pushes()).toEqual([['refs/tags/pkg-a-v1.2.0', 'refs/tags/pkg-c-v2.0.0']]);
    expect(localTags()).toEqual(['pkg-a-v1.2.0', 'pkg-c-v2.0.0']);
    expect(
      fake
        .releases(REPO)
        .map((r) => r.tagName)
        .sort(),
    ).toEqual(['pkg-a-v1.2.0', 'pkg-c-v2.0.0']);
    fake.assertNoErrors();
  });

  it('a refused push fails every task of it: nothing pushed, no local tag left, no release; the rerun completes', async () => {
    fs.writeFileSync(path.join(repo.bare, 'hooks', 'pre-receive'), `#!/bin/sh\necho "tags are frozen today" >&2\nexit 1\n`, { mode: 0o755 });
    const results = await batch();
    for (const project of ['pkg-a', 'pkg-b', 'pkg-c']) {
      expect([project, results[ID(project)].status]).toEqual([project, 'failure']);
      expect(results[ID(project)].terminalOutput).toMatch(new RegExp(`nx-uv tag \\(${project}\\) failed: [\\s\\S]*tags are frozen today`));
    }
    expect(results[ID('scripts')].status).toBe('success');
    expect(localTags()).toEqual([]);
    expect(remoteTags()).toEqual([]);
    expect(posts()).toEqual([]);

    fs.rmSync(path.join(repo.bare, 'hooks', 'pre-receive'));
    const rerun = await batch();
    for (const r of Object.values(rerun)) expect(r.status).toBe('success');
    expect(remoteTags()).toEqual(TAGS);
    expect(fake.releases(REPO)).toHaveLength(3);
    fake.assertNoErrors();
  });

  it('without GITHUB_TOKEN every task fails before anything is created; a dry run needs none and touches nothing', async () => {
    delete process.env.GITHUB_TOKEN;
    const results = await batch();
    for (const project of ['pkg-a', 'pkg-b', 'pkg-c']) {
      expect([project, results[ID(project)].status]).toEqual([project, 'failure']);
      expect(results[ID(project)].terminalOutput).toMatch(/GITHUB_TOKEN/);
    }
    expect(localTags()).toEqual([]);
    expect(remoteTags()).toEqual([]);
    expect(fake.requests).toEqual([]);

    const dry = await batch({ dryRun: true });
    for (const r of Object.values(dry)) expect(r.status).toBe('success');
    expect(dry[ID('pkg-b')].terminalOutput).toContain('would create annotated tag pkg-b-v0.3.0rc1');
    expect(localTags()).toEqual([]);
    expect(fake.requests).toEqual([]);
  });

  it('the default export is the Nx entry point (options per task id, one context)', async () => {
    const graph = tagTaskGraph();
    const results = await collect(tagBatch(graph, Object.fromEntries(Object.keys(graph.tasks).map((id) => [id, {}])), {}, batchContext()));
    expect(Object.values(results).map((r) => r.status)).toEqual(['success', 'success', 'success', 'success']);
    expect(remoteTags()).toEqual(TAGS);
    fake.assertNoErrors();
  });
});
