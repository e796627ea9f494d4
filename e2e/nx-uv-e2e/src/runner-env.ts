/**
 * Environments shared by the release e2e specs: the workflow "runner" (tools on PATH, what GitHub sets,
 * nothing of the outer environment that would point nx-uv, uv or git elsewhere), the tools `nx release`
 * runs with, and the `release` block of nx.json that points Nx Release at nx-uv.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { toolsBin, uvBin, uvTestEnv } from '../../../packages/nx-uv/src/testing/tools';
import { parse as parseYaml } from 'yaml';
import { gitEnv, isolatedEnv, nxEnv, type NxWorkspace } from './harness';
import type { RunnerOptions } from './workflow-runner';

/** The environment of a GitHub-hosted runner's steps, against the fake API at `apiUrl`. */
export function workflowRunnerEnv(apiUrl: string, repository: string): NodeJS.ProcessEnv {
  const uv = uvTestEnv();
  const env = isolatedEnv({ ...nxEnv, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0' });
  for (const key of Object.keys(env)) if (/^(GITHUB_|GIT_(AUTHOR|COMMITTER)_|UV_|ACTIONS_|RUNNER_|TESTPYPI_)/.test(key)) delete env[key];
  return {
    ...env,
    PATH: `${toolsBin}${path.delimiter}${env.PATH ?? ''}`,
    UV_OFFLINE: uv.UV_OFFLINE,
    UV_FIND_LINKS: uv.UV_FIND_LINKS,
    UV_NO_PROGRESS: uv.UV_NO_PROGRESS,
    UV_PYTHON_DOWNLOADS: uv.UV_PYTHON_DOWNLOADS,
    UV_CACHE_DIR: uv.UV_CACHE_DIR,
    GITHUB_API_URL: apiUrl,
    GITHUB_REPOSITORY: repository,
  };
}

/** `git status --porcelain` of the workspace, untracked files included ('' when clean). */
export function gitStatus(ws: NxWorkspace): string {
  return ws.git(['status', '--porcelain', '--untracked-files=all']).stdout.trim();
}

/** Pin journal entries left in `.nx-uv/pin-journal` (a crashed build would leave one). */
export function journalEntries(ws: NxWorkspace): string[] {
  const dir = path.join(ws.root, '.nx-uv', 'pin-journal');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

/**
 * The machine of one job (RunnerOptions.jobEnv). A job with a checkout builds and publishes with uv
 * offline (build backends from the wheelhouse, as everywhere in the e2e). A job without one is a fresh
 * runner with nothing but uv (the smoke test, the provenance upload): uv is online, without the
 * wheelhouse and with an empty cache of its own, so what it installs can only come from the index the
 * workflow names; everything beyond loopback is out of reach (a closed proxy), so a third-party
 * dependency or a look-up on PyPI fails the job instead of passing by luck.
 */
export function workflowJobEnv(_job: string, env: NodeJS.ProcessEnv, runner: { temp: string; checkout: boolean }): NodeJS.ProcessEnv {
  if (runner.checkout) return env;
  const out: NodeJS.ProcessEnv = { ...env, UV_CACHE_DIR: path.join(runner.temp, 'uv-cache') };
  delete out.UV_OFFLINE;
  delete out.UV_FIND_LINKS;
  for (const key of ['http_proxy', 'https_proxy', 'all_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY']) out[key] = 'http://127.0.0.1:9';
  out.no_proxy = out.NO_PROXY = '127.0.0.1,localhost';
  return out;
}

/**
 * What a fresh job's `actions/checkout` does to the workspace: fetch from origin, then `ref` detached
 * or main. A fresh job starts from a clean checkout, so whatever the last job left is an error here;
 * and it has none of the files earlier jobs built (`dist/` folders, `.nx-uv/`, `.venv/`): ignored
 * files are removed too, except what stands in for `npm ci` (node_modules) and the Nx cache (`.nx/`,
 * which the harness shares between jobs and runs as a remote cache would).
 */
export function checkoutForJob(ws: NxWorkspace, ref?: string): void {
  const dirty = gitStatus(ws);
  if (dirty) throw new Error(`the previous job left the working tree dirty:\n${dirty}`);
  ws.git(['clean', '-ffdxq', '-e', '/node_modules/', '-e', '/.nx/']);
  ws.git(['fetch', '--quiet', '--force', '--tags', '--prune', 'origin']);
  if (ref) ws.git(['checkout', '--quiet', '--force', '--detach', ref]);
  else ws.git(['checkout', '--quiet', '--force', '-B', 'main', 'refs/remotes/origin/main']);
}

/** Throws when job `job` left the tree dirty (pins, release files) or pin journal entries behind. */
export function assertJobLeftNothing(ws: NxWorkspace, job: string): void {
  const dirty = gitStatus(ws);
  if (dirty) throw new Error(`job ${job} left the working tree dirty (pins, journal or release files):\n${dirty}`);
  const journal = journalEntries(ws);
  if (journal.length > 0) throw new Error(`job ${job} left pin journal entries: ${journal.join(', ')}`);
}

/** uv from .tools, offline, for the nx-uv code nx runs (uv lock, uv build); git identity for nx's commits; no index. */
export function nxReleaseToolEnv(): NodeJS.ProcessEnv {
  const env = uvTestEnv();
  const out: NodeJS.ProcessEnv = { ...gitEnv, NX_UV_UV_PATH: uvBin, PATH: env.PATH };
  for (const [k, v] of Object.entries(env)) if (k.startsWith('UV_')) out[k] = v;
  for (const k of ['UV_PUBLISH_URL', 'UV_PUBLISH_CHECK_URL', 'UV_PUBLISH_TOKEN', 'UV_PUBLISH_USERNAME', 'UV_PUBLISH_PASSWORD']) delete out[k];
  return out;
}

/** nx.json `release`: every package member, independent, PEP 440 tags, nx-uv's VersionActions. */
export const NX_RELEASE_CONFIG = {
  projects: ['tag:uv:member', '!tag:uv:no-package', '!tag:uv:no-publish'],
  projectsRelationship: 'independent',
  releaseTag: { pattern: '{projectName}-v{version}', requireSemver: false },
  version: {
    versionActions: 'nx-uv/src/nx-release/version-actions',
    conventionalCommits: true,
    fallbackCurrentVersionResolver: 'disk',
    git: { commit: true, tag: true },
  },
};

/**
 * The runner of the generated release workflow (`nx g nx-uv:workflow --target=custom`) in `ws`: the
 * GitHub fake at `githubUrl`, a token-authenticated custom index, and a check after each job that it
 * left nothing behind.
 */
export function customIndexRunner(options: {
  ws: NxWorkspace;
  tmpDir: string;
  githubUrl: string;
  repository: string;
  token: string;
  publishToken: string;
  index: { url: string; simpleUrl: string };
}): RunnerOptions {
  const { ws, index } = options;
  const workflowFile = '.github/workflows/release-python.yml';
  return {
    workflow: parseYaml(ws.readFile(workflowFile)) as Record<string, unknown>,
    workflowFile,
    workdir: ws.root,
    repository: options.repository,
    token: options.token,
    secrets: { UV_PUBLISH_TOKEN: options.publishToken, TESTPYPI_TOKEN: '', NX_UV_DISPATCH_TOKEN: '' },
    env: workflowRunnerEnv(options.githubUrl, options.repository),
    jobEnv: workflowJobEnv,
    runnerTemp: path.join(options.tmpDir, 'runner-temp'),
    checkout: (ref) => checkoutForJob(ws, ref),
    vars: { UV_PUBLISH_URL: index.url, UV_PUBLISH_CHECK_URL: index.simpleUrl },
    afterJob: (job) => assertJobLeftNothing(ws, job),
  };
}
