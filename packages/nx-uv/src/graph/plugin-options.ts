/**
 * Plugin options as the graph needs them: validated, defaults filled in, and a stable JSON form for
 * cache keys. Pure.
 */
import type { NxUvPluginOptions, TargetKey } from '../options';
import { resolvePluginOptions } from '../plugin-entry';
import { projectSelector, type ProjectMatcher } from '../release/project-selector';

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

/** The options the graph reads, from resolvePluginOptions (which checks them all), `publishExclude` compiled. */
export function resolveGraphOptions(options: NxUvPluginOptions | undefined): ResolvedGraphOptions {
  const o = resolvePluginOptions(options);
  return {
    projectName: o.projectName,
    workspaceProjectName: o.workspaceProjectName,
    targetNames: o.targetNames,
    buildOutputPath: o.buildOutputPath,
    optionalDependencyEdges: o.optionalDependencyEdges,
    publishExclude: projectSelector(o.publishExclude, '"publishExclude"'),
    ...(o.umbrellaTag ? { umbrellaTag: o.umbrellaTag } : {}),
  };
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
