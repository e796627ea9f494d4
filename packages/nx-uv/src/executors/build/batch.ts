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
import { checkPins, defaultJournalDir, pinChanges, withPins } from '../../pin';
import { makeOwnedTempDir, removeAbandonedTempDirs } from '../../process-temp';
import { parseDistributionFilename } from '../../registry/dist-files';
import { runUv } from '../../uv';
import { loadUvWorkspace, type UvWorkspace } from '../../workspace';
import { reportExecutorError, resolveUvProject, runNxUvExecutor } from '../shared';
import { oncePerKey, runBatch, TaskLog, taskContext, type BatchTaskOutcome } from '../shared/batch';
import { runInDependencyOrder } from '../shared/dependency-order';
import {
  finishBuild,
  logBuildPins,
  logNotAPackage,
  planBuild,
  releaseVersionsOf,
  uvBuildArgs,
  uvBuildFailure,
  type BuildExecutorOptions,
  type BuildPlan,
  type ReleasesOf,
} from './executor';
import { isDistributionArtifact } from './output-dir';

export interface BuildBatchDependencies {
  /** The environment of uv (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Reads a uv workspace (default: from disk); called once per uv root for the whole batch. */
  loadWorkspace?: (uvRoot: string) => UvWorkspace;
  /** Members built at once when they are built one by one (default: NX_PARALLEL, else the CPUs). */
  concurrency?: number;
}

/** The arguments of the one `uv build` of a whole workspace. */
export function uvBuildAllArgs(outDir: string): string[] {
  return ['build', '--all-packages', '--out-dir', outDir, '--no-sources'];
}

/**
 * Whether one `uv build --all-packages` is the cheaper way to build `count` members of `ws`: when they
 * are at least two, at least two thirds of its members, and uv would build nothing nx-uv does not
 * count as a package (a member without [build-system] or with `package = false`).
 */
export function buildAllAtOnce(ws: UvWorkspace, count: number): boolean {
  const members = ws.members.length;
  return count >= 2 && count * 3 >= members * 2 && ws.members.every((m) => m.isPackage);
}

/** NX_PARALLEL, else the CPUs. */
function separateBuildConcurrency(env: NodeJS.ProcessEnv): number {
  const raw = env.NX_PARALLEL?.trim();
  return raw && /^\d+$/.test(raw) && Number(raw) > 0 ? Number(raw) : Math.max(1, availableParallelism());
}

