/**
 * The batch implementation of `nx-uv:publish` (executors.json `batchImplementation`): Nx hands every
 * publish task of a run that it can batch to ONE process, instead of one Node process per task.
 *
 * Each task runs the publish executor itself (runPublishExecutor), as soon as all its dependencies in
 * the batch succeeded, at most `concurrency` at a time. A task whose dependency failed is not run and
 * is reported `skipped`, naming the dependency and the task that failed. Each task's lines go to its
 * own log, returned as its terminalOutput (redacted of the secrets, like everything the executor
 * prints); the uv workspace is read once for the whole batch. Results are yielded as tasks finish, so
 * Nx reports each one when it completes.
 *
 * Concurrency: Nx does not give a batch its `--parallel`, so it is NX_UV_PUBLISH_CONCURRENCY, else
 * NX_PARALLEL (Nx's own variable for `--parallel`), else the larger of 4 and the number of CPUs.
 */
import { logger, type ExecutorContext, type Task, type TaskGraph } from '@nx/devkit';
import { availableParallelism } from 'node:os';
import { redact, secretsFromEnv } from '../../uv';
import { loadUvWorkspace, type UvWorkspace } from '../../workspace';
import type { ExecutorLogger } from '../shared';
import { runInDependencyOrder } from './dependency-order';
import { runPublishExecutor, type PublishDependencies } from './executor';
import type { PublishExecutorOptions } from './schema';

/** What Nx expects per task from a batch executor (nx's TaskResult, which @nx/devkit does not export). */
export interface BatchTaskResult {
  success: boolean;
  /** Explicit status; Nx prefers it to `success` (`skipped`: never ran because a dependency failed). */
  status: 'success' | 'failure' | 'skipped';
  terminalOutput: string;
  startTime?: number;
  endTime?: number;
}

export interface BatchTaskOutcome {
  task: string;
  result: BatchTaskResult;
}

export interface PublishBatchDependencies extends Omit<PublishDependencies, 'logger' | 'loadWorkspace'> {
  /** How many tasks publish at once (default: batchConcurrency(env)). */
  concurrency?: number;
  /** Reads a uv workspace (default: from disk); called once per uv root for the whole batch. */
  loadWorkspace?: (uvRoot: string) => UvWorkspace;
}

/** NX_UV_PUBLISH_CONCURRENCY, else NX_PARALLEL, else max(4, CPUs). Pure but for the CPU count. */
export function batchConcurrency(env: NodeJS.ProcessEnv, cpus: number = availableParallelism()): number {
  for (const name of ['NX_UV_PUBLISH_CONCURRENCY', 'NX_PARALLEL']) {
    const raw = env[name]?.trim();
    if (raw && /^\d+$/.test(raw) && Number(raw) > 0) return Number(raw);
  }
  return Math.max(4, cpus);
}

/** One task's lines, apart from every other task's. */
class TaskLog implements ExecutorLogger {
  private readonly lines: string[] = [];
  info(message: string): void {
    this.lines.push(String(message));
  }
  warn(message: string): void {
    this.lines.push(String(message));
  }
  error(message: string): void {
    this.lines.push(String(message));
  }
  text(): string {
    return this.lines.length > 0 ? `${this.lines.join('\n')}\n` : '';
  }
}

/** The ExecutorContext of one task of the batch (Nx gives the batch one context, without a project). */
export function taskContext(context: ExecutorContext, task: Task): ExecutorContext {
  const { project, target, configuration } = task.target;
  return {
    ...context,
    projectName: project,
    targetName: target,
    configurationName: configuration,
    target: context.projectsConfigurations?.projects?.[project]?.targets?.[target],
    isVerbose: context.isVerbose || task.overrides?.verbose === true || process.env.NX_VERBOSE_LOGGING === 'true',
  };
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
  const load = deps.loadWorkspace ?? loadUvWorkspace;
  const workspaces = new Map<string, UvWorkspace>();
  const loadWorkspace = (uvRoot: string) => {
    let workspace = workspaces.get(uvRoot);
    if (!workspace) {
      workspace = load(uvRoot);
      workspaces.set(uvRoot, workspace);
    }
    return workspace;
  };
  const ids = Object.keys(taskGraph.tasks);
  const dependencies = Object.fromEntries(ids.map((id) => [id, taskGraph.dependencies[id] ?? []]));
  const logs = new Map<string, TaskLog>();
  const times = new Map<string, { startTime: number; endTime?: number }>();

  const runTask = async (id: string): Promise<boolean> => {
    const log = new TaskLog();
    logs.set(id, log);
    const time: { startTime: number; endTime?: number } = { startTime: Date.now() };
    times.set(id, time);
    try {
      const { env: _env, concurrency: _limit, loadWorkspace: _load, ...rest } = deps;
      const result = await runPublishExecutor(inputs[id] ?? {}, taskContext(context, taskGraph.tasks[id]), {
        ...rest,
        env,
        logger: log,
        loadWorkspace,
      });
      return result.success;
    } finally {
      time.endTime = Date.now();
    }
  };

  for await (const outcome of runInDependencyOrder(dependencies, deps.concurrency ?? batchConcurrency(env), runTask)) {
    const id = outcome.id;
    if (outcome.kind === 'ran') {
      const log = logs.get(id) ?? new TaskLog();
      // runPublishExecutor reports its own failures; anything else is a bug, still shown in the task.
      if (outcome.error !== undefined) {
        const error = outcome.error instanceof Error ? outcome.error : new Error(String(outcome.error));
        log.error(`nx-uv publish (${taskGraph.tasks[id].target.project}) failed: ${error.stack ?? error.message}`);
      }
      yield {
        task: id,
        result: {
          success: outcome.ok,
          status: outcome.ok ? 'success' : 'failure',
          terminalOutput: redact(log.text(), secrets),
          ...times.get(id),
        },
      };
      continue;
    }
    const why =
      outcome.kind === 'cycle'
        ? `it waits on ${outcome.waitingFor.join(', ')}, which wait on it (a dependency cycle among the publish tasks)`
        : outcome.dependency === outcome.failed
          ? `its dependency ${outcome.dependency} failed`
          : `its dependency ${outcome.dependency} was not published either (${outcome.failed} failed)`;
    const message = redact(`nx-uv publish: ${id} skipped, nothing uploaded: ${why}.`, secrets);
    // Nx does not print a skipped task's output, so say it on the batch's own output too.
    logger.warn(message);
    yield { task: id, result: { success: false, status: 'skipped', terminalOutput: `${message}\n` } };
  }
}

/** Nx's batch entry point: (task graph, options per task id, overrides, context) → results as they come. */
export default async function* publishBatch(
  taskGraph: TaskGraph,
  inputs: Record<string, PublishExecutorOptions>,
  _overrides: PublishExecutorOptions,
  context: ExecutorContext,
): AsyncGenerator<BatchTaskOutcome> {
  yield* runPublishBatch(taskGraph, inputs, context);
}
