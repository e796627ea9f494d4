/**
 * Carrying out an upload plan of planPublish against the index: publishDistributions uploads the files
 * the index does not have (through the injected `upload`, one `uv publish` per file at once unless
 * the plan says otherwise), retries transient failures (reading the index again first, so nothing is
 * uploaded twice), then polls until every file is served. Any failure is rethrown with the wording of
 * failureMessage. Credentials never enter the plan: the upload function and the request options hold them.
 */
import type { PublishCredentials } from '../uv/credentials';
import type { IndexTarget } from './index-target';
import type { UploadPublishPlan } from './publish-plan';
import { publishDistributions, type PublishDistributionsResult } from './publish-distributions';
import { failureMessage } from './publish-report';
import { isRetryable, type RetryOptions } from './retry';
import type { RemoteDistribution, SimpleRequestOptions } from './simple-api';
import type { WaitOptions } from './wait-until-served';

export interface PublishEffects {
  /** Uploads these files with one `uv publish` (throws on failure; errors with `retryable: true` are retried). */
  upload: (paths: string[]) => Promise<void>;
  /** Where the progress lines go. */
  log: (line: string) => void;
  /** Options of the index reads (credentials for a private index: listingRequestOptions). */
  request?: SimpleRequestOptions;
  /** Backoff of retries (tests make it short); maxRetries comes from the plan. */
  retry?: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random' | 'sleep'>;
  /** Pacing of the wait until served (tests); its time-out comes from the plan. */
  wait?: Pick<WaitOptions, 'initialDelayMs' | 'maxDelayMs' | 'sleep' | 'now'>;
  /** Reads the index (tests); default listDistributionFiles with `request`. */
  list?: (checkUrl: string, project: string) => Promise<RemoteDistribution[]>;
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

/** Pure: the line that closes a successful publish. */
export function publishSummary(plan: UploadPublishPlan, result: PublishDistributionsResult): string {
  const served = result.wait ? ` after ${result.wait.polls} poll(s), ${(result.wait.elapsedMs / 1000).toFixed(1)} s` : '';
  return (
    `nx-uv publish: ${plan.label}: ` +
    (result.uploaded.length > 0 ? `uploaded ${result.uploaded.join(', ')}` : 'nothing to upload') +
    (result.skipped.length > 0 ? `; already on the index (identical): ${result.skipped.join(', ')}` : '') +
    `; ${plan.index.checkUrl} serves all ${plan.files.length} file(s) with the right sha256${served}.`
  );
}

export async function applyPublish(plan: UploadPublishPlan, effects: PublishEffects): Promise<PublishDistributionsResult> {
  let result: PublishDistributionsResult;
  try {
    result = await publishDistributions({
      project: plan.project,
      files: plan.files,
      checkUrl: plan.index.checkUrl,
      upload: async (batch) => {
        if (!plan.parallelUploads || batch.length < 2) return effects.upload(batch.map((f) => f.path));
        await allUploads(batch.map((f) => effects.upload([f.path])));
      },
      retry: { ...effects.retry, maxRetries: plan.retry.maxRetries },
      wait: { ...effects.wait, timeoutMs: plan.poll.timeoutMs },
      request: effects.request,
      ...(effects.list ? { list: effects.list } : {}),
      log: (m) => effects.log(`nx-uv publish: ${m}`),
    });
  } catch (err) {
    throw new Error(failureMessage(plan.label, plan.index, err, plan.credentialsSource), { cause: err });
  }
  effects.log(publishSummary(plan, result));
  return result;
}
