import { readNxJson } from '@nx/devkit';
import type { Tree } from '@nx/devkit';
import { DEFAULT_TARGET_NAMES, type TargetKey } from '../../options';
import { readResolvedPluginOptions, type ResolvedPluginOptions } from '../../plugin-entry';
import { shellWord } from './shell';
import type { WorkflowGeneratorSchema } from './schema';
import { joinPosix } from '../../posix-path';
import { findUvLayout, type UvLayout } from './uv-layout';
import { normalizeName } from '../../workspace/normalize-name';

/** Everything the workflow document is built from; every value already checked. */
export interface WorkflowConfig {
  name: string;
  branch: string;
  /** Push path filters; empty = no filter. */
  paths: string[];
  workspaceProject: string;
  environment: string;
  target: 'pypi' | 'testpypi' | 'custom';
  releaseLabel: string;
  nodeVersion: string;
  pythonVersion?: string;
  notifyRepositories: string[];
  /** Globs of the built files (`*.whl`, `*.tar.gz`) of every member, relative to the repository root. */
  distGlobs: string[];
  /** Nx target names used by the workflow; `notify` false = no notify job. */
  targets: { releasePr: string; tag: string; build: string; publish: string; notify: string | false };
  /** The `nx g` command that regenerates this file (written into its header comment; may span two lines). */
  regenerateCommand: string;
}

export const DEFAULTS = {
  name: 'release-python',
  branch: 'main',
  environment: 'pypi',
  target: 'pypi',
  releaseLabel: 'autorelease: pending',
  nodeVersion: '20',
} as const;

const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const PROJECT_NAME = /^[A-Za-z0-9@_][A-Za-z0-9._@/-]*$/;
const TARGET_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const VERSION = /^[A-Za-z0-9@.*+,<>=!~\/-]+$/;

function fail(message: string): never {
  throw new Error(`nx-uv:workflow: ${message}`);
}

/** A single git branch name (no globs), safe to embed in a command line. */
function checkBranch(branch: string): string {
  if (
    !/^[A-Za-z0-9._/-]+$/.test(branch) ||
    branch.includes('..') ||
    branch.startsWith('/') ||
    branch.endsWith('/') ||
    branch.startsWith('-') ||
    branch.endsWith('.lock')
  ) {
    fail(`branch "${branch}" is not a plain git branch name (letters, digits, . _ - /; no globs); pass --branch=<name>.`);
  }
  return branch;
}

function checkText(option: string, value: string): string {
  if (value.trim() === '' || /[\r\n]/.test(value) || value.includes('${{')) {
    fail(`${option} "${value}" must be one non-empty line without "\${{".`);
  }
  return value;
}

/**
 * A version option as text. The Nx command line turns `--pythonVersion=3.12` into a number; integers and
 * numbers with two or more decimals come back unchanged, but one decimal may have lost a trailing zero
 * (3.10 -> 3.1), so such a number is refused with a spelling that stays text.
 */
function versionText(option: string, value: string | number, example: string): string {
  if (typeof value === 'number') {
    const text = String(value);
    if (!Number.isFinite(value) || value < 0 || /^\d+\.\d$/.test(text)) {
      fail(
        `${option}: the Nx command line read the value as the number ${text}, which may have lost a trailing zero ` +
          `(3.10 reads as 3.1); write it so it is not a number, e.g. --${option}=${example}.`,
      );
    }
    return text;
  }
  if (!VERSION.test(value)) fail(`${option} "${value}" is not a version such as 3.12, ${example} or 22.`);
  return value;
}

function resolveTargets(plugin: ResolvedPluginOptions): WorkflowConfig['targets'] {
  // The workflow writes the names into YAML and shell lines: stricter than the plugin's own check.
  const pick = (key: TargetKey): string | false => {
    const value = plugin.targetNames[key] ?? false;
    if (value !== false && !TARGET_NAME.test(value)) {
      fail(`nx.json plugins[nx-uv].options.targetNames.${key} is "${value}", not a usable target name.`);
    }
    return value;
  };
  const required = (key: TargetKey): string => {
    const value = pick(key);
    if (value === false) {
      fail(
        `the workflow runs the "${DEFAULT_TARGET_NAMES[key]}" target, but nx.json disables it ` +
          `(plugins[nx-uv].options.targetNames.${key} = false); give it a name or write the workflow by hand.`,
      );
    }
    return value;
  };
  return {
    releasePr: required('releasePr'),
    tag: required('tag'),
    build: required('build'),
    publish: required('publish'),
    notify: pick('notify'),
  };
}

function resolveWorkspaceProject(explicit: string | undefined, plugin: ResolvedPluginOptions, layout: UvLayout): string {
  let project: string;
  if (explicit !== undefined) project = explicit;
  else if (layout.rootProjectName !== undefined) {
    project = plugin.projectName.split('{name}').join(normalizeName(layout.rootProjectName));
  } else project = plugin.workspaceProjectName;
  if (!PROJECT_NAME.test(project)) {
    fail(`workspace project "${project}" is not a valid Nx project name; pass --workspaceProject=<name>.`);
  }
  return project;
}

