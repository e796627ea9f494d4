/**
 * End-to-end harness: packs the built plugin, creates a throw-away Nx workspace around a uv
 * workspace, installs nx + @nx/devkit + the packed nx-uv offline from the npm cache, and runs `nx`
 * and `uv` in it. Needs no network beyond loopback.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as semver from 'semver';
import { makeTempDir, repoRoot, uvBin, uvTestEnv, writeTree } from '../../../packages/nx-uv/src/testing/tools';

/** The built plugin that the suite packs; NX_UV_E2E_DIST points it at another build (e.g. a mutant). */
export const distDir = process.env.NX_UV_E2E_DIST
  ? path.resolve(process.env.NX_UV_E2E_DIST)
  : path.join(repoRoot, 'dist', 'packages', 'nx-uv');

const repoPackageJson = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  devDependencies: Record<string, string>;
  allowScripts?: Record<string, boolean>;
};

/** Exact versions of the Nx packages the repository itself builds and tests with. */
export const nxVersion = repoPackageJson.devDependencies['nx'];
export const nxDevkitVersion = repoPackageJson.devDependencies['@nx/devkit'];

/** Git identity for every git command run by the harness (never the global config). */
export const gitEnv = {
  GIT_AUTHOR_NAME: 'nx-uv e2e',
  GIT_AUTHOR_EMAIL: 'e2e@nx-uv.invalid',
  GIT_COMMITTER_NAME: 'nx-uv e2e',
  GIT_COMMITTER_EMAIL: 'e2e@nx-uv.invalid',
};

/** Environment every `nx` invocation runs with: no daemon, no cloud, no TUI, CI output, no colours. */
export const nxEnv = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true', FORCE_COLOR: '0' };

/** A command that exited non-zero (or could not start): carries both output streams. */
export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly cwd: string,
    readonly status: number | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(
      `\`${command}\` failed in ${cwd} (exit ${status ?? 'signal'})\n` +
        `--- stdout ---\n${stdout.trimEnd()}\n--- stderr ---\n${stderr.trimEnd()}`,
    );
    this.name = 'CommandError';
  }
}

export interface CommandResult {
  stdout: string;
  stderr: string;
}

/**
 * The parent's environment without what would leak the outer run into the child: `npm run` sets
 * `npm_config_local_prefix` (npx would then treat the repository as the project) and puts the
 * repository's node_modules/.bin on PATH; an outer `nx` run sets NX_* variables.
 */
export function isolatedEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) && !/^npm_config_(cache|userconfig)$/i.test(key)) continue;
    if (/^(NX_|INIT_CWD$|JEST_WORKER_ID$)/.test(key)) continue;
    env[key] = value;
  }
  env.PATH = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((entry) => entry && !/node_modules[\\/]\.bin$/.test(entry))
    .join(path.delimiter);
  return { ...env, npm_config_update_notifier: 'false', ...extra };
}