interface TaskState {
  id: string;
  context: ExecutorContext;
  log: TaskLog;
  startTime: number;
  /** False once the task failed. */
  ok: boolean;
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
    const task: TaskState = { id, context: taskContext(context, taskGraph.tasks[id]), log: new TaskLog(), startTime: Date.now(), ok: true };
    tasks.push(task);
    const result = await runNxUvExecutor(
      'build',
      task.context,
      async () => {
        const step = await planBuild(resolveUvProject(task.context, loadWorkspace), inputs[id] ?? {}, task.context, env, releasesOf);
        if (step.kind === 'not-a-package') logNotAPackage(step.member, task.log);
        else {
          logBuildPins(step, task.log);
          task.plan = step;
        }
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
      const ws = task.plan.project.workspace;
      byWorkspace.set(ws, [...(byWorkspace.get(ws) ?? []), task]);
    }
    let group = 0;
    for (const [ws, members] of byWorkspace) {
      await buildWorkspace(ws, members, path.join(staging, String(group++)), context, env, deps.concurrency ?? separateBuildConcurrency(env), fail);
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

/**
 * Step 2 for the planned members of one uv workspace: their pins at once (one journal entry, always
 * restored), uv, each member's files in a folder of its own. A member versioned from git tags needs
 * an environment of its own (`uvEnv`) and is always built alone. When the one `--all-packages` run
 * fails, every member is built alone, so only the members uv cannot build fail.
 */
async function buildWorkspace(
  ws: UvWorkspace,
  members: TaskState[],
  staging: string,
  context: ExecutorContext,
  env: NodeJS.ProcessEnv,
  concurrency: number,
  fail: (task: TaskState, err: unknown) => void,
): Promise<void> {
  const journalDir = defaultJournalDir(context.root);
  const pinnable: TaskState[] = [];
  for (const task of members) {
    try {
      checkPins(journalDir, pinChanges(ws.absRoot, task.plan!.plans));
      pinnable.push(task);
    } catch (err) {
      fail(task, err);
    }
  }
  if (pinnable.length === 0) return;
  pinnable.forEach((task, i) => {
    task.staging = path.join(staging, `${i}`);
    fs.mkdirSync(task.staging, { recursive: true });
  });
  const verbose = (task: TaskState, result: { stdout: string; stderr: string }) => {
    if (task.context.isVerbose) task.log.info((result.stderr + result.stdout).trim());
  };
  const uvFailures = new Map<TaskState, unknown>();
  const alone = pinnable.filter((t) => Object.keys(t.plan!.uvEnv).length > 0);
  const together = pinnable.filter((t) => Object.keys(t.plan!.uvEnv).length === 0);
  try {
    // One entry for every member's pins (a member that two tasks build is pinned once).
    const plans = new Map(pinnable.flatMap((t) => t.plan!.plans).map((p) => [p.file, p]));
    await withPins(journalDir, pinChanges(ws.absRoot, [...plans.values()]), async () => {
      const separately = [...alone];
      if (buildAllAtOnce(ws, together.length)) {
        const out = path.join(staging, 'all');
        try {
          const result = await runUv(uvBuildAllArgs(out), { cwd: ws.absRoot, env });
          for (const task of together) verbose(task, result);
          distribute(out, together);
        } catch {
          // uv names the member it could not build, not always the others': build each alone to know.
          separately.push(...together);
        }
      } else {
        separately.push(...together);
      }
      const byId = new Map(separately.map((t) => [t.id, t]));
      const dependencies = Object.fromEntries(separately.map((t) => [t.id, [] as string[]]));
      for await (const outcome of runInDependencyOrder(dependencies, concurrency, async (id) => {
        const task = byId.get(id)!;
        fs.rmSync(task.staging!, { recursive: true, force: true });
        fs.mkdirSync(task.staging!, { recursive: true });
        try {
          verbose(task, await runUv(uvBuildArgs(task.plan!.member.distributionName, task.staging!), { cwd: ws.absRoot, env: { ...env, ...task.plan!.uvEnv } }));
        } catch (err) {
          uvFailures.set(task, err);
        }
        return true;
      })) {
        if (outcome.kind === 'ran' && outcome.error !== undefined) uvFailures.set(byId.get(outcome.id)!, outcome.error);
      }
    });
  } catch (err) {
    // Pinning or restoring failed: it speaks for itself, in every task it concerns (as in each executor).
    for (const task of pinnable) fail(task, err);
    return;
  }
  // The pins are back: a uv failure can say so.
  for (const [task, err] of uvFailures) fail(task, uvBuildFailure(task.plan!, err));
}

/** Copies the files one uv run built into `out` to the folder of each task of the member they belong to (uv's dotfiles to every one). */
function distribute(out: string, tasks: readonly TaskState[]): void {
  const byName = new Map<string, TaskState[]>();
  for (const task of tasks) byName.set(task.plan!.member.name, [...(byName.get(task.plan!.member.name) ?? []), task]);
  for (const name of fs.readdirSync(out)) {
    const file = path.join(out, name);
    if (!isDistributionArtifact(name) || !fs.lstatSync(file).isFile()) continue;
    const owners = name.startsWith('.') ? tasks : (byName.get(parseDistributionFilename(name)?.name ?? '') ?? []);
    for (const task of owners) fs.copyFileSync(file, path.join(task.staging!, name));
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
