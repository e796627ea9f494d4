/**
 * Publishing one project's distributions idempotently: every attempt starts by listing what the
 * index already has, so files that landed before a failure are skipped instead of uploaded twice.
 * The upload itself is injected (the publish executor gives it `uvPublish`).
 */
import { assertNoConflicts, planUploads, type LocalDistribution, type UploadPlan } from './plan-uploads';
import { isRetryable, withRetries, type RetryOptions } from './retry';
import { listDistributionFiles, type RemoteDistribution, type SimpleRequestOptions } from './simple-api';
import { waitUntilServed, type WaitOptions, type WaitResult } from './wait-until-served';

/** Some files landed before the upload failed: worth another attempt for the rest. */
export class PartialUploadError extends Error {
  override readonly name = 'PartialUploadError';
  readonly retryable = true;
  constructor(
    readonly landed: string[],
    cause: unknown,
  ) {
    super(`${firstLine(cause)} (but ${landed.join(', ')} landed; retrying the rest)`, { cause });
  }
}

/** First line of an error message, plus its last `cause:`/`error:` line when there is one (uv's style). */
function firstLine(error: unknown): string {
  const lines = (error instanceof Error ? error.message : String(error)).split('\n').map((l) => l.trim());
  const cause = [...lines].reverse().find((l) => /^(?:cause|error):/.test(l));
  return cause && cause !== lines[0] ? `${lines[0]} — ${cause}` : lines[0];
}

export interface PublishDistributionsOptions {
  /** Distribution name (any spelling; normalised for the index URL). */
  project: string;
  files: LocalDistribution[];
  /** Simple index base of the target index. */
  checkUrl: string;
  /** Uploads the given files (must throw on failure; errors with `retryable: true` are retried). */
  upload: (files: LocalDistribution[], attempt: number) => Promise<void>;
  dryRun?: boolean;
  retry?: RetryOptions;
  wait?: Omit<WaitOptions, 'request' | 'list'>;
  request?: SimpleRequestOptions;
  /** Injectable listing (tests). */
  list?: (checkUrl: string, project: string) => Promise<RemoteDistribution[]>;
  log?: (message: string) => void;
}

export interface PublishDistributionsResult {
  /** The plan of the first attempt (what was missing when publishing started). */
  initialPlan: UploadPlan;
  /** Files handed to `upload` (over all attempts, each once at most per attempt). */
  uploaded: string[];
  /** Files that were already on the index when publishing started. */
  skipped: string[];
  attempts: number;
  wait?: WaitResult;
  dryRun: boolean;
}

/**
 * 1. List what the index has; skip identical files, stop on a changed file under an existing name.
 * 2. Upload the rest.
 * 3. On a retryable failure, wait (backoff + jitter) and start again at 1. On any other failure,
 *    list once more: everything attempted served identically (the answer was lost and the retry
 *    met "already exists") is success; some of it served means retry the rest; else fail at once.
 * 4. Poll the index until every file is served with the right sha256.
 * A dry run does step 1 only: nothing is uploaded, nothing is awaited.
 */
export async function publishDistributions(options: PublishDistributionsOptions): Promise<PublishDistributionsResult> {
  const log = options.log ?? (() => undefined);
  const list = options.list ?? ((u: string, p: string) => listDistributionFiles(u, p, options.request));
  let initialPlan: UploadPlan | undefined;
  const uploaded = new Set<string>();
  let attempts = 0;

  await withRetries(
    async (attempt) => {
      attempts = attempt;
      const remote = await list(options.checkUrl, options.project);
      const plan = planUploads(options.files, remote);
      initialPlan ??= plan;
      assertNoConflicts(plan, options.checkUrl);
      if (plan.skip.length > 0) {
        log(`${options.project}: already on the index, skipping ${plan.skip.map((f) => f.filename).join(', ')}`);
      }
      if (options.dryRun || plan.upload.length === 0) return;
      log(`${options.project}: uploading ${plan.upload.map((f) => f.filename).join(', ')}${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
      try {
        await options.upload(plan.upload, attempt);
      } catch (error) {
        if (isRetryable(error)) throw error;
        // A lost answer makes the client retry an upload that landed, and the index then says "already
        // exists" (4xx). Look before failing: what landed identically is done, the rest is retried.
        const after = planUploads(plan.upload, await list(options.checkUrl, options.project).catch(() => []));
        assertNoConflicts(after, options.checkUrl);
        for (const f of after.skip) uploaded.add(f.filename);
        if (after.upload.length === 0) {
          log(`${options.project}: the upload reported an error but the index serves every file identically: ${firstLine(error)}`);
          return;
        }
        if (after.skip.length > 0)
          throw new PartialUploadError(
            after.skip.map((f) => f.filename),
            error,
          );
        throw error;
      }
      for (const f of plan.upload) uploaded.add(f.filename);
    },
    {
      ...options.retry,
      onRetry: (info) => {
        log(`${options.project}: attempt ${info.attempt} failed (${firstLine(info.error)}); retrying in ${info.delayMs} ms`);
        options.retry?.onRetry?.(info);
      },
    },
  );

  const plan = initialPlan as UploadPlan;
  const result: PublishDistributionsResult = {
    initialPlan: plan,
    uploaded: [...uploaded],
    skipped: plan.skip.map((f) => f.filename),
    attempts,
    dryRun: !!options.dryRun,
  };
  if (options.dryRun) return result;
  result.wait = await waitUntilServed(options.checkUrl, options.project, options.files, {
    ...options.wait,
    request: options.request,
    list: options.list,
  });
  log(`${options.project}: served by ${options.checkUrl} after ${result.wait.polls} poll(s)`);
  return result;
}
