import * as path from 'node:path';
import { makeTempDir, writeTree } from '../testing/tools';
import { findUvWorkspaceRoot, isUvWorkspaceRootToml, loadUvWorkspace, modelUvWorkspace } from './model';
import { memoryReader } from './reader';
import { InternalDependency, UvWorkspace, UvWorkspaceError } from './types';

const ROOT = '/repo';
const BUILD = '\n[build-system]\nrequires = ["uv_build>=0.13,<0.14"]\nbuild-backend = "uv_build"\n';
const WS_SOURCES = (...names: string[]): string => `\n[tool.uv.sources]\n${names.map((n) => `"${n}" = { workspace = true }`).join('\n')}\n`;

/** A member pyproject: `[project]` keys go in `projectKeys`, further tables in `tables`. */
function member(name: string, projectKeys = '', tables = '', build = true): string {
  return `[project]\nname = "${name}"\nversion = "0.1.0"\n${projectKeys}\n${tables}${build ? BUILD : ''}`;
}

function model(files: Record<string, string>): UvWorkspace {
  return modelUvWorkspace(ROOT, memoryReader(files));
}

function edges(ws: UvWorkspace, name: string): string[] {
  const m = name === '' ? ws.virtualRoot! : ws.members.find((x) => x.name === name)!;
  return m.dependencies.map((d: InternalDependency) => `${d.target} ${d.kind} ${d.section}`);
}

function thrown(fn: () => unknown): UvWorkspaceError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UvWorkspaceError);
    return error as UvWorkspaceError;
  }
  throw new Error('expected a UvWorkspaceError');
}

