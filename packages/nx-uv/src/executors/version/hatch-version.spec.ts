/**
 * The version executor on a member whose version is dynamic, read by hatchling from a Python file
 * (`[tool.hatch.version] path`): the new version goes into that file, its pyproject.toml is left
 * byte-for-byte, a dependent's requirement follows, and `uv lock --check` (which builds the hatch
 * member's metadata) passes afterwards.
 */
import { logger } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTestRepo, GIT_TEST_IDENTITY, type TestRepo } from '../../testing/git-repo';
import { nxExecutorContext, restoreEnvAfterAll } from '../../testing/executor-context';
import { uvTestEnv } from '../../testing/tools';
import { uv } from '../../release/__fixtures__/release-workspace';
import { loadUvWorkspace } from '../../workspace';
import { captureLogger, type LogCapture } from '../shared/__fixtures__/uv-workspace';
import versionExecutor from './executor';

const ROOT = `[tool.uv.workspace]
members = ["packages/*"]

[tool.uv.sources]
core = { workspace = true }
`;
const CORE = `[project]
name = "core"
dynamic = ["version"]   # hatch reads it from __about__.py
requires-python = ">=3.8"

[tool.hatch.version]
path = "src/core/__about__.py"

[tool.hatch.build.targets.wheel]
packages = ["src/core"]

[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"
`;
const ABOUT = `# Single source of the version.
__all__ = ["__version__"]
__version__ = "1.2.0"  # bumped by the release
`;
const APP = `[project]
name = "app"
version = "2.0.0"
requires-python = ">=3.8"
dependencies = ["core>=1.2.0"]

[build-system]
requires = ["uv_build>=0.13,<0.14"]
build-backend = "uv_build"
`;

restoreEnvAfterAll();
let log: LogCapture;
let repo: TestRepo;

const context = (projectName: string) =>
  nxExecutorContext(repo.dir, projectName, { 'uv-workspace': '.', core: 'packages/core', app: 'packages/app' }, { targetName: 'version' });

beforeAll(async () => {
  Object.assign(process.env, uvTestEnv(), GIT_TEST_IDENTITY, { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' });
  repo = createTestRepo();
  repo.write({
    'nx.json': '{}\n',
    'pyproject.toml': ROOT,
    'packages/core/pyproject.toml': CORE,
    'packages/core/src/core/__init__.py': 'from .__about__ import __version__\n',
    'packages/core/src/core/__about__.py': ABOUT,
    'packages/app/pyproject.toml': APP,
    'packages/app/src/app/__init__.py': '',
  });
  const locked = await uv(repo.dir, ['lock']);
  if (locked.exitCode !== 0) throw new Error(`uv lock failed in the fixture:\n${locked.all}`);
  repo.commit('chore: initial release');
  repo.tag('core-v1.2.0', { message: 'core 1.2.0' });
  repo.tag('app-v2.0.0', { message: 'app 2.0.0' });
  repo.commit('feat(core): a new knob', { 'packages/core/src/core/knob.py': 'KNOB = 1\n' });
});
afterAll(() => {
  repo?.cleanup();
});
beforeEach(() => {
  log = captureLogger(logger);
});
afterEach(() => log.restore());

describe('version executor with a hatch version file', () => {
  it('the model reads the version from the file', () => {
    const core = loadUvWorkspace(repo.dir).members.find((m) => m.name === 'core');
    expect(core?.version).toMatchObject({ kind: 'hatch-file', version: '1.2.0' });
  });

  it('writes 1.3.0 into __about__.py only, bumps the dependent, and keeps uv.lock in step', async () => {
    const read = (rel: string) => fs.readFileSync(path.join(repo.dir, rel), 'utf8');
    expect((await versionExecutor({}, context('core'))).success).toBe(true);
    expect((await versionExecutor({}, context('app'))).success).toBe(true);
    expect(log.error).toEqual([]);

    expect(read('packages/core/src/core/__about__.py')).toBe(ABOUT.replace('"1.2.0"', '"1.3.0"'));
    expect(read('packages/core/pyproject.toml')).toBe(CORE);
    expect(read('packages/app/pyproject.toml')).toBe(APP.replace('version = "2.0.0"', 'version = "2.0.1"').replace('core>=1.2.0', 'core>=1.3.0'));
    expect(read('packages/core/CHANGELOG.md')).toMatch(/^# Changelog\n\n## 1\.3\.0 \(\d{4}-\d\d-\d\d\)\n\n### Features\n\n- \*\*core:\*\* a new knob/);
    expect(loadUvWorkspace(repo.dir).members.find((m) => m.name === 'core')?.version).toMatchObject({ version: '1.3.0' });

    const check = await uv(repo.dir, ['lock', '--check']);
    expect(check.exitCode === 0 ? 'ok' : check.all).toBe('ok');
  });
});
