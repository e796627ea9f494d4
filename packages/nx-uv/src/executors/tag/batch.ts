/**
 * The batch implementation of `nx-uv:tag`: every tag task of a run in one process, and the tags of
 * each remote in one `git push --atomic`. Each task is planned and released as the executor does it
 * (planTag, releasePlannedTag) and fails alone, except that a failed push fails every task in it and
 * deletes the local tags made for it. With `umbrellaTag`, the uv root project's task runs the
 * executor itself, after every package's.
 */
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { releasePlannedTag, tagAndPushAll, type TagEffects } from '../../release/tag-apply';
import { planTag, renderTagPlan, type TagRelease } from '../../release/tag-plan';
import { loadUvWorkspace, type UvWorkspace } from '../../workspace';
import { reportExecutorError, resolveUvProject, runNxUvExecutor } from '../shared';
import { batchTaskState, oncePerKey, runBatch, type BatchTaskOutcome, type BatchTaskState } from '../shared/batch';
import { readTagFacts, runTagExecutor, type TagExecutorOptions } from './executor';
import { umbrellaFormatFor } from './umbrella';

export interface TagBatchDependencies {
  /** Reads a uv workspace (default: from disk); called once per uv root for the whole batch. */
  loadWorkspace?: (uvRoot: string) => UvWorkspace;
}

interface TaskState extends BatchTaskState {
  /** Runs the executor itself in step 3 (the uv root project's umbrella tag). */
  whole: boolean;
  plan?: TagRelease;
  /** Pushed: its release is made in step 3 with these. */
  effects?: TagEffects;
}

/** The batch with its dependencies injectable (tests count the workspace reads). */
export async function* runTagBatch(
  taskGraph: TaskGraph,
  inputs: Record<string, TagExecutorOptions>,
  context: ExecutorContext,
  deps: TagBatchDependencies = {},
): AsyncGenerator<BatchTaskOutcome> {
  const loadWorkspace = oncePerKey(deps.loadWorkspace ?? loadUvWorkspace);
  const fail = (task: TaskState, err: unknown) => {
    task.ok = false;
    reportExecutorError(inputs[task.id]?.dryRun ? 'tag --dryRun' : 'tag', task.context, err, task.log);
  };

  // 1. Plan every package task.
  const tasks: TaskState[] = [];
  for (const id of Object.keys(taskGraph.tasks)) {
    const options = inputs[id] ?? {};
    const task: TaskState = { ...batchTaskState(taskGraph, context, id), whole: false };
    tasks.push(task);
    let umbrella = false;
    const result = await runNxUvExecutor(
      options.dryRun ? 'tag --dryRun' : 'tag',
      task.context,
      async () => {
        umbrella = umbrellaFormatFor(task.context) !== undefined;
        if (umbrella) return true;
        const plan = planTag(await readTagFacts(options, task.context, resolveUvProject(task.context, loadWorkspace)), options);
        if (plan.kind === 'skip' || options.dryRun) for (const line of renderTagPlan(plan)) task.log.info(line);
        else task.plan = plan;
        return true;
      },
      task.log,
    );
    task.ok = result.success;
    task.whole = umbrella && result.success;
  }

  // 2. Tag and push, per remote.
  const byRemote = new Map<string, TaskState[]>();
  for (const task of tasks) {
    if (!task.ok || !task.plan) continue;
    const key = `${task.plan.cwd}\0${task.plan.remote}`;
    byRemote.set(key, [...(byRemote.get(key) ?? []), task]);
  }
  for (const group of byRemote.values()) {
    const pushes = await tagAndPushAll(group.map((task) => ({ plan: task.plan!, log: task.log })));
    pushes.forEach((push, i) => {
      if (push.error !== undefined) fail(group[i], push.error);
      else group[i].effects = push.effects;
    });
  }

  // 3. Releases (and the umbrella task), in dependency order.
  const byId = new Map(tasks.map((t) => [t.id, t]));
  yield* runBatch(taskGraph, {
    name: 'tag',
    limit: 1,
    skipped: 'nothing tagged',
    notDone: 'was not tagged either',
    logOf: (id) => byId.get(id)?.log,
    startTimeOf: (id) => byId.get(id)?.startTime,
    run: async (id, log) => {
      const task = byId.get(id)!;
      if (task.whole) return (await runTagExecutor(inputs[id] ?? {}, task.context, log)).success;
      if (!task.ok || !task.plan || !task.effects) return task.ok;
      const { plan, effects } = task;
      return (await runNxUvExecutor('tag', task.context, async () => (await releasePlannedTag(plan, { ...effects, log }), true), log)).success;
    },
  });
}

/** Nx's batch entry point: (task graph, options per task id, overrides, context) → results as they come. */
export default async function* tagBatch(
  taskGraph: TaskGraph,
  inputs: Record<string, TagExecutorOptions>,
  _overrides: TagExecutorOptions,
  context: ExecutorContext,
): AsyncGenerator<BatchTaskOutcome> {
  yield* runTagBatch(taskGraph, inputs, context);
}
