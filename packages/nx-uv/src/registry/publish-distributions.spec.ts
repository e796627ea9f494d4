import { IndexHttpError, UploadConflictError } from './errors';
import type { LocalDistribution } from './plan-uploads';
import { publishDistributions } from './publish-distributions';
import type { RemoteDistribution } from './simple-api';

const H = (c: string) => c.repeat(64);
const files: LocalDistribution[] = [
  { path: '/d/p-1.0-py3-none-any.whl', filename: 'p-1.0-py3-none-any.whl', sha256: H('1') },
  { path: '/d/p-1.0.tar.gz', filename: 'p-1.0.tar.gz', sha256: H('2') },
];

/** An in-memory index; `upload` stores files unless a scripted failure says otherwise. */
function memoryIndex() {
  const stored = new Map<string, string>();
  const uploads: string[][] = [];
  return {
    stored,
    uploads,
    list: async (): Promise<RemoteDistribution[]> => [...stored].map(([filename, sha256]) => ({ filename, sha256, url: `http://i/${filename}` })),
    store: (fs: LocalDistribution[]) => fs.forEach((f) => stored.set(f.filename, f.sha256)),
  };
}
const quick = { retry: { sleep: async () => undefined, random: () => 0, maxRetries: 2 }, wait: { sleep: async () => undefined } };

describe('publishDistributions', () => {
  it('uploads what is missing, then waits until served', async () => {
    const idx = memoryIndex();
    idx.stored.set('p-1.0-py3-none-any.whl', H('1'));
    const r = await publishDistributions({
      ...quick,
      project: 'P',
      files,
      checkUrl: 'http://i/simple/',
      list: idx.list,
      upload: async (fs) => {
        idx.uploads.push(fs.map((f) => f.filename));
        idx.store(fs);
      },
    });
    expect(idx.uploads).toEqual([['p-1.0.tar.gz']]);
    expect(r).toMatchObject({ uploaded: ['p-1.0.tar.gz'], skipped: ['p-1.0-py3-none-any.whl'], attempts: 1, dryRun: false });
    expect(r.wait?.polls).toBe(1);
  });

  it('is a no-op when everything is already there', async () => {
    const idx = memoryIndex();
    idx.store(files);
    const upload = jest.fn();
    const r = await publishDistributions({ ...quick, project: 'p', files, checkUrl: 'http://i/simple/', list: idx.list, upload });
    expect(upload).not.toHaveBeenCalled();
    expect(r.skipped).toEqual(['p-1.0-py3-none-any.whl', 'p-1.0.tar.gz']);
  });

  it('after a transient failure re-plans, so a file that landed is not uploaded again', async () => {
    const idx = memoryIndex();
    const r = await publishDistributions({
      ...quick,
      project: 'p',
      files,
      checkUrl: 'http://i/simple/',
      list: idx.list,
      upload: async (fs, attempt) => {
        idx.uploads.push(fs.map((f) => f.filename));
        if (attempt === 1) {
          idx.store(fs.slice(0, 1)); // first file lands, then the connection breaks
          throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
        }
        idx.store(fs);
      },
    });
    expect(idx.uploads).toEqual([['p-1.0-py3-none-any.whl', 'p-1.0.tar.gz'], ['p-1.0.tar.gz']]);
    expect(r.attempts).toBe(2);
  });

  it('a "file exists" rejection for files that landed identically counts as success', async () => {
    const idx = memoryIndex();
    const logs: string[] = [];
    const r = await publishDistributions({
      ...quick,
      log: (m) => logs.push(m),
      project: 'p',
      files,
      checkUrl: 'http://i/simple/',
      list: idx.list,
      upload: async (fs) => {
        idx.store(fs); // stored, but the client saw its answer lost, retried, and got 400
        throw new IndexHttpError('POST', 'http://i/legacy/', 400, 'Bad Request', 'File already exists');
      },
    });
    expect(r.attempts).toBe(1);
    expect(logs.join('\n')).toMatch(/reported an error but the index serves every file identically/);
  });

  it('a 4xx with nothing landed fails at once', async () => {
    const idx = memoryIndex();
    const upload = jest.fn(async () => {
      throw new IndexHttpError('POST', 'http://i/legacy/', 403, 'Forbidden', 'Invalid API token');
    });
    await expect(publishDistributions({ ...quick, project: 'p', files, checkUrl: 'http://i/simple/', list: idx.list, upload })).rejects.toThrow(
      /403 Forbidden: Invalid API token/,
    );
    expect(upload).toHaveBeenCalledTimes(1);
  });

  it('conflicts stop before any upload', async () => {
    const idx = memoryIndex();
    idx.stored.set('p-1.0.tar.gz', H('f'));
    const upload = jest.fn();
    await expect(publishDistributions({ ...quick, project: 'p', files, checkUrl: 'http://i/simple/', list: idx.list, upload })).rejects.toBeInstanceOf(
      UploadConflictError,
    );
    expect(upload).not.toHaveBeenCalled();
  });

  it('dry run plans but neither uploads nor waits', async () => {
    const idx = memoryIndex();
    const upload = jest.fn();
    const r = await publishDistributions({ ...quick, dryRun: true, project: 'p', files, checkUrl: 'http://i/simple/', list: idx.list, upload });
    expect(upload).not.toHaveBeenCalled();
    expect(r.initialPlan.upload.map((f) => f.filename)).toEqual(['p-1.0-py3-none-any.whl', 'p-1.0.tar.gz']);
    expect(r.wait).toBeUndefined();
    expect(r.dryRun).toBe(true);
  });
});
