/**
 * `nx-uv:nx-release-publish` — what `nx release publish` runs — against the real uv and a real
 * pypiserver on loopback: a dry run (by option or by NX_DRY_RUN) never uploads, a real one does.
 */
import { logger } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startPypiServer, type PypiServer } from '../../testing/pypiserver';
import { makeTempDir, toolsDir } from '../../testing/tools';
import { recordingUv, type RecordingUv } from '../../uv/__fixtures__/recording-uv';
import {
  buildWorkspaceDists,
  captureOutput,
  EXPECTED_FILES,
  executorContext,
  writePublishWorkspace,
  type OutputCapture,
} from '../publish/__fixtures__/publish-workspace';
import nxReleasePublishExecutor, { publishOptionsFor, runNxReleasePublishExecutor } from './executor';

describe('publishOptionsFor', () => {
  it('makes it a dry run when Nx says so, by option or by NX_DRY_RUN, which dryRun: false cannot undo', () => {
    expect(publishOptionsFor({ dryRun: true }, 'a', {}).options.dryRun).toBe(true);
    expect(publishOptionsFor({ dryRun: 'true' as never }, 'a', {}).options.dryRun).toBe(true);
    expect(publishOptionsFor({}, 'a', { NX_DRY_RUN: 'true' }).options.dryRun).toBe(true);
    expect(publishOptionsFor({ dryRun: false }, 'a', { NX_DRY_RUN: 'true' }).options.dryRun).toBe(true);
    expect(publishOptionsFor({}, 'a', {}).options.dryRun).toBe(false);
  });

  it('maps --registry to the upload URL unless one is set, and drops npm-only options', () => {
    const { options } = publishOptionsFor(
      { registry: 'http://127.0.0.1:1/', tag: 'next', access: 'public', otp: 123, firstRelease: true, index: 'custom', maxRetries: 1 },
      'a',
      {},
    );
    expect(options).toEqual({ publishUrl: 'http://127.0.0.1:1/', index: 'custom', maxRetries: 1, dryRun: false });
    expect(publishOptionsFor({ registry: 'http://x/', publishUrl: 'http://y/' }, 'a', {}).options.publishUrl).toBe('http://y/');
  });

  it('skips a project that got no new version in this `nx release`', () => {
    const data = { a: { currentVersion: '1.0.0', newVersion: null }, b: { currentVersion: '1.0.0', newVersion: '1.1.0' } };
    expect(publishOptionsFor({ nxReleaseVersionData: data }, 'a', {}).skip).toMatch(/a got no new version in this release/);
    expect(publishOptionsFor({ nxReleaseVersionData: data }, 'b', {}).skip).toBeUndefined();
    expect(publishOptionsFor({ nxReleaseVersionData: data }, 'c', {}).skip).toBeUndefined();
    expect(publishOptionsFor({}, 'a', {}).skip).toBeUndefined();
  });
});

describe('nx-release-publish executor (real uv, real pypiserver)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let root: string;
  let server: PypiServer;
  let uv: RecordingUv;
  let out: OutputCapture;
  const stored = () => fs.readdirSync(server.packagesDir).sort();
  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
    const e: NodeJS.ProcessEnv = { ...process.env };
    for (const k of Object.keys(e)) if (/^(UV_PUBLISH_|NX_DRY_RUN$|TESTPYPI_TOKEN$|ACTIONS_ID_TOKEN)/.test(k)) delete e[k];
    return {
      ...e,
      NX_UV_UV_PATH: uv.path,
      UV_CACHE_DIR: path.join(toolsDir, 'uv-cache'),
      UV_PUBLISH_USERNAME: 'nobody',
      UV_PUBLISH_PASSWORD: 'anything',
      ...extra,
    };
  };

  beforeAll(async () => {
    tmp = makeTempDir('nx-uv-nx-release-publish-');
    root = path.join(tmp.dir, 'ws');
    writePublishWorkspace(root);
    const started = startPypiServer();
    await buildWorkspaceDists(root);
    server = await started;
    uv = recordingUv(tmp.dir);
  });
  afterAll(async () => {
    await server?.stop();
    tmp?.cleanup();
  });
  beforeEach(() => {
    out = captureOutput(logger as unknown as Record<string, unknown>);
    uv.reset();
  });
  afterEach(() => out.restore());

  it('is the default export Nx runs', () => {
    expect(typeof nxReleasePublishExecutor).toBe('function');
  });

  it('dry run (nx release publish --dry-run): lists the files, never runs uv, uploads nothing', async () => {
    const r = await runNxReleasePublishExecutor({ dryRun: true, registry: server.url }, executorContext(root, 'pkg-a'), { env: env() });
    expect(r).toEqual({ success: true });
    expect(out.text('info')).toContain('nothing was uploaded and uv publish was not run');
    expect(uv.invocations()).toEqual([]);
    expect(stored()).toEqual([]);
  });

  it('NX_DRY_RUN=true (a task Nx runs through dependsOn) is a dry run even with dryRun: false', async () => {
    const r = await runNxReleasePublishExecutor({ dryRun: false, registry: server.url }, executorContext(root, 'pkg-b'), {
      env: env({ NX_DRY_RUN: 'true' }),
    });
    expect(r).toEqual({ success: true });
    expect(out.text('info')).toMatch(/pkg_b-0\.3\.0rc1\.tar\.gz .* — would be uploaded/);
    expect(uv.invocations()).toEqual([]);
    expect(stored()).toEqual([]);
  });

  it('skips a project nx release did not version, without contacting the index', async () => {
    const data = { 'pkg-a': { currentVersion: '1.2.0', newVersion: null } };
    const r = await runNxReleasePublishExecutor({ registry: server.url, nxReleaseVersionData: data }, executorContext(root, 'pkg-a'), { env: env() });
    expect(r).toEqual({ success: true });
    expect(out.text('info')).toMatch(/pkg-a got no new version in this release; nothing to publish/);
    expect(uv.invocations()).toEqual([]);
    expect(stored()).toEqual([]);
  });

  it('a real run publishes through the publish executor to --registry and waits until served', async () => {
    const r = await runNxReleasePublishExecutor(
      { registry: server.url, tag: 'latest', nxReleaseVersionData: { 'pkg-a': { newVersion: '1.2.0' } } },
      executorContext(root, 'pkg-a'),
      { env: env() },
    );
    expect(out.text('error')).toBe('');
    expect(r).toEqual({ success: true });
    expect(uv.invocations()).toHaveLength(2); // one uv publish per file, at once
    for (const call of uv.invocations()) expect(call.argv[0]).toBe('publish');
    expect(stored()).toEqual(EXPECTED_FILES['pkg-a']);
    expect(out.text('info')).toMatch(/serves all 2 file\(s\) with the right sha256/);
  });
});
