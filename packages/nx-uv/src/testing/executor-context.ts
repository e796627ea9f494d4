/**
 * Test-only: an ExecutorContext as Nx hands it to an executor, for one project of a workspace whose
 * projects are given as name → root (relative to the Nx root).
 */
import type { ExecutorContext } from '@nx/devkit';
import { GIT_TEST_VARIABLES } from './git-repo';

export interface ExecutorContextOptions {
  targetName?: string;
  isVerbose?: boolean;
  nxJson?: ExecutorContext['nxJsonConfiguration'];
  /** Nx tags per project name. */
  tags?: Record<string, string[]>;
}

export function nxExecutorContext(root: string, projectName: string, projects: Record<string, string>, options: ExecutorContextOptions = {}): ExecutorContext {
  return {
    root,
    cwd: root,
    projectName,
    targetName: options.targetName ?? 'test',
    isVerbose: options.isVerbose ?? false,
    projectsConfigurations: {
      version: 2,
      projects: Object.fromEntries(
        Object.entries(projects).map(([name, projectRoot]) => [name, { name, root: projectRoot, tags: options.tags?.[name] ?? [] }]),
      ),
    },
    nxJsonConfiguration: options.nxJson ?? {},
    projectGraph: { nodes: {}, dependencies: {} },
  };
}

/** Restores `keys` of process.env after the test file, as they were before it. */
export function preserveEnv(keys: readonly string[]): void {
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => {
    for (const k of keys) saved[k] = process.env[k];
  });
  afterAll(() => {
    for (const k of keys) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });
}

/**
 * For a spec whose executors run git and call the GitHub fake: process.env is restored after the
 * file, and `set` gives a test git's test variables and the fake as GitHub (`repository` on `apiUrl`).
 */
export function gitAndGitHubEnv(): { set(apiUrl: string, repository: string): void } {
  preserveEnv([...Object.keys(GIT_TEST_VARIABLES), 'GITHUB_TOKEN', 'GITHUB_API_URL', 'GITHUB_REPOSITORY']);
  return {
    set: (apiUrl, repository) => {
      Object.assign(process.env, GIT_TEST_VARIABLES, { GITHUB_TOKEN: 'test-token', GITHUB_API_URL: apiUrl, GITHUB_REPOSITORY: repository });
    },
  };
}

/**
 * Puts the whole of process.env back after the suite as it is now (call it before the suite's
 * beforeAll sets variables): variables the suite added are deleted, changed ones restored.
 */
export function restoreEnvAfterAll(): void {
  const saved = { ...process.env };
  afterAll(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });
}
