import type { DependencyKind, InternalDependency, Member, UvWorkspace } from '../workspace';
import { resolveGraphOptions } from './plugin-options';
import { inferWorkspaceProjects, joinRel } from './projects';

function dep(target: string, kind: DependencyKind, section: string): InternalDependency {
  return {
    target,
    kind,
    section,
    requirement: { raw: target, name: target, normalizedName: target, extras: [], specifier: '' },
  };
}

function member(name: string, root: string, extra: Partial<Member> = {}): Member {
  return {
    name,
    distributionName: name,
    root,
    pyprojectPath: root === '.' ? 'pyproject.toml' : `${root}/pyproject.toml`,
    isWorkspaceRoot: root === '.',
    isPackage: true,
    version: { kind: 'static', version: '0.1.0', file: `${root}/pyproject.toml` },
    dependencies: [],
    ...extra,
  };
}

function virtualWorkspace(members: Member[], rootDeps: InternalDependency[] = []): UvWorkspace {
  return {
    absRoot: '/x',
    virtual: true,
    members,
    virtualRoot: {
      name: '',
      distributionName: '',
      root: '.',
      pyprojectPath: 'pyproject.toml',
      isWorkspaceRoot: true,
      isPackage: false,
      version: { kind: 'none' },
      dependencies: rootDeps,
    },
  };
}

const opts = resolveGraphOptions({});

describe('inferWorkspaceProjects', () => {
  it('makes a virtual root project carrying the workspace targets, and one project per member', () => {
    const ws = virtualWorkspace([member('alpha', 'packages/alpha'), member('beta', 'packages/beta', { isPackage: false })]);
    const { projects } = inferWorkspaceProjects(ws, '.', opts, 'default');
    expect(projects.map((p) => [p.file, p.root, p.config.name])).toEqual([
      ['packages/alpha/pyproject.toml', 'packages/alpha', 'alpha'],
      ['packages/beta/pyproject.toml', 'packages/beta', 'beta'],
      ['pyproject.toml', '.', 'uv-workspace'],
    ]);
    const [alpha, beta, root] = projects.map((p) => p.config);
    expect(root.tags).toEqual(['lang:python', 'uv:virtual']);
    expect(Object.keys(root.targets ?? {})).toEqual(['release-plan', 'release-pr', 'notify']);
    expect(root.metadata?.targetGroups).toEqual({ release: ['release-plan', 'release-pr', 'notify'] });
    expect(alpha.tags).toEqual(['lang:python', 'uv:member']);
    expect(alpha.projectType).toBe('library');
    expect(Object.keys(alpha.targets ?? {})).toEqual(['version', 'tag', 'pin', 'build', 'publish', 'nx-release-publish']);
    expect(alpha.metadata?.targetGroups).toEqual({ release: ['version', 'tag', 'pin', 'build', 'publish', 'nx-release-publish'] });
    expect(alpha.metadata?.technologies).toEqual(['python', 'uv']);
    expect(alpha.metadata?.uv).toMatchObject({ name: 'alpha', version: '0.1.0', workspaceRoot: '.' });
    expect(beta.tags).toEqual(['lang:python', 'uv:member', 'uv:no-package']);
    expect(beta.targets).toEqual({});
    expect(beta.metadata?.targetGroups).toEqual({});
  });

  it('lets a non-virtual root member carry the workspace targets itself', () => {
    const ws: UvWorkspace = { absRoot: '/x', virtual: false, members: [member('app', '.'), member('lib', 'lib')] };
    const { projects } = inferWorkspaceProjects(ws, 'python', opts, 'production');
    const app = projects.find((p) => p.config.name === 'app')!;
    expect(app.root).toBe('python');
    expect(app.file).toBe('python/pyproject.toml');
    expect(Object.keys(app.config.targets ?? {})).toEqual([
      'version',
      'tag',
      'pin',
      'build',
      'publish',
      'nx-release-publish',
      'release-plan',
      'release-pr',
      'notify',
    ]);
    expect(app.config.targets?.build.inputs).toContain('{workspaceRoot}/python/uv.lock');
    expect(projects.find((p) => p.config.name === 'lib')!.root).toBe('python/lib');
    expect(projects.map((p) => p.config.name)).not.toContain('uv-workspace');
  });

  it('applies the projectName template and workspaceProjectName', () => {
    const ws = virtualWorkspace([member('alpha', 'a')]);
    const { projects } = inferWorkspaceProjects(ws, '.', resolveGraphOptions({ projectName: 'py-{name}', workspaceProjectName: 'python' }), 'default');
    expect(projects.map((p) => p.config.name).sort()).toEqual(['py-alpha', 'python']);
  });

  it('makes one edge per internal dependency of every kind, deduplicated, with the pyproject as source file', () => {
    const ws = virtualWorkspace(
      [
        member('a', 'packages/a', {
          dependencies: [
            dep('b', 'runtime', 'project.dependencies'),
            dep('b', 'optional', 'project.optional-dependencies.x'),
            dep('c', 'group', 'dependency-groups.test'),
            dep('d', 'dev', 'tool.uv.dev-dependencies'),
            dep('a', 'optional', 'project.optional-dependencies.all'),
          ],
        }),
        member('b', 'packages/b'),
        member('c', 'packages/c'),
        member('d', 'packages/d', { isPackage: false }),
      ],
      [dep('a', 'group', 'dependency-groups.dev')],
    );
    const { edges } = inferWorkspaceProjects(ws, 'py', resolveGraphOptions({ projectName: 'py-{name}' }), 'default');
    expect(edges).toEqual([
      ['py/packages/a/pyproject.toml', 'py/packages/b'],
      ['py/packages/a/pyproject.toml', 'py/packages/c'],
      ['py/packages/a/pyproject.toml', 'py/packages/d'],
      ['py/pyproject.toml', 'py/packages/a'],
    ]);
  });
});