/** Runs a command synchronously; throws CommandError with stdout and stderr when it fails. */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): CommandResult {
  const result: SpawnSyncReturns<string> = spawnSync(command, args, {
    cwd,
    env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const stdout = result.stdout ?? '';
  const stderr = (result.stderr ?? '') + (result.error ? `\n${result.error.message}` : '');
  if (result.error || result.status !== 0) {
    throw new CommandError([command, ...args].join(' '), cwd, result.status, stdout, stderr);
  }
  return { stdout, stderr };
}

export interface PackedPlugin {
  /** Absolute path of the `nx-uv-<version>.tgz`. */
  tarball: string;
  /** Removes the folder that holds the tarball. */
  cleanup: () => void;
}

/**
 * `npm pack` of dist/packages/nx-uv into a fresh temporary folder. Needs `npm run build` first:
 * throws a clear error when the built package (or its entry point) is missing.
 */
export function packPlugin(dist: string = distDir): PackedPlugin {
  const manifestPath = path.join(dist, 'package.json');
  if (!fs.existsSync(manifestPath)) {
    throw new Error(`The built plugin is missing (${manifestPath}): run \`npm run build\` in ${repoRoot} first`);
  }
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { main?: string };
  const entry = path.join(dist, manifest.main ?? 'index.js');
  if (!fs.existsSync(entry)) {
    throw new Error(
      `The built plugin has no entry point (${entry}): run \`npm run build\` in ${repoRoot} ` +
        `after src/index.ts exists`,
    );
  }
  const { dir, cleanup } = makeTempDir('nx-uv-pack-');
  try {
    const { stdout } = run('npm', ['pack', dist, '--pack-destination', dir, '--json'], dir, isolatedEnv());
    const [{ filename }] = JSON.parse(stdout) as { filename: string }[];
    const tarball = path.join(dir, filename);
    if (!fs.existsSync(tarball)) throw new Error(`npm pack reported ${filename} but wrote no such file in ${dir}`);
    return { tarball, cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}

/** A `plugins` entry of nx.json: the string form or the object form with options. */
export type NxPluginEntry = string | { plugin: string; options?: Record<string, unknown>; include?: string[]; exclude?: string[] };

export interface CreateNxWorkspaceOptions {
  /** The uv workspace (and any other files): POSIX relative path → content. */
  files: Record<string, string>;
  /** nx.json `plugins`; default `["nx-uv"]`. */
  plugins?: NxPluginEntry[];
  /** A tarball from packPlugin(); when absent, the workspace packs one itself (and removes it). */
  tarball?: string;
  /** Run `uv lock` before the initial commit so that uv.lock is part of the tree. Default false. */
  uvLock?: boolean;
  /**
   * Other exact versions of nx and @nx/devkit than the repository's: installed from the npm
   * registry (installFromRegistry) instead of offline from the repository's lockfile.
   */
  nxVersions?: NxVersions;
}

/** Exact versions of the two Nx packages a test workspace installs. */
export interface NxVersions {
  nx: string;
  devkit: string;
}

export interface NxWorkspace {
  root: string;
  /** `npx nx <args>` in the workspace; throws CommandError (stdout + stderr) on failure. */
  runNx(args: string[], env?: NodeJS.ProcessEnv): CommandResult;
  /** Like runNx, but expects a failure and returns it; throws when the command succeeds. */
  runNxExpectingFailure(args: string[], env?: NodeJS.ProcessEnv): CommandError;
  /** The real uv from .tools, offline (uvTestEnv), in the workspace. */
  runUv(args: string[]): CommandResult;
  git(args: string[]): CommandResult;
  writeFiles(files: Record<string, string>): void;
  readFile(rel: string): string;
  cleanup(): void;
}

/** nx.json of the test workspace. */
export function nxJson(plugins: NxPluginEntry[]): string {
  return JSON.stringify({ $schema: './node_modules/nx/schemas/nx-schema.json', plugins }, null, 2) + '\n';
}

/**
 * A fresh Nx workspace in a temporary folder: package.json (nx and @nx/devkit at the repository's
 * exact versions + the packed nx-uv), nx.json with `plugins`, the given files, an offline install
 * (see installOffline; with `nxVersions`, an install from the registry instead), and a git
 * repository with one initial commit. About 5 s; share one per spec file (beforeAll).
 */
export function createNxWorkspace(options: CreateNxWorkspaceOptions): NxWorkspace {
  const ownPack = options.tarball ? undefined : packPlugin();
  const tarball = options.tarball ?? ownPack!.tarball;
  const { dir: root, cleanup: removeRoot } = makeTempDir('nx-uv-e2e-');
  const cleanup = () => {
    removeRoot();
    ownPack?.cleanup();
  };
  try {
    writeTree(root, {
      'nx.json': nxJson(options.plugins ?? ['nx-uv']),
      '.gitignore': 'node_modules/\n.nx/\ndist/\n.venv/\n',
      ...options.files,
    });
    if (options.nxVersions) installFromRegistry(root, tarball, options.nxVersions);
    else installOffline(root, tarball);
    run('git', ['init', '--quiet', '--initial-branch=main'], root, isolatedEnv(gitEnv));
    const workspace = makeWorkspace(root, cleanup);
    if (options.uvLock) workspace.runUv(['lock']);
    workspace.git(['add', '--all']);
    workspace.git(['-c', 'commit.gpgsign=false', 'commit', '--quiet', '--no-verify', '-m', 'chore: initial commit']);
    return workspace;
  } catch (error) {
    cleanup();
    throw error;
  }
}

interface LockEntry {
  version?: string;
  name?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  [key: string]: unknown;
}

/**
 * Writes package.json and a package-lock.json into `root`, then `npm install --offline`.
 *
 * Why a lockfile: without one, `npm install` resolves every dependency from its full registry
 * document (packument), and the repository's `npm ci` (lockfile-driven) leaves only abbreviated
 * ones in the npm cache, so on a clean machine `--offline` fails (ERESOLVE/ENOTCACHED). With a
 * lockfile that pins every package (taken from the repository's own package-lock.json, so the
 * same versions `npm ci` put in the cache) and names each tarball, npm fetches nothing but those
 * tarballs, by integrity, from the cache. No registry is contacted.
 */
export function installOffline(root: string, tarball: string): void {
  const { manifest, packageJson } = workspacePackageJson(root, tarball, { nx: nxVersion, devkit: nxDevkitVersion });
  const lock = offlineLockfile(packageJson.name, packageJson.devDependencies, manifest, tarball);
  writeTree(root, {
    'package.json': JSON.stringify(packageJson, null, 2) + '\n',
    'package-lock.json': JSON.stringify(lock, null, 2) + '\n',
  });
  try {
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], root, isolatedEnv());
  } catch (error) {
    if (error instanceof CommandError) {
      error.message =
        `Offline install of nx@${nxVersion}, @nx/devkit@${nxDevkitVersion} and the packed nx-uv failed: ` +
        `a package is not in the npm cache. Run \`npm ci\` in ${repoRoot} first.\n${error.message}`;
    }
    throw error;
  }
}

/**
 * Writes package.json with the given exact nx and @nx/devkit and the packed plugin, then one
 * `npm install` from the registry (--prefer-offline: what the npm cache holds is not asked for
 * again). For Nx versions other than the repository's, which its lockfile cannot pin; needs the
 * npm registry unless the cache already has every package.
 */
export function installFromRegistry(root: string, tarball: string, versions: NxVersions): void {
  const { packageJson } = workspacePackageJson(root, tarball, versions);
  writeTree(root, { 'package.json': JSON.stringify(packageJson, null, 2) + '\n' });
  try {
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], root, isolatedEnv());
  } catch (error) {
    if (error instanceof CommandError) {
      error.message = `Install of nx@${versions.nx}, @nx/devkit@${versions.devkit} and the packed nx-uv failed.\n${error.message}`;
    }
    throw error;
  }
}

