/**
 * Issue 13: a member kept from publishing is never tagged or uploaded, whichever way the target runs
 * — here by a project.json tag that only the executors (not the graph) can see.
 */
import { logger } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nxExecutorContext } from '../../testing/executor-context';
import { makeTempDir, uvTestEnv } from '../../testing/tools';
import { loadUvWorkspace } from '../../workspace';
import { captureOutput, PROJECTS, writePublishWorkspace } from '../publish/__fixtures__/publish-workspace';
import { runPublishExecutor } from '../publish/executor';
import tagExecutor from '../tag/executor';
import { publishExclusion } from './exclusion';

const NX_JSON = { plugins: [{ plugin: 'nx-uv', options: { publishExclude: ['tag:samples'], groups: { base: { projects: ['pkg-a'] } } } }] };

describe('members kept from publishing, at run time', () => {
  const tmp = makeTempDir('nx-uv-exclusion-');
  const root = path.join(tmp.dir, 'ws');
  beforeAll(() => writePublishWorkspace(root));
  afterAll(() => tmp.cleanup());
  const context = (project: string, tags: Record<string, string[]> = { 'pkg-c': ['samples'] }) =>
    nxExecutorContext(root, project, PROJECTS, { nxJson: NX_JSON, tags });

  it('publishExclude matches project.json tags; [tool.nx-uv] publish = false needs no option', () => {
    const ws = loadUvWorkspace(path.join(root, 'py'));
    const byName = (n: string) => ws.members.find((m) => m.name === n)!;
    expect(publishExclusion(context('pkg-c'), ws, byName('pkg-c'))).toBe('publishExclude in nx.json matches project pkg-c');
    expect(publishExclusion(context('pkg-a'), ws, byName('pkg-a'))).toBeUndefined();
    const file = path.join(root, 'py/packages/a/pyproject.toml');
    const before = fs.readFileSync(file, 'utf8');
    try {
      fs.writeFileSync(file, `${before}\n[tool.nx-uv]\npublish = false\n`);
      const again = loadUvWorkspace(path.join(root, 'py'));
      expect(
        publishExclusion(
          context('pkg-a'),
          again,
          again.members.find((m) => m.name === 'pkg-a')!,
        ),
      ).toBe('[tool.nx-uv] publish = false in packages/a/pyproject.toml');
    } finally {
      fs.writeFileSync(file, before);
    }
  });

  it('publish uploads nothing and contacts no index; tag creates no tag', async () => {
    const out = captureOutput(logger as unknown as Record<string, unknown>);
    try {
      const env = uvTestEnv({ UV_PUBLISH_URL: 'http://127.0.0.1:9/', UV_PUBLISH_TOKEN: 'pypi-exclusion-test-token' });
      expect(await runPublishExecutor({}, context('pkg-c'), { env })).toEqual({ success: true });
      expect(await tagExecutor({}, context('pkg-c'))).toEqual({ success: true });
      const text = out.text();
      expect(text).toContain(
        'nx-uv publish: pkg.c 2.0.0 is excluded from publishing (publishExclude in nx.json matches project pkg-c): the index was not contacted and nothing was uploaded.',
      );
      expect(text).toContain('nx-uv tag: pkg.c is excluded from publishing (publishExclude in nx.json matches project pkg-c): no tag, no GitHub Release.');
      expect(text).not.toMatch(/127\.0\.0\.1:9/);
    } finally {
      out.restore();
    }
  });

  it('--group (the dispatch input): a member outside the group is neither tagged nor published', async () => {
    const out = captureOutput(logger as unknown as Record<string, unknown>);
    try {
      const env = uvTestEnv({ UV_PUBLISH_URL: 'http://127.0.0.1:9/', UV_PUBLISH_TOKEN: 'pypi-group-test-token' });
      expect(await runPublishExecutor({ group: 'base' }, context('pkg-b', {}), { env })).toEqual({ success: true });
      expect(await tagExecutor({ group: 'base' }, context('pkg-b', {}))).toEqual({ success: true });
      const text = out.text();
      expect(text).toContain('nx-uv publish: Pkg_B 0.3.0rc1 is not in release group base (pkg-a): nothing to publish in this run.');
      expect(text).toContain('nx-uv tag: Pkg_B is not in release group base (pkg-a): nothing to tag in this run.');
      expect(text).not.toMatch(/127\.0\.0\.1:9/);
    } finally {
      out.restore();
    }
  });
});
