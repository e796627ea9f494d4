/**
 * The publish executor against the real uv and a real pypiserver on loopback, with a recording fault
 * proxy in front of it (it sees every request and the file name of every upload) and uv behind a
 * recording wrapper (it sees every uv invocation's argv and the names of its UV_* variables).
 */
import { logger } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listDistributionFiles, sha256File } from '../../registry';
import { startFaultProxy, type FaultProxy } from '../../testing/fault-proxy';
import { startPypiServer, type PypiServer } from '../../testing/pypiserver';
import { makeTempDir, toolsDir, uvTestEnv } from '../../testing/tools';
import { recordingUv, type RecordingUv } from '../../uv/__fixtures__/recording-uv';
import {
  buildPkgAVariant,
  buildWorkspaceDists,
  PUBLISH_ENV_KEYS,
  captureOutput,
  EXPECTED_FILES,
  executorContext,
  PACKAGES,
  PROJECTS,
  writePublishWorkspace,
  type OutputCapture,
} from './__fixtures__/publish-workspace';
import publishExecutor, { runPublishExecutor } from './executor';
import type { PublishExecutorOptions } from './schema';

const TOKEN = 'pypi-AgEIcHlwaS5vcmcCJDk3ZjM0-publish-TOKEN';
const WRONG_PASSWORD = 'wr0ng-Passw0rd-Zq9';
const ALL_FILES = PACKAGES.flatMap((p) => EXPECTED_FILES[p]).sort();
const CLEARED = PUBLISH_ENV_KEYS;

