/**
 * `nx-uv:publish`: uploads this member's sdist and wheel(s) of its current version, and succeeds
 * only once the index serves every file with the right sha256, so a dependent published next (Nx
 * runs `^publish` first) can resolve it. The upload is publishDistributions: files the index already
 * has are skipped, so a rerun is safe. Everything printed, and every failure message, is redacted
 * of the credentials and secret variables.
 */
import { logger, type ExecutorContext } from '@nx/devkit';
import {
  listDistributionFiles,
  publishDistributions,
  resolveIndexTarget,
  isRetryable,
  withRetries,
  UploadConflictError,
  type IndexTarget,
  type RetryOptions,
  type SimpleRequestOptions,
  type UploadPlan,
  type WaitOptions,
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
import { alreadyListed, earlierRelease } from './earlier-release';
import { collectDistributions, memberVersion } from './collect-distributions';
import { vcsReleases, type VcsRelease } from '../../release/vcs-version';
import { resolveDistDir } from './dist-dir';
import { normalizePublishOptions, type NormalizedPublishOptions } from './options';
import { describeIndex, dryRunLines, failureMessage } from './report';
import type { PublishExecutorOptions } from './schema';

export interface PublishDependencies {
  /** Environment for URLs, credentials and uv (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Backoff of retries (tests make it short); maxRetries comes from the options. */
  retry?: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random' | 'sleep'>;
  /** Pacing of the wait until served (tests); its time-out comes from pollTimeoutSeconds. */
  wait?: Pick<WaitOptions, 'initialDelayMs' | 'maxDelayMs' | 'sleep' | 'now'>;
  /** Where this run's lines go (default @nx/devkit's logger; a batch gives each task its own log). */
  logger?: ExecutorLogger;
  /** Reads the uv workspace at a uv root (default: from disk; a batch reads it once for all its tasks). */
  loadWorkspace?: (uvRoot: string) => UvWorkspace;
}

/**
 * Waits for every upload of a package's files (one `uv publish` each: uv uploads the files of one
 * call one after the other, and an upload mostly waits on the network). If any failed, throws one of
 * the failures once all have settled — a non-retryable one first, since that is what
 * publishDistributions must see to re-read the index and retry only what did not land.
 */
export async function allUploads(uploads: Promise<void>[]): Promise<void> {
  const failures = (await Promise.allSettled(uploads)).flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length > 0) throw failures.find((e) => !isRetryable(e)) ?? failures[0];
}

/** A failure whose message (and stack) were redacted. */
class PublishFailedError extends Error {
  override readonly name = 'PublishFailedError';
}

/**
 * Credentials for reading the check URL: only for a custom index whose listing lives on the same
 * origin as its upload endpoint (a private index that protects reads). Never for PyPI/TestPyPI, never
 * to another host.
 */
