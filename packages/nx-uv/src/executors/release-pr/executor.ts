/**
 * `nx-uv:release-pr` (workspace project): the "prepare" half of the release pipeline. It checks
 * everything first, plans the release of the workspace (or `--group`) from the base branch, and
 * commits the plan (versions, requirements, changelogs, `uv lock`) to the release branch in a
 * temporary git worktree, so the user's checkout is never touched. The branch is force-pushed with
 * a lease, and its PR opened or updated in place, labelled `autorelease: pending`. A thin wrapper:
 * the facts are read and the plan carried out by release/release-pr-apply.ts, planned and rendered
 * by release/release-pr-plan.ts.
 */
import { logger, type ExecutorContext } from '@nx/devkit';
import { applyReleasePr, planReleasePr, readReleasePrFacts, renderReleasePrPlan, type ReleasePrLog } from '../../release';
import type { ReleasePlan } from '../../versioning';
import { loadWorkspaceOf, planOptionsFor } from '../release-plan/options';
import { nxUvPluginOptions, runNxUvExecutor, type ExecutorResult } from '../shared';
import { normalizeReleasePrOptions, type ReleasePrExecutorOptions } from './options';

export type { ReleasePrExecutorOptions } from './options';

/** What a run did (printed with --json). */
export interface ReleasePrResult {
  outcome: 'dry-run' | 'nothing-to-release' | 'already-applied' | 'created' | 'updated' | 'unchanged';
  branch: string;
  base: string;
  group: string | null;
  title?: string;
  body?: string;
  /** The release commit pushed to the release branch. */
  commit?: string;
  /** The release PR (created, updated, unchanged), or the open one left alone when nothing is released. */
  pullRequest?: { number: number; url: string };
  plan: ReleasePlan;
}

/** Runs release-pr: reads the facts, plans, prints the plan, and carries it out unless a dry run; throws on any error. */
export async function releasePr(options: ReleasePrExecutorOptions, context: ExecutorContext): Promise<ReleasePrResult> {
  const opts = normalizeReleasePrOptions(options);
  const log: ReleasePrLog = {
    info: opts.json ? () => undefined : (m) => logger.info(m),
    warn: (m) => logger.warn(m),
    error: (m) => logger.error(m),
  };
  const ws = loadWorkspaceOf(context);
  const { facts, forge } = await readReleasePrFacts(
    {
      workspace: ws,
      workspaceRoot: context.root,
      baseBranch: opts.baseBranch,
      branch: opts.branch,
      remote: opts.remote,
      group: opts.group,
      dryRun: opts.dryRun,
      planOptions: () =>
        planOptionsFor({ group: opts.group, bumpType: opts.bumpType, prerelease: opts.prerelease, force: opts.force, releaseAs: opts.releaseAs }, context, ws),
      pluginReleaseLabel: nxUvPluginOptions(context).releaseLabel,
    },
    log,
  );
  const plan = planReleasePr(facts, { ...opts, releaseLabel: options.releaseLabel });
  for (const line of renderReleasePrPlan(plan, { dryRun: opts.dryRun })) log.info(line);

  const result: ReleasePrResult = {
    outcome: plan.kind === 'nothing-to-release' ? plan.kind : 'dry-run',
    branch: plan.branch,
    base: plan.base,
    group: opts.group ?? null,
    plan: plan.plan,
  };
  if (plan.kind === 'nothing-to-release') {
    if (plan.openPullRequest) result.pullRequest = plan.openPullRequest;
    return result;
  }
  Object.assign(result, { title: plan.title, body: plan.body });
  if (opts.dryRun) return result;
  if (plan.kind === 'already-applied') return { ...result, outcome: 'already-applied' };
  if (!forge) throw new Error('nx-uv: release-pr has no GitHub client to open the release PR with (internal error)');
  const applied = await applyReleasePr(plan, { cwd: ws.absRoot, forge, log });
  return { ...result, ...applied };
}

export default async function releasePrExecutor(options: ReleasePrExecutorOptions, context: ExecutorContext): Promise<ExecutorResult> {
  return runNxUvExecutor(options?.dryRun ? 'release-pr --dryRun' : 'release-pr', context, async () => {
    const result = await releasePr(options, context);
    if (options?.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return true;
  });
}
