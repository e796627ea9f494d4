/**
 * Oracle tests: the model must agree with real uv (0.13, offline) on the fixture workspaces in
 * __fixtures__/: member names (uv.lock `[manifest] members`, `uv workspace list`), internal edges
 * (uv.lock `requires-dist` / `requires-dev` entries that point at a member through an
 * `editable` / `virtual` / `directory` key), versions, and the errors uv raises.
 */
import execa from 'execa';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'smol-toml';
import { makeTempDir, uvBin, uvTestEnv, writeTree } from '../testing/tools';
import { loadUvWorkspace } from './model';
import { normalizeName } from './normalize-name';
import { Member, UvWorkspace, UvWorkspaceError } from './types';

type Table = Record<string, unknown>;
const FIXTURES = path.join(__dirname, '__fixtures__');
const VIRTUAL_ROOT = '<virtual root>';
const WORKSPACE_KEYS = ['editable', 'virtual', 'directory'] as const;

async function uv(cwd: string, args: string[]): Promise<execa.ExecaReturnValue> {
  return execa(uvBin, args, { cwd, env: uvTestEnv(), reject: false, all: true });
}

async function lockFixture(name: string, prepare?: (dir: string) => void): Promise<{ dir: string; cleanup: () => void; lock: Table }> {
  const tmp = makeTempDir(`nx-uv-oracle-${name}-`);
  fs.cpSync(path.join(FIXTURES, name), tmp.dir, { recursive: true });
  prepare?.(tmp.dir);
  const result = await uv(tmp.dir, ['lock']);
  if (result.exitCode !== 0) throw new Error(`uv lock failed in fixture ${name}:\n${result.all}`);
  const lock = parse(fs.readFileSync(path.join(tmp.dir, 'uv.lock'), 'utf8')) as Table;
  return { ...tmp, lock };
}

const asArray = (value: unknown): Table[] => (Array.isArray(value) ? (value as Table[]) : []);
const asTable = (value: unknown): Table => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Table) : {});

/** Members uv recorded; a single non-virtual project may have no `[manifest]`. */
function lockMembers(lock: Table): string[] {
  const manifest = asTable(lock.manifest);
  if (Array.isArray(manifest.members)) return (manifest.members as string[]).map(normalizeName).sort();
  return asArray(lock.package)
    .filter((pkg) => WORKSPACE_KEYS.some((key) => asTable(pkg.source)[key] === '.'))
    .map((pkg) => normalizeName(String(pkg.name)));
}

/** `from -> to [category]` for every lock entry that points at a workspace member. */
function lockEdges(lock: Table, ws: UvWorkspace): Set<string> {
  const rootOf = new Map(ws.members.map((m) => [m.name, m.root]));
  const edges = new Set<string>();
  const add = (from: string, entry: Table, category: string): void => {
    const key = WORKSPACE_KEYS.find((k) => typeof entry[k] === 'string');
    if (!key) return; // from an index (e.g. the part of a marker-scoped source that is not the workspace)
    const to = normalizeName(String(entry.name));
    expect(rootOf.get(to)).toBe(entry[key]); // it points at that member's directory
    // A self-reference (`core[all] = ["core[fast]"]`) is lowered to the member itself when a
    // workspace source covers its name; it is no edge between members, and the model leaves it out.
    if (to === from) return;
    edges.add(`${from} -> ${to} [${category}]`);
  };
  for (const pkg of asArray(lock.package)) {
    const name = normalizeName(String(pkg.name));
    if (!rootOf.has(name)) continue;
    const metadata = asTable(pkg.metadata);
    for (const entry of asArray(metadata['requires-dist'])) {
      const extra = /extra == '([^']+)'/.exec(String(entry.marker ?? ''));
      add(name, entry, extra ? `extra:${normalizeName(extra[1])}` : 'runtime');
    }
    for (const [group, entries] of Object.entries(asTable(metadata['requires-dev']))) {
      for (const entry of asArray(entries)) add(name, entry, `group:${normalizeName(group)}`);
    }
  }
  for (const [group, entries] of Object.entries(asTable(asTable(lock.manifest)['dependency-groups']))) {
    for (const entry of asArray(entries)) add(VIRTUAL_ROOT, entry, `group:${normalizeName(group)}`);
  }
  return edges;
}

/**
 * The model's edges in the same form. uv.lock flattens `{include-group = "x"}` into the including
 * group, so the included groups' edges are added under the including group too.
 */
