import type { Member } from '../workspace';
import { resolveGraphOptions } from './plugin-options';
import { inferMemberTargets, inferWorkspaceTargets, TargetContext, workspaceFileToken } from './targets';

function member(overrides: Partial<Member> = {}): Member {
  return {
    name: 'pkg-a',
    distributionName: 'Pkg_A',
    root: 'packages/a',
    pyprojectPath: 'packages/a/pyproject.toml',
    isWorkspaceRoot: false,
    isPackage: true,
    version: { kind: 'static', version: '1.0.0', file: 'packages/a/pyproject.toml' },
    dependencies: [],
    ...overrides,
  };
}

function ctx(opts: Parameters<typeof resolveGraphOptions>[0] = {}, namedInput = 'default', uvRoot = '.'): TargetContext {
  return { options: resolveGraphOptions(opts), namedInput, uvRoot };
}

/** pkg-a requiring pkg-b and pkg-c at runtime (what `slimWorkspace` derives from the model). */
function needsBAndC() {
  return { ...member(), runtimeDeps: ['pkg-b', 'pkg-c'] };
}

describe('inferMemberTargets', () => {
  it('infers version, tag, pin, build, publish, nx-release-publish with their executors, in that order', () => {
    const targets = inferMemberTargets(member(), 'pkg-a', ctx());
    expect(Object.keys(targets)).toEqual(['version', 'tag', 'pin', 'build', 'publish', 'nx-release-publish']);
    expect(Object.fromEntries(Object.entries(targets).map(([k, t]) => [k, t.executor]))).toEqual({
      version: 'nx-uv:version',
      tag: 'nx-uv:tag',
      pin: 'nx-uv:pin',
      build: 'nx-uv:build',
      publish: 'nx-uv:publish',
      'nx-release-publish': 'nx-uv:nx-release-publish',
    });
    for (const name of ['version', 'tag', 'pin', 'publish', 'nx-release-publish']) expect(targets[name].cache).toBe(false);
    expect(targets.build.cache).toBe(true);
  });

  it('makes build cacheable with named inputs, uv.lock, the uv root pyproject and the uv that builds, and outputs the dist folder', () => {
    const t = inferMemberTargets(member(), 'pkg-a', ctx({}, 'default')).build;
    expect(t.inputs).toEqual([
      'default',
      '^default',
      '!{projectRoot}/dist/**/*',
      '{workspaceRoot}/uv.lock',
      '{workspaceRoot}/pyproject.toml',
      { runtime: 'uv --version' },
      { env: 'NX_UV_UV_PATH' },
    ]);
    expect(t.outputs).toEqual(['{projectRoot}/dist']);
    expect(t.options).toEqual({ outputPath: 'dist' });
  });

  it('a version derived from git tags: the build also hashes HEAD and the tags on it (the version changes with no file)', () => {
    const inputs = inferMemberTargets({ ...member(), versionFromTags: true }, 'pkg-a', ctx({}, 'default')).build.inputs;
    expect(inputs?.slice(-2)).toEqual([{ runtime: 'git rev-parse HEAD' }, { runtime: 'git tag --points-at HEAD' }]);
    expect(inferMemberTargets(member(), 'pkg-a', ctx({}, 'default')).build.inputs).not.toContainEqual({ runtime: 'git rev-parse HEAD' });
  });

  it.each([
    ['production', '.', ['production', '^production', '!{projectRoot}/dist/**/*', '{workspaceRoot}/uv.lock', '{workspaceRoot}/pyproject.toml']],
    ['default', 'python', ['default', '^default', '!{projectRoot}/dist/**/*', '{workspaceRoot}/python/uv.lock', '{workspaceRoot}/python/pyproject.toml']],
    ['production', 'libs/py', ['production', '^production', '!{projectRoot}/dist/**/*', '{workspaceRoot}/libs/py/uv.lock', '{workspaceRoot}/libs/py/pyproject.toml']],
  ])('build inputs with %s named input and uv root %s', (namedInput, uvRoot, expected) => {
    expect(inferMemberTargets(member(), 'pkg-a', ctx({}, namedInput, uvRoot)).build.inputs).toEqual([...expected, { runtime: 'uv --version' }, { env: 'NX_UV_UV_PATH' }]);
  });

  it('gives every build target toolchain inputs of its own (Nx may change what it is given)', () => {
    const c = ctx({});
    const a = inferMemberTargets(member(), 'pkg-a', c).build.inputs!;
    const b = inferMemberTargets(member(), 'pkg-b', c).build.inputs!;
    expect(a).toEqual(b);
    expect(a.at(-2)).not.toBe(b.at(-2));
    expect(a.at(-1)).not.toBe(b.at(-1));
  });

  it('uses buildOutputPath for outputs, the executor option and the exclusion from inputs', () => {
    const t = inferMemberTargets(member(), 'pkg-a', ctx({ buildOutputPath: './out/wheels/' })).build;
    expect(t.outputs).toEqual(['{projectRoot}/out/wheels']);
    expect(t.options).toEqual({ outputPath: 'out/wheels' });
    expect(t.inputs).toContain('!{projectRoot}/out/wheels/**/*');
  });

  it('publish depends on build and on publish of the runtime dependencies, forwarding options (dry runs stay dry)', () => {
    const targets = inferMemberTargets(needsBAndC(), 'pkg-a', ctx());
    expect(targets.publish.dependsOn).toEqual(['build', { target: 'publish', projects: ['pkg-b', 'pkg-c'], params: 'forward' }]);
    expect(targets.version.dependsOn).toEqual([{ target: 'version', projects: ['pkg-b', 'pkg-c'], params: 'forward' }]);
    expect(targets.tag.dependsOn).toBeUndefined();
    expect(targets.build.dependsOn).toBeUndefined();
  });

  it('a member that requires no other member: publish depends on its build only, version on nothing', () => {
    const targets = inferMemberTargets(member(), 'pkg-a', ctx());
    expect(targets.publish.dependsOn).toEqual(['build']);
    expect(targets.version.dependsOn).toBeUndefined();
    expect('dependsOn' in targets.version).toBe(false);
  });

  it('names the runtime dependencies by the projectName template', () => {
    const targets = inferMemberTargets(needsBAndC(), 'py-pkg-a', ctx({ projectName: 'py-{name}' }));
    expect(targets.publish.dependsOn).toEqual(['build', { target: 'publish', projects: ['py-pkg-b', 'py-pkg-c'], params: 'forward' }]);
  });

  it('nx-release-publish (what `nx release publish` runs) depends on build and on the dependencies’ nx-release-publish', () => {
    const t = inferMemberTargets(needsBAndC(), 'pkg-a', ctx())['nx-release-publish'];
    expect(t).toMatchObject({ executor: 'nx-uv:nx-release-publish', cache: false });
    expect(t.dependsOn).toEqual(['build', { target: 'nx-release-publish', projects: ['pkg-b', 'pkg-c'], params: 'forward' }]);
    expect(t.inputs).toBeUndefined();
    expect(t.outputs).toBeUndefined();
  });

  it('keeps the name nx-release-publish when targets are renamed, follows a renamed build, drops a disabled one', () => {
    const renamed = inferMemberTargets(needsBAndC(), 'pkg-a', ctx({ targetNames: { build: 'py-build' } }));
    expect(renamed['nx-release-publish'].dependsOn).toEqual([
      'py-build',
      { target: 'nx-release-publish', projects: ['pkg-b', 'pkg-c'], params: 'forward' },
    ]);
    const noBuild = inferMemberTargets(needsBAndC(), 'pkg-a', ctx({ targetNames: { build: false, publish: false } }));
    expect(Object.keys(noBuild)).toEqual(['version', 'tag', 'pin', 'nx-release-publish']);
    expect(noBuild['nx-release-publish'].dependsOn).toEqual([{ target: 'nx-release-publish', projects: ['pkg-b', 'pkg-c'], params: 'forward' }]);
  });

  it('infers no nx-release-publish of its own when the user named one of the targets so', () => {
    const targets = inferMemberTargets(member(), 'pkg-a', ctx({ targetNames: { publish: 'nx-release-publish' } }));
    expect(Object.keys(targets)).toEqual(['version', 'tag', 'pin', 'build', 'nx-release-publish']);
    expect(targets['nx-release-publish'].executor).toBe('nx-uv:publish');
  });

  it('renames targets and points dependsOn at the new names', () => {
    const targets = inferMemberTargets(
      needsBAndC(),
      'pkg-a',
      ctx({ targetNames: { build: 'py-build', publish: 'pypi-publish', version: 'bump' } }),
    );
    expect(Object.keys(targets)).toEqual(['bump', 'tag', 'pin', 'py-build', 'pypi-publish', 'nx-release-publish']);
    expect(targets['pypi-publish'].dependsOn).toEqual([
      'py-build',
      { target: 'pypi-publish', projects: ['pkg-b', 'pkg-c'], params: 'forward' },
    ]);
    expect(targets.bump.dependsOn).toEqual([{ target: 'bump', projects: ['pkg-b', 'pkg-c'], params: 'forward' }]);
    expect(targets['py-build'].metadata?.help?.command).toBe('npx nx run pkg-a:py-build --help');
  });

  it('leaves out disabled targets, and publish no longer depends on a disabled build', () => {
    const targets = inferMemberTargets(needsBAndC(), 'pkg-a', ctx({ targetNames: { pin: false, build: false } }));
    expect(Object.keys(targets)).toEqual(['version', 'tag', 'publish', 'nx-release-publish']);
    expect(targets.publish.dependsOn).toEqual([{ target: 'publish', projects: ['pkg-b', 'pkg-c'], params: 'forward' }]);
    expect(inferMemberTargets(member(), 'pkg-a', ctx({ targetNames: { build: false } })).publish.dependsOn).toBeUndefined();
  });

  it('gives package = false members no targets', () => {
    expect(inferMemberTargets(member({ isPackage: false }), 'pkg-a', ctx())).toEqual({});
  });

  it('describes every target for Nx (technologies, description, help)', () => {
    const targets = { ...inferMemberTargets(member(), 'pkg-a', ctx()), ...inferWorkspaceTargets('ws', ctx()) };
    for (const [name, t] of Object.entries(targets)) {
      expect(t.metadata?.technologies).toEqual(['python', 'uv']);
      expect(typeof t.metadata?.description).toBe('string');
      expect(t.metadata?.description?.length).toBeGreaterThan(10);
      expect(t.metadata?.help?.command).toMatch(new RegExp(`:${name} --help$`));
    }
  });
});

