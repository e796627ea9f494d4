/**
 * The batch implementation of `nx-uv:build`: every build task Nx did not find in its cache, in one
 * process, with as few uv runs as uv allows. Each task is planned and checked exactly as the
 * executor does it (planBuild, finishBuild), and a failure at any step fails only its own task.
 * uv's `--package` cannot be repeated, so a batch holding most of a workspace's members builds
 * them in one `uv build --all-packages` (buildAllAtOnce); otherwise they are built one by one.
 */
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import * as fs from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { defaultJournalDir } from '../../pin';
import { makeOwnedTempDir, removeAbandonedTempDirs } from '../../process-temp';
import { buildMembers, finishBuild } from '../../release/build-apply';
import { planBuild, renderBuildStep, type BuildPlan } from '../../release/build-plan';
import { loadUvWorkspace, type UvWorkspace } from '../../workspace';
import { reportExecutorError, resolveUvProject, runNxUvExecutor } from '../shared';
import { batchTaskState, oncePerKey, runBatch, type BatchTaskOutcome, type BatchTaskState } from '../shared/batch';
import { readBuildFacts, releaseVersionsOf, type BuildExecutorOptions, type ReleasesOf } from './executor';

export interface BuildBatchDependencies {
  /** The environment of uv (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Reads a uv workspace (default: from disk); called once per uv root for the whole batch. */
  loadWorkspace?: (uvRoot: string) => UvWorkspace;
  /** Members built at once when they are built one by one (default: NX_PARALLEL, else the CPUs). */
  concurrency?: number;
}

/** NX_PARALLEL, else the CPUs. */
function separateBuildConcurrency(env: NodeJS.ProcessEnv): number {
  const raw = env.NX_PARALLEL?.trim();
  return raw && /^\d+$/.test(raw) && Number(raw) > 0 ? Number(raw) : Math.max(1, availableParallelism());
}

interface TaskState extends BatchTaskState {
  plan?: BuildPlan;
  /** The folder holding this member's built files alone. */
  staging?: string;
}

/** The batch with its dependencies injectable (tests give uv's environment and count the reads). */
export async function* runBuildBatch(
  taskGraph: TaskGraph,
  inputs: Record<string, BuildExecutorOptions>,
  context: ExecutorContext,
  deps: BuildBatchDependencies = {},
): AsyncGenerator<BatchTaskOutcome> {
  const env = deps.env ?? process.env;
  const loadWorkspace = oncePerKey(deps.loadWorkspace ?? loadUvWorkspace);
  // The versions as the executor reads them, once per uv workspace (the plugin options are the batch's).
  const releases = oncePerKey((ws: UvWorkspace) => releaseVersionsOf(ws, context, env));
  const releasesOf: ReleasesOf = (ws) => releases(ws);
  const fail = (task: TaskState, err: unknown) => {
    task.ok = false;
    reportExecutorError('build', task.context, err, task.log);
  };

  // 1. Plan every task.
  const tasks: TaskState[] = [];
  for (const id of Object.keys(taskGraph.tasks)) {
    const task: TaskState = batchTaskState(taskGraph, context, id);
    tasks.push(task);
    const result = await runNxUvExecutor(
      'build',
      task.context,
      async () => {
        const step = planBuild(await readBuildFacts(resolveUvProject(task.context, loadWorkspace), inputs[id] ?? {}, task.context, env, releasesOf));
        for (const line of renderBuildStep(step)) task.log.info(line);
        if (step.kind === 'build') task.plan = step;
        return true;
      },
      task.log,
    );
    task.ok = result.success;
  }

  removeAbandonedTempDirs();
  const staging = makeOwnedTempDir('staging');
  try {
    // 2. Pin and build, per uv workspace (one, unless the Nx workspace holds several).
    const byWorkspace = new Map<UvWorkspace, TaskState[]>();
    for (const task of tasks) {
      if (!task.ok || !task.plan) continue;
      const ws = task.plan.workspace;
      byWorkspace.set(ws, [...(byWorkspace.get(ws) ?? []), task]);
    }
    let group = 0;
    for (const [ws, members] of byWorkspace) {
      const taskOf = new Map(members.map((task) => [task.plan!, task]));
      const builds = await buildMembers(
        ws,
        members.map((task) => task.plan!),
        path.join(staging, String(group++)),
        {
          journalDir: defaultJournalDir(context.root),
          env,
          concurrency: deps.concurrency ?? separateBuildConcurrency(env),
          onOutput: (build, result) => {
            const task = taskOf.get(build.plan)!;
            if (task.context.isVerbose) task.log.info((result.stderr + result.stdout).trim());
          },
        },
      );
      builds.forEach((build, i) => {
        members[i].staging = build.staging;
        if (build.error !== undefined) fail(members[i], build.error);
      });
    }

    // 3. Check each task's files and move them into its output folder; report.
    const byId = new Map(tasks.map((t) => [t.id, t]));
    yield* runBatch(taskGraph, {
      name: 'build',
      limit: 1,
      skipped: 'nothing built',
      notDone: 'was not built either',
      logOf: (id) => byId.get(id)?.log,
      startTimeOf: (id) => byId.get(id)?.startTime,
      run: async (id) => {
        const task = byId.get(id)!;
        if (!task.ok || !task.plan) return task.ok;
        const { plan, staging: built } = task;
        return (await runNxUvExecutor('build', task.context, async () => (await finishBuild(plan, built!, task.log), true), task.log)).success;
      },
    });
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Nx's batch entry point: (task graph, options per task id, overrides, context) → results as they come. */
export default async function* buildBatch(
  taskGraph: TaskGraph,
  inputs: Record<string, BuildExecutorOptions>,
  _overrides: BuildExecutorOptions,
  context: ExecutorContext,
): AsyncGenerator<BatchTaskOutcome> {
  yield* runBuildBatch(taskGraph, inputs, context);
}
