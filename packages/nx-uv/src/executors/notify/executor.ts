/**
 * `nx-uv:notify`: tells downstream repositories which packages were released at HEAD (the tags at
 * HEAD that match the plugin option `tagFormat`) with one `repository_dispatch` each.
 */
import { logger, type ExecutorContext } from '@nx/devkit';
import { applyNotify, dryRunNotifyLines, formatRepository, gitHubClientFromEnv, planNotify, resolveGitHubSettings } from '../../forge';
import { currentCommit, listTags } from '../../git';
import { nxProjectOf, nxUvPluginOptions, runNxUvExecutor, tagSchemeOf, type ExecutorResult } from '../shared';
import { tagScheme, type TagScheme } from '../../release/tag-scheme';
import { findUvWorkspaceRoot, loadUvWorkspace } from '../../workspace';
import { resolveReleaseGroup } from '../../release';

export { DEFAULT_NOTIFY_EVENT_TYPE, type ReleaseNotification } from '../../forge';

/** Options of the executor (schema.json). */
export interface NotifyExecutorOptions {
  /** Print the payload; send nothing. */
  dryRun?: boolean;
  /** Repositories (`owner/name`) that receive the event. */
  repositories?: string[];
  /** `repository_dispatch` event type. Default `nx-uv-release`. */
  eventType?: string;
  /** Only the released packages of this release group are announced. */
  group?: string;
}

/** The tag scheme, with fixed groups when the uv workspace of the project can be read. */
function schemeForNotify(context: ExecutorContext): TagScheme {
  const plugin = nxUvPluginOptions(context);
  if (!Object.values(plugin.groups ?? {}).some((g) => g?.relationship === 'fixed')) return tagScheme(plugin.tagFormat);
  const { absProjectRoot } = nxProjectOf(context);
  const uvRoot = findUvWorkspaceRoot(absProjectRoot) ?? absProjectRoot;
  return tagSchemeOf(context, loadUvWorkspace(uvRoot));
}

/** The members of release group `group`. */
function groupMembers(context: ExecutorContext, group: string): Set<string> {
  const { absProjectRoot } = nxProjectOf(context);
  const ws = loadUvWorkspace(findUvWorkspaceRoot(absProjectRoot) ?? absProjectRoot);
  return new Set(resolveReleaseGroup(group, nxUvPluginOptions(context), context.projectsConfigurations?.projects ?? {}, ws, context.root).projects);
}

/** Reads HEAD, its tags and the options; plans; prints the plan on a dry run, else sends it. */
async function notify(options: NotifyExecutorOptions, context: ExecutorContext): Promise<boolean> {
  nxProjectOf(context); // must run on a project
  const cwd = context.root;
  const commit = await currentCommit(cwd);
  const plan = planNotify({
    commit,
    tags: await listTags(cwd),
    scheme: schemeForNotify(context),
    members: options.group ? groupMembers(context, options.group) : undefined,
    repositories: options.repositories,
    eventType: options.eventType,
  });
  if (plan.action === 'nothing') {
    logger.info(plan.message);
    return true;
  }
  if (options.dryRun) {
    let source: string;
    try {
      source = formatRepository((await resolveGitHubSettings({ cwd })).repository);
    } catch (error) {
      source = `<unknown: ${(error as Error).message}>`;
    }
    for (const line of dryRunNotifyLines(plan, source)) logger.info(line);
    return true;
  }
  const client = await gitHubClientFromEnv({
    cwd,
    log: { debug: () => undefined, info: () => undefined, warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
  });
  await applyNotify(plan, client, (line) => logger.info(line));
  return true;
}

export default async function notifyExecutor(options: NotifyExecutorOptions, context: ExecutorContext): Promise<ExecutorResult> {
  return runNxUvExecutor(options.dryRun ? 'notify --dryRun' : 'notify', context, () => notify(options, context));
}
