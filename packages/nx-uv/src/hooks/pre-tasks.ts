/**
 * The plugin's `preTasksExecution` hook, run by Nx before it creates the task graph of any command:
 * - puts back files a killed nx-uv run left pinned (or refuses, naming them), so that no task, not even
 *   a build served from the Nx cache, starts with a pinned pyproject.toml in the tree, and removes the
 *   temporary folders killed runs left (build staging, release-pr worktrees);
 * - when the command asks for a release target, refuses a cycle of required runtime dependencies,
 *   naming each requirement's file and line (Nx would only name the task cycle).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PreTasksExecutionContext } from '@nx/devkit';
import { currentEntries } from '../graph/cache';
import { graphOptionsKey } from '../graph/infer-graph';
import { NX_RELEASE_PUBLISH_TARGET } from '../graph/targets';
import { assertNoRuntimeCycle } from '../graph/runtime-cycles';
import type { NxUvPluginOptions } from '../options';
import { restoreLeftoverPins } from '../pin/leftover-pins';
import { removeAbandonedTempDirs } from '../process-temp';
import { isUvWorkspaceRootToml, parseTomlText, UTF8 } from '../workspace';

/** Whether the command line names a target that is ordered by runtime dependencies. */
export function asksForReleaseTargets(argv: readonly string[], names: readonly string[]): boolean {
  const wanted = new Set(names);
  return argv.some((arg) => arg.split(/[=,:]/).some((part) => wanted.has(part)));
}

/** The uv roots (relative to the Nx root) the graph computation of this process found; else the Nx root's own. */
function uvRoots(workspaceRoot: string, optionsHash: string): string[] {
  const fromGraph = currentEntries(workspaceRoot, optionsHash).flatMap((e) => e.workspaces.map((w) => w.uvRoot));
  if (fromGraph.length > 0) return fromGraph;
  try {
    const text = fs.readFileSync(path.join(workspaceRoot, 'pyproject.toml'), UTF8);
    if (isUvWorkspaceRootToml(parseTomlText(text, 'pyproject.toml'))) return ['.'];
  } catch {
    // no uv workspace at the root
  }
  return [];
}

export function preTasksExecution(options: NxUvPluginOptions | undefined, context: PreTasksExecutionContext): void {
  restoreLeftoverPins(context.workspaceRoot);
  removeAbandonedTempDirs();
  const { resolved, optionsHash } = graphOptionsKey(options, context);
  const ordered = [resolved.targetNames.version, resolved.targetNames.publish, NX_RELEASE_PUBLISH_TARGET, 'release'];
  if (
    !asksForReleaseTargets(
      context.argv.slice(2),
      ordered.filter((n): n is string => !!n),
    )
  )
    return;
  // Only release commands pay for reading the model again (their tasks read it anyway).
  for (const uvRoot of uvRoots(context.workspaceRoot, optionsHash)) {
    assertNoRuntimeCycle(path.join(context.workspaceRoot, uvRoot), uvRoot);
  }
}