interface PluginManifest {
  name: string;
  version: string;
  license?: string;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** The package.json of a test workspace (nx, @nx/devkit, the packed plugin), and the plugin's own. */
function workspacePackageJson(
  root: string,
  tarball: string,
  versions: NxVersions,
): {
  manifest: PluginManifest;
  packageJson: { name: string; version: string; private: true; devDependencies: Record<string, string>; allowScripts: Record<string, boolean> };
} {
  const manifest = JSON.parse(run('tar', ['-xOzf', tarball, 'package/package.json'], root, isolatedEnv()).stdout) as PluginManifest;
  return {
    manifest,
    packageJson: {
      name: 'nx-uv-e2e-workspace',
      version: '0.0.0',
      private: true,
      devDependencies: { nx: versions.nx, '@nx/devkit': versions.devkit, [manifest.name]: `file:${tarball}` },
      // npm 11 skips dependency install scripts unless listed here (nx's postinstall).
      allowScripts: repoPackageJson.allowScripts ?? { nx: true },
    },
  };
}

/** The lockfile for installOffline: the closure of the root dependencies in the repository's lock. */
function offlineLockfile(
  name: string,
  devDependencies: Record<string, string>,
  plugin: PluginManifest,
  tarball: string,
): { name: string; lockfileVersion: number; requires: boolean; packages: Record<string, LockEntry> } {
  const repoLock = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const entries = repoLock.packages;
  // Node's lookup: <from>/node_modules/<dep>, then each enclosing node_modules, then the top.
  const locate = (from: string, dep: string): string | undefined => {
    let at = from;
    for (;;) {
      const candidate = `${at ? `${at}/` : ''}node_modules/${dep}`;
      if (entries[candidate]) return candidate;
      if (!at) return undefined;
      const cut = at.lastIndexOf('/node_modules/');
      at = cut < 0 ? '' : at.slice(0, cut);
    }
  };
  const wanted: [string, string][] = [
    ['nx', nxVersion],
    ['@nx/devkit', nxDevkitVersion],
    ...Object.entries(plugin.dependencies ?? {}),
  ];
  const keep = new Set<string>();
  const queue: string[] = [];
  for (const [dep, range] of wanted) {
    const at = locate('', dep);
    if (!at || !semver.satisfies(entries[at].version ?? '', range)) {
      throw new Error(
        `${plugin.name} (or the e2e workspace) needs ${dep}@${range}, but ${repoRoot}/package-lock.json ` +
          `has ${at ? entries[at].version : 'no such package'} at the top level: keep the versions in step`,
      );
    }
    queue.push(at);
  }
  while (queue.length > 0) {
    const at = queue.pop()!;
    if (keep.has(at)) continue;
    keep.add(at);
    const entry = entries[at];
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies'] as const) {
      for (const dep of Object.keys(entry[field] ?? {})) {
        const found = locate(at, dep);
        if (found) queue.push(found);
        else if (field === 'dependencies') throw new Error(`${repoRoot}/package-lock.json: ${at} needs ${dep}, not in the lock`);
      }
    }
  }
  const registry = npmRegistry();
  const packages: Record<string, LockEntry> = {
    '': { name, version: '0.0.0', devDependencies },
    [`node_modules/${plugin.name}`]: {
      version: plugin.version,
      resolved: `file:${tarball}`,
      integrity: `sha512-${crypto.createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`,
      dev: true,
      license: plugin.license,
      dependencies: plugin.dependencies,
      engines: plugin.engines,
      peerDependencies: plugin.peerDependencies,
    },
  };
  for (const at of [...keep].sort()) {
    const entry = { ...entries[at] };
    const pkgName = entry.name ?? at.slice(at.lastIndexOf('node_modules/') + 'node_modules/'.length);
    // A lockfile written with omit-lockfile-registry-resolved names no tarball: name it as npm would.
    if (!entry.resolved && !entry.link) {
      entry.resolved = `${registry}${pkgName}/-/${pkgName.split('/').pop()}-${entry.version}.tgz`;
    }
    packages[at] = entry;
  }
  return { name, lockfileVersion: 3, requires: true, packages };
}

