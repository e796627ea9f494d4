/**
 * Polls a simple index until every given file is listed with the expected sha256.
 * Exponential backoff between polls (initialDelayMs, doubling, capped at maxDelayMs), bounded by
 * timeoutMs overall. Transient failures of a poll (5xx, connection errors) are tolerated until the
 * time-out; a non-retryable failure (e.g. 401/403 on the index) or a file listed with a different
 * sha256 ends the wait at once — it would never come right.
 * A poll against a deadline, not a retry of a failure, so no retry library fits it.
 */
import { ServeTimeoutError, UploadConflictError } from './errors';
import { defaultSleep, isRetryable } from './retry';
import { listDistributionFiles, projectPageUrl, type RemoteDistribution, type SimpleRequestOptions } from './simple-api';

export interface WaitOptions {
  /** Overall budget. Default 300000 ms. */
  timeoutMs?: number;
  /** Wait before the second poll (the first is immediate). Default 1000 ms. */
  initialDelayMs?: number;
  /** Cap of the wait between polls. Default 15000 ms. */
  maxDelayMs?: number;
  /** Options of the index requests (auth, format, fetch). */
  request?: SimpleRequestOptions;
  /** Injectables for tests. */
  list?: (checkUrl: string, project: string) => Promise<RemoteDistribution[]>;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  onPoll?: (info: { poll: number; missing: string[]; error?: unknown }) => void;
}

export interface WaitResult {
  polls: number;
  elapsedMs: number;
}

export async function waitUntilServed(
  checkUrl: string,
  project: string,
  files: { filename: string; sha256: string; path?: string }[],
  options: WaitOptions = {},
): Promise<WaitResult> {
  const timeoutMs = options.timeoutMs ?? 300000;
  let delay = options.initialDelayMs ?? 1000;
  const maxDelay = options.maxDelayMs ?? 15000;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const list = options.list ?? ((u: string, p: string) => listDistributionFiles(u, p, options.request));
  const pageUrl = projectPageUrl(checkUrl, project);
  const start = now();
  let polls = 0;
  let lastError: unknown;
  let missing: string[] = files.map((f) => `${f.filename} (not listed)`);

  for (;;) {
    polls++;
    lastError = undefined;
    try {
      const remote = await list(checkUrl, project);
      const byName = new Map(remote.map((r) => [r.filename, r]));
      missing = [];
      const wrong: { filename: string; localSha256: string; remoteSha256?: string; path: string }[] = [];
      for (const f of files) {
        const r = byName.get(f.filename);
        if (!r) missing.push(`${f.filename} (not listed)`);
        else if (!r.sha256) missing.push(`${f.filename} (listed without sha256)`);
        else if (r.sha256.toLowerCase() !== f.sha256.toLowerCase()) {
          wrong.push({ filename: f.filename, localSha256: f.sha256, remoteSha256: r.sha256, path: f.path ?? f.filename });
        }
      }
      if (wrong.length > 0) throw new UploadConflictError(wrong, pageUrl);
      if (missing.length === 0) return { polls, elapsedMs: now() - start };
    } catch (error) {
      if (!isRetryable(error)) throw error;
      lastError = error;
    }
    options.onPoll?.({ poll: polls, missing, error: lastError });
    const elapsed = now() - start;
    if (elapsed >= timeoutMs) {
      const why = lastError instanceof Error ? `\nLast poll failed: ${lastError.message}` : '';
      throw new ServeTimeoutError(
        `${pageUrl} still does not serve ${missing.length} of ${files.length} file(s) after ${Math.round(elapsed / 1000)} s ` +
          `(${polls} polls):\n  ${missing.join('\n  ')}${why}\n` +
          'The upload may have failed silently or the index is slow: check the index, then re-run publish ' +
          '(files already served are skipped) or raise pollTimeoutSeconds.',
        missing,
      );
    }
    await sleep(Math.min(delay, Math.max(0, timeoutMs - elapsed)));
    delay = Math.min(maxDelay, delay * 2);
  }
}
