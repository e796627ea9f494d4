/** The nx-uv entry of nx.json `plugins` and its options: the one reader generators and executors share. */
import type { NxJsonConfiguration } from '@nx/devkit';
import { DEFAULT_BUILD_OUTPUT, DEFAULT_PROJECT_NAME, DEFAULT_TAG_FORMAT, DEFAULT_TARGET_NAMES, DEFAULT_WORKSPACE_PROJECT_NAME } from './options';
import type { NxUvPluginOptions, TargetKey } from './options';
import { projectSelector } from './release/project-selector';
import { assertTagFormat, assertUmbrellaTagFormat } from './release/tag-format';
import { assertGroupTagFormat } from './release/tag-scheme';

/** The package name under which users register the plugin in nx.json `plugins`. */
export const PLUGIN_NAME = 'nx-uv';

type PluginEntry = NonNullable<NxJsonConfiguration['plugins']>[number];

function entryName(entry: PluginEntry): string | undefined {
  if (typeof entry === 'string') return entry;
  if (entry && typeof entry === 'object' && typeof entry.plugin === 'string') return entry.plugin;
  return undefined;
}

/** Index of the first nx-uv entry in nx.json `plugins` (as a string or as `{ plugin }`), or -1. */
export function findPluginIndex(nxJson: NxJsonConfiguration | null | undefined): number {
  const plugins = nxJson?.plugins ?? [];
  return plugins.findIndex((entry) => entryName(entry) === PLUGIN_NAME);
}

/** The options of the first nx-uv entry in nx.json (`{}` when it is registered as a bare string or absent). */
export function readPluginOptions(nxJson: NxJsonConfiguration | null | undefined): NxUvPluginOptions {
  const index = findPluginIndex(nxJson);
  if (index < 0) return {};
  const entry = nxJson!.plugins![index];
  if (typeof entry === 'string') return {};
  const options = (entry as { options?: unknown }).options;
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new Error(
      `nx.json: plugins[${index}] (${PLUGIN_NAME}) has "options" that is not an object; ` +
        'set it to an object such as { "tagFormat": "{name}-v{version}" } or remove it.',
    );
  }
  return options as NxUvPluginOptions;
}

/** A plugin option in nx.json that nx-uv cannot use; `option` is its path, such as `targetNames.build`. */
export class PluginOptionError extends Error {
  constructor(
    readonly option: string,
    problem: string,
  ) {
    super(`nx-uv: invalid plugin option in nx.json (plugins → "${PLUGIN_NAME}" → options): ${problem}`);
    this.name = 'PluginOptionError';
  }
}

/**
 * The plugin options with every default filled in and every value checked. Generators, executors and
 * the graph (through graph/plugin-options.ts) read the options only through this.
 */
export interface ResolvedPluginOptions extends Omit<NxUvPluginOptions, 'targetNames'> {
  /** Template of a member's Nx project name; contains `{name}`. */
  projectName: string;
  workspaceProjectName: string;
  /** Target name per key; `undefined` when the user disabled that target (`false`). Names are unique. */
  targetNames: Record<TargetKey, string | undefined>;
  tagFormat: string;
  /** Relative to the project root, POSIX, no `./` and no trailing slash, never `..` or absolute. */
  buildOutputPath: string;
  optionalDependencyEdges: boolean;
  /** Checked project selectors (see release/project-selector.ts); `[]` when not given. */
  publishExclude: string[];
  bumpExclude: string[];
}

export const TARGET_KEYS = Object.keys(DEFAULT_TARGET_NAMES) as TargetKey[];

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

/**
 * Applies the defaults of options.ts to the options of an nx.json entry and checks them; throws a
 * PluginOptionError (or the tag-format checks' GitInputError) naming nx.json, the option and the fix.
 * Pure and cheap: the graph calls it once per createNodes call.
 */
