/**
 * The batch implementation of `nx-uv:version`: every version task of a run in ONE process instead of
 * one Node process per package. Each task runs the version executor as it is (the plan is computed
 * once and shared, each task writes its own part, the task that completes the plan runs `uv lock`), in
 * dependency order, one at a time (they take turns on one lock anyway), each with its own output.
 *
 * A dry run also prints its report (the whole plan, dry-run-report.ts) once on the batch's own
 * output, apart from every task's: Nx's static output styles show it even where they collapse the
 * output of successful tasks (Nx 23.3+ in CI logs); the report file holds it in every style.
 */
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { runBatch, taskContext, type BatchTaskOutcome } from '../shared/batch';
import { DRY_RUN_REPORT } from './dry-run-report';
import { runVersionExecutor, type VersionExecutorOptions, type VersionRunHooks } from './executor';

/** The batch, printing the dry-run report with `write` (tests capture it). */
export function versionBatchWith(write: (text: string) => void) {
  return async function* versionBatch(
    taskGraph: TaskGraph,
    inputs: Record<string, VersionExecutorOptions>,
    _overrides: VersionExecutorOptions,
    context: ExecutorContext,
  ): AsyncGenerator<BatchTaskOutcome> {
    const hooks: VersionRunHooks = {
      onDryRunReport: (report) => write(`\n${report}(also in ${DRY_RUN_REPORT})\n\n`),
    };
    yield* runBatch(taskGraph, {
      name: 'version',
      limit: 1,
      skipped: 'nothing written',
      run: async (id, log) => (await runVersionExecutor(inputs[id] ?? {}, taskContext(context, taskGraph.tasks[id]), log, hooks)).success,
    });
  };
}

export default versionBatchWith((text) => process.stdout.write(text));