export function listingRequestOptions(index: IndexTarget, credentials: PublishCredentials | undefined): SimpleRequestOptions {
  if (index.target !== 'custom' || !credentials || credentials.kind === 'trusted') return {};
  if (new URL(index.publishUrl).origin !== new URL(index.checkUrl).origin) return {};
  return credentials.kind === 'token'
    ? { basicAuth: { username: '__token__', password: credentials.token } }
    : { basicAuth: { username: credentials.username, password: credentials.password } };
}

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
  const version = memberVersion(member);
  const label = `${member.distributionName || member.root}${version ? ` ${version}` : ''}`;

  if (!member.isPackage) {
    info(`nx-uv publish: ${label} is not a package (no [build-system], or [tool.uv] package = false): uv never builds it, so there is nothing to publish.`);
    return true;
  }
  if (options.skipPublish) {
    info(`nx-uv publish: ${label}: skipped (skipPublish); the index was not contacted and nothing was uploaded.`);
    return true;
  }
  const outside = outsideGroup(context, project.workspace, member, options.group);
  if (outside) {
    info(`nx-uv publish: ${label} is ${outside}: nothing to publish in this run.`);
    return true;
  }
  const excluded = publishExclusion(context, project.workspace, member);
  if (excluded) {
    info(`nx-uv publish: ${label} is excluded from publishing (${excluded}): the index was not contacted and nothing was uploaded.`);
    return true;
  }

  // A version derived from git tags is published from its release tag's commit only.
  let release: VcsRelease | undefined;
  if (member.version.kind === 'vcs') {
    release = (await vcsReleases(project.workspace, [member], tagSchemeOf(context, project.workspace), { env })).get(member.name);
    if (!release?.atHead) {
      info(
        `nx-uv publish: ${member.distributionName} takes its version from git tags (${member.version.plugin}) and HEAD is not its release ` +
          `(${release ? `its release tag ${release.tag} ${release.tagged ? 'is on another commit' : 'is not made yet: run the tag target first'}` : 'it has no release tag'}): nothing to publish in this run.`,
      );
      return true;
    }
  }

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
  const fullLabel = `${member.distributionName} ${collected.version}`;
  if (version === undefined && !release) {
    info(`nx-uv publish: the version of ${member.distributionName} is dynamic; publishing the one version built in ${shownDir}: ${collected.version}.`);
  }
  // PEP 440 local versions (`2.0.1.dev22+g1a2b3c`, what VCS versioning gives between tags) are refused
  // by every public index: say so now, in a dry run too, instead of "would be uploaded".
  const local = collected.version.indexOf('+');
  if (local >= 0) {
    throw new Error(
      `${fullLabel} has a local version label (+${collected.version.slice(local + 1)}), which PyPI and other public indexes refuse` +
        (version === undefined ? ` (its version is dynamic: a VCS plugin gives such versions between release tags; build it at its release tag)` : '') +
        `: nothing was ${options.dryRun ? 'checked or ' : ''}uploaded.`,
    );
  }
  if (collected.selection.otherVersions.length > 0) {
    info(
      `nx-uv publish: ${fullLabel}: ignoring files of other versions in ${shownDir}: ` + collected.selection.otherVersions.map((p) => p.filename).join(', '),
    );
  }
  if (collected.selection.foreign.length > 0 && context.isVerbose) {
    info(`nx-uv publish: ${fullLabel}: ignoring files that are not its distributions: ${collected.selection.foreign.join(', ')}`);
  }
  const request = listingRequestOptions(index, credentials);
  const files = collected.files.map(({ path, filename, sha256 }) => ({ path, filename, sha256 }));

  // A version released by an earlier commit that the index already serves: that is the release.
  const earlier = await earlierRelease(workspaceRoot, member.name, collected.version, tagSchemeOf(context, project.workspace));
  if (earlier) {
    let listed: string[] | undefined;
    try {
      const remote = await withRetries(() => listDistributionFiles(index.checkUrl, member.distributionName, request), {
        ...deps.retry,
        maxRetries: options.maxRetries,
      });
      listed = alreadyListed(
        files.map((f) => f.filename),
        remote,
      );
    } catch (err) {
      if (!options.dryRun) throw err;
    }
    if (listed && listed.length > 0) {
      const absent = files.map((f) => f.filename).filter((n) => !listed!.includes(n));
      info(
        `nx-uv publish${options.dryRun ? ' (dry run)' : ''}: ${fullLabel} was released earlier (${earlier.tag} on ${earlier.commit.slice(0, 7)}) ` +
          `and ${index.checkUrl} serves it (${listed.join(', ')}): nothing to upload; this rebuild is not compared with the release.` +
          (absent.length > 0 ? ` Not on the index and not uploaded from this rebuild: ${absent.join(', ')} (publish them from ${earlier.tag}).` : ''),
      );
      return true;
    }
  }

  if (options.dryRun) {
    let plan: UploadPlan | undefined;
    try {
      const preview = await publishDistributions({
        project: member.distributionName,
        files,
        checkUrl: index.checkUrl,
        dryRun: true,
        upload: async () => {
          throw new Error('nx-uv publish: a dry run never uploads');
        },
        retry: { maxRetries: 0 },
        request,
      });
      plan = preview.initialPlan;
    } catch (err) {
      if (err instanceof UploadConflictError) throw new Error(failureMessage(fullLabel, index, err) + '\n(found in a dry run)');
      warn(`nx-uv publish (dry run): cannot read what ${index.checkUrl} already has (${(err as Error).message}); listing the local files only.`);
    }
    info(
      `nx-uv publish (dry run): ${fullLabel} → ${describeIndex(index)}` +
        (credentials ? `, credentials from ${credentials.source}` : ', no credentials') +
        `; ${files.length} file(s) from ${shownDir}:`,
    );
    for (const line of dryRunLines(collected.files, plan)) info(line);
    info(`nx-uv publish (dry run): nothing was uploaded and uv publish was not run.`);
    return true;
  }

  const creds = credentials as PublishCredentials;
  info(`nx-uv publish: ${fullLabel} → ${describeIndex(index)}, credentials from ${creds.source}`);
  let result;
  try {
    result = await publishDistributions({
      project: member.distributionName,
      files,
      checkUrl: index.checkUrl,
      upload: async (batch) => {
        const uploadFiles = async (paths: string[]) => {
          const r = await uvPublish({ files: paths, publishUrl: index.publishUrl, checkUrl: index.checkUrl, credentials: creds, cwd: absProjectRoot, env });
          if (r.skipped.length > 0) info(`nx-uv publish: uv found ${r.skipped.join(', ')} already on the index (identical) and skipped it`);
          if (context.isVerbose && r.stderr.trim()) info(r.stderr.trim());
        };
        if (options.parallelUploads === false || batch.length < 2) return uploadFiles(batch.map((f) => f.path));
        await allUploads(batch.map((f) => uploadFiles([f.path])));
      },
      retry: { ...deps.retry, maxRetries: options.maxRetries },
      wait: { ...deps.wait, timeoutMs: options.pollTimeoutMs },
      request,
      log: (m) => info(`nx-uv publish: ${m}`),
    });
  } catch (err) {
    throw new Error(failureMessage(fullLabel, index, err, creds.source), { cause: err });
  }
  const served = result.wait ? ` after ${result.wait.polls} poll(s), ${(result.wait.elapsedMs / 1000).toFixed(1)} s` : '';
  info(
    `nx-uv publish: ${fullLabel}: ` +
      (result.uploaded.length > 0 ? `uploaded ${result.uploaded.join(', ')}` : 'nothing to upload') +
      (result.skipped.length > 0 ? `; already on the index (identical): ${result.skipped.join(', ')}` : '') +
      `; ${index.checkUrl} serves all ${files.length} file(s) with the right sha256${served}.`,
  );
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
