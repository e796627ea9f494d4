/**
 * `nx-uv:notify`: tells downstream repositories which packages were released at HEAD (the tags at
 * HEAD that match the plugin option `tagFormat`) with one `repository_dispatch` each.
 */
import { logger, type ExecutorContext } from '@nx/devkit';
import { formatRepository, gitHubClientFromEnv, resolveGitHubSettings } from '../../forge';
import { currentCommit, listTags } from '../../git';
import { nxProjectOf, nxUvPluginOptions, runNxUvExecutor, tagSchemeOf, type ExecutorResult } from '../shared';
import { type ParsedReleaseTag } from '../../release/tag-name';
import { tagScheme, type TagScheme } from '../../release/tag-scheme';
import { findUvWorkspaceRoot, loadUvWorkspace, normalizeName } from '../../workspace';
import { resolveReleaseGroup } from '../../release';

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

export const DEFAULT_NOTIFY_EVENT_TYPE = 'nx-uv-release';

export interface ReleaseNotification extends Record<string, unknown> {
  /** `owner/name` of the releasing repository. */
  source: string;
  commit: string;
  packages: Array<{ name: string; version: string; tag: string }>;
}

/** The packages whose release tags (per package, or a fixed group's tag) point at `commit`, sorted by name. */
export async function packagesReleasedAt(cwd: string, commit: string, scheme: TagScheme | string | undefined): Promise<ParsedReleaseTag[]> {
  const tags = await listTags(cwd);
  const tagsOf = typeof scheme === 'object' ? scheme : tagScheme(scheme);
  return tags
    .filter((t) => t.commit === commit)
    .flatMap((t) => {
      const parsed = tagsOf.parse(t.name);
      return parsed ? parsed.members.map((name) => ({ tag: t.name, name, version: parsed.version })) : [];
    })
    .sort((a, b) => a.name.localeCompare(b.name) || a.tag.localeCompare(b.tag));
}

/** The tag scheme, with fixed groups when the uv workspace of the project can be read. */
function schemeForNotify(context: ExecutorContext): TagScheme | string | undefined {
  const plugin = nxUvPluginOptions(context);
  if (!Object.values(plugin.groups ?? {}).some((g) => g?.relationship === 'fixed')) return plugin.tagFormat;
  const { absProjectRoot } = nxProjectOf(context);
  const uvRoot = findUvWorkspaceRoot(absProjectRoot) ?? absProjectRoot;
  return tagSchemeOf(context, loadUvWorkspace(uvRoot));
}

async function notify(options: NotifyExecutorOptions, context: ExecutorContext): Promise<boolean> {
  nxProjectOf(context); // must run on a project
  const cwd = context.root;
  const eventType = options.eventType ?? DEFAULT_NOTIFY_EVENT_TYPE;
  const repositories = [...new Set((options.repositories ?? []).map((r) => r.trim()).filter(Boolean))];
  const commit = await currentCommit(cwd);
  let released = await packagesReleasedAt(cwd, commit, schemeForNotify(context));
  if (options.group) {
    const { absProjectRoot } = nxProjectOf(context);
    const ws = loadUvWorkspace(findUvWorkspaceRoot(absProjectRoot) ?? absProjectRoot);
    const members = new Set(
      resolveReleaseGroup(options.group, nxUvPluginOptions(context), context.projectsConfigurations?.projects ?? {}, ws, context.root).projects,
    );
    released = released.filter((p) => members.has(normalizeName(p.name)));
  }
  if (released.length === 0) {
    logger.info(`nx-uv notify: no package release tags point at HEAD (${commit.slice(0, 12)}); nothing to notify.`);
    return true;
  }
  if (repositories.length === 0) {
    logger.info(`nx-uv notify: ${released.length} package(s) released at HEAD but no repositories configured (option "repositories"); nothing sent.`);
    return true;
  }

  const packages = released.map((p) => ({ name: p.name, version: p.version, tag: p.tag }));
  if (options.dryRun) {
    let source: string;
    try {
      source = formatRepository((await resolveGitHubSettings({ cwd })).repository);
    } catch (error) {
      source = `<unknown: ${(error as Error).message}>`;
    }
    const payload: ReleaseNotification = { source, commit, packages };
    logger.info(`nx-uv notify (dry run): would send repository_dispatch "${eventType}" to ${repositories.join(', ')} with client_payload:`);
    logger.info(JSON.stringify(payload, null, 2));
    return true;
  }

  const client = await gitHubClientFromEnv({
    cwd,
    log: { debug: () => undefined, info: () => undefined, warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
  });
  const payload: ReleaseNotification = { source: client.repository, commit, packages };
  for (const repository of repositories) {
    await client.sendRepositoryDispatch(repository, eventType, payload);
    logger.info(`nx-uv notify: sent repository_dispatch "${eventType}" to ${repository} (${packages.map((p) => p.tag).join(', ')})`);
  }
  return true;
}

export default async function notifyExecutor(options: NotifyExecutorOptions, context: ExecutorContext): Promise<ExecutorResult> {
  return runNxUvExecutor(options.dryRun ? 'notify --dryRun' : 'notify', context, () => notify(options, context));
}
