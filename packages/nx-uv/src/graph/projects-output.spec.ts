/**
 * The exact project configurations nx-uv hands to Nx, pinned as JSON text (so key order, which Nx
 * shows targets in, is pinned too) for each shape of member and each kind of option.
 */
import type { NxUvPluginOptions } from '../options';
import { resolveGraphOptions } from './plugin-options';
import { inferProjects, SlimMember, SlimWorkspace } from './projects';

function slim(name: string, root: string, extra: Partial<SlimMember> = {}): SlimMember {
  return {
    name,
    distributionName: name.replace(/-/g, '_').toUpperCase(),
    root,
    pyprojectPath: root === '.' ? 'pyproject.toml' : `${root}/pyproject.toml`,
    isWorkspaceRoot: root === '.',
    isPackage: true,
    version: '1.2.0',
    ...extra,
  };
}

const VIRTUAL_ROOT: SlimMember = {
  name: '',
  distributionName: '',
  root: '.',
  pyprojectPath: 'pyproject.toml',
  isWorkspaceRoot: true,
  isPackage: false,
};

const virtual: SlimWorkspace = {
  uvRoot: '.',
  virtualRoot: VIRTUAL_ROOT,
  members: [
    slim('pkg-a', 'packages/a', { runtimeDeps: ['dyn-c'] }),
    slim('tool-b', 'tools/b', { isPackage: false }),
    slim('dyn-c', 'packages/c', { version: undefined }),
  ],
};

const rooted: SlimWorkspace = {
  uvRoot: 'py',
  members: [slim('app', '.', { runtimeDeps: ['lib'] }), slim('lib', 'libs/lib')],
};

function output(ws: SlimWorkspace, options: NxUvPluginOptions = {}, namedInput = 'default'): string {
  return JSON.stringify(inferProjects(ws, resolveGraphOptions(options), namedInput), null, 2);
}

describe('inferProjects output', () => {
  it('for a virtual root, a package, a non-package and a member without a static version', () => {
    expect(output(virtual)).toMatchSnapshot();
  });

  it('for a uv root below the Nx root whose root is a member, with the production named input', () => {
    expect(output(rooted, {}, 'production')).toMatchSnapshot();
  });

  it('with renamed and disabled targets, a project name template and a build folder', () => {
    expect(
      output(virtual, {
        projectName: 'py-{name}',
        workspaceProjectName: 'python',
        targetNames: { version: 'bump', pin: false, build: 'wheel', releasePr: false },
        buildOutputPath: './out/wheels/',
      }),
    ).toMatchSnapshot();
  });

  it('leaves out nx-release-publish when one of our targets has that name', () => {
    expect(output(rooted, { targetNames: { publish: 'nx-release-publish' } })).toMatchSnapshot();
  });

  it('returns fresh objects on every call: nothing is shared between projects or calls', () => {
    const options = resolveGraphOptions({});
    const first = inferProjects(virtual, options, 'default');
    const second = inferProjects(virtual, options, 'default');
    const seen = new Set<object>();
    const walk = (value: unknown): void => {
      if (value === null || typeof value !== 'object') return;
      expect(seen.has(value)).toBe(false);
      seen.add(value);
      for (const child of Object.values(value)) walk(child);
    };
    walk(first);
    walk(second);
  });
});