describe('inferWorkspaceTargets', () => {
  it('gives the workspace project release-plan, release-pr and notify, not cached', () => {
    const targets = inferWorkspaceTargets('uv-workspace', ctx());
    expect(Object.keys(targets)).toEqual(['release-plan', 'release-pr', 'notify']);
    expect(targets['release-plan']).toMatchObject({ executor: 'nx-uv:release-plan', cache: false });
    expect(targets['release-pr']).toMatchObject({ executor: 'nx-uv:release-pr', cache: false });
    expect(targets.notify).toMatchObject({ executor: 'nx-uv:notify', cache: false });
  });

  it('renames and disables workspace targets', () => {
    const targets = inferWorkspaceTargets('ws', ctx({ targetNames: { releasePr: 'open-release-pr', notify: false } }));
    expect(Object.keys(targets)).toEqual(['release-plan', 'open-release-pr']);
  });
});

describe('resolveGraphOptions', () => {
  it('fills the defaults', () => {
    expect(resolveGraphOptions(undefined)).toEqual({
      projectName: '{name}',
      workspaceProjectName: 'uv-workspace',
      buildOutputPath: 'dist',
      optionalDependencyEdges: true,
      publishExclude: expect.any(Function),
      targetNames: {
        version: 'version',
        tag: 'tag',
        pin: 'pin',
        build: 'build',
        publish: 'publish',
        releasePlan: 'release-plan',
        releasePr: 'release-pr',
        notify: 'notify',
      },
    });
  });

  it.each([
    [{ projectName: 'py' }, /projectName.*\{name\}/],
    [{ workspaceProjectName: '' }, /workspaceProjectName/],
    [{ targetNames: { bulid: 'x' } }, /unknown key "targetNames.bulid"/],
    [{ targetNames: { build: 'publish' } }, /"targetNames.build" and "targetNames.publish" are both "publish"/],
    [{ targetNames: { tag: '' } }, /targetNames.tag/],
    [{ buildOutputPath: '../dist' }, /buildOutputPath/],
    [{ buildOutputPath: '.' }, /buildOutputPath/],
    [{ optionalDependencyEdges: 'no' }, /"optionalDependencyEdges" must be true or false/],
  ])('rejects %j naming nx.json', (opts, message) => {
    expect(() => resolveGraphOptions(opts as never)).toThrow(message);
    expect(() => resolveGraphOptions(opts as never)).toThrow(/nx\.json/);
  });
});

describe('workspaceFileToken', () => {
  it('has no ./ segment at the Nx root', () => {
    expect(workspaceFileToken('.', 'uv.lock')).toBe('{workspaceRoot}/uv.lock');
    expect(workspaceFileToken('py', 'uv.lock')).toBe('{workspaceRoot}/py/uv.lock');
  });
});
