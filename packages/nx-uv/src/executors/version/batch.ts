/**
 * The batch implementation of `nx-uv:version`: every version task of a run in one process, running
 * the version executor with a shared session (workspace read, plan prepared and tree checked once).
 * The first task writes the whole plan and runs `uv lock`; the others report their part. A dry run
 * also prints its report once on the batch's own output, which Nx shows where it hides the tasks'
 * output (dry-run-report.ts).
 */
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { oncePerKey, runBatch, taskContext, type BatchTaskOutcome } from '../shared/batch';
import { loadUvWorkspace } from '../../workspace';
import { DRY_RUN_REPORT } from './dry-run-report';
import { runVersionExecutor, versionSession, type VersionExecutorOptions, type VersionRunHooks } from './executor';

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
      // The workspace read and the plan prepared once; the first task writes it all, with one `uv lock`.
      session: versionSession(oncePerKey((uvRoot: string) => loadUvWorkspace(uvRoot))),
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
