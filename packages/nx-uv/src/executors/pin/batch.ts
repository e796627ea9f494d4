/**
 * The batch implementation of `nx-uv:pin` (and `pin --restore`): every pin task of a run in ONE
 * process instead of one Node process per member. The uv workspace is read once and the members'
 * versions (git tags included) are worked out once per uv workspace; each task then plans and applies
 * its member's pins exactly as the executor does (planMemberPin → applyMemberPin), one at a time (they
 * share one journal lock anyway), each with its own output. `--restore` restores everything in its
 * first task, as the first of the per-task runs does; the others find nothing left.
 */
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { loadUvWorkspace, type UvWorkspace } from '../../workspace';
import { oncePerKey, runBatch, taskContext, type BatchTaskOutcome } from '../shared/batch';
import { pinVersions, runPinExecutor, type PinDependencies, type PinExecutorOptions } from './executor';

export interface PinBatchDependencies {
  /** Reads a uv workspace (default: from disk); called once per uv root for the whole batch. */
  loadWorkspace?: (uvRoot: string) => UvWorkspace;
}

/** The batch with its dependencies injectable (tests count the workspace reads). */
export async function* runPinBatch(
  taskGraph: TaskGraph,
  inputs: Record<string, PinExecutorOptions>,
  context: ExecutorContext,
  deps: PinBatchDependencies = {},
): AsyncGenerator<BatchTaskOutcome> {
  const loadWorkspace = oncePerKey(deps.loadWorkspace ?? loadUvWorkspace);
  // The versions as the executor reads them, once per uv workspace (the plugin options are the batch's).
  const versions = oncePerKey((workspace: UvWorkspace) => pinVersions(workspace, context));
  const versionsOf: PinDependencies['versionsOf'] = (workspace) => versions(workspace);
  yield* runBatch(taskGraph, {
    name: 'pin',
    limit: 1,
    skipped: 'nothing pinned',
    run: async (id, log) =>
      (await runPinExecutor(inputs[id] ?? {}, taskContext(context, taskGraph.tasks[id]), { logger: log, loadWorkspace, versionsOf })).success,
  });
}

/** Nx's batch entry point: (task graph, options per task id, overrides, context) → results as they come. */
export default async function* pinBatch(
  taskGraph: TaskGraph,
  inputs: Record<string, PinExecutorOptions>,
  _overrides: PinExecutorOptions,
  context: ExecutorContext,
): AsyncGenerator<BatchTaskOutcome> {
  yield* runPinBatch(taskGraph, inputs, context);
}
