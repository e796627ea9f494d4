import { IndexHttpError } from '../../registry';
import { allUploads } from './executor';

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