describe('publish executor (real uv, real pypiserver)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let root: string;
  let scratch: string;
  const savedEnv: Record<string, string | undefined> = {};
  let server: PypiServer;
  let proxy: FaultProxy;
  let uv: RecordingUv;
  let out: OutputCapture;
  let staleFiles: string[];

  const distOf = (project: string) => path.join(root, PROJECTS[project], 'dist');
  const stored = () => fs.readdirSync(server.packagesDir).sort();
  const posts = () => proxy.requests.filter((r) => r.method === 'POST');
  /** The environment of the uv child and of the executor (the base for runPublishExecutor). */
  const baseEnv = (): NodeJS.ProcessEnv => ({ ...process.env });
  const run = (project: string, options: PublishExecutorOptions = {}) => publishExecutor(options, executorContext(root, project));
  const expectNoSecretPrinted = () => {
    const all = out.text();
    for (const secret of [
      TOKEN,
      WRONG_PASSWORD,
      Buffer.from(`__token__:${TOKEN}`).toString('base64'),
      Buffer.from(`alice:${WRONG_PASSWORD}`).toString('base64'),
    ]) {
      expect(all).not.toContain(secret);
    }
  };

  beforeAll(async () => {
    for (const k of CLEARED) savedEnv[k] = process.env[k];
    for (const k of CLEARED) delete process.env[k];
    savedEnv.UV_CACHE_DIR = process.env.UV_CACHE_DIR;
    savedEnv.UV_HTTP_RETRIES = process.env.UV_HTTP_RETRIES;
    tmp = makeTempDir('nx-uv-publish-exec-');
    root = path.join(tmp.dir, 'ws');
    scratch = path.join(tmp.dir, 'scratch');
    writePublishWorkspace(root);
    const started = Promise.all([startPypiServer({ auth: { username: '__token__', password: TOKEN } })]);
    await buildWorkspaceDists(root);
    // An older build of pkg-a left behind in its dist folder.
    staleFiles = await buildPkgAVariant(scratch, '1.1.0', 'old', distOf('pkg-a'));
    [server] = await started;
    proxy = await startFaultProxy({ upstream: server.url });
    uv = recordingUv(tmp.dir);
    Object.assign(process.env, {
      NX_UV_UV_PATH: uv.path,
      UV_PUBLISH_URL: proxy.url, // the pypiserver convention derives the check URL: <root>/simple/
      UV_PUBLISH_TOKEN: TOKEN,
      UV_CACHE_DIR: path.join(toolsDir, 'uv-cache'),
      UV_HTTP_RETRIES: '0',
    });
  });
  afterAll(async () => {
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await proxy?.stop();
    await server?.stop();
    tmp?.cleanup();
  });
  beforeEach(() => {
    out = captureOutput(logger as unknown as Record<string, unknown>);
    uv.reset();
  });
  afterEach(() => {
    expectNoSecretPrinted();
    out.restore();
  });

  it('the fixture: every package built, plus a stale pkg-a 1.1.0', () => {
    expect(staleFiles).toEqual(['pkg_a-1.1.0-py3-none-any.whl', 'pkg_a-1.1.0.tar.gz']);
    for (const p of PACKAGES) {
      expect(
        fs
          .readdirSync(distOf(p))
          .filter((n) => !n.startsWith('.') && !n.includes('1.1.0'))
          .sort(),
      ).toEqual(EXPECTED_FILES[p]);
    }
  });

  it('a member that is not a package: nothing to do, success, says so', async () => {
    const requestsBefore = proxy.requests.length;
    expect(await run('scripts')).toEqual({ success: true });
    expect(out.text('info')).toMatch(/scripts 0\.1\.0 is not a package .*nothing to publish/);
    expect(proxy.requests.length).toBe(requestsBefore);
    expect(uv.invocations()).toEqual([]);
  });

  it('missing credentials: fails before anything happens, naming the variables', async () => {
    delete process.env.UV_PUBLISH_TOKEN;
    try {
      expect(await run('pkg-a')).toEqual({ success: false });
    } finally {
      process.env.UV_PUBLISH_TOKEN = TOKEN;
    }
    expect(out.text('error')).toMatch(
      /nx-uv publish \(pkg-a\) failed: No credentials to publish to the custom index: set UV_PUBLISH_TOKEN .*UV_PUBLISH_USERNAME and UV_PUBLISH_PASSWORD/,
    );
    expect(out.text('error')).not.toMatch(/\n\s+at /); // no stack trace
    expect(proxy.requests).toEqual([]); // not even a listing
    expect(uv.invocations()).toEqual([]);
    expect(stored()).toEqual([]);
  });

  it('skipPublish: succeeds without touching the index', async () => {
    expect(await run('pkg-a', { skipPublish: true })).toEqual({ success: true });
    expect(out.text('info')).toMatch(/pkg-a 1\.2\.0: skipped \(skipPublish\)/);
    expect(proxy.requests).toEqual([]);
    expect(uv.invocations()).toEqual([]);
    expect(stored()).toEqual([]);
  });

  it('dry run: lists what would be uploaded, uploads nothing, never runs uv', async () => {
    expect(await run('pkg-a', { dryRun: true })).toEqual({ success: true });
    const info = out.text('info');
    expect(info).toContain(`pkg-a 1.2.0 → ${proxy.url} (from UV_PUBLISH_URL; checked at ${proxy.url}simple/), credentials from UV_PUBLISH_TOKEN`);
    const sha = await sha256File(path.join(distOf('pkg-a'), 'pkg_a-1.2.0.tar.gz'));
    expect(info).toMatch(new RegExp(`pkg_a-1\\.2\\.0\\.tar\\.gz .*sha256 ${sha}\\s+— would be uploaded`));
    expect(info).toMatch(/pkg_a-1\.2\.0-py3-none-any\.whl .* — would be uploaded/);
    expect(info).not.toContain('pkg_a-1.1.0-py3-none-any.whl —');
    expect(info).toContain('nothing was uploaded and uv publish was not run');
    expect(proxy.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /simple/pkg-a/']); // the listing only
    expect(uv.invocations()).toEqual([]);
    expect(stored()).toEqual([]);
  });

  it('dry run with NX_DRY_RUN=true and an unreachable index: lists the local files only, still succeeds', async () => {
    process.env.NX_DRY_RUN = 'true';
    try {
      const r = await run('pkg-b', { checkUrl: 'http://127.0.0.1:9/simple/' });
      expect(r).toEqual({ success: true });
    } finally {
      delete process.env.NX_DRY_RUN;
    }
    expect(out.text('warn')).toMatch(/cannot read what http:\/\/127\.0\.0\.1:9\/simple\/ already has .*listing the local files only/);
    expect(out.text('info')).toMatch(/pkg_b-0\.3\.0rc1\.tar\.gz .* — would be uploaded unless already there/);
    expect(posts()).toEqual([]);
    expect(uv.invocations()).toEqual([]);
    expect(stored()).toEqual([]);
  });

  it('an index that rejects the upload (wrong password → 403) fails at once with its message, password never printed', async () => {
    const env: NodeJS.ProcessEnv = { ...baseEnv(), UV_PUBLISH_USERNAME: 'alice', UV_PUBLISH_PASSWORD: WRONG_PASSWORD };
    delete env.UV_PUBLISH_TOKEN;
    const postsBefore = posts().length;
    const started = Date.now();
    const r = await runPublishExecutor({ maxRetries: 3 }, executorContext(root, 'pkg-a'), { env, retry: { baseDelayMs: 5000 } });
    expect(r).toEqual({ success: false });
    expect(Date.now() - started).toBeLessThan(4000); // no backoff happened
    const error = out.text('error');
    expect(error).toMatch(/nx-uv publish \(pkg-a\) failed: pkg-a 1\.2\.0 was not published to http:\/\/127\.0\.0\.1:\d+\/: uv exited with code 2/);
    // The index's own message, condensed from its HTML page, and what to do.
    expect(error).toMatch(
      /status code 403 Forbidden\. Server says:\s+Error: 403 Forbidden Sorry, the requested URL 'http:\/\/127\.0\.0\.1:\d+\/' caused an error/,
    );
    expect(error).not.toMatch(/<html|<style/i);
    expect(error).toMatch(/The index refused the credentials from UV_PUBLISH_USERNAME\/UV_PUBLISH_PASSWORD/);
    expect(error).not.toMatch(/\n\s+at /);
    expect(out.text()).not.toContain(WRONG_PASSWORD);
    // One POST per file (its sdist and wheel go up at once, one uv publish each), none retried.
    expect(posts().length - postsBefore).toBe(2);
    expect(uv.invocations()).toHaveLength(2);
    for (const call of uv.invocations()) {
      expect(call.argv.join('\n')).not.toContain(WRONG_PASSWORD);
      expect(call.uvEnvNames).toEqual(expect.arrayContaining(['UV_PUBLISH_USERNAME', 'UV_PUBLISH_PASSWORD']));
    }
    expect(stored()).toEqual([]);
  });

  it('testpypi wants TESTPYPI_TOKEN: the PyPI token is never sent there', async () => {
    const before = proxy.requests.length;
    expect(await run('pkg-a', { index: 'testpypi' })).toEqual({ success: false });
    expect(out.text('error')).toMatch(/No credentials to publish to TestPyPI: set TESTPYPI_TOKEN/);
    expect(proxy.requests.length).toBe(before);
    expect(uv.invocations()).toEqual([]);
  });

  it('a file whose metadata disagrees with its name is refused (distPath option)', async () => {
    const tampered = path.join(scratch, 'tampered');
    fs.mkdirSync(tampered, { recursive: true });
    fs.copyFileSync(path.join(distOf('pkg-a'), 'pkg_a-1.1.0-py3-none-any.whl'), path.join(tampered, 'pkg_a-1.2.0-py3-none-any.whl'));
    const before = proxy.requests.length;
    expect(await run('pkg-a', { distPath: tampered })).toEqual({ success: false });
    expect(out.text('error')).toMatch(
      /pkg_a-1\.2\.0-py3-none-any\.whl says it is pkg-a 1\.1\.0 in pkg_a-1\.1\.0\.dist-info\/METADATA, not pkg-a 1\.2\.0 as its file name does; it will not be published/,
    );
    expect(proxy.requests.length).toBe(before);
    expect(uv.invocations()).toEqual([]);
  });

  it('publishes a, b, c in order: every file served with the right sha256, one POST per file, stale files ignored', async () => {
    for (const p of PACKAGES) {
      // pkg-c with parallelUploads: false, to see both ways of calling uv below.
      const r = await run(p, p === 'pkg-c' ? { parallelUploads: false } : {});
      expect([p, r]).toEqual([p, { success: true }]);
    }
    expect(out.text('error')).toBe('');
    expect(stored()).toEqual(ALL_FILES); // not the stale pkg_a-1.1.0 files
    expect(out.text('info')).toContain('pkg-a 1.2.0: ignoring files of other versions in py/packages/a/dist: pkg_a-1.1.0-py3-none-any.whl, pkg_a-1.1.0.tar.gz');
    for (const p of PACKAGES) {
      const listed = await listDistributionFiles(server.simpleUrl, p);
      const expected = await Promise.all(EXPECTED_FILES[p].map(async (filename) => ({ filename, sha256: await sha256File(path.join(distOf(p), filename)) })));
      expect(listed.map((f) => ({ filename: f.filename, sha256: f.sha256 })).sort((x, y) => x.filename.localeCompare(y.filename))).toEqual(expected);
      expect(out.text('info')).toMatch(
        new RegExp(`${p === 'pkg-b' ? 'Pkg_B' : p === 'pkg-c' ? 'pkg\\.c' : p} [^:]+: uploaded .*serves all 2 file\\(s\\) with the right sha256`),
      );
    }
    expect(
      proxy
        .successfulUploads()
        .map((u) => u.uploadFilename)
        .sort(),
    ).toEqual(ALL_FILES);
    expect(posts().filter((u) => u.upstreamStatus === 200)).toHaveLength(ALL_FILES.length);
    expect(posts().every((u) => u.hadAuthorization)).toBe(true);
    // The token reached uv only through its environment.
    const calls = uv.invocations();
    // By default one `uv publish` per file (both at once): 2 for pkg-a, 2 for pkg-b; with
    // parallelUploads: false one for both files of pkg-c.
    const filesOf = (argv: string[]) =>
      argv
        .slice(argv.indexOf('--') + 1)
        .map((f) => path.basename(f))
        .sort();
    expect(calls.map((c) => filesOf(c.argv)).sort()).toEqual(
      [...EXPECTED_FILES['pkg-a'].map((f) => [f]), ...EXPECTED_FILES['pkg-b'].map((f) => [f]), [...EXPECTED_FILES['pkg-c']].sort()].sort(),
    );
    expect(calls).toHaveLength(5);
    for (const c of calls) {
      expect(c.argv.join('\n')).not.toContain(TOKEN);
      expect(c.uvEnvNames).toContain('UV_PUBLISH_TOKEN');
      expect(c.argv).toEqual(expect.arrayContaining(['--check-url', `${proxy.url}simple/`, '--trusted-publishing', 'never']));
    }
  });

  it('a second run uploads nothing and succeeds', async () => {
    const postsBefore = posts().length;
    for (const p of PACKAGES) expect(await run(p)).toEqual({ success: true });
    expect(posts().length).toBe(postsBefore);
    expect(uv.invocations()).toEqual([]);
    expect(out.text('info')).toMatch(
      /pkg-a 1\.2\.0: nothing to upload; already on the index \(identical\): pkg_a-1\.2\.0-py3-none-any\.whl, pkg_a-1\.2\.0\.tar\.gz/,
    );
    expect(stored()).toEqual(ALL_FILES);
  });

  it('dry run after publishing: shows the files as already there', async () => {
    expect(await run('pkg-c', { dryRun: true })).toEqual({ success: true });
    expect(out.text('info')).toMatch(/pkg_c-2\.0\.0\.tar\.gz .* — already on the index \(identical\), would be skipped/);
    expect(uv.invocations()).toEqual([]);
  });

  it('a changed file under a published name: fails naming both hashes, uploads nothing (dry run too)', async () => {
    const wheel = path.join(distOf('pkg-a'), 'pkg_a-1.2.0-py3-none-any.whl');
    const original = fs.readFileSync(wheel);
    const other = path.join(scratch, 'other-dist');
    await buildPkgAVariant(scratch, '1.2.0', 'changed', other);
    uv.reset(); // that build ran uv
    fs.copyFileSync(path.join(other, 'pkg_a-1.2.0-py3-none-any.whl'), wheel);
    const postsBefore = posts().length;
    try {
      expect(await run('pkg-a', { dryRun: true })).toEqual({ success: false });
      expect(await run('pkg-a')).toEqual({ success: false });
    } finally {
      fs.writeFileSync(wheel, original);
    }
    const error = out.text('error');
    expect(error).toMatch(/pkg_a-1\.2\.0-py3-none-any\.whl: index has sha256 [0-9a-f]{64}, local .* has [0-9a-f]{64}/);
    expect(error).toMatch(/bump the version and release again/);
    expect(error).toContain('(found in a dry run)');
    expect(posts().length).toBe(postsBefore);
    expect(uv.invocations()).toEqual([]);
  });

  it('no files of the current version: a clear error telling to run the build target', async () => {
    const dir = distOf('pkg-b');
    const moved = path.join(scratch, 'moved-b');
    fs.renameSync(dir, moved);
    try {
      expect(await run('pkg-b')).toEqual({ success: false });
      fs.mkdirSync(dir);
      expect(await run('pkg-b')).toEqual({ success: false });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.renameSync(moved, dir);
    }
    const error = out.text('error');
    expect(error).toMatch(/there is no build output folder py\/packages\/b\/dist for Pkg_B 0\.3\.0rc1\. Run the build target first \(`nx run pkg-b:build`/);
    expect(error).toMatch(/no built distribution of Pkg_B 0\.3\.0rc1 in py\/packages\/b\/dist\. Run the build target first/);
  });
});

// parallelUploads: false uploads a package's files with one uv publish, so the requests come in a
// fixed order and the seeded schedule hits every kind of fault; by default its two files go up at
// once, the order of the requests varies, and only the outcome is checked.
describe.each([
  ['one uv publish per package', { parallelUploads: false }],
  ['one uv publish per file, at once (the default)', {}],
] as [string, PublishExecutorOptions][])('publish executor through a faulty network (503s, dropped connections, lost answers): %s', (_label, uploads) => {
  let tmp: ReturnType<typeof makeTempDir>;
  let root: string;
  let server: PypiServer;
  let proxy: FaultProxy;
  let out: OutputCapture;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    tmp = makeTempDir('nx-uv-publish-faults-');
    root = path.join(tmp.dir, 'ws');
    writePublishWorkspace(root);
    [server] = await Promise.all([startPypiServer({ auth: { username: '__token__', password: TOKEN } }), buildWorkspaceDists(root)]);
    proxy = await startFaultProxy({ upstream: server.url, seed: 7 });
    env = uvTestEnv({ UV_HTTP_RETRIES: '0', UV_PUBLISH_URL: proxy.url, UV_PUBLISH_TOKEN: TOKEN });
    for (const k of CLEARED.filter((k) => !['UV_PUBLISH_URL', 'UV_PUBLISH_TOKEN'].includes(k))) delete env[k];
  });
  afterAll(async () => {
    await proxy?.stop();
    await server?.stop();
    tmp?.cleanup();
  });
  beforeEach(() => (out = captureOutput(logger as unknown as Record<string, unknown>)));
  afterEach(() => out.restore());

  it('ends with every file published, exactly one successful POST per file', async () => {
    const faults: Record<string, 'drop' | '503' | 'drop-after'> = { 'pkg-a': '503', 'pkg-b': 'drop', 'pkg-c': 'drop-after' };
    for (const p of PACKAGES) {
      proxy.setRules([
        { method: 'POST', share: 0.5, fault: faults[p], maxConsecutive: 2 },
        { method: 'GET', path: '/simple/', share: 0.25, fault: p === 'pkg-b' ? '503' : 'drop', maxConsecutive: 1 },
      ]);
      const r = await runPublishExecutor({ maxRetries: 12, ...uploads }, executorContext(root, p), {
        env,
        retry: { baseDelayMs: 20, maxDelayMs: 100 },
        wait: { initialDelayMs: 20, maxDelayMs: 100 },
      });
      expect([p, r, out.text('error')]).toEqual([p, { success: true }, '']);
    }
    proxy.setRules([]);
    expect(fs.readdirSync(server.packagesDir).sort()).toEqual(ALL_FILES);
    const successful = proxy
      .successfulUploads()
      .map((u) => u.uploadFilename)
      .sort();
    expect(successful).toEqual(ALL_FILES); // each exactly once
    // The schedule really hit every kind of fault, on uploads and on listings.
    const outcomes = (method: string) => new Set(proxy.requests.filter((r) => r.method === method).map((r) => r.outcome));
    if (uploads.parallelUploads === false) {
      expect([...outcomes('POST')].sort()).toEqual(['503', 'drop', 'drop-after', 'forwarded']);
      expect([...outcomes('GET')].sort()).toEqual(['503', 'drop', 'forwarded']);
      expect(out.text('info')).toMatch(/attempt \d+ failed .*retrying in \d+ ms/);
    } else {
      for (const method of ['POST', 'GET']) for (const o of outcomes(method)) expect(['503', 'drop', 'drop-after', 'forwarded']).toContain(o);
    }
    for (const p of PACKAGES) {
      const listed = await listDistributionFiles(server.simpleUrl, p);
      for (const f of listed) {
        const local = path.join(root, PROJECTS[p], 'dist', f.filename);
        expect([f.filename, f.sha256]).toEqual([f.filename, await sha256File(local)]);
      }
      expect(listed).toHaveLength(2);
    }
    expect(out.text()).not.toContain(TOKEN);
  });
});
