/**
 * Test-only: a git repository holding an Nx workspace whose uv workspace lives in `py/` (so git paths
 * and uv paths differ), three levels deep, with a previous release tagged and conventional commits
 * since:
 *
 *   py/                     virtual root; dependency group dev = ["core>=1.2.0"]
 *   py/packages/core        core 1.2.0    (extra `fast`)
 *   py/packages/mid         mid 0.4.1     depends on core[fast] with a range and a marker
 *   py/packages/app         app 2.0.0     depends on mid==0.4.1 and core>=1.0 (and a comment)
 *   py/packages/other       other 0.1.0   no internal deps
 *
 * Tags on the initial commit: core-v1.2.0, mid-v0.4.1, app-v2.0.0, other-v0.1.0.
 * Then: feat(core), fix(app), docs(other) — so core minor, app patch, mid patch (dependency),
 * other not released. uv.lock is committed and up to date.
 */
import type { ExecutorContext } from '@nx/devkit';
import execa from 'execa';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTestRepo, type TestRepo } from '../../testing/git-repo';
import { nxExecutorContext } from '../../testing/executor-context';
import { uvBin, uvTestEnv } from '../../testing/tools';

const UV_BUILD = `[build-system]
requires = ["uv_build>=0.13,<0.14"]
build-backend = "uv_build"
`;

export const ROOT_PYPROJECT = `[tool.uv.workspace]
members = ["packages/*"]

[tool.uv.sources]
core = { workspace = true }
mid = { workspace = true }
app = { workspace = true }

[dependency-groups]
dev = ["core>=1.2.0"]
`;

export const CORE_PYPROJECT = `[project]
name = "core"
version = "1.2.0"
requires-python = ">=3.8"

[project.optional-dependencies]
fast = []

${UV_BUILD}`;

export const MID_PYPROJECT = `# mid: comments and layout are kept
[project]
name = "mid"
version = '0.4.1'
requires-python = ">=3.8"
dependencies = [
    "core[fast] >=1.2.0, <2 ; python_version >= '3.8'",  # internal
]

${UV_BUILD}`;

export const APP_PYPROJECT = `[project]
name = "app"
version = "2.0.0"
requires-python = ">=3.8"
dependencies = ["mid==0.4.1", "core>=1.0"]

${UV_BUILD}`;

export const OTHER_PYPROJECT = `[project]
name = "other"
version = "0.1.0"
requires-python = ">=3.8"

${UV_BUILD}`;

export const OLD_CHANGELOG = `# Changelog

## 1.2.0 (2024-12-01)

### Features

- the first features (abc1234)
`;

export const PROJECTS: Record<string, string> = {
  'uv-workspace': 'py',
  core: 'py/packages/core',
  mid: 'py/packages/mid',
  app: 'py/packages/app',
  other: 'py/packages/other',
};

export async function uv(cwd: string, args: string[]): Promise<execa.ExecaReturnValue> {
  return execa(uvBin, args, { cwd, env: uvTestEnv(), reject: false, all: true });
}

export interface ReleaseRepo {
  repo: TestRepo;
  /** Absolute uv root. */
  uvRoot: string;
  read(rel: string): string;
  cleanup(): void;
}

/** Creates the repository described above. */
export async function createReleaseRepo(): Promise<ReleaseRepo> {
  const repo = createTestRepo();
  repo.write({
    'nx.json': '{}\n',
    'py/pyproject.toml': ROOT_PYPROJECT,
    'py/packages/core/pyproject.toml': CORE_PYPROJECT,
    'py/packages/core/src/core/__init__.py': '',
    'py/packages/core/CHANGELOG.md': OLD_CHANGELOG,
    'py/packages/mid/pyproject.toml': MID_PYPROJECT,
    'py/packages/mid/src/mid/__init__.py': '',
    'py/packages/app/pyproject.toml': APP_PYPROJECT,
    'py/packages/app/src/app/__init__.py': '',
    'py/packages/other/pyproject.toml': OTHER_PYPROJECT,
    'py/packages/other/src/other/__init__.py': '',
  });
  const uvRoot = path.join(repo.dir, 'py');
  const locked = await uv(uvRoot, ['lock']);
  if (locked.exitCode !== 0) throw new Error(`uv lock failed in the fixture:\n${locked.all}`);
  repo.commit('chore: initial release');
  for (const t of ['core-v1.2.0', 'mid-v0.4.1', 'app-v2.0.0', 'other-v0.1.0']) repo.tag(t, { message: t });
  repo.commit('feat(core): add a speed knob', { 'py/packages/core/src/core/__init__.py': 'SPEED = 1\n' });
  repo.commit('fix(app): handle empty input\n\nCloses #12.', { 'py/packages/app/src/app/__init__.py': 'def run(x):\n    return x or None\n' });
  repo.commit('docs(other): explain', { 'py/packages/other/README.md': '# other\n' });
  return {
    repo,
    uvRoot,
    read: (rel) => fs.readFileSync(path.join(repo.dir, rel), 'utf8'),
    cleanup: () => repo.cleanup(),
  };
}

/** An ExecutorContext for `projectName` in the fixture repository. */
export function releaseContext(root: string, projectName: string, nxJson: ExecutorContext['nxJsonConfiguration'] = {}): ExecutorContext {
  return nxExecutorContext(root, projectName, PROJECTS, { nxJson, tags: { app: ['scope:apps'] } });
}

/** Every file of the working tree (not .git) with its bytes. */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      if (e.name === '.git') continue;
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(child);
      else out[child] = fs.readFileSync(path.join(dir, child), 'utf8');
    }
  };
  walk('');
  return out;
}