/** Push filters: each member's files, minus the excluded members, plus the root pyproject.toml and uv.lock. */
export function defaultPaths(layout: UvLayout): string[] {
  if (layout.rootProjectName !== undefined) return [joinPosix(layout.root, '**')];
  return [
    ...layout.members.map((m) => joinPosix(layout.root, m, '**')),
    ...layout.exclude.map((m) => `!${joinPosix(layout.root, m, '**')}`),
    joinPosix(layout.root, 'pyproject.toml'),
    joinPosix(layout.root, 'uv.lock'),
  ];
}

/** Where the build target leaves each member's sdist and wheel. */
export function distGlobs(layout: UvLayout, buildOutputPath: string): string[] {
  const out = joinPosix(buildOutputPath);
  if (out === '' || out.split('/').includes('..') || buildOutputPath.startsWith('/')) {
    fail(`nx.json plugins[nx-uv].options.buildOutputPath "${buildOutputPath}" must be a folder inside each project.`);
  }
  const roots = [...layout.members.map((m) => joinPosix(layout.root, m)), ...(layout.rootProjectName ? [layout.root] : [])];
  return [...new Set(roots.flatMap((r) => [joinPosix(r, out, '*.whl'), joinPosix(r, out, '*.tar.gz')]))];
}

/** `npx nx g nx-uv:workflow` with the options that differ from the defaults, in schema order. */
export function regenerateCommand(options: WorkflowGeneratorSchema): string {
  const order: (keyof WorkflowGeneratorSchema)[] = [
    'name',
    'branch',
    'paths',
    'workspaceProject',
    'uvRoot',
    'environment',
    'target',
    'releaseLabel',
    'nodeVersion',
    'pythonVersion',
    'notifyRepositories',
  ];
  const words = ['npx', 'nx', 'g', 'nx-uv:workflow'];
  const asText: Record<string, string> = {};
  const defaults: Partial<Record<keyof WorkflowGeneratorSchema, unknown>> = DEFAULTS;
  for (const key of order) {
    const value = options[key];
    // Nx fills in schema defaults on the command line; leave them out so the header is the same either way.
    if (value === undefined || String(value) === String(defaults[key] ?? '\0')) continue;
    if (typeof value === 'string' && readsAsOtherNumber(value)) {
      asText[key] = value;
      continue;
    }
    if (key === 'notifyRepositories' && Array.isArray(value) && value.length === 0) continue;
    if (key === 'paths' && Array.isArray(value) && value.filter((p) => p !== '').length === 0) {
      words.push('--paths=');
      continue;
    }
    for (const item of Array.isArray(value) ? value : [value]) words.push(shellWord(`--${key}=${item}`));
  }
  const command = words.join(' ');
  if (Object.keys(asText).length === 0) return command;
  return `${command}\nwith generators["nx-uv:workflow"] = ${JSON.stringify(asText)} in nx.json (the command line reads such values as numbers)`;
}

/** True for text such as "3.10" that the Nx command line would turn into a different number (3.1). */
function readsAsOtherNumber(value: string): boolean {
  const n = Number(value);
  return value.trim() !== '' && Number.isFinite(n) && String(n) !== value;
}

/** Applies defaults (some read from nx.json and the uv workspace) and checks every option. */
export function normalizeOptions(tree: Tree, options: WorkflowGeneratorSchema): WorkflowConfig {
  const name = options.name ?? DEFAULTS.name;
  if (!FILE_NAME.test(name)) fail(`name "${name}" must be a file name (letters, digits, . _ -) without .yml.`);
  if (options.packageManager !== undefined && options.packageManager !== 'npm') {
    fail(`packageManager "${String(options.packageManager)}" is not supported; the workflow uses npm (npm ci, npx).`);
  }
  const target = options.target ?? DEFAULTS.target;
  if (target !== 'pypi' && target !== 'testpypi' && target !== 'custom') fail(`target "${String(target)}" must be pypi, testpypi or custom.`);

  const repositories = options.notifyRepositories ?? [];
  for (const repo of repositories) {
    if (!REPOSITORY.test(repo)) fail(`notifyRepositories: "${repo}" is not owner/name.`);
  }
  const nodeVersion = versionText('nodeVersion', options.nodeVersion ?? DEFAULTS.nodeVersion, '22.x');
  const pythonVersion = options.pythonVersion === undefined ? undefined : versionText('pythonVersion', options.pythonVersion, 'cpython@3.10');
  // `--paths=` on the command line arrives as [''] and means "no filter", like [].
  const paths = options.paths?.filter((p) => p !== '');
  for (const p of paths ?? []) checkText('paths entry', p);

  const plugin = readResolvedPluginOptions(readNxJson(tree));
  const layout = findUvLayout(tree, options.uvRoot);
  return {
    name,
    branch: checkBranch(options.branch ?? DEFAULTS.branch),
    paths: paths ?? defaultPaths(layout),
    workspaceProject: resolveWorkspaceProject(options.workspaceProject, plugin, layout),
    environment: checkText('environment', options.environment ?? DEFAULTS.environment),
    target,
    releaseLabel: checkText('releaseLabel', options.releaseLabel ?? DEFAULTS.releaseLabel),
    nodeVersion,
    ...(pythonVersion !== undefined ? { pythonVersion } : {}),
    notifyRepositories: [...repositories],
    distGlobs: distGlobs(layout, plugin.buildOutputPath),
    targets: resolveTargets(plugin),
    regenerateCommand: regenerateCommand(options),
  };
}
