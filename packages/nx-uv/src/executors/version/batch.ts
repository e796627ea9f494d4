/**
 * The batch implementation of `nx-uv:version`: every version task of a run in ONE process instead of
 * one Node process per package. Each task runs the version executor as it is (the plan is computed
 * once and shared, each task writes its own part, the task that completes the plan runs `uv lock`), in
 * dependency order, one at a time (they take turns on one lock anyway), each with its own output.
 */
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { runBatch, taskContext, type BatchTaskOutcome } from '../shared/batch';
import { runVersionExecutor, type VersionExecutorOptions } from './executor';

export default async function* versionBatch(
  taskGraph: TaskGraph,
  inputs: Record<string, VersionExecutorOptions>,
  _overrides: VersionExecutorOptions,
  context: ExecutorContext,
): AsyncGenerator<BatchTaskOutcome> {
  yield* runBatch(taskGraph, {
    name: 'version',
    limit: 1,
    skipped: 'nothing written',
    run: async (id, log) => (await runVersionExecutor(inputs[id] ?? {}, taskContext(context, taskGraph.tasks[id]), log)).success,
  });
}