export function resolvePluginOptions(raw: NxUvPluginOptions | null | undefined): ResolvedPluginOptions {
  const o = raw ?? {};
  if (typeof o !== 'object' || Array.isArray(o)) {
    throw new PluginOptionError('', `options must be an object such as { "tagFormat": "${DEFAULT_TAG_FORMAT}" } (got ${show(o)}); fix it or remove "options".`);
  }

  const projectName = o.projectName ?? DEFAULT_PROJECT_NAME;
  if (typeof projectName !== 'string' || !projectName.includes('{name}')) {
    throw new PluginOptionError(
      'projectName',
      `"projectName" must be a string containing {name} (got ${show(projectName)}); write e.g. "py-{name}", or remove it for "${DEFAULT_PROJECT_NAME}".`,
    );
  }
  const workspaceProjectName = o.workspaceProjectName ?? DEFAULT_WORKSPACE_PROJECT_NAME;
  if (typeof workspaceProjectName !== 'string' || workspaceProjectName.trim() === '') {
    throw new PluginOptionError(
      'workspaceProjectName',
      `"workspaceProjectName" must be a non-empty string (got ${show(workspaceProjectName)}); name the project, or remove it for "${DEFAULT_WORKSPACE_PROJECT_NAME}".`,
    );
  }

  const targetNames = resolveTargetNames(o.targetNames);

  const buildOutputPath = resolveBuildOutputPath(o.buildOutputPath);

  if (o.tagFormat !== undefined) assertTagFormat(o.tagFormat);
  for (const [name, group] of Object.entries(o.groups ?? {})) {
    if (group?.tagFormat !== undefined) assertGroupTagFormat(String(group.tagFormat), name, 'my-package');
  }

  const optionalDependencyEdges = o.optionalDependencyEdges ?? true;
  if (typeof optionalDependencyEdges !== 'boolean') {
    throw new PluginOptionError(
      'optionalDependencyEdges',
      `"optionalDependencyEdges" must be true or false (got ${show(optionalDependencyEdges)}); remove it for the default true.`,
    );
  }

  // projectSelector throws naming the option and nx.json; the graph compiles publishExclude again.
  projectSelector(o.publishExclude, '"publishExclude"');
  projectSelector(o.bumpExclude, '"bumpExclude"');

  if (o.umbrellaTag !== undefined) assertUmbrellaTagFormat(o.umbrellaTag);

  return {
    ...o,
    projectName,
    workspaceProjectName,
    targetNames,
    tagFormat: o.tagFormat ?? DEFAULT_TAG_FORMAT,
    buildOutputPath,
    optionalDependencyEdges,
    publishExclude: o.publishExclude ?? [],
    bumpExclude: o.bumpExclude ?? [],
  };
}

/**
 * The option `buildOutputPath` alone (for init, which must accept any registration it finds): the
 * default `dist`, written POSIX without `./` or a trailing slash; throws when it leaves the project.
 */
export function resolveBuildOutputPath(value: unknown): string {
  const rawOut = value ?? DEFAULT_BUILD_OUTPUT;
  if (typeof rawOut !== 'string') {
    throw new PluginOptionError(
      'buildOutputPath',
      `"buildOutputPath" must be a string (got ${show(rawOut)}); write a folder such as "${DEFAULT_BUILD_OUTPUT}".`,
    );
  }
  const out = rawOut
    .replace(/\\/g, '/')
    .replace(/^\.\/+/, '')
    .replace(/\/+$/, '');
  if (out === '' || out === '.' || out.startsWith('/') || out.split('/').includes('..')) {
    throw new PluginOptionError(
      'buildOutputPath',
      `"buildOutputPath" must be a folder inside the project root, like "${DEFAULT_BUILD_OUTPUT}" (got ${show(rawOut)}); ` +
        'write a relative path without "..", or remove it for the default.',
    );
  }
  return out;
}

function resolveTargetNames(given: NxUvPluginOptions['targetNames'] | undefined): Record<TargetKey, string | undefined> {
  const names = given ?? {};
  if (typeof names !== 'object' || names === null || Array.isArray(names)) {
    throw new PluginOptionError('targetNames', `"targetNames" must be an object such as { "build": "py-build" } (got ${show(names)}); fix it or remove it.`);
  }
  for (const key of Object.keys(names)) {
    if (!(TARGET_KEYS as string[]).includes(key)) {
      throw new PluginOptionError(`targetNames.${key}`, `unknown key "targetNames.${key}"; known keys: ${TARGET_KEYS.join(', ')}. Rename or remove it.`);
    }
  }
  const targetNames = {} as Record<TargetKey, string | undefined>;
  const seen = new Map<string, TargetKey>();
  for (const key of TARGET_KEYS) {
    const value = names[key];
    if (value === false) {
      targetNames[key] = undefined;
      continue;
    }
    const name = value ?? DEFAULT_TARGET_NAMES[key];
    if (typeof name !== 'string' || name.trim() === '') {
      throw new PluginOptionError(
        `targetNames.${key}`,
        `"targetNames.${key}" must be a non-empty target name or false (got ${show(value)}); remove it for "${DEFAULT_TARGET_NAMES[key]}".`,
      );
    }
    const clash = seen.get(name);
    if (clash) {
      throw new PluginOptionError(`targetNames.${key}`, `"targetNames.${clash}" and "targetNames.${key}" are both "${name}"; give each target its own name.`);
    }
    seen.set(name, key);
    targetNames[key] = name;
  }
  return targetNames;
}

/** The options of the first nx-uv entry in nx.json, resolved (defaults when it has none or is absent). */
export function readResolvedPluginOptions(nxJson: NxJsonConfiguration | null | undefined): ResolvedPluginOptions {
  return resolvePluginOptions(readPluginOptions(nxJson));
}
