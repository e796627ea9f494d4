/**
 * Issue 4, a dependency cycle between members (pkg-a ↔ pkg-b), through the version executor.
 *
 * Nx refuses `run-many -t version` on such a workspace (the `^version` task graph has the cycle; see
 * publish/cycle.spec.ts) unless told to ignore cycles (`NX_IGNORE_CYCLES=true`), when it drops an edge
 * and runs the tasks in some order. The executor does not depend on that order: the plan is computed
 * once for the whole workspace (the cycle propagates and terminates) and the first task writes all
 * of it and runs `uv lock` — which uv accepts for a cycle.
 */
import { logger, type ExecutorContext } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTestRepo, GIT_TEST_IDENTITY, type TestRepo } from '../../testing/git-repo';
import { uvBin, uvTestEnv } from '../../testing/tools';
import { captureLogger, type LogCapture } from '../shared/__fixtures__/uv-workspace';
import execa from 'execa';
import versionExecutor from './executor';
import { restoreEnvAfterAll } from '../../testing/executor-context';

const PROJECTS: Record<string, string> = { 'uv-workspace': 'py', 'pkg-a': 'py/packages/a', 'pkg-b': 'py/packages/b' };

const member = (name: string, version: string, other: string) =>
  [
    '[project]',
    `name = "${name}"`,
    `version = "${version}"`,
    'requires-python = ">=3.8"',
    `dependencies = ["${other}>=1.0"]`,
    '',
    '[build-system]',
    'requires = ["uv_build>=0.13,<0.14"]',
    'build-backend = "uv_build"',
    '',
  ].join('\n');

function context(root: string, projectName: string): ExecutorContext {
  return {
    root,
    cwd: root,
    projectName,
    targetName: 'version',
    isVerbose: false,
    projectsConfigurations: { version: 2, projects: Object.fromEntries(Object.entries(PROJECTS).map(([name, r]) => [name, { name, root: r }])) },
    nxJsonConfiguration: {},
    projectGraph: { nodes: {}, dependencies: {} },
  };
}

async function cycleRepo(): Promise<TestRepo> {
  const repo = createTestRepo({
    files: {
      'nx.json': '{}\n',
      '.gitignore': '.nx-uv/\n.venv/\n',
      'py/pyproject.toml': '[tool.uv.workspace]\nmembers = ["packages/*"]\n\n[tool.uv.sources]\npkg-a = { workspace = true }\npkg-b = { workspace = true }\n',
      'py/packages/a/pyproject.toml': member('pkg-a', '1.2.0', 'pkg-b'),
      'py/packages/a/src/pkg_a/__init__.py': '',
      'py/packages/b/pyproject.toml': member('pkg-b', '1.0.0', 'pkg-a'),
      'py/packages/b/src/pkg_b/__init__.py': '',
    },
  });
  await execa(uvBin, ['lock', '--quiet'], { cwd: path.join(repo.dir, 'py'), env: uvTestEnv() });
  repo.commit('chore: initial release');
  repo.tag('pkg-a-v1.2.0', { message: 'pkg-a 1.2.0' });
  repo.tag('pkg-b-v1.0.0', { message: 'pkg-b 1.0.0' });
  repo.commit('fix(a): a fix in pkg-a only', { 'py/packages/a/src/pkg_a/__init__.py': 'FIXED = True\n' });
  return repo;
}

describe('version executor on a dependency cycle (real git, real uv)', () => {
  restoreEnvAfterAll();
  let log: LogCapture;
  const repos: TestRepo[] = [];

  beforeAll(() => {
    Object.assign(process.env, uvTestEnv(), GIT_TEST_IDENTITY, { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' });
  });
  afterAll(() => {
    for (const r of repos) r.cleanup();
  });
  beforeEach(() => (log = captureLogger(logger)));
  afterEach(() => log.restore());

  /** Runs the version tasks in `order`; returns the files the release changed, with their contents. */
  async function release(order: string[]): Promise<Record<string, string>> {
    const repo = await cycleRepo();
    repos.push(repo);
    for (const project of order) expect([project, await versionExecutor({}, context(repo.dir, project))]).toEqual([project, { success: true }]);
    const changed = [repo.git(['diff', '--name-only', 'HEAD']), repo.git(['ls-files', '--others', '--exclude-standard'])]
      .join('\n')
      .split('\n')
      .filter(Boolean)
      .sort();
    return Object.fromEntries(changed.map((f) => [f, fs.readFileSync(path.join(repo.dir, f), 'utf8').replace(/\d{4}-\d{2}-\d{2}/g, 'DATE')]));
  }

  it("a fix in pkg-a releases both (each is the other's dependent), updates both requirements and relocks, in either order", async () => {
    const ab = await release(['pkg-a', 'pkg-b']);
    expect(log.error).toEqual([]);
    expect(Object.keys(ab)).toEqual([
      'py/packages/a/CHANGELOG.md',
      'py/packages/a/pyproject.toml',
      'py/packages/b/CHANGELOG.md',
      'py/packages/b/pyproject.toml',
      'py/uv.lock',
    ]);
    expect(ab['py/packages/a/pyproject.toml']).toBe(member('pkg-a', '1.2.1', 'pkg-b').replace('"pkg-b>=1.0"', '"pkg-b>=1.0.1"'));
    expect(ab['py/packages/b/pyproject.toml']).toBe(member('pkg-b', '1.0.1', 'pkg-a').replace('"pkg-a>=1.0"', '"pkg-a>=1.2.1"'));
    expect(ab['py/uv.lock']).toMatch(/name = "pkg-a"\nversion = "1\.2\.1"/);
    expect(ab['py/uv.lock']).toMatch(/name = "pkg-b"\nversion = "1\.0\.1"/);
    expect(ab['py/packages/b/CHANGELOG.md']).toContain('pkg-a 1.2.0 → 1.2.1');

    const ba = await release(['pkg-b', 'pkg-a']);
    expect(ba).toEqual(ab);
  });
});
