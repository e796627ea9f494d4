/**
 * Issue 14: PEP 740 attestations minted beside the built files (`<file>.publish.attestation`) reach
 * the index with them: nx-uv leaves them where they are and hands uv the files, and uv uploads the
 * attestation of each file it uploads. The second publish stays a no-op.
 */
import { logger } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startFaultProxy, type FaultProxy } from '../../testing/fault-proxy';
import { startPypiServer, type PypiServer } from '../../testing/pypiserver';
import { makeTempDir, toolsDir, uvTestEnv } from '../../testing/tools';
import { buildWorkspaceDists, captureOutput, executorContext, writePublishWorkspace } from './__fixtures__/publish-workspace';
import { runPublishExecutor } from './executor';

const TOKEN = 'pypi-attestation-test-token-0123';

describe('publish with PEP 740 attestations beside the files', () => {
  const tmp = makeTempDir('nx-uv-attest-');
  const root = path.join(tmp.dir, 'ws');
  let server: PypiServer;
  let proxy: FaultProxy;
  beforeAll(async () => {
    writePublishWorkspace(root);
    await buildWorkspaceDists(root);
    server = await startPypiServer({ auth: { username: '__token__', password: TOKEN } });
    proxy = await startFaultProxy({ upstream: server.url });
  }, 60000);
  afterAll(async () => {
    await proxy?.stop();
    await server?.stop();
    tmp.cleanup();
  });

  it('uploads each file with its attestation, and publishes nothing the second time', async () => {
    const dist = path.join(root, 'py/packages/a/dist');
    const files = fs.readdirSync(dist).filter((f) => f.endsWith('.whl') || f.endsWith('.tar.gz'));
    // What a minting step (pypi-attestations, Astral's attest action) leaves beside each file.
    for (const f of files)
      fs.writeFileSync(path.join(dist, `${f}.publish.attestation`), JSON.stringify({ version: 1, verification_material: {}, envelope: {} }));
    const env = uvTestEnv({ UV_PUBLISH_URL: proxy.url, UV_PUBLISH_TOKEN: TOKEN, UV_CACHE_DIR: path.join(toolsDir, 'uv-cache'), UV_HTTP_RETRIES: '0' });
    const out = captureOutput(logger as unknown as Record<string, unknown>);
    try {
      expect(await runPublishExecutor({}, executorContext(root, 'pkg-a'), { env })).toEqual({ success: true });
      const uploads = proxy.successfulUploads();
      expect(uploads.map((u) => u.uploadFilename).sort()).toEqual(files.sort());
      for (const u of uploads) expect(u.formFields).toContain('attestations');
      expect(fs.readdirSync(server.packagesDir).sort()).toEqual(files.sort());
      expect(await runPublishExecutor({}, executorContext(root, 'pkg-a'), { env })).toEqual({ success: true });
      expect(proxy.successfulUploads()).toHaveLength(uploads.length);
    } finally {
      out.restore();
    }
  });
});
