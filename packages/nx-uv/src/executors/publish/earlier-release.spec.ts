/**
 * Publishing a version released by an earlier commit: the release workflow publishes every package
 * after each release, so packages not released this time are rebuilt from unchanged sources. A
 * rebuild whose bytes differ (a backend that does not reproduce its builds) must not fail the run:
 * the index already serves that release. A version tagged at HEAD (released now) still refuses a
 * changed file under a published name.
 */
import { logger } from '@nx/devkit';
import execa from 'execa';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GIT_TEST_IDENTITY } from '../../testing/git-repo';
import { preserveEnv } from '../../testing/executor-context';
import { startPypiServer, type PypiServer } from '../../testing/pypiserver';
import { makeTempDir, toolsDir, uvBin } from '../../testing/tools';
import { earlierRelease } from './earlier-release';
import {
  buildPkgAVariant,
  buildWorkspaceDists,
  captureOutput,
  executorContext,
  PROJECTS,
  writePublishWorkspace,
  type OutputCapture,
} from './__fixtures__/publish-workspace';
import publishExecutor from './executor';

const TOKEN = 'pypi-earlier-release-TOKEN';
preserveEnv([
  'NX_UV_UV_PATH',
  'UV_CACHE_DIR',
  'UV_PUBLISH_URL',
  'UV_PUBLISH_TOKEN',
  'UV_PUBLISH_CHECK_URL',
  'GIT_CONFIG_NOSYSTEM',
  'GIT_CONFIG_GLOBAL',
  ...Object.keys(GIT_TEST_IDENTITY),
]);

let tmp: ReturnType<typeof makeTempDir>;
let root: string;
let server: PypiServer;
let out: OutputCapture;
const git = (args: string[]) => execa.sync('git', args, { cwd: root }).stdout.trim();
const wheel = () => path.join(root, PROJECTS['pkg-a'], 'dist', 'pkg_a-1.2.0-py3-none-any.whl');
const stored = () => fs.readdirSync(server.packagesDir).sort();

beforeAll(async () => {
  Object.assign(process.env, GIT_TEST_IDENTITY, { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' });
  tmp = makeTempDir('nx-uv-earlier-release-');
  root = path.join(tmp.dir, 'ws');
  writePublishWorkspace(root);
  const started = startPypiServer({ auth: { username: '__token__', password: TOKEN } });
  await buildWorkspaceDists(root);
  fs.writeFileSync(path.join(root, '.gitignore'), 'dist/\n');
  git(['init', '--quiet', '--initial-branch=main']);
  git(['add', '-A']);
  git(['commit', '--quiet', '-m', 'chore(release): pkg-a 1.2.0']);
  git(['tag', '-a', 'pkg-a-v1.2.0', '-m', 'pkg-a 1.2.0']);
  git(['commit', '--quiet', '--allow-empty', '-m', 'docs: later, nothing to release']);
  server = await started;
  Object.assign(process.env, { UV_PUBLISH_URL: server.url, UV_PUBLISH_TOKEN: TOKEN, NX_UV_UV_PATH: uvBin, UV_CACHE_DIR: path.join(toolsDir, 'uv-cache') });
  delete process.env.UV_PUBLISH_CHECK_URL;
  // The release itself: pkg-a 1.2.0 published as built then.
  const first = captureOutput(logger as unknown as Record<string, unknown>);
  const released = await publishExecutor({}, executorContext(root, 'pkg-a'));
  first.restore();
  expect(released.success ? 'published' : first.text()).toBe('published');
  // A rebuild of the same version whose wheel has other bytes.
  const other = path.join(tmp.dir, 'other');
  await buildPkgAVariant(path.join(tmp.dir, 'scratch'), '1.2.0', 'rebuilt', other);
  fs.copyFileSync(path.join(other, 'pkg_a-1.2.0-py3-none-any.whl'), wheel());
}, 120000);
afterAll(async () => {
  await server?.stop();
  tmp?.cleanup();
});
beforeEach(() => {
  out = captureOutput(logger as unknown as Record<string, unknown>);
});
afterEach(() => out.restore());

describe('earlierRelease', () => {
  it('names the tag of a version released by an older commit, and nothing for HEAD, unknown versions or no repository', async () => {
    const tagged = git(['rev-parse', 'pkg-a-v1.2.0^{commit}']);
    expect(await earlierRelease(root, 'pkg-a', '1.2.0', undefined)).toEqual({ tag: 'pkg-a-v1.2.0', commit: tagged });
    expect(await earlierRelease(root, 'pkg-a', '1.2.0', 'release/{name}@{version}')).toBeUndefined();
    expect(await earlierRelease(root, 'pkg-a', '1.3.0', undefined)).toBeUndefined();
    expect(await earlierRelease(tmp.dir, 'pkg-a', '1.2.0', undefined)).toBeUndefined();
  });
});

describe('publish of a version released earlier', () => {
  it('succeeds without uploading or comparing the rebuild, and says why', async () => {
    const before = stored();
    const bytes = fs.readFileSync(path.join(server.packagesDir, 'pkg_a-1.2.0-py3-none-any.whl'));
    expect(await publishExecutor({}, executorContext(root, 'pkg-a'))).toEqual({ success: true });
    expect(await publishExecutor({ dryRun: true }, executorContext(root, 'pkg-a'))).toEqual({ success: true });
    expect(stored()).toEqual(before);
    expect(fs.readFileSync(path.join(server.packagesDir, 'pkg_a-1.2.0-py3-none-any.whl'))).toEqual(bytes);
    expect(out.text('info')).toMatch(
      /pkg-a 1\.2\.0 was released earlier \(pkg-a-v1\.2\.0 on [0-9a-f]{7}\) and .* serves it \(pkg_a-1\.2\.0-py3-none-any\.whl, pkg_a-1\.2\.0\.tar\.gz\): nothing to upload/,
    );
    expect(out.text('error')).toBe('');
  });

  it('a version tagged at HEAD (released now) still refuses a changed file under a published name', async () => {
    git(['tag', '-f', '-a', 'pkg-a-v1.2.0', '-m', 'pkg-a 1.2.0, moved to HEAD']);
    const before = stored();
    expect(await publishExecutor({}, executorContext(root, 'pkg-a'))).toEqual({ success: false });
    expect(out.text('error')).toMatch(/pkg_a-1\.2\.0-py3-none-any\.whl: index has sha256 [0-9a-f]{64}, local .* has [0-9a-f]{64}/);
    expect(stored()).toEqual(before);
  });
});
