/**
 * uvPublish against the real pypiserver on loopback, with the real uv behind a recording wrapper.
 */
import * as fs from 'node:fs';
import { buildDists } from '../registry/__fixtures__/build-dists';
import type { LocalDistribution } from '../registry/plan-uploads';
import { publishDistributions } from '../registry/publish-distributions';
import { startFaultProxy } from '../testing/fault-proxy';
import { startPypiServer, type PypiServer } from '../testing/pypiserver';
import { makeTempDir, uvTestEnv } from '../testing/tools';
import { resolvePublishCredentials } from './credentials';
import { uvPublish } from './publish';
import { UvCommandError } from './run-uv';
import { recordingUv, type RecordingUv } from './__fixtures__/recording-uv';

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection<E>(p: Promise<unknown>): Promise<E> {
  try {
    await p;
  } catch (e) {
    return e as E;
  }
  throw new Error('expected a rejection');
}

const TOKEN = 'pypi-AgEIcHlwaS5vcmcCJGFiY2RlZg-TOKEN';
const PASSWORD = 'S3cret pass:with/odd=chars!';

describe('uvPublish against pypiserver', () => {
  const tmp = makeTempDir('nx-uv-publish-');
  let tokenServer: PypiServer;
  let passwordServer: PypiServer;
  let uv: RecordingUv;
  let alpha: LocalDistribution[];
  let beta: LocalDistribution[];
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    [tokenServer, passwordServer, alpha, beta] = await Promise.all([
      startPypiServer({ auth: { username: '__token__', password: TOKEN } }),
      startPypiServer({ auth: { username: 'alice', password: PASSWORD } }),
      buildDists(tmp.dir, { name: 'Alpha_Pkg', version: '1.0.0' }),
      buildDists(tmp.dir, { name: 'beta.lib', version: '2.0.0rc1' }),
    ]);
    uv = recordingUv(tmp.dir);
    env = { ...uvTestEnv(), NX_UV_UV_PATH: uv.path, UV_HTTP_RETRIES: '0' };
  });
  afterAll(async () => {
    await Promise.all([tokenServer?.stop(), passwordServer?.stop()]);
    tmp.cleanup();
  });
  beforeEach(() => uv.reset());

  const stored = (srv: PypiServer) => fs.readdirSync(srv.packagesDir).sort();
  const names = (ds: LocalDistribution[]) => ds.map((d) => d.filename).sort();

  it('uploads with a token passed only through the environment', async () => {
    const credentials = resolvePublishCredentials('custom', { UV_PUBLISH_TOKEN: TOKEN });
    const r = await uvPublish({
      files: alpha.map((d) => d.path),
      publishUrl: tokenServer.url,
      checkUrl: tokenServer.simpleUrl,
      credentials,
      cwd: tmp.dir,
      env,
    });
    expect(stored(tokenServer)).toEqual(names(alpha));
    expect(r.uploaded.sort()).toEqual(names(alpha));
    expect(r.skipped).toEqual([]);
    const [call] = uv.invocations();
    expect(call.argv.slice(0, 7)).toEqual(['publish', '--publish-url', tokenServer.url, '--check-url', tokenServer.simpleUrl, '--trusted-publishing', 'never']);
    expect(call.argv.join('\n')).not.toContain(TOKEN);
    expect(call.uvEnvNames).toContain('UV_PUBLISH_TOKEN');
    expect(call.uvEnvNames).not.toContain('UV_OFFLINE'); // uvTestEnv sets it; publishing must drop it
    expect(r.command).not.toContain(TOKEN);
  });

  it('uploads with username/password passed only through the environment', async () => {
    const credentials = resolvePublishCredentials('custom', { UV_PUBLISH_USERNAME: 'alice', UV_PUBLISH_PASSWORD: PASSWORD });
    const r = await uvPublish({ files: beta.map((d) => d.path), publishUrl: passwordServer.url, credentials, cwd: tmp.dir, env });
    expect(stored(passwordServer)).toEqual(names(beta));
    expect(r.uploaded.sort()).toEqual(names(beta));
    const [call] = uv.invocations();
    expect(call.argv.join('\n')).not.toContain(PASSWORD);
    expect(call.argv).not.toContain('alice');
    expect(call.uvEnvNames).toEqual(expect.arrayContaining(['UV_PUBLISH_USERNAME', 'UV_PUBLISH_PASSWORD']));
  });

  it('re-upload: with --check-url uv skips identical files; without it pypiserver answers 409', async () => {
    const credentials = resolvePublishCredentials('custom', { UV_PUBLISH_TOKEN: TOKEN });
    const files = alpha.map((d) => d.path);
    const again = await uvPublish({ files, publishUrl: tokenServer.url, checkUrl: tokenServer.simpleUrl, credentials, cwd: tmp.dir, env });
    expect(again.skipped.sort()).toEqual(names(alpha));
    expect(again.uploaded).toEqual([]);

    const err = await rejection<UvCommandError>(uvPublish({ files, publishUrl: tokenServer.url, credentials, cwd: tmp.dir, env }));
    expect(err).toBeInstanceOf(UvCommandError);
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/status code 409 Conflict/);
    expect(err.message).toMatch(/already exists/);
    expect(err.retryable).toBe(false);
    expect(err.message).not.toContain(TOKEN);
    expect(stored(tokenServer)).toEqual(names(alpha));
  });

  it('a wrong password fails at once: 403, no retry, the password in no message', async () => {
    // Through a pass-through proxy that reads the whole request before forwarding (as PyPI's CDN does):
    // bare pypiserver (wsgiref) answers 403 before reading the body and closes, so uv sometimes sees
    // "Broken pipe (os error 32)" instead of the 403 — a transient-looking error, retried.
    const proxy = await startFaultProxy({ upstream: passwordServer.url });
    try {
      const wrong = 'wrong-Passw0rd-XYZ';
      const credentials = resolvePublishCredentials('custom', { UV_PUBLISH_USERNAME: 'alice', UV_PUBLISH_PASSWORD: wrong });
      const gamma = await buildDists(tmp.dir, { name: 'gamma', version: '0.1.0' });
      const started = Date.now();
      const err = await rejection<UvCommandError>(
        publishDistributions({
          project: 'gamma',
          files: gamma,
          checkUrl: `${proxy.url}simple/`,
          upload: async (files) => void (await uvPublish({ files: files.map((f) => f.path), publishUrl: proxy.url, credentials, cwd: tmp.dir, env })),
          retry: { maxRetries: 3, baseDelayMs: 2000 },
        }),
      );
      expect(err).toBeInstanceOf(UvCommandError);
      expect(err.message).toMatch(/status code 403 Forbidden/);
      expect(err.retryable).toBe(false);
      expect(err.message).not.toContain(wrong);
      expect(err.stderr).not.toContain(wrong);
      expect(uv.invocations()).toHaveLength(1);
      expect(proxy.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
      expect(Date.now() - started).toBeLessThan(2000); // no backoff happened
      expect(fs.readdirSync(passwordServer.packagesDir).filter((f) => f.startsWith('gamma'))).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });

  it('dry run uploads nothing', async () => {
    const delta = await buildDists(tmp.dir, { name: 'delta', version: '0.1.0' });
    const credentials = resolvePublishCredentials('custom', { UV_PUBLISH_TOKEN: TOKEN });
    const r = await uvPublish({ files: delta.map((d) => d.path), publishUrl: tokenServer.url, credentials, cwd: tmp.dir, env, dryRun: true });
    expect(r.uploaded.sort()).toEqual(names(delta)); // "Checking …"
    expect(uv.invocations()[0].argv).toContain('--dry-run');
    expect(stored(tokenServer)).toEqual(names(alpha));
  });

  it('missing credentials stop before uv runs, naming the variables', async () => {
    const childEnv = { ...env };
    delete childEnv.UV_PUBLISH_TOKEN;
    expect(() => resolvePublishCredentials('custom', childEnv)).toThrow(/UV_PUBLISH_TOKEN.*UV_PUBLISH_USERNAME and UV_PUBLISH_PASSWORD/);
    expect(uv.invocations()).toHaveLength(0);
  });
});
