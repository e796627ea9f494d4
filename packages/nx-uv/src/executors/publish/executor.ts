/**
 * `nx-uv:publish`: uploads this member's sdist and wheel(s) of its current version, and succeeds
 * only once the index serves every file with the right sha256, so a dependent published next (Nx
 * runs `^publish` first) can resolve it. The upload is publishDistributions: files the index already
 * has are skipped, so a rerun is safe. Everything printed, and every failure message, is redacted
 * of the credentials and secret variables.
 */
import { logger, type ExecutorContext } from '@nx/devkit';
import {
  applyPublish,
  listDistributionFiles,
  listingRequestOptions,
  planPublish,
  resolveIndexTarget,
  withRetries,
  type IndexListing,
  type PublishEffects,
  type PublishPlanInput,
  type SimpleRequestOptions,
} from '../../registry';
import { credentialSecrets, MissingCredentialsError, redact, resolvePublishCredentials, secretsFromEnv, uvPublish, type PublishCredentials } from '../../uv';
import type { UvWorkspace } from '../../workspace';
import {
  assertValidMemberVersions,
  displayPath,
  outsideGroup,
  publishExclusion,
  resolveUvProject,
  tagSchemeOf,
  runNxUvExecutor,
  type ExecutorLogger,
  type ExecutorResult,
  type UvProject,
} from '../shared';
import { earlierRelease } from './earlier-release';
import { collectDistributions, memberVersion } from './collect-distributions';
import { vcsReleases, type VcsRelease } from '../../release/vcs-version';
import { resolveDistDir } from './dist-dir';
import { normalizePublishOptions, type NormalizedPublishOptions } from './options';
import type { PublishExecutorOptions } from './schema';

export interface PublishDependencies extends Pick<PublishEffects, 'retry' | 'wait'> {
  /** Environment for URLs, credentials and uv (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Where this run's lines go (default @nx/devkit's logger; a batch gives each task its own log). */
  logger?: ExecutorLogger;
  /** Reads the uv workspace at a uv root (default: from disk; a batch reads it once for all its tasks). */
  loadWorkspace?: (uvRoot: string) => UvWorkspace;
}

/** A failure whose message (and stack) were redacted. */
class PublishFailedError extends Error {
  override readonly name = 'PublishFailedError';
}

/** What the index serves of the project, read as the plan asks (`required`: a failure stops the run). */
async function readListing(
  read: { retries: number; required: boolean },
  checkUrl: string,
  project: string,
  request: SimpleRequestOptions,
  deps: PublishDependencies,
): Promise<IndexListing> {
  try {
    return { files: await withRetries(() => listDistributionFiles(checkUrl, project, request), { ...deps.retry, maxRetries: read.retries }) };
  } catch (error) {
    if (read.required) throw error;
    return { error };
  }
}

/**
 * Why this member publishes nothing in this run (said in one line), or the release of its VCS version:
 * not a package, skipPublish, outside the group, excluded, or a version from git tags whose release
 * is not HEAD.
 */
async function nothingToPublish(
  project: UvProject,
  options: NormalizedPublishOptions,
  context: ExecutorContext,
  env: NodeJS.ProcessEnv,
): Promise<{ skip: string } | { release?: VcsRelease }> {
  const { member } = project;
  const version = memberVersion(member);
  const label = `${member.distributionName || member.root}${version ? ` ${version}` : ''}`;
  if (!member.isPackage) {
    return {
      skip: `nx-uv publish: ${label} is not a package (no [build-system], or [tool.uv] package = false): uv never builds it, so there is nothing to publish.`,
    };
  }
  if (options.skipPublish) return { skip: `nx-uv publish: ${label}: skipped (skipPublish); the index was not contacted and nothing was uploaded.` };
  const outside = outsideGroup(context, project.workspace, member, options.group);
  if (outside) return { skip: `nx-uv publish: ${label} is ${outside}: nothing to publish in this run.` };
  const excluded = publishExclusion(context, project.workspace, member);
  if (excluded) {
    return { skip: `nx-uv publish: ${label} is excluded from publishing (${excluded}): the index was not contacted and nothing was uploaded.` };
  }
  if (member.version.kind !== 'vcs') return {};
  // A version derived from git tags is published from its release tag's commit only.
  const release = (await vcsReleases(project.workspace, [member], tagSchemeOf(context, project.workspace), { env })).get(member.name);
  if (release?.atHead) return { release };
  return {
    skip:
      `nx-uv publish: ${member.distributionName} takes its version from git tags (${member.version.plugin}) and HEAD is not its release ` +
      `(${release ? `its release tag ${release.tag} ${release.tagged ? 'is on another commit' : 'is not made yet: run the tag target first'}` : 'it has no release tag'}): nothing to publish in this run.`,
  };
}