let registryUrl: string | undefined;
/** The configured npm registry (with a trailing slash), as the npm cache keys its tarballs. */
function npmRegistry(): string {
  registryUrl ??= run('npm', ['config', 'get', 'registry'], repoRoot, isolatedEnv()).stdout.trim().replace(/\/?$/, '/');
  return registryUrl;
}

function makeWorkspace(root: string, cleanup: () => void): NxWorkspace {
  const runNx = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    run('npx', ['--no-install', 'nx', ...args], root, isolatedEnv({ ...nxEnv, ...env }));
  return {
    root,
    runNx,
    runNxExpectingFailure(args, env = {}) {
      try {
        const { stdout, stderr } = runNx(args, env);
        throw new Error(`\`nx ${args.join(' ')}\` was expected to fail but succeeded\n${stdout}\n${stderr}`);
      } catch (error) {
        if (error instanceof CommandError) return error;
        throw error;
      }
    },
    runUv: (args) => run(uvBin, args, root, uvTestEnv()),
    git: (args) => run('git', args, root, isolatedEnv(gitEnv)),
    writeFiles: (files) => writeTree(root, files),
    readFile: (rel) => fs.readFileSync(path.join(root, rel), 'utf8'),
    cleanup,
  };
}

/** What `nx graph --file=<x>.json` writes (the parts the tests read). */
export interface GraphFile {
  graph: {
    nodes: Record<string, { name: string; type: string; data: { root: string; targets?: Record<string, unknown>; tags?: string[] } }>;
    dependencies: Record<string, { source: string; target: string; type: string }[]>;
  };
}

/** `nx graph --file` into a temporary file outside the workspace; returns the parsed graph. */
export function readNxGraph(workspace: NxWorkspace): GraphFile {
  const { dir, cleanup } = makeTempDir('nx-uv-graph-');
  try {
    const file = path.join(dir, 'graph.json');
    workspace.runNx(['graph', `--file=${file}`]);
    return JSON.parse(fs.readFileSync(file, 'utf8')) as GraphFile;
  } finally {
    cleanup();
  }
}

/** Edges between the given projects as sorted `source -> target` strings (external nodes dropped). */
export function internalEdges(graph: GraphFile): string[] {
  const names = new Set(Object.keys(graph.graph.nodes));
  const edges = new Set<string>();
  for (const deps of Object.values(graph.graph.dependencies)) {
    for (const dep of deps) {
      if (names.has(dep.source) && names.has(dep.target)) edges.add(`${dep.source} -> ${dep.target}`);
    }
  }
  return [...edges].sort();
}

/** The JSON document printed on stdout by `nx show ... --json` (stdout may carry nothing else). */
export function parseJsonOutput<T>(stdout: string): T {
  const text = stdout.trim();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`nx printed no valid JSON on stdout:\n${stdout}`);
  }
}

/** A target's `dependsOn` entry, in either of the forms Nx accepts. */
export type DependsOnEntry = string | { target: string; dependencies?: boolean; projects?: string | string[]; params?: string };

/**
 * `dependsOn` as strings: `^x` for "x of the project's dependencies" (the string form, or the object
 * form with `dependencies: true`), `x` for the project's own target, `p:x` for named projects.
 */
export function dependsOnNames(dependsOn: DependsOnEntry[] | undefined): string[] {
  return (dependsOn ?? []).map((entry) => {
    if (typeof entry === 'string') return entry;
    if (entry.dependencies) return `^${entry.target}`;
    if (entry.projects) return `${[entry.projects].flat().join(',')}:${entry.target}`;
    return entry.target;
  });
}
