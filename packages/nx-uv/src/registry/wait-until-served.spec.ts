import { IndexHttpError, ServeTimeoutError, UploadConflictError } from './errors';
import type { RemoteDistribution } from './simple-api';
import { waitUntilServed } from './wait-until-served';

const H = (c: string) => c.repeat(64);
const files = [
  { filename: 'p-1.0-py3-none-any.whl', sha256: H('1') },
  { filename: 'p-1.0.tar.gz', sha256: H('2') },
];

/** A fake clock: sleep advances time; list answers from a script, one entry per poll; no jitter (random 0.5). */
function fakeIndex(script: (RemoteDistribution[] | Error)[]) {
  let t = 0;
  const sleeps: number[] = [];
  let poll = 0;
  return {
    sleeps,
    polls: () => poll,
    options: {
      random: () => 0.5,
      now: () => t,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        t += ms;
      },
      list: async () => {
        const answer = script[Math.min(poll++, script.length - 1)];
        if (answer instanceof Error) throw answer;
        return answer;
      },
    },
  };
}
const served = (n: number) => files.slice(0, n).map((f) => ({ ...f, url: `http://i/${f.filename}` }));

describe('waitUntilServed', () => {
  it('polls with exponential backoff until every file is listed with its hash', async () => {
    const idx = fakeIndex([[], served(1), new IndexHttpError('GET', 'u', 502, 'Bad Gateway', ''), served(2)]);
    const result = await waitUntilServed('http://i/simple/', 'P', files, {
      ...idx.options,
      initialDelayMs: 100,
      maxDelayMs: 250,
      steadyMs: 0,
      timeoutMs: 10000,
    });
    expect(result).toEqual({ polls: 4, elapsedMs: 100 + 200 + 250 });
    expect(idx.sleeps).toEqual([100, 200, 250]);
  });

  it('by default polls every 500 ms for the first 30 s, then backs off to 15 s', async () => {
    const idx = fakeIndex([[]]);
    const err = await waitUntilServed('http://i/simple/', 'P', files, { ...idx.options, timeoutMs: 60000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServeTimeoutError);
    // 60 waits of 500 ms fill the first 30 s; then 500, 1000, 2000, 4000, 8000, and the rest of the minute.
    expect(idx.sleeps).toEqual([...Array(60).fill(500), 500, 1000, 2000, 4000, 8000, 14500]);
  });

  it('keeps on backing off up to maxDelayMs after the steady phase', async () => {
    const idx = fakeIndex([[]]);
    await waitUntilServed('http://i/simple/', 'P', files, { ...idx.options, initialDelayMs: 100, steadyMs: 300, maxDelayMs: 1000, timeoutMs: 4000 }).catch(
      () => undefined,
    );
    expect(idx.sleeps).toEqual([100, 100, 100, 100, 200, 400, 800, 1000, 1000, 200]);
  });

  it('jitters each wait by ±20 % by default', async () => {
    for (const [r, wait] of [
      [0, 400],
      [0.999999, 600],
      [0.75, 550],
    ] as const) {
      const idx = fakeIndex([[], served(2)]);
      await waitUntilServed('http://i/simple/', 'P', files, { ...idx.options, random: () => r, timeoutMs: 60000 });
      expect(idx.sleeps).toEqual([wait]);
    }
  });

  it('times out with a list of what is missing and why', async () => {
    const idx = fakeIndex([[{ filename: 'p-1.0.tar.gz', url: 'u' }]]);
    const err = await waitUntilServed('http://i/simple/', 'P', files, {
      ...idx.options,
      initialDelayMs: 1000,
      maxDelayMs: 1000,
      timeoutMs: 3500,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServeTimeoutError);
    expect((err as ServeTimeoutError).missing).toEqual(['p-1.0-py3-none-any.whl (not listed)', 'p-1.0.tar.gz (listed without sha256)']);
    expect((err as Error).message).toMatch(/^http:\/\/i\/simple\/p\/ still does not serve 2 of 2 file\(s\) after 4 s \(5 polls\)/);
    expect(idx.sleeps).toEqual([1000, 1000, 1000, 500]);
  });

  it('a time-out after failing polls says what the last failure was', async () => {
    const idx = fakeIndex([new IndexHttpError('GET', 'http://i/simple/p/', 503, 'Service Unavailable', 'maintenance')]);
    await expect(waitUntilServed('http://i/simple/', 'p', files, { ...idx.options, timeoutMs: 50, initialDelayMs: 20 })).rejects.toThrow(
      /Last poll failed: GET http:\/\/i\/simple\/p\/ answered 503 Service Unavailable: maintenance/,
    );
  });

  it('stops at once when the index serves a different file under the name', async () => {
    const idx = fakeIndex([[{ filename: 'p-1.0.tar.gz', sha256: H('9'), url: 'u' }]]);
    const err = await waitUntilServed('http://i/simple/', 'p', files, { ...idx.options, timeoutMs: 60000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UploadConflictError);
    expect((err as Error).message).toContain(`p-1.0.tar.gz: index has sha256 ${H('9')}`);
    expect(idx.polls()).toBe(1);
  });

  it('stops at once on a non-retryable index error', async () => {
    const idx = fakeIndex([new IndexHttpError('GET', 'u', 401, 'Unauthorized', 'login required')]);
    await expect(waitUntilServed('http://i/simple/', 'p', files, { ...idx.options, timeoutMs: 60000 })).rejects.toThrow(/401/);
    expect(idx.polls()).toBe(1);
  });
});
