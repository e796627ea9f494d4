/**
 * Test-only: an Nx workspace holding a uv workspace of three packages, a ← b ← c, plus a member that
 * is not a package; ExecutorContexts for it; its sdists and wheels built with `uv build` directly
 * (offline), so the publish tests do not depend on the build executor; a logger capture.
 *
 *   <nx root>/py/                 virtual uv workspace root
 *   <nx root>/py/packages/a       pkg-a    1.2.0
 *   <nx root>/py/packages/b       Pkg_B    0.3.0rc1   depends on pkg-a
 *   <nx root>/py/packages/c       pkg.c    2.0.0      depends on Pkg_B (a dotted name: files are pkg_c-…)
 *   <nx root>/py/tools/scripts    scripts  0.1.0      no [build-system]: not a package
 */
import type { ExecutorContext } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runUv } from '../../../uv';
import { nxExecutorContext } from '../../../testing/executor-context';
import { uvTestEnv, writeTree } from '../../../testing/tools';

export const PROJECTS: Record<string, string> = {
  'pkg-a': 'py/packages/a',
  'pkg-b': 'py/packages/b',
  'pkg-c': 'py/packages/c',
  scripts: 'py/tools/scripts',
};

/** Topological order (dependencies first). */
export const PACKAGES = ['pkg-a', 'pkg-b', 'pkg-c'] as const;

export const EXPECTED_FILES: Record<(typeof PACKAGES)[number], string[]> = {
  'pkg-a': ['pkg_a-1.2.0-py3-none-any.whl', 'pkg_a-1.2.0.tar.gz'],
  'pkg-b': ['pkg_b-0.3.0rc1-py3-none-any.whl', 'pkg_b-0.3.0rc1.tar.gz'],
  'pkg-c': ['pkg_c-2.0.0-py3-none-any.whl', 'pkg_c-2.0.0.tar.gz'],
};

export function memberPyproject(spec: { name: string; version: string; module: string; dependencies?: string[] }): string {
  return [
    '[project]',
    `name = "${spec.name}"`,
    `version = "${spec.version}"`,
    'requires-python = ">=3.8"',
    `dependencies = [${(spec.dependencies ?? []).map((d) => JSON.stringify(d)).join(', ')}]`,
    '',
    '[build-system]',
    'requires = ["uv_build>=0.13,<0.14"]',
    'build-backend = "uv_build"',
    '',
    '[tool.uv.build-backend]',
    `module-name = "${spec.module}"`,
    '',
  ].join('\n');
}

export function writePublishWorkspace(root: string): void {
  writeTree(root, {
    'nx.json': '{}\n',
    'py/pyproject.toml': [
      '[tool.uv.workspace]',
      'members = ["packages/*", "tools/*"]',
      '',
      '[tool.uv.sources]',
      'pkg-a = { workspace = true }',
      'pkg-b = { workspace = true }',
      '',
    ].join('\n'),
    'py/packages/a/pyproject.toml': memberPyproject({ name: 'pkg-a', version: '1.2.0', module: 'pkg_a' }),
    'py/packages/a/src/pkg_a/__init__.py': 'A = 1\n',
    'py/packages/b/pyproject.toml': memberPyproject({ name: 'Pkg_B', version: '0.3.0rc1', module: 'pkg_b', dependencies: ['pkg-a>=1.0'] }),
    'py/packages/b/src/pkg_b/__init__.py': 'B = 1\n',
    'py/packages/c/pyproject.toml': memberPyproject({ name: 'pkg.c', version: '2.0.0', module: 'pkg_c', dependencies: ['Pkg_B>=0.1'] }),
    'py/packages/c/src/pkg_c/__init__.py': 'C = 1\n',
    'py/tools/scripts/pyproject.toml': '[project]\nname = "scripts"\nversion = "0.1.0"\ndependencies = ["pkg-a"]\n',
  });
}

/** `uv build --package <name> --out-dir <member>/dist` for every package, from the uv root. */
export async function buildWorkspaceDists(root: string): Promise<void> {
  const env = uvTestEnv();
  const names: Record<string, string> = { 'pkg-a': 'pkg-a', 'pkg-b': 'Pkg_B', 'pkg-c': 'pkg.c' };
  await Promise.all(
    PACKAGES.map((p) =>
      runUv(['build', '--package', names[p], '--out-dir', path.join(root, PROJECTS[p], 'dist'), '--no-sources'], {
        cwd: path.join(root, 'py'),
        env,
      }),
    ),
  );
}

/**
 * Builds a lone copy of pkg-a (another version, or the same version with other content) into `outDir`
 * and returns the file names written.
 */
export async function buildPkgAVariant(scratch: string, version: string, marker: string, outDir: string): Promise<string[]> {
  const dir = path.join(scratch, `pkg-a-${version}-${marker}`);
  writeTree(dir, {
    'pyproject.toml': memberPyproject({ name: 'pkg-a', version, module: 'pkg_a' }),
    'src/pkg_a/__init__.py': `A = ${JSON.stringify(marker)}\n`,
  });
  const before = new Set(fs.existsSync(outDir) ? fs.readdirSync(outDir) : []);
  await runUv(['build', '--out-dir', outDir, '--no-sources'], { cwd: dir, env: uvTestEnv() });
  return fs
    .readdirSync(outDir)
    .filter((n) => !before.has(n) && !n.startsWith('.'))
    .sort();
}

/** Variables from the outside that would change which index or credentials the executor picks. */
export const PUBLISH_ENV_KEYS: readonly string[] = [
  'UV_PUBLISH_URL',
  'UV_PUBLISH_CHECK_URL',
  'UV_PUBLISH_TOKEN',
  'UV_PUBLISH_USERNAME',
  'UV_PUBLISH_PASSWORD',
  'TESTPYPI_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_URL',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'NX_DRY_RUN',
  'NX_UV_UV_PATH',
];

/** An ExecutorContext as Nx gives it for `projectName`. */
export function executorContext(root: string, projectName: string, isVerbose = false): ExecutorContext {
  return nxExecutorContext(root, projectName, PROJECTS, { targetName: 'publish', isVerbose });
}

/** Captures everything printed through @nx/devkit's logger and the console. */
export interface OutputCapture {
  lines: { level: string; text: string }[];
  text(level?: string): string;
  reset(): void;
  restore(): void;
}

export function captureOutput(logger: Record<string, unknown>): OutputCapture {
  const lines: { level: string; text: string }[] = [];
  const spies: jest.SpyInstance[] = [];
  const record =
    (level: string) =>
    (...args: unknown[]) => {
      lines.push({ level, text: args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : String(a))).join(' ') });
    };
  for (const level of ['info', 'warn', 'error', 'log', 'debug', 'fatal', 'verbose']) {
    if (typeof logger[level] === 'function') spies.push(jest.spyOn(logger as Record<string, () => void>, level).mockImplementation(record(level)));
  }
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    spies.push(jest.spyOn(console, level).mockImplementation(record(`console.${level}`)));
  }
  return {
    lines,
    text: (level) =>
      lines
        .filter((l) => level === undefined || l.level === level)
        .map((l) => l.text)
        .join('\n'),
    reset: () => void (lines.length = 0),
    restore: () => spies.forEach((s) => s.mockRestore()),
  };
}