describe('joinRel', () => {
  it.each([
    ['.', 'a', 'a'],
    ['', 'a', 'a'],
    ['x', '.', 'x'],
    ['x', 'a/b', 'x/a/b'],
    ['.', '.', '.'],
  ])('%s + %s = %s', (a, b, out) => expect(joinRel(a, b)).toBe(out));
});

describe('members kept from publishing', () => {
  const ws = virtualWorkspace([member('core', 'packages/core'), member('demo', 'samples/demo', { publish: false }), member('tool-sample', 'tools/sample')]);
  const targetsOf = (options: Parameters<typeof resolveGraphOptions>[0]) =>
    Object.fromEntries(
      inferWorkspaceProjects(ws, '.', resolveGraphOptions(options), 'default').projects.map((p) => [
        p.config.name,
        { targets: Object.keys(p.config.targets ?? {}), tags: p.config.tags },
      ]),
    );

  it('[tool.nx-uv] publish = false: built and pinned, never versioned, tagged or published; tagged uv:no-publish', () => {
    const projects = targetsOf({});
    expect(projects.demo).toEqual({ targets: ['pin', 'build'], tags: ['lang:python', 'uv:member', 'uv:no-publish'] });
    expect(projects.core.targets).toEqual(['version', 'tag', 'pin', 'build', 'publish', 'nx-release-publish']);
  });

  it('publishExclude: by project name glob or by a tag nx-uv infers', () => {
    expect(targetsOf({ publishExclude: ['*-sample'] })['tool-sample']).toEqual({
      targets: ['pin', 'build'],
      tags: ['lang:python', 'uv:member', 'uv:no-publish'],
    });
    expect(targetsOf({ publishExclude: ['tag:uv:member'] }).core.targets).toEqual(['pin', 'build']);
  });

  it('refuses a publishExclude that is not a list of patterns', () => {
    expect(() => resolveGraphOptions({ publishExclude: 'samples' as never })).toThrow(/"publishExclude" in nx\.json must be an array/);
  });
});
