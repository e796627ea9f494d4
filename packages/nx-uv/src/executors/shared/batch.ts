/**
 * Nx batch implementations (executors.json `batchImplementation`): Nx hands every task of a run that
 * it can batch to ONE process instead of one Node process per task. `runBatch` runs each task as soon
 * as all its dependencies in the batch succeeded, at most `limit` at a time, each with a log of its
 * own (its terminalOutput); a task whose dependency failed is not run and is reported failed, its
 * output naming the dependency and the task that failed. Results are yielded as tasks finish.
 */
import { logger, type ExecutorContext, type Task, type TaskGraph } from '@nx/devkit';
import { runInDependencyOrder } from './dependency-order';
import type { ExecutorLogger } from './run-executor';

/** What Nx expects per task from a batch executor (nx's TaskResult, which @nx/devkit does not export). */
export interface BatchTaskResult {
  success: boolean;
  /** Explicit status; Nx prefers it to `success`. */
  status: 'success' | 'failure';
  terminalOutput: string;
  startTime?: number;
  endTime?: number;
}

export interface BatchTaskOutcome {
  task: string;
  result: BatchTaskResult;
}

/** One task's lines, apart from every other task's. */
export class TaskLog implements ExecutorLogger {
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

/** `fn` called once per key, its value kept (a batch reads each uv workspace, and its versions, once for all its tasks). */
export function oncePerKey<K, V>(fn: (key: K) => V): (key: K) => V {
  const memo = new Map<K, V>();
  return (key) => {
    if (!memo.has(key)) memo.set(key, fn(key));
    return memo.get(key)!;
  };
}

/** What a batch keeps of each task between its steps. */
export interface BatchTaskState {
  id: string;
  context: ExecutorContext;
  /** The task's own lines (its terminalOutput). */
  log: TaskLog;
  startTime: number;
  /** False once the task failed. */
  ok: boolean;
}

/** A fresh state for task `id` of the batch, started now. */
export function batchTaskState(taskGraph: TaskGraph, context: ExecutorContext, id: string): BatchTaskState {
  return { id, context: taskContext(context, taskGraph.tasks[id]), log: new TaskLog(), startTime: Date.now(), ok: true };
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

export interface RunBatchOptions {
  /** The executor's name in messages (`publish`). */
  name: string;
  /** Tasks at once. */
  limit: number;
  /** Runs one task with its own log; resolves to its success. */
  run: (id: string, log: TaskLog) => Promise<boolean>;
  /** Applied to every text a task's output or the skip message carries (secrets). */
  clean?: (text: string) => string;
  /** What a skipped task did not do (`nothing uploaded`). */
  skipped: string;
  /** How a blocked dependency is described (`was not published either`). */
  notDone?: string;
  /** The log a task starts with (a batch that worked on its tasks before runBatch passes what they said). */
  logOf?: (id: string) => TaskLog | undefined;
  /** When a task's work started, if before runBatch ran it. */
  startTimeOf?: (id: string) => number | undefined;
}

export async function* runBatch(taskGraph: TaskGraph, options: RunBatchOptions): AsyncGenerator<BatchTaskOutcome> {
  const clean = options.clean ?? ((t: string) => t);
  const ids = Object.keys(taskGraph.tasks);
  const dependencies = Object.fromEntries(ids.map((id) => [id, taskGraph.dependencies[id] ?? []]));
  const logs = new Map<string, TaskLog>();
  const times = new Map<string, { startTime: number; endTime?: number }>();
  const runTask = async (id: string): Promise<boolean> => {
    const log = options.logOf?.(id) ?? new TaskLog();
    logs.set(id, log);
    const time: { startTime: number; endTime?: number } = { startTime: options.startTimeOf?.(id) ?? Date.now() };
    times.set(id, time);
    try {
      return await options.run(id, log);
    } finally {
      time.endTime = Date.now();
    }
  };
  for await (const outcome of runInDependencyOrder(dependencies, options.limit, runTask)) {
    const id = outcome.id;
    if (outcome.kind === 'ran') {
      const log = logs.get(id) ?? new TaskLog();
      // The executors report their own failures; anything else is a bug, still shown in the task.
      if (outcome.error !== undefined) {
        const error = outcome.error instanceof Error ? outcome.error : new Error(String(outcome.error));
        log.error(`nx-uv ${options.name} (${taskGraph.tasks[id].target.project}) failed: ${error.stack ?? error.message}`);
      }
      yield {
        task: id,
        result: { success: outcome.ok, status: outcome.ok ? 'success' : 'failure', terminalOutput: clean(log.text()), ...times.get(id) },
      };
      continue;
    }
    const why =
      outcome.kind === 'cycle'
        ? `it waits on ${outcome.waitingFor.join(', ')}, which wait on it (a dependency cycle among the ${options.name} tasks)`
        : outcome.dependency === outcome.failed
          ? `its dependency ${outcome.dependency} failed`
          : `its dependency ${outcome.dependency} ${options.notDone ?? 'did not run either'} (${outcome.failed} failed)`;
    const message = clean(`nx-uv ${options.name}: ${id} skipped, ${options.skipped}: ${why}.`);
    logger.warn(message);
    // Reported as a failure, not `skipped`: Nx gives a skipped batch task no result, takes the run for
    // an interrupted one and exits 130, which CI shows as "cancelled" (Nx 23's didCommandComplete).
    yield { task: id, result: { success: false, status: 'failure', terminalOutput: `${message}\n` } };
  }
}
