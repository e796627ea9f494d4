/**
 * A local version (`1.2.0+g1a2b3c`, what VCS versioning gives between release tags) is refused by
 * every public index: publish says so before contacting any, in a dry run too.
 */
import { logger } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, uvTestEnv } from '../../testing/tools';
import { buildPkgAVariant, captureOutput, executorContext, writePublishWorkspace } from './__fixtures__/publish-workspace';
import { runPublishExecutor } from './executor';

describe('publish of a local version', () => {
  const tmp = makeTempDir('nx-uv-publish-local-');
  afterAll(() => tmp.cleanup());

  it.each([true, false])('is refused before any index is contacted (dryRun: %s)', async (dryRun) => {
    const root = path.join(tmp.dir, `ws-${dryRun}`);
    writePublishWorkspace(root);
    const file = path.join(root, 'py/packages/a/pyproject.toml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('version = "1.2.0"', 'version = "1.2.0+g1a2b3c"'));
    const dist = path.join(root, 'py/packages/a/dist');
    expect(await buildPkgAVariant(path.join(tmp.dir, `scratch-${dryRun}`), '1.2.0+g1a2b3c', 'x', dist)).toEqual([
      'pkg_a-1.2.0+g1a2b3c-py3-none-any.whl',
      'pkg_a-1.2.0+g1a2b3c.tar.gz',
    ]);
    const out = captureOutput(logger as unknown as Record<string, unknown>);
    try {
      // An index URL nothing listens on: any request would fail differently.
      const env = uvTestEnv({ UV_PUBLISH_URL: 'http://127.0.0.1:9/', UV_PUBLISH_TOKEN: 'pypi-local-version-test' });
      const result = await runPublishExecutor({ dryRun }, executorContext(root, 'pkg-a'), { env });
      expect(result).toEqual({ success: false });
      expect(out.text()).toContain(
        `pkg-a 1.2.0+g1a2b3c has a local version label (+g1a2b3c), which PyPI and other public indexes refuse: nothing was ${dryRun ? 'checked or ' : ''}uploaded.`,
      );
      expect(out.text()).not.toMatch(/127\.0\.0\.1:9|would be uploaded/);
    } finally {
      out.restore();
    }
  });
});