describe('member discovery (globs and excludes, as uv 0.13 does it)', () => {
  const files = {
    'pyproject.toml': `[tool.uv.workspace]
members = ["packages/*", "libs/**/pkg", "tools/cli", "missing/x", "README.md", "./apps/../apps/*/"]
exclude = ["packages/skip*", "libs/old*"]
`,
    'README.md': '# hi',
    'packages/a/pyproject.toml': member('pkg-a'),
    'packages/B_b/pyproject.toml': member('Pkg_B'),
    'packages/.hidden-member/pyproject.toml': member('hidden-member'), // `*` matches dot directories in uv
    'packages/.venv/bin/python': '', // hidden, no pyproject → ignored
    'packages/empty/': '', // empty → ignored
    'packages/nested-empty/sub/': '', // only empty directories → ignored
    'packages/skip-me/pyproject.toml': 'not toml at all [', // excluded before it is read
    'packages/notes.txt': 'a file matched by * → ignored',
    'libs/pkg/pyproject.toml': member('libs-top'), // `**` matches zero directories
    'libs/x/y/pkg/pyproject.toml': member('libs-deep'),
    'libs/old/pkg/pyproject.toml': member('libs-old'), // excluded: `*` in exclude crosses `/`
    'libs/x/pkg2/pyproject.toml': member('not-matched'),
    'tools/cli/pyproject.toml': member('cli'),
    'apps/web/pyproject.toml': member('web'),
  };

  it('finds exactly the members uv finds', () => {
    const ws = model(files);
    expect(ws.virtual).toBe(true);
    expect(ws.members.map((m) => [m.name, m.root])).toEqual([
      ['cli', 'tools/cli'],
      ['hidden-member', 'packages/.hidden-member'],
      ['libs-deep', 'libs/x/y/pkg'],
      ['libs-top', 'libs/pkg'],
      ['pkg-a', 'packages/a'],
      ['pkg-b', 'packages/B_b'],
      ['web', 'apps/web'],
    ]);
    const b = ws.members.find((m) => m.name === 'pkg-b')!;
    expect(b).toMatchObject({
      distributionName: 'Pkg_B',
      pyprojectPath: 'packages/B_b/pyproject.toml',
      isWorkspaceRoot: false,
      isPackage: true,
      version: { kind: 'static', version: '0.1.0', file: 'packages/B_b/pyproject.toml' },
      dependencies: [],
    });
  });

  it('errors on a matched non-empty directory without pyproject.toml, like uv', () => {
    const error = thrown(() => model({ ...files, 'packages/stray/notes.md': 'hello' }));
    expect(error.message).toContain(`Workspace member \`${path.join(ROOT, 'packages/stray')}\` is missing a \`pyproject.toml\` (matches: \`packages/*\`)`);
    expect(error.message).toMatch(/exclude/);
    expect(error.file).toBe('packages/stray/pyproject.toml');
  });

  it('skips a directory holding only ignored files (e.g. a leftover __pycache__)', () => {
    const leftover = { ...files, 'packages/gone/__pycache__/m.cpython-311.pyc': '' };
    expect(() => model(leftover)).toThrow(/packages\/gone` is missing a `pyproject.toml`/);
    expect(model({ ...leftover, '.gitignore': '# py\n__pycache__/\n*.pyc\n' }).members).toHaveLength(7);
    expect(model({ ...leftover, '.ignore': '__pycache__\n' }).members).toHaveLength(7);
    expect(model({ ...leftover, 'packages/gone/.gitignore': '*\n' }).members).toHaveLength(7);
    // a negated rule brings the file back, so the directory is not empty any more
    expect(() => model({ ...leftover, '.gitignore': '__pycache__/*\n!m.cpython-311.pyc\n' })).toThrow(/missing a `pyproject.toml`/);
  });

  it('rejects bad member globs', () => {
    const error = thrown(() => model({ 'pyproject.toml': '[tool.uv.workspace]\nmembers = ["packages/a**"]\n' }));
    expect(error.message).toMatch(/Invalid glob in \[tool.uv.workspace\] members of pyproject.toml/);
    expect(error.message).toMatch(/single path component/);
    expect(() => model({ 'pyproject.toml': '[tool.uv.workspace]\nmembers = ["p/[a"]\n' })).toThrow(/invalid range pattern/);
  });

  it('rejects a member outside the workspace root (nx-uv cannot model it)', () => {
    const error = thrown(() => model({ 'pyproject.toml': '[tool.uv.workspace]\nmembers = ["../other"]\n' }));
    expect(error.message).toMatch(/`..\/other` in pyproject.toml points outside the workspace root \/repo/);
    expect(error.message).toMatch(/move the project under the root or remove the entry/);
    expect(error.file).toBe('pyproject.toml');
    expect(() => model({ 'pyproject.toml': '[tool.uv.workspace]\nmembers = ["/elsewhere/*"]\n' })).toThrow(/outside the workspace root/);
    // an absolute glob inside the root is fine
    expect(model({ 'pyproject.toml': '[tool.uv.workspace]\nmembers = ["/repo/p/*"]\n', 'p/a/pyproject.toml': member('a') }).members.map((m) => m.root)).toEqual(['p/a']);
  });

  it('omits members marked `[tool.uv] managed = false`', () => {
    const ws = model({ ...files, 'packages/unmanaged/pyproject.toml': '[tool.uv]\nmanaged = false\n' });
    expect(ws.members.map((m) => m.name)).not.toContain('unmanaged');
    expect(ws.members).toHaveLength(7);
  });

  it('errors on a matched pyproject.toml without [project], naming the file', () => {
    const error = thrown(() => model({ ...files, 'packages/tool-only/pyproject.toml': '[tool.ruff]\nline-length = 100\n' }));
    expect(error.message).toMatch(/No `project` table found in packages\/tool-only\/pyproject.toml/);
    expect(error.file).toBe('packages/tool-only/pyproject.toml');
  });

  it('errors on nested workspaces', () => {
    const error = thrown(() =>
      model({ ...files, 'packages/a/pyproject.toml': member('pkg-a', '', '[tool.uv.workspace]\nmembers = []\n') }),
    );
    expect(error.message).toMatch(/Nested workspaces are not supported/);
    expect(error.message).toMatch(/packages\/a\/pyproject.toml/);
  });
});

describe('roots', () => {
  it('a root with [project] is a member (name, ".", isWorkspaceRoot)', () => {
    const ws = model({
      'pyproject.toml': member('app', 'dependencies = ["lib"]', `[tool.uv.workspace]\nmembers = ["libs/*", "."]\n${WS_SOURCES('lib')}`),
      'libs/lib/pyproject.toml': member('lib'),
    });
    expect(ws.virtual).toBe(false);
    expect(ws.virtualRoot).toBeUndefined();
    expect(ws.members.map((m) => [m.name, m.root, m.pyprojectPath, m.isWorkspaceRoot])).toEqual([
      ['app', '.', 'pyproject.toml', true],
      ['lib', 'libs/lib', 'libs/lib/pyproject.toml', false],
    ]);
    expect(edges(ws, 'app')).toEqual(['lib runtime project.dependencies']);
  });

  it('a root without [project] is a virtual root, not a member, with its own group edges', () => {
    const ws = model({
      'pyproject.toml': `[tool.uv.workspace]
members = ["p/*"]

[dependency-groups]
lint = ["a", { include-group = "base" }]
base = ["b ; python_version >= '3.8'", "ruff"]

[tool.uv]
dev-dependencies = ["b", "pytest"]
${WS_SOURCES('a', 'b')}`,
      'p/a/pyproject.toml': member('a'),
      'p/b/pyproject.toml': member('b'),
    });
    expect(ws.virtual).toBe(true);
    expect(ws.members.map((m) => m.name)).toEqual(['a', 'b']);
    expect(ws.virtualRoot).toMatchObject({
      name: '',
      distributionName: '',
      root: '.',
      pyprojectPath: 'pyproject.toml',
      isWorkspaceRoot: true,
      isPackage: false,
      version: { kind: 'none' },
    });
    expect(edges(ws, '')).toEqual([
      'a group dependency-groups.lint',
      'b group dependency-groups.base',
      'b dev tool.uv.dev-dependencies',
    ]);
  });

  it('a single project without [tool.uv.workspace] is a one-member workspace', () => {
    const ws = model({ 'pyproject.toml': member('solo') });
    expect(ws.virtual).toBe(false);
    expect(ws.members.map((m) => m.name)).toEqual(['solo']);
  });

  it('errors when the root pyproject is missing, unmanaged, or neither a workspace nor a project', () => {
    expect(thrown(() => model({})).message).toMatch(/No pyproject.toml at the uv workspace root \/repo/);
    expect(thrown(() => model({ 'pyproject.toml': '[tool.ruff]\n' })).message).toMatch(/neither \[tool.uv.workspace\] nor \[project\]/);
    expect(thrown(() => model({ 'pyproject.toml': '[tool.uv]\nmanaged = false\n[tool.uv.workspace]\n' })).message).toMatch(/unmanaged/);
  });

  it('errors on wrongly typed workspace settings, naming the key', () => {
    const error = thrown(() => model({ 'pyproject.toml': '[tool.uv.workspace]\nmembers = "packages/*"\n' }));
    expect(error.message).toMatch(/`tool.uv.workspace.members` in pyproject.toml must be an array/);
  });
});

describe('isPackage (uv: tool.uv.package, else [build-system] present)', () => {
  it.each([
    ['with a build system', member('x'), true],
    ['package = false', member('x', '', '[tool.uv]\npackage = false\n'), false],
    ['no build system (uv locks it as virtual)', member('x', '', '', false), false],
    ['package = true without a build system', member('x', '', '[tool.uv]\npackage = true\n', false), true],
  ])('%s', (_label, toml, expected) => {
    const ws = model({ 'pyproject.toml': '[tool.uv.workspace]\nmembers = ["x"]\n', 'x/pyproject.toml': toml });
    expect(ws.members[0].isPackage).toBe(expected);
  });
});

describe('internal dependencies', () => {
  const rootWith = (sources: string[], extra = ''): string => `[tool.uv.workspace]\nmembers = ["p/*"]\n${extra}${WS_SOURCES(...sources)}`;

  it('collects runtime, optional, group and dev edges in file order, normalising names', () => {
    const ws = model({
      'pyproject.toml': rootWith(['pkg-b', 'PKG.C']),
      'p/a/pyproject.toml': member(
        'pkg-a',
        `dependencies = [
  "Pkg_B[x]>=0.1 ; sys_platform != 'win32'",  # internal
  "requests>=2",
]
[project.optional-dependencies]
All = ["pkg.c", "rich"]
self = ["pkg-a[All]"]`,
        `[dependency-groups]
Test = ["pkg-c", { include-group = "lint" }, "pytest"]
lint = ["pkg-b"]

[tool.uv]
dev-dependencies = ["pkg_c"]
`,
      ),
      'p/b/pyproject.toml': member('pkg-b', '[project.optional-dependencies]\nx = []'),
      'p/c/pyproject.toml': member('pkg-c', 'dependencies = ["pkg-b"]'),
    });
    expect(edges(ws, 'pkg-a')).toEqual([
      'pkg-b runtime project.dependencies',
      'pkg-c optional project.optional-dependencies.All',
      'pkg-c group dependency-groups.Test',
      'pkg-b group dependency-groups.lint',
      'pkg-c dev tool.uv.dev-dependencies',
    ]);
    const first = ws.members[0].dependencies[0].requirement;
    expect(first).toMatchObject({ name: 'Pkg_B', normalizedName: 'pkg-b', extras: ['x'], specifier: '>=0.1', marker: "sys_platform != 'win32'" });
    expect(edges(ws, 'pkg-c')).toEqual(['pkg-b runtime project.dependencies']);
    expect(edges(ws, 'pkg-b')).toEqual([]);
  });

  it('uses the member sources table over the root one (member entry wins)', () => {
    const ws = model({
      'pyproject.toml': `[tool.uv.workspace]\nmembers = ["p/*"]\n`,
      'p/a/pyproject.toml': member('a', 'dependencies = ["b"]', WS_SOURCES('b')),
      'p/b/pyproject.toml': member('b'),
    });
    expect(edges(ws, 'a')).toEqual(['b runtime project.dependencies']);
  });

  it.each([
    ['a path', 'b = { path = "../b" }', /references a path in `tool.uv.sources`/],
    ['an index', 'b = { index = "internal" }', /references a registry in `tool.uv.sources`/],
    ['git', 'b = { git = "https://example.com/b.git" }', /references a Git in `tool.uv.sources`/],
    ['a URL', 'b = { url = "https://example.com/b-1.0.tar.gz" }', /references a URL in `tool.uv.sources`/],
    ['workspace = false', 'b = { workspace = false }', /does not use `workspace = true`/],
  ])('a member mapping another member to %s is an error, as in uv', (_label, source, message) => {
    const error = thrown(() =>
      model({
        'pyproject.toml': rootWith(['b']),
        'p/a/pyproject.toml': member('a', 'dependencies = ["b"]', `[tool.uv.sources]\n${source}\n`),
        'p/b/pyproject.toml': member('b'),
      }),
    );
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/p\/a\/pyproject.toml \(package `a`, `project.dependencies`\)/);
    expect(error.message).toMatch(/b = \{ workspace = true \}/);
    expect(error.file).toBe('p/a/pyproject.toml');
  });

  it.each([
    ['project.dependencies', 'dependencies = ["pkg-b>=1"]', ''],
    ['project.optional-dependencies.extra', '[project.optional-dependencies]\nextra = ["pkg-b"]', ''],
    ['dependency-groups.dev', '', '[dependency-groups]\ndev = ["pkg-b"]\n'],
    ['tool.uv.dev-dependencies', '', '[tool.uv]\ndev-dependencies = ["pkg-b"]\n'],
  ])('a dependency on a member without a workspace source is an error (%s)', (section, projectKeys, tables) => {
    const error = thrown(() =>
      model({
        'pyproject.toml': '[tool.uv.workspace]\nmembers = ["p/*"]\n',
        'p/a/pyproject.toml': member('pkg-a', projectKeys, tables),
        'p/b/pyproject.toml': member('pkg-b'),
      }),
    );
    expect(error.message).toContain(
      '`pkg-b` is included as a workspace member, but is missing an entry in `tool.uv.sources` (e.g., `pkg-b = { workspace = true }`)',
    );
    expect(error.message).toContain(`p/a/pyproject.toml (package \`pkg-a\`, \`${section}\`)`);
    expect(error.message).toMatch(/Add `pkg-b = \{ workspace = true \}` under \[tool.uv.sources\] in p\/a\/pyproject.toml or in the root/);
    expect(error.file).toBe('p/a/pyproject.toml');
  });

  it('a virtual root group on a member without a source is an error naming the root', () => {
    const error = thrown(() =>
      model({ 'pyproject.toml': '[tool.uv.workspace]\nmembers = ["p/*"]\n[dependency-groups]\ndev = ["b"]\n', 'p/b/pyproject.toml': member('b') }),
    );
    expect(error.message).toMatch(/pyproject.toml \(the virtual workspace root, `dependency-groups.dev`\)/);
  });

  it('a workspace source for a name that is not a member is an error', () => {
    expect(() =>
      model({ 'pyproject.toml': rootWith(['ghost']), 'p/a/pyproject.toml': member('a', 'dependencies = ["ghost"]') }),
    ).toThrow(/`ghost` references a workspace in `tool.uv.sources`.*but is not a workspace member/);
  });

  it('ignores self-references (extras enabling other extras) and unrelated externals', () => {
    const ws = model({
      'pyproject.toml': rootWith([]),
      'p/a/pyproject.toml': member('a', 'dependencies = ["requests"]\n[project.optional-dependencies]\nx = ["A[y]"]\ny = []'),
    });
    expect(edges(ws, 'a')).toEqual([]);
  });

  it('honours sources scoped to one extra or group', () => {
    const files = {
      'pyproject.toml': rootWith([]),
      'p/a/pyproject.toml': member(
        'a',
        '[project.optional-dependencies]\nfast = ["b"]',
        '[dependency-groups]\nci = ["b"]\n[tool.uv.sources]\nb = [{ workspace = true, extra = "fast" }, { workspace = true, group = "ci" }]\n',
      ),
      'p/b/pyproject.toml': member('b'),
    };
    expect(edges(model(files), 'a')).toEqual(['b optional project.optional-dependencies.fast', 'b group dependency-groups.ci']);
  });

  it('accepts a list of workspace sources with markers', () => {
    const ws = model({
      'pyproject.toml': '[tool.uv.workspace]\nmembers = ["p/*"]\n[tool.uv.sources]\nb = [{ workspace = true, marker = "sys_platform == \'linux\'" }]\n',
      'p/a/pyproject.toml': member('a', 'dependencies = ["b"]'),
      'p/b/pyproject.toml': member('b'),
    });
    expect(edges(ws, 'a')).toEqual(['b runtime project.dependencies']);
  });

  it('names file and section for a malformed internal requirement', () => {
    const error = thrown(() =>
      model({ 'pyproject.toml': rootWith(['b']), 'p/a/pyproject.toml': member('a', 'dependencies = ["b >= "]'), 'p/b/pyproject.toml': member('b') }),
    );
    expect(error.message).toMatch(/In p\/a\/pyproject.toml, `project.dependencies`: Invalid PEP 508 requirement `b >= `/);
    expect(error.file).toBe('p/a/pyproject.toml');
  });

  it('rejects dependency-group entries that are neither strings nor include-group tables', () => {
    expect(() =>
      model({ 'pyproject.toml': rootWith([]), 'p/a/pyproject.toml': member('a', '', '[dependency-groups]\ng = [{ name = "x" }]\n') }),
    ).toThrow(/`dependency-groups.g` in p\/a\/pyproject.toml has an entry that is neither a requirement string nor `\{include-group/);
  });
});

describe('versions', () => {
  const hatch = (versionTable: string, extra = ''): string =>
    `[project]\nname = "h"\ndynamic = ["version"]\n\n[tool.hatch.version]\n${versionTable}\n${extra}\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n`;
  const single = (toml: string, more: Record<string, string> = {}) =>
    model({ 'pyproject.toml': '[tool.uv.workspace]\nmembers = ["pk/h"]\n', 'pk/h/pyproject.toml': toml, ...more }).members[0].version;

  it('static', () => {
    expect(single(member('h'))).toEqual({ kind: 'static', version: '0.1.0', file: 'pk/h/pyproject.toml' });
  });

  it('hatch version file, kept as written', () => {
    expect(single(hatch('path = "src/h/__about__.py"'), { 'pk/h/src/h/__about__.py': '# c\n__version__ = "1.2.0rc1"\n' })).toEqual({
      kind: 'hatch-file',
      version: '1.2.0rc1',
      file: 'pk/h/src/h/__about__.py',
    });
  });

  it('hatch version file with a custom pattern', () => {
    expect(
      single(hatch(`path = "VERSION.txt"\npattern = "^v=(?P<version>.+)$"`), { 'pk/h/VERSION.txt': 'v=2.0.0\n' }),
    ).toEqual({ kind: 'hatch-file', version: '2.0.0', file: 'pk/h/VERSION.txt', pattern: '^v=(?P<version>.+)$' });
  });

  it('hatch version errors name the file and the fix', () => {
    expect(thrown(() => single(hatch('path = "src/h/missing.py"'))).message).toMatch(
      /pk\/h\/pyproject.toml: \[tool.hatch.version\] path `src\/h\/missing.py` does not exist \(pk\/h\/src\/h\/missing.py\)/,
    );
    const noMatch = thrown(() => single(hatch('path = "src/h/__init__.py"'), { 'pk/h/src/h/__init__.py': 'VERSION_INFO = (1, 0)\n' }));
    expect(noMatch.message).toMatch(/pk\/h\/src\/h\/__init__.py .* has no `__version__ = "..."` or `VERSION = "..."` line/);
    expect(noMatch.file).toBe('pk/h/src/h/__init__.py');
    expect(thrown(() => single(hatch('pattern = "x"'))).message).toMatch(/no `path`/);
  });

  it.each([
    ['hatch-vcs (source = "vcs")', hatch('source = "vcs"'), { kind: 'vcs', plugin: 'hatch-vcs', file: 'pk/h/pyproject.toml' }],
    [
      'hatch-vcs with a fallback in raw-options',
      `[project]\nname = "h"\ndynamic = ["version"]\n[tool.hatch.version]\nsource = "vcs"\nraw-options = { fallback_version = "0.0.1" }\n[build-system]\nrequires = ["hatchling", "hatch-vcs>=0.4"]\nbuild-backend = "hatchling.build"\n`,
      { kind: 'vcs', plugin: 'hatch-vcs', file: 'pk/h/pyproject.toml', fallback: '0.0.1' },
    ],
    [
      'setuptools-scm with fallback_version',
      `[project]\nname = "h"\ndynamic = ["version"]\n[tool.setuptools_scm]\nfallback_version = "0.1.0"\n[build-system]\nrequires = ["setuptools>=64", "setuptools_scm>=8"]\nbuild-backend = "setuptools.build_meta"\n`,
      { kind: 'vcs', plugin: 'setuptools-scm', file: 'pk/h/pyproject.toml', fallback: '0.1.0' },
    ],
    ['uv-dynamic-versioning (hatch source)', hatch('source = "uv-dynamic-versioning"'), { kind: 'vcs', plugin: 'uv-dynamic-versioning', file: 'pk/h/pyproject.toml' }],
    [
      'pdm-backend scm',
      `[project]\nname = "h"\ndynamic = ["version"]\n[tool.pdm.version]\nsource = "scm"\n[build-system]\nrequires = ["pdm-backend"]\nbuild-backend = "pdm.backend"\n`,
      { kind: 'vcs', plugin: 'pdm-backend (scm)', file: 'pk/h/pyproject.toml' },
    ],
  ])('derived from git tags: %s', (_label, toml, expected) => {
    expect(single(toml)).toEqual(expected);
  });

  it.each([
    [
      'pdm-backend file',
      `[project]\nname = "h"\ndynamic = ["version"]\n[tool.pdm.version]\nsource = "file"\npath = "h.py"\n[build-system]\nrequires = ["pdm-backend"]\nbuild-backend = "pdm.backend"\n`,
      /pdm-backend \(tool.pdm.version source = "file"\)/,
    ],
    ['unknown backend', `[project]\nname = "h"\ndynamic = ["version"]\n[build-system]\nrequires = ["mybackend"]\nbuild-backend = "mybackend.api"\n`, /build backend `mybackend.api`/],
    ['no version at all', `[project]\nname = "h"\n`, /has no \[project\].version/],
  ])('dynamic: %s → reported, not guessed', (_label, toml, reason) => {
    const version = single(toml);
    expect(version.kind).toBe('dynamic');
    expect(version.kind === 'dynamic' && version.reason).toMatch(reason);
    expect(version.kind === 'dynamic' && version.reason).toMatch(/pk\/h\/pyproject.toml/);
  });
});

describe('bad member files', () => {
  const base = { 'pyproject.toml': '[tool.uv.workspace]\nmembers = ["p/*"]\n' };

  it('malformed TOML names the file and the line', () => {
    const error = thrown(() => model({ ...base, 'p/a/pyproject.toml': '[project]\nname = "a"\nversion = 0.1.0\n' }));
    expect(error.file).toBe('p/a/pyproject.toml');
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/Invalid TOML in p\/a\/pyproject.toml at line 3/);
  });

  it('missing [project].name', () => {
    const error = thrown(() => model({ ...base, 'p/a/pyproject.toml': '[project]\nversion = "1"\n' }));
    expect(error.message).toMatch(/p\/a\/pyproject.toml has a \[project\] table without a `name`. Add `name = "<distribution-name>"`/);
    expect(error.file).toBe('p/a/pyproject.toml');
  });

  it('invalid [project].name', () => {
    expect(() => model({ ...base, 'p/a/pyproject.toml': '[project]\nname = "-bad-"\n' })).toThrow(/`-bad-` in p\/a\/pyproject.toml is not a valid package name/);
  });

  it('duplicate normalised names', () => {
    const error = thrown(() => model({ ...base, 'p/a/pyproject.toml': member('Pkg_A'), 'p/b/pyproject.toml': member('pkg.a') }));
    expect(error.message).toMatch(/Two workspace members are both named `pkg-a`: p\/a\/pyproject.toml \(`Pkg_A`\) and p\/b\/pyproject.toml \(`pkg.a`\)/);
    expect(error.message).toMatch(/rename one of them/);
  });

  it('duplicate source keys after normalisation', () => {
    expect(() =>
      model({ ...base, 'p/a/pyproject.toml': member('a', '', '[tool.uv.sources]\nPkg_B = { workspace = true }\npkg-b = { workspace = true }\n') }),
    ).toThrow(/\[tool.uv.sources\] in p\/a\/pyproject.toml has two entries for `pkg-b`/);
  });

  it('wrongly typed arrays name the key', () => {
    expect(() => model({ ...base, 'p/a/pyproject.toml': member('a', 'dependencies = "b"') })).toThrow(
      /`project.dependencies` in p\/a\/pyproject.toml must be an array/,
    );
    expect(() => model({ ...base, 'p/a/pyproject.toml': member('a', 'dependencies = [1]') })).toThrow(/must be strings/);
  });
});

describe('isUvWorkspaceRootToml', () => {
  it.each([
    [{ tool: { uv: { workspace: {} } } }, true],
    [{ tool: { uv: { workspace: { members: ['a'] } } } }, true],
    [{ tool: { uv: {} } }, false],
    [{ project: { name: 'x' } }, false],
    [{ tool: { uv: { workspace: 'x' } } }, false],
  ])('%j → %s', (doc, expected) => expect(isUvWorkspaceRootToml(doc)).toBe(expected));
});

describe('on disk: loadUvWorkspace and findUvWorkspaceRoot', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeAll(() => {
    tmp = makeTempDir();
    writeTree(tmp.dir, {
      'repo/pyproject.toml': `[tool.uv.workspace]\nmembers = ["packages/*"]\n${WS_SOURCES('b')}`,
      'repo/packages/a/pyproject.toml': member('a', 'dependencies = ["b"]'),
      'repo/packages/a/src/a/__init__.py': '',
      'repo/packages/b/pyproject.toml': member('b'),
      'repo/packages/b/src/b/deep/x.py': '',
      'standalone/pyproject.toml': member('standalone'),
    });
  });
  afterAll(() => tmp.cleanup());

  it('loads from disk', () => {
    const ws = loadUvWorkspace(path.join(tmp.dir, 'repo'));
    expect(ws.absRoot).toBe(path.join(tmp.dir, 'repo'));
    expect(ws.members.map((m) => m.name)).toEqual(['a', 'b']);
    expect(edges(ws, 'a')).toEqual(['b runtime project.dependencies']);
  });

  it('finds the root from anywhere below it, and nothing outside', () => {
    const root = path.join(tmp.dir, 'repo');
    expect(findUvWorkspaceRoot(root)).toBe(root);
    expect(findUvWorkspaceRoot(path.join(root, 'packages/b/src/b/deep'))).toBe(root);
    expect(findUvWorkspaceRoot(path.join(tmp.dir, 'standalone'))).toBeUndefined();
  });
});
