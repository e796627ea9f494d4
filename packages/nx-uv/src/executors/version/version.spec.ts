import { logger } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GIT_TEST_IDENTITY } from '../../testing/git-repo';
import { uvTestEnv } from '../../testing/tools';
import { loadUvWorkspace, topologicalOrder } from '../../workspace';
import {
  APP_PYPROJECT,
  CORE_PYPROJECT,
  createReleaseRepo,
  MID_PYPROJECT,
  OLD_CHANGELOG,
  OTHER_PYPROJECT,
  releaseContext,
  ROOT_PYPROJECT,
  snapshotTree,
  uv,
  type ReleaseRepo,
} from '../../release/__fixtures__/release-workspace';
import { captureLogger, type LogCapture } from '../shared/__fixtures__/uv-workspace';
import { versionBatchWith } from './batch';
import { DRY_RUN_REPORT } from './dry-run-report';
import type { BatchTaskOutcome } from '../shared/batch';
import type { TaskGraph } from '@nx/devkit';
import versionExecutor, { type VersionExecutorOptions } from './executor';
import { planCacheFile } from './plan-cache';
import { restoreEnvAfterAll } from '../../testing/executor-context';

restoreEnvAfterAll();
let log: LogCapture;

beforeAll(() => {
  // uv offline from the wheelhouse for the `uv lock` the executor runs; git identity for the test's own commits.
  Object.assign(process.env, uvTestEnv(), GIT_TEST_IDENTITY, { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' });
});
beforeEach(() => {
  log = captureLogger(logger);
});
afterEach(() => log.restore());

const PACKAGES_IN_ORDER = (r: ReleaseRepo) =>
  topologicalOrder(loadUvWorkspace(r.uvRoot))
    .map((m) => m.name)
    .filter((n) => n !== '');

async function runAll(r: ReleaseRepo, options: VersionExecutorOptions = {}, order = PACKAGES_IN_ORDER(r)): Promise<boolean[]> {
  const results: boolean[] = [];
  for (const name of order) results.push((await versionExecutor(options, releaseContext(r.repo.dir, name))).success);
  return results;
}

const TODAY = () => new Date().toISOString().slice(0, 10);

/** The task graph of the version tasks of `names`, as Nx hands it to a batch. */
function taskGraphOf(names: string[]): TaskGraph {
  const id = (n: string) => `${n}:version`;
  const tasks = Object.fromEntries(
    names.map((n) => [
      id(n),
      { id: id(n), target: { project: n, target: 'version' }, overrides: {}, outputs: [], projectRoot: `py/packages/${n}`, cache: false, parallelism: true },
    ]),
  );
  return { roots: names.map(id), tasks, dependencies: Object.fromEntries(names.map((n) => [id(n), []])), continuousDependencies: {} } as unknown as TaskGraph;
}

/** The dry-run report of the release fixture at commit `head`, commit hashes in reasons as <sha>. */
const EXPECTED_REPORT = (head: string) => `nx-uv version (dry run) at ${head.slice(0, 12)}: what \`version\` would do. Nothing was written.

package  last release  current  next   bump   reason
-------  ------------  -------  -----  -----  ------------------------------------------------
app      2.0.0         2.0.0    2.0.1  patch  fix(app): handle empty input (<sha>) (+2 more)
core     1.2.0         1.2.0    1.3.0  minor  feat(core): add a speed knob (<sha>)
mid      0.4.1         0.4.1    0.4.2  patch  dependency core 1.2.0 → 1.3.0

Requirement updates:
  member            section                from                                              to
  ----------------  ---------------------  ------------------------------------------------  ------------------------------------------------
  (workspace root)  dependency-groups.dev  core>=1.2.0                                       core>=1.3.0
  app               project.dependencies   mid==0.4.1                                        mid==0.4.2
  app               project.dependencies   core>=1.0                                         core>=1.3.0
  mid               project.dependencies   core[fast] >=1.2.0, <2 ; python_version >= '3.8'  core[fast] >=1.3.0, <2 ; python_version >= '3.8'

Not released:
  other: 1 commit since 0.1.0, none releasable (no feat, fix, perf or breaking change)

Would write:
  py/packages/app/CHANGELOG.md
  py/packages/app/pyproject.toml
  py/packages/core/CHANGELOG.md
  py/packages/core/pyproject.toml
  py/packages/mid/CHANGELOG.md
  py/packages/mid/pyproject.toml
  py/pyproject.toml
  py/uv.lock (one \`uv lock\` after the files above)
`;
const withoutShas = (text: string | undefined) => text?.replace(/\((?:[0-9a-f]{7})\)/g, '(<sha>)');

describe('version executor', () => {
  let r: ReleaseRepo;
  beforeEach(async () => {
    r = await createReleaseRepo();
  });
  afterEach(() => r.cleanup());

  it('dry run prints the planned change of the project and writes nothing but its report in .nx-uv/', async () => {
    const before = snapshotTree(r.repo.dir);
    expect(await runAll(r, { dryRun: true })).toEqual([true, true, true, true]);
    const { [DRY_RUN_REPORT]: report, ...after } = snapshotTree(r.repo.dir);
    expect(after).toEqual(before);
    expect(fs.readdirSync(path.join(r.repo.dir, '.nx-uv'))).toEqual(['version-dry-run.txt']);
    expect(withoutShas(report)).toBe(EXPECTED_REPORT(r.repo.head()));
    const text = log.info.join('\n');
    expect(text).toContain('nx-uv version (dry run): core: 1.2.0 → 1.3.0 (minor, release)');
    expect(text).toContain('would write: py/packages/core/CHANGELOG.md, py/packages/core/pyproject.toml, py/pyproject.toml');
    expect(text).toContain('nx-uv version (dry run): mid: 0.4.1 → 0.4.2 (patch, release)');
    expect(text).toContain(
      `packages/mid/pyproject.toml project.dependencies: "core[fast] >=1.2.0, <2 ; python_version >= '3.8'" → "core[fast] >=1.3.0, <2 ; python_version >= '3.8'"`,
    );
    expect(text).toMatch(/other: not released \(1 commit since 0\.1\.0, none releasable/);
    // Every task names the report (Nx may show none of their lines: dry-run-report.ts).
    expect(log.info.filter((l) => l.endsWith(`\n  the whole plan: ${DRY_RUN_REPORT}`))).toHaveLength(4);
  });

  it('dry run as a batch: prints the report once on its own output, apart from the tasks’ outputs', async () => {
    const before = snapshotTree(r.repo.dir);
    const names = PACKAGES_IN_ORDER(r);
    const printed: string[] = [];
    const results: BatchTaskOutcome[] = [];
    const inputs = Object.fromEntries(names.map((n) => [`${n}:version`, { dryRun: true }]));
    for await (const o of versionBatchWith((t) => printed.push(t))(taskGraphOf(names), inputs, { dryRun: true }, releaseContext(r.repo.dir, 'core'))) {
      results.push(o);
    }
    expect(results.map((o) => [o.task, o.result.status])).toEqual(names.map((n) => [`${n}:version`, 'success']));
    expect(printed.map(withoutShas)).toEqual([`\n${EXPECTED_REPORT(r.repo.head())}(also in ${DRY_RUN_REPORT})\n\n`]);
    for (const o of results) {
      expect(o.result.terminalOutput).toMatch(/^nx-uv version \(dry run\): /);
      expect(o.result.terminalOutput).toContain(`  the whole plan: ${DRY_RUN_REPORT}\n`);
      expect(o.result.terminalOutput).not.toContain('Would write:');
    }
    const { [DRY_RUN_REPORT]: report, ...after } = snapshotTree(r.repo.dir);
    expect(withoutShas(report)).toBe(EXPECTED_REPORT(r.repo.head()));
    expect(after).toEqual(before);
  });

  it('runs every project in topological order: versions, requirements, changelogs, uv.lock', async () => {
    const lockBefore = r.read('py/uv.lock');
    expect(await runAll(r)).toEqual([true, true, true, true]);
    expect(log.error).toEqual([]);
    expect(r.read('py/pyproject.toml')).toBe(ROOT_PYPROJECT.replace('"core>=1.2.0"', '"core>=1.3.0"'));
    expect(r.read('py/packages/core/pyproject.toml')).toBe(CORE_PYPROJECT.replace('version = "1.2.0"', 'version = "1.3.0"'));
    expect(r.read('py/packages/mid/pyproject.toml')).toBe(
      MID_PYPROJECT.replace("version = '0.4.1'", "version = '0.4.2'").replace('core[fast] >=1.2.0, <2', 'core[fast] >=1.3.0, <2'),
    );
    expect(r.read('py/packages/app/pyproject.toml')).toBe(
      APP_PYPROJECT.replace('version = "2.0.0"', 'version = "2.0.1"').replace('"mid==0.4.1", "core>=1.0"', '"mid==0.4.2", "core>=1.3.0"'),
    );
    expect(r.read('py/packages/other/pyproject.toml')).toBe(OTHER_PYPROJECT);
    expect(fs.existsSync(path.join(r.uvRoot, 'packages/other/CHANGELOG.md'))).toBe(false);

    const core = r.read('py/packages/core/CHANGELOG.md');
    expect(core).toMatch(
      new RegExp(
        `^# Changelog\\n\\n## 1\\.3\\.0 \\(${TODAY()}\\)\\n\\n### Features\\n\\n- \\*\\*core:\\*\\* add a speed knob \\([0-9a-f]{7}\\)\\n\\n## 1\\.2\\.0`,
      ),
    );
    expect(core.endsWith(OLD_CHANGELOG.slice('# Changelog\n\n'.length))).toBe(true);
    expect(r.read('py/packages/mid/CHANGELOG.md')).toBe(`# Changelog\n\n## 0.4.2 (${TODAY()})\n\n### Dependencies\n\n- core 1.2.0 → 1.3.0\n`);
    expect(r.read('py/packages/app/CHANGELOG.md')).toContain('### Bug fixes\n\n- **app:** handle empty input (');

    const lock = r.read('py/uv.lock');
    expect(lock).not.toBe(lockBefore);
    expect(lock).toMatch(/name = "app"\nversion = "2\.0\.1"/);
    const check = await uv(r.uvRoot, ['lock', '--check']);
    expect(check.exitCode === 0 ? 'ok' : check.all).toBe('ok');
    // Only core (the first task) wrote, the whole plan and one uv lock; the others only reported their part.
    expect(log.info.filter((l) => l.includes('py/uv.lock')).map((l) => l.split(':')[1].trim())).toEqual(['core']);
    expect(log.info.find((l) => l.startsWith('nx-uv version: core:'))).toContain(
      '  wrote the whole release plan: py/packages/app/CHANGELOG.md, py/packages/app/pyproject.toml, py/packages/core/CHANGELOG.md, ' +
        'py/packages/core/pyproject.toml, py/packages/mid/CHANGELOG.md, py/packages/mid/pyproject.toml, py/pyproject.toml, py/uv.lock',
    );
    expect(log.info.find((l) => l.startsWith('nx-uv version: mid:'))).toContain(
      '  written with the whole plan by the version task of core: py/packages/mid/CHANGELOG.md, py/packages/mid/pyproject.toml',
    );
    expect(log.info.find((l) => l.startsWith('nx-uv version: other:'))).toMatch(/other: not released .*\n  nothing to write$/);

    // The plan was computed once, before any write, and is keyed by HEAD; the cache records who applied it.
    const cached = JSON.parse(fs.readFileSync(planCacheFile(r.repo.dir), 'utf8'));
    expect(cached.head).toBe(r.repo.head());
    expect(cached.applied).toEqual({ by: 'core', files: expect.arrayContaining(['uv.lock', 'pyproject.toml']), digest: expect.any(String) });

    // Running again at the same HEAD changes nothing.
    const after = snapshotTree(r.repo.dir);
    log.reset();
    expect(await runAll(r)).toEqual([true, true, true, true]);
    expect(snapshotTree(r.repo.dir)).toEqual(after);
  });

  it('the batch implementation (one process for all tasks) writes the same bytes as one process per task, each task with its own output', async () => {
    const other = await createReleaseRepo();
    try {
      expect(await runAll(other)).toEqual([true, true, true, true]);
      const expected = snapshotTree(other.repo.dir);
      const names = PACKAGES_IN_ORDER(r);
      const id = (n: string) => `${n}:version`;
      const results: BatchTaskOutcome[] = [];
      const printed: string[] = [];
      for await (const o of versionBatchWith((t) => printed.push(t))(taskGraphOf(names), {}, {}, releaseContext(r.repo.dir, 'core'))) results.push(o);
      expect(printed).toEqual([]); // a real run prints only each task's own output
      expect(results.map((o) => [o.task, o.result.status])).toEqual(names.map((n) => [id(n), 'success']));
      expect(results.find((o) => o.task === id('core'))!.result.terminalOutput).toMatch(/^nx-uv version: core: 1\.2\.0 → 1\.3\.0/);
      const got = snapshotTree(r.repo.dir);
      const strip = (t: Record<string, string>) => Object.fromEntries(Object.entries(t).filter(([f]) => !f.startsWith('.nx-uv/')));
      expect(strip(got)).toEqual(strip(expected));
    } finally {
      other.cleanup();
    }
  });

  it('parallel tasks in one process (any order) give the same bytes as the topological run', async () => {
    const other = await createReleaseRepo();
    try {
      await runAll(other);
      const expected = snapshotTree(other.repo.dir);
      const results = await Promise.all(['app', 'other', 'mid', 'core'].map((n) => versionExecutor({}, releaseContext(r.repo.dir, n))));
      expect(results.every((x) => x.success)).toBe(true);
      const got = snapshotTree(r.repo.dir);
      const strip = (t: Record<string, string>) => Object.fromEntries(Object.entries(t).filter(([k]) => !k.startsWith('.nx-uv/')));
      expect(strip(got)).toEqual(strip(expected));
      expect((await uv(r.uvRoot, ['lock', '--check'])).exitCode).toBe(0);
    } finally {
      other.cleanup();
    }
  });

  it('any one task applies the whole plan (one `uv lock`); the later tasks of the run write nothing more', async () => {
    const other = await createReleaseRepo();
    try {
      await runAll(other);
      const strip = (t: Record<string, string>) => Object.fromEntries(Object.entries(t).filter(([k]) => !k.startsWith('.nx-uv/')));
      const expected = strip(snapshotTree(other.repo.dir));
      expect(await versionExecutor({}, releaseContext(r.repo.dir, 'app'))).toEqual({ success: true });
      expect(strip(snapshotTree(r.repo.dir))).toEqual(expected);
      expect((await uv(r.uvRoot, ['lock', '--check'])).exitCode).toBe(0);
      const written = snapshotTree(r.repo.dir);
      log.reset();
      expect(await runAll(r, {}, ['core', 'mid', 'other'])).toEqual([true, true, true]);
      expect(snapshotTree(r.repo.dir)).toEqual(written);
      expect(log.info.find((l) => l.startsWith('nx-uv version: core:'))).toContain(
        '  written with the whole plan by the version task of app: py/packages/core/CHANGELOG.md, py/packages/core/pyproject.toml, py/pyproject.toml',
      );
      expect(log.info.filter((l) => l.includes('uv.lock'))).toEqual([]);

      // The release thrown away (same HEAD, so the same cached plan, marked applied): written again.
      r.repo.git(['reset', '--quiet', '--hard', 'HEAD']);
      r.repo.git(['clean', '--quiet', '-fd', '--exclude=.nx-uv']);
      expect(strip(snapshotTree(r.repo.dir))).not.toEqual(expected);
      expect(await runAll(r, {}, ['mid', 'core'])).toEqual([true, true]);
      expect(strip(snapshotTree(r.repo.dir))).toEqual(expected);
      expect(log.info.filter((l) => l.includes('py/uv.lock')).map((l) => l.split(':')[1].trim())).toEqual(['mid']);
    } finally {
      other.cleanup();
    }
  });

  it('refuses a dirty work tree and writes nothing', async () => {
    r.repo.write({ 'py/packages/core/src/core/extra.py': 'x = 1\n' });
    const before = snapshotTree(r.repo.dir);
    expect(await versionExecutor({}, releaseContext(r.repo.dir, 'core'))).toEqual({ success: false });
    expect(log.error.join('\n')).toMatch(
      /^nx-uv version \(core\) failed: the git working tree at .* has uncommitted changes; commit or stash them first:\n  \?\? py\/packages\/core\/src\/core\/extra\.py$/,
    );
    const after = snapshotTree(r.repo.dir);
    expect(Object.fromEntries(Object.entries(after).filter(([k]) => !k.startsWith('.nx-uv/')))).toEqual(before);
    expect(fs.existsSync(planCacheFile(r.repo.dir))).toBe(false);
  });

  it('fails on an unknown group, listing the known ones', async () => {
    const nxJson = { plugins: [{ plugin: 'nx-uv', options: { groups: { libs: { projects: ['core'] } } } }] };
    const before = snapshotTree(r.repo.dir);
    expect(await versionExecutor({ group: 'apps' }, releaseContext(r.repo.dir, 'core', nxJson))).toEqual({ success: false });
    expect(log.error).toEqual([
      'nx-uv version (core) failed: unknown release group "apps"; the groups in nx.json (plugins → "nx-uv" → options.groups) are: libs',
    ]);
    expect(snapshotTree(r.repo.dir)).toEqual(before);
  });

  it('continues a prerelease series: 1.3.0rc1, then rc2 after another feat and the tags', async () => {
    expect(await runAll(r, { prerelease: 'rc' })).toEqual([true, true, true, true]);
    expect(r.read('py/packages/core/pyproject.toml')).toContain('version = "1.3.0rc1"');
    expect(r.read('py/packages/mid/pyproject.toml')).toContain("version = '0.4.2rc1'");
    expect(r.read('py/packages/app/pyproject.toml')).toContain('"mid==0.4.2rc1", "core>=1.3.0rc1"');
    expect((await uv(r.uvRoot, ['lock', '--check'])).exitCode).toBe(0);

    // Release commit and tags, as the release PR and the tag executor would make them.
    r.repo.commit('chore(release): publish');
    for (const t of ['core-v1.3.0rc1', 'mid-v0.4.2rc1', 'app-v2.0.1rc1']) r.repo.tag(t, { message: t });
    r.repo.commit('feat(core): another knob', { 'py/packages/core/src/core/__init__.py': 'SPEED = 1\nKNOB = 2\n' });

    log.reset();
    expect(await runAll(r, { prerelease: 'rc' })).toEqual([true, true, true, true]);
    expect(r.read('py/packages/core/pyproject.toml')).toContain('version = "1.3.0rc2"');
    expect(r.read('py/packages/mid/pyproject.toml')).toContain("version = '0.4.2rc2'");
    expect(r.read('py/packages/app/pyproject.toml')).toContain('"mid==0.4.2rc2", "core>=1.3.0rc2"');
    const core = r.read('py/packages/core/CHANGELOG.md');
    expect(core).toMatch(/^# Changelog\n\n## 1\.3\.0rc2 \(.*\)\n\n### Features\n\n- \*\*core:\*\* another knob \([0-9a-f]{7}\)\n\n## 1\.3\.0rc1 /);
    expect(core).not.toMatch(/1\.3\.0rc2[\s\S]*speed knob[\s\S]*1\.3\.0rc1/);
    expect((await uv(r.uvRoot, ['lock', '--check'])).exitCode).toBe(0);
  });
});
