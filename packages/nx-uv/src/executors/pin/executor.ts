/**
 * `nx-uv:pin`: pins the project's internal requirements (runtime and every extra) to the exact current
 * versions of the members they name, as a persistent journal entry that stays until `--restore`.
 * `--restore` puts back every journalled file that no running nx-uv process is using. Both idempotent.
 * The plan and its apply (pin/member-pin.ts) are shared with the batch implementation (batch.ts).
 */
import { logger, type ExecutorContext } from '@nx/devkit';
import { applyMemberPin, planMemberPin, restoreAllPins } from '../../pin';
import type { UvWorkspace } from '../../workspace';
import { releaseVersions, resolveUvProject, runNxUvExecutor, tagSchemeOf, type ExecutorLogger, type ExecutorResult, type UvProject } from '../shared';

/** Options of the executor (schema.json). */
export interface PinExecutorOptions {
  /** Put every journalled file back instead of pinning. */
  restore?: boolean;
}

export interface PinDependencies {
  /** Where this run's lines go (default @nx/devkit's logger; a batch gives each task its own log). */
  logger?: ExecutorLogger;
  /** Reads the uv workspace at a uv root (default: from disk; a batch reads it once for all its tasks). */
  loadWorkspace?: (uvRoot: string) => UvWorkspace;
  /** The version of every member as pin sees it (default pinVersions; a batch computes it once per workspace). */
  versionsOf?: (workspace: UvWorkspace, context: ExecutorContext) => Promise<ReadonlyMap<string, string>>;
}

/** The version of every member as pin sees it: in its files, or from git tags (releaseVersions). */
export async function pinVersions(workspace: UvWorkspace, context: ExecutorContext): Promise<ReadonlyMap<string, string>> {
  return (await releaseVersions(workspace, tagSchemeOf(context, workspace))).versions;
}

async function pin(project: UvProject, context: ExecutorContext, deps: PinDependencies, log: ExecutorLogger): Promise<boolean> {
  const { workspace, member, workspaceRoot } = project;
  // The versions are needed (and read, git included) only for a package.
  const versions = member.isPackage ? await (deps.versionsOf ?? pinVersions)(workspace, context) : new Map<string, string>();
  return applyMemberPin(planMemberPin(workspace, member, versions), workspace, workspaceRoot, log);
}

/** The executor with its dependencies injectable (the batch gives each task its log and shares the reads). */
export async function runPinExecutor(options: PinExecutorOptions, context: ExecutorContext, deps: PinDependencies = {}): Promise<ExecutorResult> {
  const log = deps.logger ?? logger;
  return runNxUvExecutor(
    options.restore ? 'pin --restore' : 'pin',
    context,
    async () => (options.restore ? restoreAllPins(context.root, log) : pin(resolveUvProject(context, deps.loadWorkspace), context, deps, log)),
    log,
  );
}

export default async function pinExecutor(options: PinExecutorOptions, context: ExecutorContext): Promise<ExecutorResult> {
  return runPinExecutor(options, context);
}
