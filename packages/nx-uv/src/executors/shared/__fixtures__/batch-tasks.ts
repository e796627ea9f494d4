/** Test helpers for batch implementations: the task graph of `nx run-many -t <target>` and its results. */
import type { Task, TaskGraph } from '@nx/devkit';
import type { BatchTaskOutcome } from '../batch';
import { PROJECTS } from './uv-workspace';

/** The task graph of `nx run-many -t <target>` on `projects` of the fixture workspace, no dependsOn. */
export function independentTaskGraph(target: string, projects: readonly string[], options: { cache?: boolean } = {}): TaskGraph {
  const tasks: Record<string, Task> = {};
  for (const project of projects) {
    const id = `${project}:${target}`;
    tasks[id] = {
      id,
      target: { project, target },
      overrides: {},
      outputs: [],
      projectRoot: PROJECTS[project],
      cache: options.cache ?? false,
      parallelism: true,
    };
  }
  const none = () => Object.fromEntries(Object.keys(tasks).map((id) => [id, [] as string[]]));
  return { roots: Object.keys(tasks), tasks, dependencies: none(), continuousDependencies: none() };
}

/** Every task's result of a batch, by task id. */
export async function collectBatch(results: AsyncIterable<BatchTaskOutcome>): Promise<Record<string, BatchTaskOutcome['result']>> {
  const out: Record<string, BatchTaskOutcome['result']> = {};
  for await (const r of results) out[r.task] = r.result;
  return out;
}