function modelEdges(ws: UvWorkspace): Set<string> {
  const edges = new Set<string>();
  const owners: [string, Member][] = ws.members.map((m) => [m.name, m]);
  if (ws.virtualRoot) owners.push([VIRTUAL_ROOT, ws.virtualRoot]);
  for (const [from, member] of owners) {
    const byGroup = new Map<string, string[]>();
    for (const d of member.dependencies) {
      let category = 'runtime';
      if (d.kind === 'optional') category = `extra:${normalizeName(d.section.slice('project.optional-dependencies.'.length))}`;
      if (d.kind === 'group') category = `group:${normalizeName(d.section.slice('dependency-groups.'.length))}`;
      if (d.kind === 'dev') category = 'group:dev';
      edges.add(`${from} -> ${d.target} [${category}]`);
      if (category.startsWith('group:')) byGroup.set(category.slice(6), [...(byGroup.get(category.slice(6)) ?? []), d.target]);
    }
    const doc = parse(fs.readFileSync(path.join(ws.absRoot, member.pyprojectPath), 'utf8')) as Table;
    const groups = asTable(doc['dependency-groups']);
    const includes = (group: string, seen = new Set<string>()): string[] => {
      const entries = asArray(Object.entries(groups).find(([g]) => normalizeName(g) === group)?.[1]);
      return entries
        .map((entry) => entry['include-group'])
        .filter((included): included is string => typeof included === 'string')
        .map(normalizeName)
        .filter((included) => !seen.has(included) && seen.add(included))
        .flatMap((included) => [included, ...includes(included, seen)]);
    };
    for (const group of Object.keys(groups).map(normalizeName)) {
      for (const included of includes(group)) {
        for (const target of byGroup.get(included) ?? []) edges.add(`${from} -> ${target} [group:${group}]`);
      }
    }
  }
  return edges;
}

const FIXTURE_NAMES = [
  'globs-with-excludes',
  'virtual-root',
  'extras-and-markers',
  'member-overrides-sources',
  'dependency-groups',
  'root-is-member',
  'hatch-dynamic-version',
];

/** Extra on-disk state uv must ignore like we do (git cannot hold empty or ignored directories). */
const PREPARE: Record<string, (dir: string) => void> = {
  'globs-with-excludes': (dir) => {
    fs.mkdirSync(path.join(dir, 'packages/empty/nested'), { recursive: true }); // only empty directories
    writeTree(dir, {
      'packages/.cache/state.json': '{}', // hidden, without pyproject.toml
      'packages/gone/__pycache__/gone.cpython-311.pyc': '', // only ignored files
      '.ignore': '__pycache__/\n',
    });
  },
};

describe.each(FIXTURE_NAMES)('uv oracle: %s', (fixture) => {
  let dir: string;
  let cleanup: () => void;
  let lock: Table;
  let ws: UvWorkspace;

  beforeAll(async () => {
    ({ dir, cleanup, lock } = await lockFixture(fixture, PREPARE[fixture]));
    ws = loadUvWorkspace(dir);
  });
  afterAll(() => cleanup?.());

  it('has the members uv.lock records', () => {
    expect(ws.members.map((m) => m.name)).toEqual(lockMembers(lock));
    expect(ws.members.length).toBeGreaterThan(1);
  });

  it('has the members `uv workspace list` prints', async () => {
    const result = await uv(dir, ['workspace', 'list']);
    expect(result.exitCode).toBe(0);
    expect(ws.members.map((m) => m.name)).toEqual(result.stdout.split('\n').filter(Boolean).map(normalizeName).sort());
  });

  it('has the internal edges uv.lock records, per member and section', () => {
    const fromLock = lockEdges(lock, ws);
    expect(fromLock.size).toBeGreaterThan(0);
    expect([...modelEdges(ws)].sort()).toEqual([...fromLock].sort());
  });

  it('agrees with uv.lock on versions and on which members are packages', () => {
    for (const pkg of asArray(lock.package)) {
      const member = ws.members.find((m) => m.name === normalizeName(String(pkg.name)));
      if (!member) continue;
      const source = asTable(pkg.source);
      expect([member.name, member.isPackage]).toEqual([member.name, source.virtual === undefined]);
      if (typeof pkg.version === 'string') expect(member.version).toMatchObject({ kind: 'static', version: pkg.version });
    }
  });
});

