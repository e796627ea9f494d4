/**
 * The batch implementation of `nx-uv:publish`: every publish task Nx can batch, in one process.
 * Each task runs the publish executor itself as soon as its dependencies in the batch succeeded (a
 * task whose dependency failed is skipped), at most `batchConcurrency` at a time, with its own
 * redacted log. Results are yielded as tasks finish; the uv workspace is read once.
 */
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { STATE_DIR } from '../version/plan-cache';
import { redact, secretsFromEnv } from '../../uv';
import { loadUvWorkspace, type UvWorkspace } from '../../workspace';
import { oncePerKey, runBatch, taskContext, type BatchTaskOutcome } from '../shared/batch';
import { atomicWriteFileSync } from '../../pin';
import { runPublishExecutor, type PublishDependencies } from './executor';
import type { PublishExecutorOptions } from './schema';

export type { BatchTaskOutcome, BatchTaskResult } from '../shared/batch';

export interface PublishBatchDependencies extends Omit<PublishDependencies, 'logger' | 'loadWorkspace'> {
  /** How many tasks publish at once (default: batchConcurrency(env)). */
  concurrency?: number;
  /** Where a dry run's report is printed once (default: the batch's stdout). */
  write?: (text: string) => void;
  /** Reads a uv workspace (default: from disk); called once per uv root for the whole batch. */
  loadWorkspace?: (uvRoot: string) => UvWorkspace;
}

/** Publish tasks at once when no variable says otherwise (network-bound: more than the CPUs). */
export const DEFAULT_PUBLISH_CONCURRENCY = 16;

/**
 * NX_UV_PUBLISH_CONCURRENCY, else NX_PARALLEL (Nx's variable for `--parallel`, which Nx does not
 * hand to a batch), else DEFAULT_PUBLISH_CONCURRENCY (16). Pure.
 */
export function batchConcurrency(env: NodeJS.ProcessEnv): number {
  for (const name of ['NX_UV_PUBLISH_CONCURRENCY', 'NX_PARALLEL']) {
    const raw = env[name]?.trim();
    if (raw && /^\d+$/.test(raw) && Number(raw) > 0) return Number(raw);
  }
  return DEFAULT_PUBLISH_CONCURRENCY;
}

/** The batch with its dependencies injectable (tests give the environment, short backoffs, a limit). */
export async function* runPublishBatch(
  taskGraph: TaskGraph,
  inputs: Record<string, PublishExecutorOptions>,
  context: ExecutorContext,
  deps: PublishBatchDependencies = {},
): AsyncGenerator<BatchTaskOutcome> {
  const env = deps.env ?? process.env;
  const secrets = secretsFromEnv(env);
  const loadWorkspace = oncePerKey(deps.loadWorkspace ?? loadUvWorkspace);
  // A dry run's lines are hidden by Nx's default terminal output (as for version): every task's lines
  // also go to one report file, named in each task's output, and printed once on the batch's output.
  const dryRun = Object.values(inputs).some((o) => o?.dryRun === true);
  const report: string[] = [];
  const outcomes = runBatch(taskGraph, {
    name: 'publish',
    limit: deps.concurrency ?? batchConcurrency(env),
    skipped: 'nothing uploaded',
    notDone: 'was not published either',
    clean: (text) => redact(text, secrets),
    run: async (id, log) => {
      const { env: _env, concurrency: _limit, loadWorkspace: _load, write: _write, ...rest } = deps;
      const result = await runPublishExecutor(inputs[id] ?? {}, taskContext(context, taskGraph.tasks[id]), {
        ...rest,
        env,
        logger: log,
        loadWorkspace,
      });
      return result.success;
    },
  });
  for await (const outcome of outcomes) {
    if (!dryRun) {
      yield outcome;
      continue;
    }
    report.push(`> ${outcome.task}\n${outcome.result.terminalOutput}`);
    yield {
      ...outcome,
      result: { ...outcome.result, terminalOutput: `${outcome.result.terminalOutput}(every task of this dry run: ${PUBLISH_DRY_RUN_REPORT})\n` },
    };
  }
  if (dryRun && report.length > 0) {
    const text = `nx-uv publish (dry run): what \`publish\` would do. Nothing was uploaded.\n\n${report.join('\n')}`;
    const file = path.join(context.root, PUBLISH_DRY_RUN_REPORT);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    atomicWriteFileSync(file, text);
    (deps.write ?? ((t: string) => process.stdout.write(t)))(`\n${text}(also in ${PUBLISH_DRY_RUN_REPORT})\n\n`);
  }
}

/** The report of a batched `publish` dry run, relative to the Nx workspace root. */
export const PUBLISH_DRY_RUN_REPORT = `${STATE_DIR}/publish-dry-run.txt`;

/** Nx's batch entry point: (task graph, options per task id, overrides, context) → results as they come. */
export default async function* publishBatch(
  taskGraph: TaskGraph,
  inputs: Record<string, PublishExecutorOptions>,
  _overrides: PublishExecutorOptions,
  context: ExecutorContext,
): AsyncGenerator<BatchTaskOutcome> {
  yield* runPublishBatch(taskGraph, inputs, context);
}
