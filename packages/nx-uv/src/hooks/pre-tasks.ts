/**
 * The plugin's `preTasksExecution` hook, run by Nx before it creates the task graph of any command:
 * - puts back files a killed nx-uv run left pinned (or refuses, naming them), so that no task, not even
 *   a build served from the Nx cache, starts with a pinned pyproject.toml in the tree;
 * - when the command asks for a release target, refuses a cycle of required runtime dependencies,
 *   naming each requirement's file and line (Nx would only name the task cycle).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PreTasksExecutionContext } from '@nx/devkit';
import { currentEntries } from '../graph/cache';
import { graphOptionsKey } from '../graph/infer-graph';
import { NX_RELEASE_PUBLISH_TARGET } from '../graph/targets';
import { assertNoRuntimeCycle, hasRuntimeCycle } from '../graph/runtime-cycles';
import type { SlimWorkspace } from '../graph/projects';
import type { NxUvPluginOptions } from '../options';
import { restoreLeftoverPins } from '../pin/leftover-pins';
import { isUvWorkspaceRootToml, parseTomlText, UTF8 } from '../workspace';

/** Whether the command line names a target that is ordered by runtime dependencies. */
export function asksForReleaseTargets(argv: readonly string[], names: readonly string[]): boolean {
  const wanted = new Set(names);
  return argv.some((arg) => arg.split(/[=,:]/).some((part) => wanted.has(part)));
}

/** The uv workspaces the graph computation of this process inferred; else the one at the Nx root. */
function inferredWorkspaces(options: NxUvPluginOptions | undefined, context: PreTasksExecutionContext): SlimWorkspace[] {
  const { optionsHash } = graphOptionsKey(options, context);
  const fromGraph = currentEntries(context.workspaceRoot, optionsHash).flatMap((e) => e.workspaces);
  if (fromGraph.length > 0) return fromGraph;
  try {
    const text = fs.readFileSync(path.join(context.workspaceRoot, 'pyproject.toml'), UTF8);
    if (isUvWorkspaceRootToml(parseTomlText(text, 'pyproject.toml'))) return [{ uvRoot: '.', members: [] }];
  } catch {
    // no uv workspace at the root
  }
  return [];
}

export function preTasksExecution(options: NxUvPluginOptions | undefined, context: PreTasksExecutionContext): void {
  restoreLeftoverPins(context.workspaceRoot);
  const { resolved } = graphOptionsKey(options, context);
  const ordered = [resolved.targetNames.version, resolved.targetNames.publish, NX_RELEASE_PUBLISH_TARGET, 'release'];
  if (!asksForReleaseTargets(context.argv.slice(2), ordered.filter((n): n is string => !!n))) return;
  for (const ws of inferredWorkspaces(options, context)) {
    // The slim workspace tells cheaply whether there is a cycle; only then is the model read again.
    if (ws.members.length > 0 && !hasRuntimeCycle(ws)) continue;
    assertNoRuntimeCycle(path.join(context.workspaceRoot, ws.uvRoot), ws.uvRoot);
  }
}
