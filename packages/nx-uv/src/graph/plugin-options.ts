/**
 * Plugin options as the graph needs them: validated, defaults filled in, and a stable JSON form for
 * cache keys. Pure.
 */
import {
  DEFAULT_BUILD_OUTPUT,
  DEFAULT_TARGET_NAMES,
  DEFAULT_WORKSPACE_PROJECT_NAME,
  NxUvPluginOptions,
  TargetKey,
} from '../options';
import { projectSelector, type ProjectMatcher } from '../release/project-selector';
import { assertTagFormat, assertUmbrellaTagFormat } from '../release/tag-format';
import { assertGroupTagFormat } from '../release/tag-scheme';

export interface ResolvedGraphOptions {
  projectName: string;
  workspaceProjectName: string;
  /** Target name per key; `undefined` when the user disabled that target. */
  targetNames: Record<TargetKey, string | undefined>;
  /** Relative to the project root, POSIX, no trailing slash. */
  buildOutputPath: string;
  /** Whether extras that name a member become graph edges. */
  optionalDependencyEdges: boolean;
  /** The plugin option `publishExclude` (matched against the name and the tags nx-uv infers). */
  publishExclude: ProjectMatcher;
  /** The plugin option `umbrellaTag` (the uv root project's `tag` target then makes it). */
  umbrellaTag?: string;
}

const TARGET_KEYS = Object.keys(DEFAULT_TARGET_NAMES) as TargetKey[];

function optionError(what: string): Error {
  return new Error(`nx-uv: invalid plugin option in nx.json (plugins → "nx-uv" → options): ${what}`);
}

export function resolveGraphOptions(options: NxUvPluginOptions | undefined): ResolvedGraphOptions {
  const o = options ?? {};
  if (typeof o !== 'object' || Array.isArray(o)) throw optionError('options must be an object');

  const projectName = o.projectName ?? '{name}';
  if (typeof projectName !== 'string' || !projectName.includes('{name}')) {
    throw optionError(`"projectName" must be a string containing {name} (got ${JSON.stringify(projectName)})`);
  }
  const workspaceProjectName = o.workspaceProjectName ?? DEFAULT_WORKSPACE_PROJECT_NAME;
  if (typeof workspaceProjectName !== 'string' || workspaceProjectName.trim() === '') {
    throw optionError(`"workspaceProjectName" must be a non-empty string (got ${JSON.stringify(workspaceProjectName)})`);
  }

  const given = o.targetNames ?? {};
  if (typeof given !== 'object' || Array.isArray(given)) throw optionError('"targetNames" must be an object');
  for (const key of Object.keys(given)) {
    if (!(TARGET_KEYS as string[]).includes(key)) {
      throw optionError(`unknown key "targetNames.${key}"; known keys: ${TARGET_KEYS.join(', ')}`);
    }
  }
  const targetNames = {} as Record<TargetKey, string | undefined>;
  const seen = new Map<string, TargetKey>();
  for (const key of TARGET_KEYS) {
    const value = given[key];
    if (value === false) {
      targetNames[key] = undefined;
      continue;
    }
    const name = value ?? DEFAULT_TARGET_NAMES[key];
    if (typeof name !== 'string' || name.trim() === '') {
      throw optionError(`"targetNames.${key}" must be a non-empty target name or false (got ${JSON.stringify(value)})`);
    }
    const clash = seen.get(name);
    if (clash) throw optionError(`"targetNames.${clash}" and "targetNames.${key}" are both "${name}"`);
    seen.set(name, key);
    targetNames[key] = name;
  }

  const rawOut = o.buildOutputPath ?? DEFAULT_BUILD_OUTPUT;
  if (typeof rawOut !== 'string') throw optionError('"buildOutputPath" must be a string');
  const buildOutputPath = rawOut.replace(/\\/g, '/').replace(/^\.\/+/, '').replace(/\/+$/, '');
  if (buildOutputPath === '' || buildOutputPath === '.' || buildOutputPath.startsWith('/') || buildOutputPath.split('/').includes('..')) {
    throw optionError(
      `"buildOutputPath" must be a folder inside the project root, like "dist" (got ${JSON.stringify(rawOut)})`,
    );
  }

  if (o.tagFormat !== undefined) assertTagFormat(o.tagFormat);
  for (const [name, group] of Object.entries(o.groups ?? {})) {
    if (group?.tagFormat !== undefined) assertGroupTagFormat(String(group.tagFormat), name, 'my-package');
  }

  const optionalDependencyEdges = o.optionalDependencyEdges ?? true;
  if (typeof optionalDependencyEdges !== 'boolean') {
    throw optionError(`"optionalDependencyEdges" must be true or false (got ${JSON.stringify(optionalDependencyEdges)})`);
  }

  const publishExclude = projectSelector(o.publishExclude, '"publishExclude"');
  projectSelector(o.bumpExclude, '"bumpExclude"'); // checked here, applied by the plan

  if (o.umbrellaTag !== undefined) assertUmbrellaTagFormat(o.umbrellaTag);

  return { projectName, workspaceProjectName, targetNames, buildOutputPath, optionalDependencyEdges, publishExclude, ...(o.umbrellaTag ? { umbrellaTag: o.umbrellaTag } : {}) };
}

/** Nx project name of a member from the `projectName` template. */
export function memberProjectName(template: string, normalizedName: string): string {
  return template === '{name}' ? normalizedName : template.split('{name}').join(normalizedName);
}

/** Stable JSON of any plain value: object keys sorted, so equal options give equal strings. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(v as Record<string, unknown>).sort()) sorted[k] = (v as Record<string, unknown>)[k];
      return sorted;
    }
    return v;
  });
}
