/**
 * Test-only: a small uv workspace inside an Nx workspace, and ExecutorContexts for it.
 *
 *   <nx root>/py/                  uv workspace root (virtual), project `uv-workspace`
 *   <nx root>/py/packages/a        pkg-a 1.2.0    (uv_build)
 *   <nx root>/py/packages/b        Pkg_B 0.3.0rc1 (uv_build)  depends on pkg-a[fast] with a marker
 *   <nx root>/py/packages/c        pkg-c 2.0.0    (hatchling) depends on Pkg_B, extras on pkg-b[x] (marker) and pkg-a,
 *                                                             a self-referencing extra and a dependency group on pkg-a
 *   <nx root>/py/tools/scripts     scripts 0.1.0  (no [build-system]: not a package) depends on pkg-a
 */
import type { ExecutorContext } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nxExecutorContext } from '../../../testing/executor-context';
import { writeTree } from '../../../testing/tools';

export const UV_ROOT = 'py';

export const PROJECTS: Record<string, string> = {
  'uv-workspace': 'py',
  'pkg-a': 'py/packages/a',
  'pkg-b': 'py/packages/b',
  'pkg-c': 'py/packages/c',
  scripts: 'py/tools/scripts',
  docs: 'docs',
};

const UV_BUILD = `[build-system]
requires = ["uv_build>=0.13,<0.14"]
build-backend = "uv_build"
`;

export const PYPROJECT_B = `# b: pinned for builds, comments kept
[project]
name = "Pkg_B"
version = "0.3.0rc1"
requires-python = ">=3.8"
dependencies = [
    "pkg-a[fast] >=1.0 ; python_version >= '3.8'",  # internal, extras + marker
    "packaging",
]

[project.optional-dependencies]
x = []

${UV_BUILD}
[tool.uv.build-backend]
module-name = "pkg_b"
`;

export const PYPROJECT_C = `[project]
name = "pkg-c"
version = "2.0.0"
requires-python = ">=3.8"
dependencies = ['Pkg_B >=0.1']

[project.optional-dependencies]
extra = ["pkg-b[x]>=0.1; sys_platform != 'win32'", "pkg-a"]
all = ["pkg-c[extra]"]

[dependency-groups]
dev = ["pkg-a"]

[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[tool.hatch.build.targets.wheel]
packages = ["src/pkg_c"]
`;

export function workspaceFiles(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    'nx.json': '{}\n',
    'docs/README.md': 'not python\n',
    'py/pyproject.toml': `[tool.uv.workspace]
members = ["packages/*", "tools/*"]

[tool.uv.sources]
pkg-a = { workspace = true }
pkg-b = { workspace = true }
`,
    'py/packages/a/pyproject.toml': `[project]
name = "pkg-a"
version = "1.2.0"
requires-python = ">=3.8"

[project.optional-dependencies]
fast = []

${UV_BUILD}`,
    'py/packages/a/src/pkg_a/__init__.py': 'A = 1\n',
    'py/packages/b/pyproject.toml': PYPROJECT_B,
    'py/packages/b/src/pkg_b/__init__.py': 'B = 1\n',
    'py/packages/c/pyproject.toml': PYPROJECT_C,
    'py/packages/c/src/pkg_c/__init__.py': 'C = 1\n',
    'py/tools/scripts/pyproject.toml': `[project]
name = "scripts"
version = "0.1.0"
dependencies = ["pkg-a"]
`,
    ...overrides,
  };
}

/** Writes the workspace under `dir` (the Nx root). */
export function writeUvWorkspace(dir: string, overrides: Record<string, string> = {}): void {
  writeTree(dir, workspaceFiles(overrides));
}

/** The bytes of every pyproject.toml under `dir`, by relative path. */
export function snapshotPyprojects(dir: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory() && e.name !== 'dist' && !e.name.startsWith('.')) walk(child);
      else if (e.name === 'pyproject.toml') out[child] = fs.readFileSync(path.join(dir, child));
    }
  };
  walk('');
  return out;
}

/** An ExecutorContext as Nx gives it, for `projectName` of the fixture workspace at `root`. */
export function executorContext(root: string, projectName: string, isVerbose = false): ExecutorContext {
  return nxExecutorContext(root, projectName, PROJECTS, { isVerbose });
}

/** Captures what the executors log through @nx/devkit's logger. */
export interface LogCapture {
  info: string[];
  warn: string[];
  error: string[];
  all(): string;
  reset(): void;
  restore(): void;
}

export function captureLogger(logger: { info: (...a: unknown[]) => void; warn: (...a: unknown[]) => void; error: (...a: unknown[]) => void }): LogCapture {
  const cap = { info: [] as string[], warn: [] as string[], error: [] as string[] };
  const spies = (['info', 'warn', 'error'] as const).map((level) =>
    jest.spyOn(logger, level).mockImplementation((...args: unknown[]) => {
      cap[level].push(args.map(String).join(' '));
    }),
  );
  return {
    ...cap,
    all: () => [...cap.info, ...cap.warn, ...cap.error].join('\n'),
    reset: () => {
      cap.info.length = 0;
      cap.warn.length = 0;
      cap.error.length = 0;
    },
    restore: () => spies.forEach((s) => s.mockRestore()),
  };
}
