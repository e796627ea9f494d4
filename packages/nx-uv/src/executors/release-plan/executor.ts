/**
 * `nx-uv:release-plan` (workspace project): prints the release plan of the whole uv workspace — what
 * would be released at which version and why — as a table, or as JSON with `--json`. Writes nothing.
 */
import type { ExecutorContext } from '@nx/devkit';
import { computeWorkspacePlan } from '../../release';
import { formatPlanTable } from '../../versioning';
import { runNxUvExecutor, type ExecutorResult } from '../shared';
import { loadWorkspaceOf, planOptionsFor, type PlanExecutorOptions } from './options';

export interface ReleasePlanExecutorOptions extends PlanExecutorOptions {
  /** Print the plan as JSON (the ReleasePlan object) instead of a table. */
  json?: boolean;
}

export default async function releasePlanExecutor(options: ReleasePlanExecutorOptions, context: ExecutorContext): Promise<ExecutorResult> {
  return runNxUvExecutor('release-plan', context, async () => {
    const ws = loadWorkspaceOf(context);
    const { plan } = await computeWorkspacePlan(ws.absRoot, planOptionsFor(options, context, ws));
    process.stdout.write(options.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlanTable(plan));
    return true;
  });
}
