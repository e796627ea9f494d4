/**
 * The registry functions against the real pypiserver on loopback, fed by real `uv publish` uploads.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { resolvePublishCredentials } from '../uv/credentials';
import { uvPublish } from '../uv/publish';
import { findFreePort, startPypiServer, type PypiServer } from '../testing/pypiserver';
import { makeTempDir, uvTestEnv } from '../testing/tools';
import { ServeTimeoutError, UploadConflictError } from './errors';
import { resolveIndexTarget } from './index-target';
import { assertNoConflicts, planUploads, type LocalDistribution } from './plan-uploads';
import { sha256File } from './sha256';
import { listDistributionFiles, normalizeProjectName, PEP691_JSON } from './simple-api';
import { waitUntilServed } from './wait-until-served';
import { buildDists } from './__fixtures__/build-dists';
import { pep691Page, startHttpServer, type TestServer } from './__fixtures__/http-server';

const TOKEN = 'pypi-test-token-0123456789';

describe('registry against pypiserver', () => {
  const tmp = makeTempDir('nx-uv-registry-');
  let srv: PypiServer;
  let jsonIndex: TestServer;
  let alpha: LocalDistribution[];
  let beta: LocalDistribution[];

  beforeAll(async () => {
    [srv, alpha, beta] = await Promise.all([
      startPypiServer({ auth: { username: '__token__', password: TOKEN } }),
      buildDists(tmp.dir, { name: 'Alpha_Pkg', version: '1.0.0' }),
      buildDists(tmp.dir, { name: 'beta.lib', version: '2.0.0' }),
    ]);
    // The index of uploads is derived by the documented pypiserver convention.
    const target = resolveIndexTarget({ target: 'custom', env: { UV_PUBLISH_URL: srv.url } });
    expect(target.checkUrl).toBe(srv.simpleUrl);
    const credentials = resolvePublishCredentials('custom', { UV_PUBLISH_TOKEN: TOKEN });
    for (const dists of [alpha, beta]) {
      await uvPublish({
        files: dists.map((d) => d.path),
        publishUrl: target.publishUrl,
        checkUrl: target.checkUrl,
        credentials,
        cwd: tmp.dir,
        env: uvTestEnv(),
      });
    }
    // A PEP 691 JSON view of the same packages directory (pypiserver itself only speaks HTML),
    // hashing the stored files independently.
    jsonIndex = await startHttpServer((req, res) => {
      const m = /^\/simple\/([^/]+)\/$/.exec(req.url ?? '');
      const files = fs.readdirSync(srv.packagesDir).filter((f) => m && normalizeProjectName(f.split('-')[0]) === m[1]);
      if (!m || files.length === 0 || !(req.headers.accept ?? '').includes(PEP691_JSON)) {
        res.writeHead(404);
        return res.end();
      }
      res.writeHead(200, { 'Content-Type': PEP691_JSON });
      res.end(
        pep691Page(
          m[1],
          files.map((f) => ({
            filename: f,
            url: `/packages/${f}`,
            sha256: createHash('sha256')
              .update(fs.readFileSync(path.join(srv.packagesDir, f)))
              .digest('hex'),
          })),
        ),
      );
    });
  });
  afterAll(async () => {
    await Promise.all([srv?.stop(), jsonIndex?.close()]);
    tmp.cleanup();
  });

  const expected = (dists: LocalDistribution[], base: string) =>
    dists.map((d) => ({ filename: d.filename, sha256: d.sha256, url: `${base}packages/${d.filename}` }));

  it('both uploads landed, byte for byte', async () => {
    for (const d of [...alpha, ...beta]) {
      expect(await sha256File(path.join(srv.packagesDir, d.filename))).toBe(d.sha256);
    }
  });

  it('lists files with sha256 from the PEP 503 HTML page (any spelling of the name)', async () => {
    expect(await listDistributionFiles(srv.simpleUrl, 'alpha-pkg')).toEqual(expected(alpha, srv.url));
    expect(await listDistributionFiles(srv.simpleUrl, 'ALPHA.pkg', { format: 'html' })).toEqual(expected(alpha, srv.url));
    expect(await listDistributionFiles(srv.simpleUrl, 'Beta_Lib')).toEqual(expected(beta, srv.url));
  });

  it('lists the same files from PEP 691 JSON', async () => {
    const base = `${jsonIndex.url}simple/`;
    expect(await listDistributionFiles(base, 'Alpha_Pkg', { format: 'json' })).toEqual(expected(alpha, jsonIndex.url));
    expect(await listDistributionFiles(base, 'beta-lib')).toEqual(expected(beta, jsonIndex.url));
  });

  it('an unknown project is an empty list (pypiserver runs with --disable-fallback)', async () => {
    expect(await listDistributionFiles(srv.simpleUrl, 'never-uploaded')).toEqual([]);
  });

  it('planUploads: identical files are skipped, a new version is uploaded', async () => {
    const next = await buildDists(tmp.dir, { name: 'Alpha_Pkg', version: '1.0.1' });
    const remote = await listDistributionFiles(srv.simpleUrl, 'alpha-pkg');
    const plan = planUploads([...alpha, ...next], remote);
    expect(plan.skip).toEqual(alpha);
    expect(plan.upload).toEqual(next);
    expect(plan.conflicts).toEqual([]);
  });

  it('planUploads: a rebuilt file with other content under a published name is a conflict', async () => {
    const changed = await buildDists(tmp.dir, { name: 'Alpha_Pkg', version: '1.0.0', marker: 'changed' });
    expect(changed.map((d) => d.filename)).toEqual(alpha.map((d) => d.filename));
    const plan = planUploads(changed, await listDistributionFiles(srv.simpleUrl, 'alpha-pkg'));
    expect(plan.upload).toEqual([]);
    expect(plan.conflicts.map((c) => [c.filename, c.remoteSha256])).toEqual(alpha.map((d) => [d.filename, d.sha256]));
    expect(() => assertNoConflicts(plan, srv.simpleUrl)).toThrow(UploadConflictError);
    expect(() => assertNoConflicts(plan, srv.simpleUrl)).toThrow(new RegExp(`2 files already on ${srv.simpleUrl} differ`));
  });

  it('waitUntilServed returns once everything is listed with the right hash', async () => {
    const r = await waitUntilServed(srv.simpleUrl, 'beta.lib', beta, { timeoutMs: 5000, initialDelayMs: 50 });
    expect(r.polls).toBe(1);
  });

  it('waitUntilServed times out naming what is missing', async () => {
    const ghost = { filename: 'alpha_pkg-9.9.9.tar.gz', sha256: 'c'.repeat(64) };
    const started = Date.now();
    const err = await waitUntilServed(srv.simpleUrl, 'Alpha_Pkg', [alpha[0], ghost], {
      timeoutMs: 600,
      initialDelayMs: 50,
      maxDelayMs: 200,
    }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(err).toBeInstanceOf(ServeTimeoutError);
    expect((err as ServeTimeoutError).missing).toEqual(['alpha_pkg-9.9.9.tar.gz (not listed)']);
    expect((err as Error).message).toContain(`${srv.simpleUrl}alpha-pkg/ still does not serve 1 of 2 file(s)`);
  });

  it('the server log records the uploads', () => {
    const log = fs.readFileSync(srv.logFile, 'utf8');
    for (const d of [...alpha, ...beta]) expect(log).toContain(`stored '${d.filename}'`);
  });

  it('startPypiServer moves to another port when its port was taken meanwhile', async () => {
    const squatter = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', () => resolve()));
    const taken = (squatter.address() as net.AddressInfo).port;
    const ports = [taken];
    const other = await startPypiServer({ findPort: async () => ports.shift() ?? findFreePort() });
    try {
      expect(other.attemptedPorts[0]).toBe(taken);
      expect(other.port).not.toBe(taken);
      expect((await fetch(other.simpleUrl)).status).toBe(200);
    } finally {
      await other.stop();
      squatter.close();
    }
    expect(fs.existsSync(other.packagesDir)).toBe(false);
  });
});
