import { IndexHttpError, IndexRequestError } from './errors';
import { backoffDelay, isRetryable, RetriesExhaustedError, withRetries } from './retry';

describe('isRetryable', () => {
  const withCode = (code: string, message = `connect ${code} 127.0.0.1:1`) => Object.assign(new Error(message), { code });

  it.each([
    ['ECONNRESET on the error', withCode('ECONNRESET')],
    ['ECONNREFUSED on the error', withCode('ECONNREFUSED')],
    ['socket hang up', new Error('socket hang up')],
    ['undici "fetch failed" with a cause', new TypeError('fetch failed', { cause: withCode('UND_ERR_SOCKET', 'other side closed') })],
    ['ECONNRESET only on the cause', new Error('request failed', { cause: withCode('ECONNRESET', 'read') })],
    ['a time-out', Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' })],
    ['HTTP 500', new IndexHttpError('GET', 'http://x/simple/a/', 500, 'Internal Server Error', '')],
    ['HTTP 503', new IndexHttpError('POST', 'http://x/', 503, 'Service Unavailable', '')],
    ['HTTP 429', { status: 429 }],
    ['IndexRequestError flagged retryable', new IndexRequestError('GET', 'http://x/', new Error('boom'), true)],
  ])('retries %s', (_label, error) => {
    expect(isRetryable(error)).toBe(true);
  });

  it.each([
    ['HTTP 400', new IndexHttpError('POST', 'http://x/', 400, 'Bad Request', 'File already exists')],
    ['HTTP 403', new IndexHttpError('POST', 'http://x/', 403, 'Forbidden', 'Invalid or non-existent authentication')],
    ['HTTP 404 as statusCode', { statusCode: 404 }],
    ['a plain programming error', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['an unrelated code', withCode('ENOENT', 'no such file')],
    ['a certificate failure inside "fetch failed"', new TypeError('fetch failed', { cause: withCode('CERT_HAS_EXPIRED', 'certificate has expired') })],
    ['a self-signed certificate', new TypeError('fetch failed', { cause: withCode('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate') })],
    ['undefined', undefined],
    ['null', null],
  ])('does not retry %s', (_label, error) => {
    expect(isRetryable(error)).toBe(false);
  });

  it('lets an explicit retryable flag win over the status', () => {
    expect(isRetryable({ status: 503, retryable: false })).toBe(false);
    expect(isRetryable({ status: 409, retryable: true })).toBe(true);
  });
});

describe('backoffDelay', () => {
  it('doubles per retry, keeps half fixed and half jittered, and caps', () => {
    expect(backoffDelay(0, 100, 10000, () => 0)).toBe(50);
    expect(backoffDelay(0, 100, 10000, () => 0.999999)).toBe(100);
    expect(backoffDelay(3, 100, 10000, () => 0.5)).toBe(600); // 800/2 + 0.5*400
    expect(backoffDelay(20, 100, 1000, () => 1 - Number.EPSILON)).toBe(1000);
  });
});

describe('withRetries', () => {
  const fast = (delays: number[]) => ({ sleep: async (ms: number) => void delays.push(ms), random: () => 0.5, baseDelayMs: 100 });

  it('retries transient failures and returns the first success', async () => {
    const delays: number[] = [];
    const attempts: number[] = [];
    const result = await withRetries(
      async (attempt) => {
        attempts.push(attempt);
        if (attempt < 3) throw new IndexHttpError('POST', 'http://x/', 503, 'Service Unavailable', '');
        return 'done';
      },
      { maxRetries: 2, ...fast(delays) },
    );
    expect(result).toBe('done');
    expect(attempts).toEqual([1, 2, 3]);
    expect(delays).toEqual([75, 150]);
  });

  it('throws a 4xx at once, unchanged, without waiting', async () => {
    const delays: number[] = [];
    let calls = 0;
    const rejection = new IndexHttpError('POST', 'http://x/', 403, 'Forbidden', 'Invalid credentials');
    await expect(
      withRetries(
        async () => {
          calls++;
          throw rejection;
        },
        { maxRetries: 5, ...fast(delays) },
      ),
    ).rejects.toBe(rejection);
    expect(calls).toBe(1);
    expect(delays).toEqual([]);
  });

  it('gives up after maxRetries + 1 attempts with the last error as cause', async () => {
    let calls = 0;
    const err = await withRetries(
      async () => {
        calls++;
        throw Object.assign(new Error(`read ECONNRESET #${calls}`), { code: 'ECONNRESET' });
      },
      { maxRetries: 2, ...fast([]) },
    ).catch((e: unknown) => e);
    expect(calls).toBe(3);
    expect(err).toBeInstanceOf(RetriesExhaustedError);
    expect((err as RetriesExhaustedError).attempts).toBe(3);
    expect((err as Error).message).toBe('gave up after 3 attempts: read ECONNRESET #3');
    expect(isRetryable(err)).toBe(false);
  });

  it('with maxRetries 0 tries once', async () => {
    let calls = 0;
    await expect(
      withRetries(
        async () => {
          calls++;
          throw new Error('socket hang up');
        },
        { maxRetries: 0, ...fast([]) },
      ),
    ).rejects.toThrow('gave up after 1 attempt: socket hang up');
    expect(calls).toBe(1);
  });

  it('reports each retry', async () => {
    const seen: string[] = [];
    await withRetries(
      async (attempt) => {
        if (attempt === 1) throw new Error('fetch failed');
        return 1;
      },
      { ...fast([]), onRetry: ({ attempt, delayMs }) => seen.push(`${attempt}:${delayMs}`) },
    );
    expect(seen).toEqual(['1:75']);
  });

  it('rejects a nonsensical maxRetries', async () => {
    await expect(withRetries(async () => 1, { maxRetries: -1 })).rejects.toThrow(/maxRetries/);
  });
});