/** Resolves the member, its files, the index and the credentials; plans; prints the plan; applies it. */
async function publish(
  project: UvProject,
  options: NormalizedPublishOptions,
  context: ExecutorContext,
  env: NodeJS.ProcessEnv,
  deps: PublishDependencies,
  secrets: string[],
): Promise<boolean> {
  const { member, workspaceRoot, projectName, absProjectRoot } = project;
  const log = deps.logger ?? logger;
  const info = (m: string) => log.info(redact(m, secrets));
  const warn = (m: string) => log.warn(redact(m, secrets));
  const nothing = await nothingToPublish(project, options, context, env);
  if ('skip' in nothing) {
    info(nothing.skip);
    return true;
  }
  const { release } = nothing;

  // A version that is not PEP 440 cannot have been built: say so, rather than "no files of that version".
  assertValidMemberVersions(project.workspace, workspaceRoot, `publish ${member.distributionName}`, [member]);

  // The index and the credentials first: a misconfigured run stops before it reads or sends anything.
  const index = resolveIndexTarget({ target: options.target, publishUrl: options.publishUrl, checkUrl: options.checkUrl, env });
  let credentials: PublishCredentials | undefined;
  try {
    credentials = resolvePublishCredentials(index.target, env);
    secrets.push(...credentialSecrets(credentials));
  } catch (err) {
    if (!(options.dryRun && err instanceof MissingCredentialsError)) throw err;
    warn(`nx-uv publish (dry run): ${err.message} A real run would stop here.`);
  }

  const dist = resolveDistDir(context, projectName, absProjectRoot, options.distPath);
  const shownDir = displayPath(workspaceRoot, dist.dir);
  const collected = await collectDistributions(dist.dir, member, { shownDir, projectName, buildTarget: dist.buildTarget, version: release?.version });
  const request = listingRequestOptions(index, credentials);
  const input: PublishPlanInput = {
    distributionName: member.distributionName,
    declaredVersion: memberVersion(member),
    fromReleaseTag: release !== undefined,
    version: collected.version,
    files: collected.files,
    otherVersions: collected.selection.otherVersions,
    foreign: collected.selection.foreign,
    shownDir,
    index,
    credentialsSource: credentials?.source,
    earlier: await earlierRelease(workspaceRoot, member.name, collected.version, tagSchemeOf(context, project.workspace)),
    dryRun: options.dryRun,
    maxRetries: options.maxRetries,
    pollTimeoutMs: options.pollTimeoutMs,
    parallelUploads: options.parallelUploads,
    verbose: context.isVerbose,
  };

  let plan = planPublish(input);
  if (plan.action === 'read-index') {
    plan = planPublish({ ...input, listing: await readListing(plan.read, index.checkUrl, member.distributionName, request, deps) });
  }
  for (const line of plan.lines) (line.level === 'warn' ? warn : info)(line.text);
  if (plan.action === 'refused') throw new Error(plan.error);
  if (plan.action !== 'upload') return true;

  const creds = credentials as PublishCredentials;
  await applyPublish(plan, {
    upload: async (files) => {
      const r = await uvPublish({ files, publishUrl: index.publishUrl, checkUrl: index.checkUrl, credentials: creds, cwd: absProjectRoot, env });
      if (r.skipped.length > 0) info(`nx-uv publish: uv found ${r.skipped.join(', ')} already on the index (identical) and skipped it`);
      if (context.isVerbose && r.stderr.trim()) info(r.stderr.trim());
    },
    log: info,
    request,
    retry: deps.retry,
    wait: deps.wait,
  });
  return true;
}

/** The executor with its dependencies injectable (tests give the environment and short backoffs). */
export async function runPublishExecutor(options: PublishExecutorOptions, context: ExecutorContext, deps: PublishDependencies = {}): Promise<ExecutorResult> {
  const env = deps.env ?? process.env;
  const secrets = secretsFromEnv(env);
  return runNxUvExecutor(
    'publish',
    context,
    async () => {
      try {
        const normalized = normalizePublishOptions(options, env);
        return await publish(resolveUvProject(context, deps.loadWorkspace), normalized, context, env, deps, secrets);
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        const safe = new PublishFailedError(redact(error.message, secrets));
        safe.stack = redact(error.stack ?? error.message, secrets);
        throw safe;
      }
    },
    deps.logger,
  );
}

export default async function publishExecutor(options: PublishExecutorOptions, context: ExecutorContext): Promise<ExecutorResult> {
  return runPublishExecutor(options, context);
}
