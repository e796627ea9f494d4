/** Small uv workspace trees for the graph tests (POSIX path → file content). */

export function pyproject(
  name: string,
  opts: {
    deps?: string[];
    optional?: Record<string, string[]>;
    groups?: Record<string, string[]>;
    dev?: string[];
    sources?: string[];
    version?: string;
    packageFalse?: boolean;
    extra?: string;
  } = {},
): string {
  const list = (xs: string[]) => `[${xs.map((x) => JSON.stringify(x)).join(', ')}]`;
  const lines = [
    '[project]',
    `name = ${JSON.stringify(name)}`,
    `version = ${JSON.stringify(opts.version ?? '0.1.0')}`,
    `dependencies = ${list(opts.deps ?? [])}`,
  ];
  if (opts.optional) {
    lines.push('', '[project.optional-dependencies]');
    for (const [k, v] of Object.entries(opts.optional)) lines.push(`${k} = ${list(v)}`);
  }
  if (opts.groups) {
    lines.push('', '[dependency-groups]');
    for (const [k, v] of Object.entries(opts.groups)) lines.push(`${k} = ${list(v)}`);
  }
  if (opts.dev || opts.packageFalse) {
    lines.push('', '[tool.uv]');
    if (opts.dev) lines.push(`dev-dependencies = ${list(opts.dev)}`);
    if (opts.packageFalse) lines.push('package = false');
  }
  if (opts.sources?.length) {
    lines.push('', '[tool.uv.sources]');
    for (const s of opts.sources) lines.push(`${s} = { workspace = true }`);
  }
  lines.push('', '[build-system]', 'requires = ["uv_build>=0.13,<0.14"]', 'build-backend = "uv_build"');
  if (opts.extra) lines.push('', opts.extra);
  return `${lines.join('\n')}\n`;
}

export function virtualRoot(members: string[], extra = ''): string {
  return `[tool.uv.workspace]\nmembers = [${members.map((m) => JSON.stringify(m)).join(', ')}]\n${extra}`;
}

/** A virtual workspace with every kind of internal dependency. */
export function sampleWorkspace(prefix = ''): Record<string, string> {
  const p = (rel: string) => (prefix ? `${prefix}/${rel}` : rel);
  return {
    [p('pyproject.toml')]: virtualRoot(['packages/*'], '\n[dependency-groups]\ndev = ["pkg-a"]\n\n[tool.uv.sources]\npkg-a = { workspace = true }\n'),
    [p('packages/a/pyproject.toml')]: pyproject('Pkg_A', {
      deps: ['pkg-b>=0.1'],
      optional: { extra: ['pkg.c[x]'], self: ['pkg-a[extra]'] },
      groups: { test: ['pkg-d'] },
      dev: ['pkg-b'],
      sources: ['pkg-b', 'pkg-c', 'pkg-d', 'pkg-a'],
    }),
    [p('packages/b/pyproject.toml')]: pyproject('pkg-b'),
    [p('packages/c/pyproject.toml')]: pyproject('pkg.c'),
    [p('packages/d/pyproject.toml')]: pyproject('pkg-d', { packageFalse: true, deps: ['pkg-b'], sources: ['pkg-b'] }),
    // not a member: outside the globs
    [p('tools/scratch/pyproject.toml')]: pyproject('scratch'),
  };
}
