/**
 * Polls a simple index until every given file is listed with the expected sha256: often at first,
 * when a file usually shows up, then backing off, with jitter so the tasks of a batch do not poll in
 * step (WaitOptions has the schedule). Transient failures are tolerated until the time-out; a
 * non-retryable failure (e.g. 401/403) or a file listed with another sha256 ends the wait at once.
 * A poll against a deadline, not a retry of a failure, so no retry library fits it.
 */
import { ServeTimeoutError, UploadConflictError } from './errors';
import { defaultSleep, isRetryable } from './retry';
import { listDistributionFiles, projectPageUrl, type RemoteDistribution, type SimpleRequestOptions } from './simple-api';

/** Default wait between polls during the first steady phase. */
export const DEFAULT_POLL_INTERVAL_MS = 500;
/** Default length of the steady phase. */
export const DEFAULT_STEADY_POLL_MS = 30000;

export interface WaitOptions {
  /** Overall budget. Default 300000 ms. */
  timeoutMs?: number;
  /** Wait between polls while steadyMs lasts, and the first wait of the backoff after it (the first poll is immediate). Default 500 ms. */
  initialDelayMs?: number;
  /** How long (since the wait began) to poll every initialDelayMs before backing off. Default 30000 ms; 0: back off from the start. */
  steadyMs?: number;
  /** Cap of the wait between polls. Default 15000 ms. */
  maxDelayMs?: number;
  /** Each wait is multiplied by a random factor in [1 - jitter, 1 + jitter]. Default 0.2; 0: none. */
  jitter?: number;
  /** Random numbers in [0, 1) for the jitter (tests). Default Math.random. */
  random?: () => number;
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
  const initialDelay = options.initialDelayMs ?? DEFAULT_POLL_INTERVAL_MS;
  let delay = initialDelay;
  const maxDelay = options.maxDelayMs ?? 15000;
  const steadyMs = options.steadyMs ?? DEFAULT_STEADY_POLL_MS;
  const jitter = Math.min(1, Math.max(0, options.jitter ?? 0.2));
  const random = options.random ?? Math.random;
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
    // Steady polling while a file is most likely to show up, then exponential backoff.
    const base = elapsed < steadyMs ? Math.min(initialDelay, maxDelay) : delay;
    const wait = Math.round(base * (1 + jitter * (2 * random() - 1)));
    await sleep(Math.min(wait, Math.max(0, timeoutMs - elapsed)));
    if (elapsed >= steadyMs) delay = Math.min(maxDelay, delay * 2);
  }
}
