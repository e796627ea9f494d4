/**
 * Retrying index operations: exponential backoff with jitter, and a pure classification of errors.
 * Not p-retry (4.x, its last CommonJS line): no injectable sleep or jitter, and it rejects with a
 * failure itself, where tests drive the schedule and callers get a RetriesExhaustedError with the count.
 */
import { isRetryableStatus } from './errors';

const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

const RETRYABLE_MESSAGE = /socket hang up|fetch failed|other side closed|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|connection (?:reset|refused|closed)/i;

/**
 * Pure: should an operation that failed with `error` be tried again? Yes for connection failures,
 * time-outs, HTTP 5xx, 408 and 429. Anything else, in particular a 4xx rejection (bad credentials,
 * file exists, invalid metadata), fails at once. A boolean `retryable` property on the error (the
 * errors of this module and of `src/uv` have one) wins over every other rule.
 */
export function isRetryable(error: unknown): boolean {
  return classify(error, 0);
}

/** TLS/certificate and URL errors never heal by waiting, even when wrapped in "fetch failed". */
const PERMANENT_CODE = /^(?:CERT_|ERR_TLS|ERR_SSL|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_INVALID_URL|ERR_INVALID_ARG)/;

function hasPermanentCode(e: unknown, depth: number): boolean {
  if (depth > 5 || !e || typeof e !== 'object') return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && PERMANENT_CODE.test(code)) return true;
  return hasPermanentCode((e as { cause?: unknown }).cause, depth + 1);
}

function classify(error: unknown, depth: number): boolean {
  if (depth > 5 || error === null || error === undefined) return false;
  if (typeof error !== 'object') return typeof error === 'string' && RETRYABLE_MESSAGE.test(error);
  const e = error as { retryable?: unknown; status?: unknown; statusCode?: unknown; code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
  if (typeof e.retryable === 'boolean') return e.retryable;
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (status !== undefined) return isRetryableStatus(status);
  if (typeof e.code === 'string' && RETRYABLE_CODES.has(e.code)) return true;
  if (hasPermanentCode(e, 0)) return false;
  if (e.name === 'TimeoutError') return true;
  if (typeof e.message === 'string' && RETRYABLE_MESSAGE.test(e.message)) return true;
  return classify(e.cause, depth + 1);
}

export interface RetryOptions {
  /** Retries after the first attempt (so at most maxRetries + 1 attempts). Default 2. */
  maxRetries?: number;
  /** Delay before the first retry, before jitter. Default 1000 ms. */
  baseDelayMs?: number;
  /** Cap of a single delay. Default 30000 ms. */
  maxDelayMs?: number;
  /** Source of jitter in [0, 1). Default Math.random. */
  random?: () => number;
  /** Classification; default isRetryable. */
  isRetryable?: (error: unknown) => boolean;
  /** Called before each wait; `attempt` is the attempt that just failed (1-based). */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  /** Waiting; injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Delay before retry number `retry` (0-based): exponential `base * 2^retry`, capped at `maxDelayMs`,
 * with "equal jitter": half fixed, half random, so delays never collapse to zero yet spread apart.
 */
export function backoffDelay(retry: number, baseDelayMs: number, maxDelayMs: number, random: () => number): number {
  const exp = Math.min(maxDelayMs, baseDelayMs * 2 ** retry);
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** The last error after every attempt failed with a retryable error. */
export class RetriesExhaustedError extends Error {
  override readonly name = 'RetriesExhaustedError';
  readonly retryable = false;
  constructor(
    readonly attempts: number,
    readonly lastError: unknown,
  ) {
    super(`gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${lastError instanceof Error ? lastError.message : String(lastError)}`, {
      cause: lastError,
    });
  }
}

export const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn` (given the 1-based attempt number) until it succeeds, a non-retryable error occurs (thrown
 * unchanged, at once), or `maxRetries` retries have failed (RetriesExhaustedError with the last error
 * as `cause`).
 */
export async function withRetries<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const maxRetries = options.maxRetries ?? 2;
  const base = options.baseDelayMs ?? 1000;
  const cap = options.maxDelayMs ?? 30000;
  const random = options.random ?? Math.random;
  const retryable = options.isRetryable ?? isRetryable;
  const sleep = options.sleep ?? defaultSleep;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new Error(`maxRetries must be a whole number ≥ 0 (got ${maxRetries})`);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (!retryable(error)) throw error;
      if (attempt > maxRetries) throw new RetriesExhaustedError(attempt, error);
      const delayMs = backoffDelay(attempt - 1, base, cap, random);
      options.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs);
    }
  }
}
