/**
 * Options shared by release-plan and version: from executor options and plugin options to the
 * planner's options (group resolved against the Nx projects). Also finds the uv root of the
 * workspace project.
 */
import type { ExecutorContext } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { excludedMembers, fixedGroupsOf, resolveReleaseGroup, tagScheme, type ComputePlanOptions } from '../../release';
import { DEFAULT_ZERO_MAJOR_POLICY, ZERO_MAJOR_POLICIES, type BumpType, type ZeroMajorPolicy } from '../../versioning';
import type { NxUvPluginOptions } from '../../options';
import { checkChangelogSections } from '../../changelog';
import { findUvWorkspaceRoot, loadUvWorkspace, type UvWorkspace } from '../../workspace';
import { nxProjectOf, nxUvPluginOptions } from '../shared';

export interface PlanExecutorOptions {
  group?: string;
  /** `pkg=2.0.0[,other=1.0.0]`: exact next versions. */
  releaseAs?: string;
  bumpType?: BumpType;
  prerelease?: string;
  force?: boolean;
}

/** The planner options of an executor run; `ws` is used to resolve the group. */
export function planOptionsFor(options: PlanExecutorOptions, context: ExecutorContext, ws: UvWorkspace): ComputePlanOptions {
  const plugin = nxUvPluginOptions(context);
  const out: ComputePlanOptions = {
    tagFormat: plugin.tagFormat,
    zeroMajorPolicy: zeroMajorPolicyOf(plugin),
    ...(plugin.bootstrapSha ? { bootstrapSha: String(plugin.bootstrapSha) } : {}),
    ...(plugin.changelogSections !== undefined ? { changelogSections: checkChangelogSections(plugin.changelogSections) } : {}),
    bumpType: options.bumpType ?? 'auto',
    prerelease: options.prerelease || undefined,
    force: options.force === true,
  };
  if (options.releaseAs) out.releaseAs = parseReleaseAs(options.releaseAs);
  if (options.group) {
    out.group = resolveReleaseGroup(options.group, plugin, context.projectsConfigurations?.projects ?? {}, ws, context.root);
  }
  const projects = context.projectsConfigurations?.projects ?? {};
  const excluded = excludedMembers(plugin, projects, ws, context.root);
  if (Object.keys(excluded).length > 0) out.excluded = excluded;
  const fixed = fixedGroupsOf(plugin, projects, ws, context.root);
  if (fixed.length > 0) {
    out.tagScheme = tagScheme(plugin.tagFormat, fixed);
    out.fixedGroups = fixed.map((g) => ({ name: g.name, projects: g.members }));
  }
  return out;
}

/** `pkg=2.0.0,other=1.0.0` → `{ pkg: '2.0.0', other: '1.0.0' }`; throws on anything else. */
export function parseReleaseAs(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)=(\S+)$/.exec(part);
    if (!m) throw new Error(`nx-uv: --releaseAs takes <package>=<version>[,<package>=<version>], got ${JSON.stringify(part)}`);
    out[m[1]] = m[2];
  }
  return out;
}

/** The 0.x policy of the plugin options (`majorOnZero: true` is `semver`); refuses a contradiction. */
export function zeroMajorPolicyOf(plugin: NxUvPluginOptions): ZeroMajorPolicy {
  const policy = plugin.zeroMajorPolicy;
  if (policy !== undefined && !ZERO_MAJOR_POLICIES.includes(policy)) {
    throw new Error(`nx-uv: the plugin option zeroMajorPolicy ${JSON.stringify(policy)} (nx.json) must be one of ${ZERO_MAJOR_POLICIES.join(', ')}`);
  }
  if (plugin.majorOnZero !== undefined && typeof plugin.majorOnZero !== 'boolean') {
    throw new Error(`nx-uv: the plugin option majorOnZero (nx.json) must be true or false, got ${JSON.stringify(plugin.majorOnZero)}`);
  }
  if (plugin.majorOnZero === true) {
    if (policy !== undefined && policy !== 'semver') {
      throw new Error(`nx-uv: the plugin options majorOnZero: true and zeroMajorPolicy ${JSON.stringify(policy)} (nx.json) contradict each other: keep one`);
    }
    return 'semver';
  }
  return policy ?? DEFAULT_ZERO_MAJOR_POLICY;
}

/** The uv root of the workspace project (the uv root itself, or a root member): absolute. */
export function workspaceUvRoot(context: ExecutorContext): string {
  const { projectName, absProjectRoot } = nxProjectOf(context);
  const found = findUvWorkspaceRoot(absProjectRoot);
  if (found) return found;
  if (fs.existsSync(path.join(absProjectRoot, 'pyproject.toml'))) return absProjectRoot;
  throw new Error(
    `nx-uv: project '${projectName}' (${path.relative(context.root, absProjectRoot) || '.'}) is not in a uv workspace: ` +
      'no pyproject.toml with [tool.uv.workspace] there or above; run this target on the uv workspace project',
  );
}

/** Loads the uv workspace (for group resolution before planning). */
export function loadWorkspaceOf(context: ExecutorContext): UvWorkspace {
  return loadUvWorkspace(workspaceUvRoot(context));
}
