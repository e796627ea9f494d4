/**
 * Test-only: the release-workspace fixture pushed to its bare remote and served by the GitHub fake,
 * with process.env set for uv, git and GitHub, and one release round as a user runs it (every
 * member's version target, a release commit pushed, then the tag targets).
 */
import type { ExecutorContext } from '@nx/devkit';
import versionExecutor from '../../executors/version/executor';
import tagExecutor from '../../executors/tag/executor';
import { GIT_TEST_IDENTITY } from '../../testing/git-repo';
import { startFakeGitHub, type FakeGitHub } from '../../testing/github-fake';
import { uvTestEnv } from '../../testing/tools';
import { createReleaseRepo, PROJECTS, type ReleaseRepo } from './release-workspace';

/** Every member project of the fixture (not the uv root). */
export const MEMBERS = Object.keys(PROJECTS).filter((n) => n !== 'uv-workspace');

export interface GitHubReleaseRig {
  r: ReleaseRepo;
  fake: FakeGitHub;
  close(): Promise<void>;
}

/** Sets process.env (restore it with restoreEnvAfterAll) and starts the fake on the fixture's remote. */
export async function startGitHubReleaseRig(repository: string): Promise<GitHubReleaseRig> {
  Object.assign(process.env, uvTestEnv(), GIT_TEST_IDENTITY, { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0' });
  const r = await createReleaseRepo();
  r.repo.push();
  const fake = await startFakeGitHub({ repositories: [{ fullName: repository, gitDir: r.repo.bare }] });
  Object.assign(process.env, { GITHUB_TOKEN: 'test-token', GITHUB_API_URL: fake.url, GITHUB_REPOSITORY: repository });
  return {
    r,
    fake,
    close: async () => {
      await fake.close();
      r.cleanup();
    },
  };
}

/** Versions every member, commits `message` and pushes, then runs the tag target of each of `taggers`; each must succeed. */
export async function releaseRound(r: ReleaseRepo, context: (project: string) => ExecutorContext, message: string, taggers: readonly string[]): Promise<void> {
  for (const name of MEMBERS) expect({ name, ok: (await versionExecutor({}, context(name))).success }).toEqual({ name, ok: true });
  r.repo.git(['add', '--all']);
  r.repo.git(['commit', '--quiet', '-m', message]);
  r.repo.push();
  for (const name of taggers) expect({ name, ok: (await tagExecutor({}, context(name))).success }).toEqual({ name, ok: true });
}
