import { modelUvWorkspace } from './model';
import { ALL_DEPENDENCY_KINDS, DependencyCycleError, dependentsOf, topologicalOrder } from './order';
import { memoryReader } from './reader';
import { UvWorkspace } from './types';

/** Builds a workspace from `name: [runtime deps]` plus optional extra TOML per member. */
function workspace(graph: Record<string, string[]>, extra: Record<string, string> = {}): UvWorkspace {
  const names = Object.keys(graph);
  const files: Record<string, string> = {
    'pyproject.toml': `[tool.uv.workspace]\nmembers = ["p/*"]\n\n[tool.uv.sources]\n${names.map((n) => `${n} = { workspace = true }`).join('\n')}\n`,
  };
  for (const [name, deps] of Object.entries(graph)) {
    files[`p/${name}/pyproject.toml`] =
      `[project]\nname = "${name}"\nversion = "1.0.0"\ndependencies = [${deps.map((d) => `"${d}"`).join(', ')}]\n${extra[name] ?? ''}`;
  }
  return modelUvWorkspace('/ws', memoryReader(files));
}

const names = (members: { name: string }[]): string[] => members.map((m) => m.name);

describe('topologicalOrder', () => {
  it('puts dependencies first, ties broken by name', () => {
    const ws = workspace({ app: ['core', 'utils'], core: ['utils'], utils: [], zeta: [], alpha: ['zeta'] });
    expect(names(topologicalOrder(ws))).toEqual(['utils', 'core', 'app', 'zeta', 'alpha']);
  });

  it('every member comes after all its dependencies (diamond + chain)', () => {
    const ws = workspace({ d: ['b', 'c'], b: ['a'], c: ['a'], a: [], e: ['d'] });
    const order = names(topologicalOrder(ws));
    expect(order).toEqual(['a', 'b', 'c', 'd', 'e']);
    for (const member of ws.members) {
      for (const dep of member.dependencies) expect(order.indexOf(dep.target)).toBeLessThan(order.indexOf(member.name));
    }
  });

  it('counts a dependency listed twice once', () => {
    const ws = workspace({ a: ['b', "b[x] ; python_version > '3'"], b: [] });
    expect(names(topologicalOrder(ws))).toEqual(['b', 'a']);
  });

  it('throws naming the cycle with sections and files', () => {
    const ws = workspace({ a: ['b'], b: ['c'], c: ['a'], d: [] });
    expect(() => topologicalOrder(ws)).toThrow(
      'Dependency cycle between workspace members (runtime dependencies): a → b → c → a: ' +
        'a requires "b" (project.dependencies in p/a/pyproject.toml); b requires "c" (project.dependencies in p/b/pyproject.toml); ' +
        'c requires "a" (project.dependencies in p/c/pyproject.toml). Each must be versioned and published before the other',
    );
    try {
      topologicalOrder(ws);
    } catch (e) {
      expect(e).toBeInstanceOf(DependencyCycleError);
      expect((e as DependencyCycleError).links.map((l) => [l.from.name, l.to, l.dependency.section])).toEqual([
        ['a', 'b', 'project.dependencies'],
        ['b', 'c', 'project.dependencies'],
        ['c', 'a', 'project.dependencies'],
      ]);
    }
  });

  it('a plugin ecosystem (core lists its plugins in extras, each plugin requires core) is no cycle: core first', () => {
    const ws = workspace(
      { core: [], 'plugin-x': ['core>=1'], 'plugin-y': ['core>=1'] },
      { core: '[project.optional-dependencies]\nx = ["plugin-x>=1"]\ny = ["plugin-y>=1"]\nall = ["core[x,y]"]\n' },
    );
    expect(ws.members.find((m) => m.name === 'core')!.dependencies.map((d) => `${d.kind}:${d.target}`)).toEqual(['optional:plugin-x', 'optional:plugin-y']);
    expect(names(topologicalOrder(ws))).toEqual(['core', 'plugin-x', 'plugin-y']);
    expect(() => topologicalOrder(ws, ['runtime', 'optional'])).toThrow(/core → plugin-x → core/);
  });

  it('ignores group and dev edges by default, includes them when asked', () => {
    const ws = workspace({ a: ['b'], b: [] }, { b: '[dependency-groups]\ntest = ["a"]\n' });
    expect(names(topologicalOrder(ws))).toEqual(['b', 'a']);
    expect(() => topologicalOrder(ws, ALL_DEPENDENCY_KINDS)).toThrow(
      /cycle .*: a → b → a: .*b requires "a" \(dependency-groups.test in p\/b\/pyproject.toml\)/,
    );
    expect(names(topologicalOrder(ws, ['group']))).toEqual(['a', 'b']);
  });

  it('handles 1,000 members in a chain quickly', () => {
    const graph: Record<string, string[]> = {};
    for (let i = 0; i < 1000; i++) graph[`m${String(i).padStart(4, '0')}`] = i === 0 ? [] : [`m${String(i - 1).padStart(4, '0')}`];
    const ws = workspace(graph);
    const started = Date.now();
    const order = topologicalOrder(ws);
    expect(Date.now() - started).toBeLessThan(500);
    expect(order[0].name).toBe('m0000');
    expect(order[999].name).toBe('m0999');
  });
});

describe('dependentsOf', () => {
  const ws = workspace(
    { core: [], api: ['core'], cli: ['api', 'core'], docs: [] },
    { docs: '[dependency-groups]\nbuild = ["core"]\n', api: '[project.optional-dependencies]\nextra = ["docs"]\n' },
  );

  it('lists direct runtime/optional dependents, sorted', () => {
    expect(names(dependentsOf(ws, 'core'))).toEqual(['api', 'cli']);
    expect(names(dependentsOf(ws, 'api'))).toEqual(['cli']);
    expect(names(dependentsOf(ws, 'docs'))).toEqual(['api']);
    expect(names(dependentsOf(ws, 'cli'))).toEqual([]);
  });

  it('accepts any spelling and other kinds', () => {
    expect(names(dependentsOf(ws, 'CORE'))).toEqual(['api', 'cli']);
    expect(names(dependentsOf(ws, 'core', ALL_DEPENDENCY_KINDS))).toEqual(['api', 'cli', 'docs']);
    expect(names(dependentsOf(ws, 'core', ['group']))).toEqual(['docs']);
  });

  it('throws for a name that is not a member', () => {
    expect(() => dependentsOf(ws, 'nope')).toThrow(/`nope` is not a member of the uv workspace at \/ws \(members: api, cli, core, docs\)/);
  });
});