describe('uv oracle: fixture specifics', () => {
  it('globs-with-excludes: excluded, hidden and dot-directory members as uv sees them', () => {
    const ws = loadUvWorkspace(path.join(FIXTURES, 'globs-with-excludes'));
    expect(ws.virtual).toBe(true);
    expect(ws.members.map((m) => `${m.name}@${m.root}`)).toEqual([
      'alpha@packages/alpha',
      'beta@packages/beta',
      'cli@tools/cli',
      'dotted@packages/.dotted',
      'lib-core@libs/pkg',
      'lib-deep@libs/deep/er/pkg',
    ]);
  });

  it('hatch-dynamic-version: the version read from the hatch file is the one `uv build` puts in the wheel', async () => {
    const tmp = makeTempDir('nx-uv-oracle-hatch-');
    try {
      fs.cpSync(path.join(FIXTURES, 'hatch-dynamic-version'), tmp.dir, { recursive: true });
      const ws = loadUvWorkspace(tmp.dir);
      const hatched = ws.members.find((m) => m.name === 'hatched')!;
      expect(hatched.version).toEqual({ kind: 'hatch-file', version: '1.4.0rc2', file: 'packages/hatched/src/hatched/__about__.py' });
      const result = await uv(tmp.dir, ['build', '--package', 'hatched', '--wheel', '-o', path.join(tmp.dir, 'dist')]);
      expect(result.exitCode).toBe(0);
      expect(fs.readdirSync(path.join(tmp.dir, 'dist')).filter((f) => f.endsWith('.whl'))).toEqual(['hatched-1.4.0rc2-py3-none-any.whl']);
    } finally {
      tmp.cleanup();
    }
  });
});

describe('uv oracle: uv and the model reject the same workspaces', () => {
  const MEMBER = (name: string, extra = ''): string => `[project]\nname = "${name}"\nversion = "0.1.0"\nrequires-python = ">=3.9"\n${extra}\n`;
  const cases: [string, Record<string, string>, (dir: string) => string[]][] = [
    [
      'a dependency on a member without a workspace source',
      {
        'pyproject.toml': '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
        'packages/a/pyproject.toml': MEMBER('pkg-a', 'dependencies = ["pkg-b"]'),
        'packages/b/pyproject.toml': MEMBER('pkg-b'),
      },
      () => ['`pkg-b` is included as a workspace member, but is missing an entry in `tool.uv.sources` (e.g., `pkg-b = { workspace = true }`)'],
    ],
    [
      'a member mapping another member to a path',
      {
        'pyproject.toml': '[tool.uv.workspace]\nmembers = ["packages/*"]\n[tool.uv.sources]\npkg-b = { workspace = true }\n',
        'packages/a/pyproject.toml': MEMBER('pkg-a', 'dependencies = ["pkg-b"]\n[tool.uv.sources]\npkg-b = { path = "../b" }'),
        'packages/b/pyproject.toml': MEMBER('pkg-b'),
      },
      () => ['`pkg-b` is included as a workspace member, but references a path in `tool.uv.sources`'],
    ],
    [
      'a matched non-empty directory without pyproject.toml',
      {
        'pyproject.toml': '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
        'packages/a/pyproject.toml': MEMBER('pkg-a'),
        'packages/stray/README.md': 'hello',
      },
      (dir) => [`Workspace member \`${path.join(dir, 'packages/stray')}\` is missing a \`pyproject.toml\` (matches: \`packages/*\`)`],
    ],
    [
      'two members with the same normalised name',
      {
        'pyproject.toml': '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
        'packages/a/pyproject.toml': MEMBER('Pkg_A'),
        'packages/b/pyproject.toml': MEMBER('pkg.a'),
      },
      () => ['Two workspace members are both named `pkg-a`'],
    ],
    [
      'a nested workspace',
      {
        'pyproject.toml': '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
        'packages/a/pyproject.toml': MEMBER('pkg-a', '[tool.uv.workspace]\nmembers = []'),
      },
      () => ['Nested workspaces are not supported, but workspace member', 'has a `tool.uv.workspace` table'],
    ],
  ];

  it.each(cases)('%s', async (_label, files, expected) => {
    const tmp = makeTempDir('nx-uv-oracle-error-');
    try {
      writeTree(tmp.dir, files);
      const result = await uv(tmp.dir, ['lock']);
      expect(result.exitCode).not.toBe(0);
      let error: unknown;
      try {
        loadUvWorkspace(tmp.dir);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(UvWorkspaceError);
      for (const text of expected(tmp.dir)) {
        expect(result.all).toContain(text);
        expect((error as Error).message).toContain(text);
      }
    } finally {
      tmp.cleanup();
    }
  });
});
