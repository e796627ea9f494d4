/**
 * Publishing through a fault-injecting proxy in front of the real pypiserver: 503s and dropped
 * connections on a seeded schedule. Everything must end up published exactly once, in order.
 */
import { resolvePublishCredentials } from '../uv/credentials';
import { uvPublish } from '../uv/publish';
import { seededRandom, startFaultProxy, uploadFilenameOf, type FaultProxy, type FaultRule } from '../testing/fault-proxy';
import { startPypiServer, type PypiServer } from '../testing/pypiserver';
import { makeTempDir, uvTestEnv } from '../testing/tools';
import type { LocalDistribution } from './plan-uploads';
import { publishDistributions } from './publish-distributions';
import { listDistributionFiles } from './simple-api';
import { buildDists } from './__fixtures__/build-dists';

const TOKEN = 'pypi-fault-token-abcdef';

describe('publishing through a faulty network', () => {
  const tmp = makeTempDir('nx-uv-faults-');
  let srv: PypiServer;
  let proxy: FaultProxy;
  const credentials = resolvePublishCredentials('custom', { UV_PUBLISH_TOKEN: TOKEN });

  beforeAll(async () => {
    srv = await startPypiServer({ auth: { username: '__token__', password: TOKEN } });
  });
  afterAll(async () => {
    await srv?.stop();
    tmp.cleanup();
  });
  afterEach(async () => {
    await proxy?.stop();
  });

  /** Publishes packages one after the other (dependency order), everything through the proxy. */
  async function publishInOrder(
    packages: { name: string; files: LocalDistribution[] }[],
    env: NodeJS.ProcessEnv,
    retries: number,
  ): Promise<{ attempts: Record<string, number>; log: string[] }> {
    const attempts: Record<string, number> = {};
    const log: string[] = [];
    for (const p of packages) {
      const r = await publishDistributions({
        project: p.name,
        files: p.files,
        checkUrl: `${proxy.url}simple/`,
        upload: async (files) => {
          await uvPublish({
            files: files.map((f) => f.path),
            publishUrl: proxy.url,
            checkUrl: `${proxy.url}simple/`,
            credentials,
            cwd: tmp.dir,
            env,
          });
        },
        retry: { maxRetries: retries, baseDelayMs: 20, maxDelayMs: 200, random: () => 0.5 },
        wait: { timeoutMs: 10000, initialDelayMs: 20, maxDelayMs: 100 },
        log: (m) => log.push(m),
      });
      attempts[p.name] = r.attempts;
    }
    return { attempts, log };
  }

  /** What the index (asked directly, not through the proxy) serves, per package. */
  async function served(packages: { name: string; files: LocalDistribution[] }[]) {
    for (const p of packages) {
      const remote = await listDistributionFiles(srv.simpleUrl, p.name);
      expect(remote.map((r) => [r.filename, r.sha256]).sort()).toEqual(p.files.map((f) => [f.filename, f.sha256]).sort());
    }
  }

  /** Every file was stored by exactly one successful upload, packages in order. */
  function uploadedOnceInOrder(packages: { name: string; files: LocalDistribution[] }[]) {
    const ok = proxy.successfulUploads().map((r) => r.uploadFilename as string);
    expect([...ok].sort()).toEqual(packages.flatMap((p) => p.files.map((f) => f.filename)).sort());
    const pkgIndex = (filename: string) => packages.findIndex((p) => p.files.some((f) => f.filename === filename));
    const order = ok.map(pkgIndex);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  }

  async function build(prefix: string, n: number) {
    return Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const name = `${prefix}-${i}`;
        return { name, files: await buildDists(tmp.dir, { name, version: '1.0.0' }) };
      }),
    );
  }

  it('the fault schedule is a function of the seed and the request order', async () => {
    const outcomes = async (seed: number) => {
      proxy = await startFaultProxy({ upstream: srv.url, seed, rules: [{ method: 'GET', path: '/simple/', share: 0.5, fault: '503' }] });
      for (let i = 0; i < 12; i++) await (await fetch(`${proxy.url}simple/`)).arrayBuffer();
      await (await fetch(`${proxy.url}packages/`)).arrayBuffer(); // matches no rule: always forwarded
      const seen = proxy.requests.map((r) => `${r.outcome}:${r.upstreamStatus ?? '-'}`);
      await proxy.stop();
      return seen;
    };
    const a = await outcomes(11);
    expect(await outcomes(11)).toEqual(a);
    expect(a.filter((o) => o === '503:-').length).toBeGreaterThan(0);
    expect(a.filter((o) => o === 'forwarded:200').length).toBeGreaterThan(1);
    expect(a[12]).toBe('forwarded:200');
    expect(seededRandom(5)()).toBe(seededRandom(5)());
    expect(seededRandom(5)()).not.toBe(seededRandom(6)());
  });

  it('reads the file name of a multipart upload', () => {
    const body = Buffer.from(
      '--b\r\nContent-Disposition: form-data; name=":action"\r\n\r\nfile_upload\r\n' +
        '--b\r\nContent-Disposition: form-data; name="content"; filename="x-1.0.tar.gz"\r\n\r\n\x00\x01\r\n--b--\r\n',
      'latin1',
    );
    expect(uploadFilenameOf(body, 'multipart/form-data; boundary=b')).toBe('x-1.0.tar.gz');
    expect(uploadFilenameOf(body, 'application/json')).toBeUndefined();
  });

  it('503s on uploads and on index pages: retried until everything is published once', async () => {
    const packages = await build('five-oh-three', 3);
    const rules: FaultRule[] = [
      { method: 'POST', share: 0.5, fault: '503', maxConsecutive: 2 },
      { method: 'GET', path: '/simple/', share: 0.2, fault: '503', maxConsecutive: 1 },
    ];
    proxy = await startFaultProxy({ upstream: srv.url, seed: 42, rules });
    const { attempts } = await publishInOrder(packages, { ...uvTestEnv(), UV_HTTP_RETRIES: '0' }, 12);

    await served(packages);
    uploadedOnceInOrder(packages);
    const faulted = proxy.requests.filter((r) => r.outcome === '503');
    expect(faulted.filter((r) => r.method === 'POST').length).toBeGreaterThan(0);
    expect(faulted.filter((r) => r.method === 'GET').length).toBeGreaterThan(0);
    expect(Object.values(attempts).some((a) => a > 1)).toBe(true);
    expect(proxy.requests.every((r) => r.method !== 'POST' || r.hadAuthorization)).toBe(true);
  });

  it('connections dropped before the upload reaches the index: retried, each file stored once', async () => {
    const packages = await build('dropped', 3);
    proxy = await startFaultProxy({
      upstream: srv.url,
      seed: 7,
      rules: [{ method: 'POST', share: 0.5, fault: 'drop', maxConsecutive: 3 }],
    });
    const { attempts } = await publishInOrder(packages, { ...uvTestEnv(), UV_HTTP_RETRIES: '0' }, 8);

    await served(packages);
    uploadedOnceInOrder(packages);
    expect(proxy.requests.filter((r) => r.outcome === 'drop').length).toBeGreaterThan(0);
    expect(Object.values(attempts).some((a) => a > 1)).toBe(true);
  });

  it('answers lost after the upload landed: the next attempt sees the file and does not upload it again', async () => {
    const packages = await build('lost-answer', 3);
    proxy = await startFaultProxy({
      upstream: srv.url,
      seed: 3,
      rules: [{ method: 'POST', share: 0.5, fault: 'drop-after', maxConsecutive: 2 }],
    });
    await publishInOrder(packages, { ...uvTestEnv(), UV_HTTP_RETRIES: '0' }, 8);

    await served(packages);
    uploadedOnceInOrder(packages);
    const lost = proxy.requests.filter((r) => r.outcome === 'drop-after');
    expect(lost.length).toBeGreaterThan(0);
    // No file was POSTed again after the upload that stored it (its answer was lost).
    for (const r of lost) {
      const later = proxy.requests.filter((x) => x.seq > r.seq && x.uploadFilename === r.uploadFilename);
      expect(later).toEqual([]);
    }
  });

  it("with uv's own retries, a lost answer makes uv re-POST, get 409, check the index and succeed", async () => {
    const [pkg] = await build('uv-retry', 1);
    proxy = await startFaultProxy({
      upstream: srv.url,
      seed: 1,
      rules: [{ method: 'POST', share: 1, fault: 'drop-after', maxConsecutive: 1 }],
    });
    const env = { ...uvTestEnv(), UV_HTTP_RETRIES: '1' };
    const { attempts } = await publishInOrder([pkg], env, 0);

    await served([pkg]);
    uploadedOnceInOrder([pkg]);
    expect(attempts[pkg.name]).toBe(1);
    const posts = proxy.requests.filter((r) => r.method === 'POST').map((r) => [r.uploadFilename, r.outcome, r.upstreamStatus]);
    expect(posts).toEqual([
      [pkg.files[0].filename, 'drop-after', 200],
      [pkg.files[0].filename, 'forwarded', 409],
      [pkg.files[1].filename, 'drop-after', 200],
      [pkg.files[1].filename, 'forwarded', 409],
    ]);
  });
});
