import type { IndexTargetName } from '../../registry';

export interface PublishExecutorOptions {
  /** Which index. Default: 'custom' when publishUrl or UV_PUBLISH_URL is set, else 'pypi'. */
  target?: IndexTargetName;
  /** Alias of `target` that `nx run-many` does not swallow (it takes `--target` for itself). */
  index?: IndexTargetName;
  /** Upload URL. Default: the target's preset, else UV_PUBLISH_URL. */
  publishUrl?: string;
  /** Simple index base. Default: the target's preset, else UV_PUBLISH_CHECK_URL, else derived. */
  checkUrl?: string;
  /** Print the plan, upload nothing, never run uv. Default: NX_DRY_RUN === 'true'. */
  dryRun?: boolean;
  /** Do nothing (successfully), without contacting the index. */
  skipPublish?: boolean;
  /** Only members of this release group (plugin option `groups`) publish; the others do nothing. */
  group?: string;
  /** Retries after a transient failure. Default 2. */
  maxRetries?: number;
  /** Budget of the wait until the index serves the files. Default 300. */
  pollTimeoutSeconds?: number;
  /** Folder of the built files, relative to the project root. Default: build target outputPath, plugin buildOutputPath, 'dist'. */
  distPath?: string;
  /** Upload a package's files (sdist, wheels) at the same time, one `uv publish` each. Default true; false: one `uv publish` of them all, one after the other. */
  parallelUploads?: boolean;
}
