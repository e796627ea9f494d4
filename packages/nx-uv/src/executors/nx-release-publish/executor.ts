/**
 * `nx-uv:nx-release-publish` (hidden): what `nx release publish` runs on each project (Nx looks for
 * a target of exactly this name). It is the `publish` executor with Nx Release's options
 * translated (publishOptionsFor). The inferred target depends on `build` and on the dependencies'
 * `nx-release-publish`, so the files exist and dependencies are served first.
 */
import { logger, type ExecutorContext } from '@nx/devkit';
import { runPublishExecutor, type PublishDependencies } from '../publish/executor';
import type { PublishExecutorOptions } from '../publish/schema';
import type { ExecutorResult } from '../shared';

export interface NxReleasePublishOptions extends PublishExecutorOptions {
  /** `nx release publish --registry`. */
  registry?: string;
  /** npm-only options Nx Release passes to every publish executor (ignored). */
  tag?: string;
  access?: string;
  otp?: string | number;
  firstRelease?: boolean;
  /** Version data of the run, when `nx release` versions and publishes in one go. */
  nxReleaseVersionData?: Record<string, { currentVersion?: string | null; newVersion?: string | null } | undefined>;
}

const NPM_ONLY = ['registry', 'tag', 'access', 'otp', 'firstRelease', 'nxReleaseVersionData'] as const;

function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

/**
 * The publish options for one project, and why it is skipped (when it is). Pure.
 * - `--dry-run` (`dryRun`) or `NX_DRY_RUN=true` (set by Nx for tasks run through dependsOn) makes a
 *   dry run; a `dryRun: false` in the target options cannot override it.
 * - `--registry=<url>` is the upload URL (`publishUrl`) unless one is configured.
 * - A project whose version this release did not change (`nxReleaseVersionData`) is skipped.
 * - npm's `tag`, `access`, `otp` and `firstRelease` mean nothing to a Python index and are dropped.
 */
export function publishOptionsFor(
  options: NxReleasePublishOptions,
  projectName: string | undefined,
  env: NodeJS.ProcessEnv,
): { options: PublishExecutorOptions; skip?: string } {
  const raw = { ...(options ?? {}) } as NxReleasePublishOptions & Record<string, unknown>;
  const out: Record<string, unknown> = { ...raw };
  for (const key of NPM_ONLY) delete out[key];
  out.dryRun = isTrue(raw.dryRun) || env.NX_DRY_RUN === 'true';
  if (typeof raw.registry === 'string' && raw.registry.trim() !== '' && out.publishUrl === undefined) {
    out.publishUrl = raw.registry.trim();
  }
  const data = raw.nxReleaseVersionData;
  if (data && projectName && Object.prototype.hasOwnProperty.call(data, projectName)) {
    const entry = data[projectName];
    if (!entry || entry.newVersion === null || entry.newVersion === undefined) {
      return {
        options: out as PublishExecutorOptions,
        skip: `nx-uv nx-release-publish: ${projectName} got no new version in this release; nothing to publish.`,
      };
    }
  }
  return { options: out as PublishExecutorOptions };
}

export async function runNxReleasePublishExecutor(
  options: NxReleasePublishOptions,
  context: ExecutorContext,
  deps: PublishDependencies = {},
): Promise<ExecutorResult> {
  const env = deps.env ?? process.env;
  const { options: publishOptions, skip } = publishOptionsFor(options, context.projectName, env);
  if (skip) {
    logger.info(skip);
    return { success: true };
  }
  return runPublishExecutor(publishOptions, context, { ...deps, env });
}

export default async function nxReleasePublishExecutor(options: NxReleasePublishOptions, context: ExecutorContext): Promise<ExecutorResult> {
  return runNxReleasePublishExecutor(options, context);
}
