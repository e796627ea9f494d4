/**
 * `nx-uv:release-plan` (workspace project): prints the release plan of the whole uv workspace — what
 * would be released at which version and why — as a table, or as JSON with `--json`. With
 * `--outputFile=<path>` the JSON goes to that file instead (Nx's output forwarding splits long task
 * output every 64 KiB, so a large plan printed through `nx run` is no valid JSON). Writes nothing else.
 */
import { logger, type ExecutorContext } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { computeWorkspacePlan } from '../../release';
import { formatPlanTable } from '../../versioning';
import { runNxUvExecutor, type ExecutorResult } from '../shared';
import { loadWorkspaceOf, planOptionsFor, type PlanExecutorOptions } from './options';

export interface ReleasePlanExecutorOptions extends PlanExecutorOptions {
  /** Print the plan as JSON (the ReleasePlan object) instead of a table. */
  json?: boolean;
  /** Write the plan as JSON to this file (relative to the Nx workspace root) and print the table. */
  outputFile?: string;
}

export default async function releasePlanExecutor(options: ReleasePlanExecutorOptions, context: ExecutorContext): Promise<ExecutorResult> {
  return runNxUvExecutor('release-plan', context, async () => {
    const ws = loadWorkspaceOf(context);
    const { plan } = await computeWorkspacePlan(ws.absRoot, planOptionsFor(options, context, ws));
    if (options.outputFile) {
      const file = path.resolve(context.root, options.outputFile);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, `${JSON.stringify(plan, null, 2)}\n`);
      process.stdout.write(formatPlanTable(plan));
      logger.info(`nx-uv release-plan: wrote the plan as JSON to ${path.relative(context.root, file) || file}`);
      return true;
    }
    process.stdout.write(options.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlanTable(plan));
    return true;
  });
}
