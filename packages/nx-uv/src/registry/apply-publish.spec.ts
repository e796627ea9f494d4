import { allUploads, listingRequestOptions } from './apply-publish';
import { IndexHttpError } from './errors';
import type { IndexTarget } from './index-target';

/** An upload that settles when told to, recording that it started. */
function pending() {
  let settle!: (error?: unknown) => void;
  const promise = new Promise<void>((resolve, reject) => (settle = (error?: unknown) => (error === undefined ? resolve() : reject(error))));
  return { promise, settle };
}

describe('allUploads (the files of one package, one uv publish each)', () => {
  it('waits for every upload, all running at once', async () => {
    const a = pending();
    const b = pending();
    let done = false;
    const all = allUploads([a.promise, b.promise]).then(() => (done = true));
    b.settle();
    await Promise.resolve();
    expect(done).toBe(false);
    a.settle();
    await all;
    expect(done).toBe(true);
  });

  it('throws only after every upload settled, a non-retryable failure before a retryable one', async () => {
    const transient = new IndexHttpError('POST', 'u', 503, 'Service Unavailable', '');
    const refused = new IndexHttpError('POST', 'u', 403, 'Forbidden', 'wrong password');
    const a = pending();
    const b = pending();
    const c = pending();
    let settled = false;
    const all = allUploads([a.promise, b.promise, c.promise]).catch((e: unknown) => ((settled = true), e));
    a.settle(transient);
    b.settle(refused);
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false); // c is still uploading
    c.settle();
    expect(await all).toBe(refused);
  });

  it('only retryable failures: the first of them', async () => {
    const first = new IndexHttpError('POST', 'u', 502, 'Bad Gateway', '');
    const second = new IndexHttpError('POST', 'u', 503, 'Service Unavailable', '');
    await expect(allUploads([Promise.reject(first), Promise.resolve(), Promise.reject(second)])).rejects.toBe(first);
  });
});

describe('listingRequestOptions (credentials for reading the check URL)', () => {
  const index = (target: IndexTarget['target'], publishUrl: string, checkUrl: string): IndexTarget => ({
    target,
    publishUrl,
    checkUrl,
    sources: { publishUrl: 'test', checkUrl: 'test' },
  });
  const token = { kind: 'token' as const, token: 'tok', source: 'UV_PUBLISH_TOKEN' };
  const basic = { kind: 'basic' as const, username: 'u', password: 'p', source: 'UV_PUBLISH_USERNAME/UV_PUBLISH_PASSWORD' };

  it('sends them to a custom index on the same origin', () => {
    expect(listingRequestOptions(index('custom', 'https://pkgs.example/upload/', 'https://pkgs.example/simple/'), token)).toEqual({
      basicAuth: { username: '__token__', password: 'tok' },
    });
    expect(listingRequestOptions(index('custom', 'https://pkgs.example/', 'https://pkgs.example/simple/'), basic)).toEqual({
      basicAuth: { username: 'u', password: 'p' },
    });
  });

  it('never to another host, never to PyPI/TestPyPI, never for trusted publishing', () => {
    expect(listingRequestOptions(index('custom', 'https://upload.example/', 'https://read.example/simple/'), token)).toEqual({});
    expect(listingRequestOptions(index('pypi', 'https://upload.pypi.org/legacy/', 'https://pypi.org/simple/'), token)).toEqual({});
    expect(listingRequestOptions(index('custom', 'https://pkgs.example/', 'https://pkgs.example/simple/'), { kind: 'trusted', source: 'oidc' })).toEqual({});
    expect(listingRequestOptions(index('custom', 'https://pkgs.example/', 'https://pkgs.example/simple/'), undefined)).toEqual({});
  });
});
