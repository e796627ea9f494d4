/**
 * Test-only: a uv workspace shaped like a real plugin ecosystem (livekit-agents, llama-index, …), the
 * layout that made every release target a task cycle before:
 *
 *   eco-core                 extras: one per plugin (`p01 = ["eco-plugin-p01>=1.0"]`), and `all`
 *                            (`eco-core[p01,p02,…]`, a self-reference uv allows)
 *   eco-plugin-pNN           requires eco-core at runtime (`eco-core>=1.0`)
 *   eco-plugin-p02           also an extra on eco-plugin-p01, which has one back on p02 (a cycle of
 *                            extras between two plugins)
 *   eco-plugin-p03           also requires eco-plugin-p01 at runtime (a real order among plugins)
 *   eco-testing              package = false, a dependency group on eco-core and every plugin
 *   eco-sample-chat          a sample (`[tool.nx-uv] publish = false`): built, never published; requires
 *                            eco-core and eco-plugin-p01 at runtime
 *
 * Virtual root, uv_build backend, `[tool.uv.sources]` for every member at the root.
 */

export interface EcosystemOptions {
  /** Number of plugins (≥ 3). Default 12. */
  plugins?: number;
  /** Version of every package. Default 1.0.0. */
  version?: string;
}

export const ECO_CORE = 'eco-core';

export function ecoPluginName(i: number): string {
  return `eco-plugin-p${String(i).padStart(2, '0')}`;
}

function extraName(i: number): string {
  return `p${String(i).padStart(2, '0')}`;
}

const BUILD = ['[build-system]', 'requires = ["uv_build>=0.13,<0.14"]', 'build-backend = "uv_build"', ''];

function moduleOf(name: string): string {
  return name.replace(/-/g, '_');
}

/** The files of the workspace, relative to its root; `dir` prefixes every path (e.g. `py`). */
export function pluginEcosystemFiles(options: EcosystemOptions = {}, dir = ''): Record<string, string> {
  const n = options.plugins ?? 12;
  if (n < 3) throw new Error('a plugin ecosystem fixture needs at least 3 plugins');
  const version = options.version ?? '1.0.0';
  const plugins = Array.from({ length: n }, (_, k) => ecoPluginName(k + 1));
  const files: Record<string, string> = {};
  const put = (rel: string, text: string) => (files[dir ? `${dir}/${rel}` : rel] = text);

  put(
    'pyproject.toml',
    [
      '# A plugin ecosystem: the core lists its plugins as extras, every plugin requires the core.',
      '[tool.uv.workspace]',
      'members = ["core", "plugins/*", "testing", "samples/*"]',
      '',
      '[tool.uv.sources]',
      `${ECO_CORE} = { workspace = true }`,
      ...plugins.map((p) => `${p} = { workspace = true }`),
      '',
    ].join('\n'),
  );

  put(
    'core/pyproject.toml',
    [
      '[project]',
      `name = "${ECO_CORE}"`,
      `version = "${version}"`,
      'requires-python = ">=3.9"',
      'dependencies = []',
      '',
      '[project.optional-dependencies]',
      ...plugins.map((p, k) => `${extraName(k + 1)} = ["${p}>=1.0"]  # the ${p} plugin`),
      `all = ["${ECO_CORE}[${plugins.map((_, k) => extraName(k + 1)).join(',')}]"]`,
      '',
      ...BUILD,
      '[tool.uv.build-backend]',
      `module-name = "${moduleOf(ECO_CORE)}"`,
      '',
    ].join('\n'),
  );
  put(`core/src/${moduleOf(ECO_CORE)}/__init__.py`, `"""${ECO_CORE}."""\n`);

  plugins.forEach((p, k) => {
    const i = k + 1;
    const deps = [`"${ECO_CORE}>=1.0"`];
    if (i === 3) deps.push(`"${plugins[0]}>=1.0"`);
    const extras: string[] = [];
    if (i === 1) extras.push('[project.optional-dependencies]', `with-p02 = ["${plugins[1]}>=1.0"]`, '');
    if (i === 2) extras.push('[project.optional-dependencies]', `with-p01 = ["${plugins[0]}>=1.0"]`, '');
    put(
      `plugins/${extraName(i)}/pyproject.toml`,
      [
        '[project]',
        `name = "${p}"`,
        `version = "${version}"`,
        'requires-python = ">=3.9"',
        `dependencies = [${deps.join(', ')}]`,
        '',
        ...extras,
        ...BUILD,
        '[tool.uv.build-backend]',
        `module-name = "${moduleOf(p)}"`,
        '',
      ].join('\n'),
    );
    put(`plugins/${extraName(i)}/src/${moduleOf(p)}/__init__.py`, `"""${p}."""\n`);
  });

  put(
    'samples/chat/pyproject.toml',
    [
      '[project]',
      'name = "eco-sample-chat"',
      `version = "${version}"`,
      'requires-python = ">=3.9"',
      `dependencies = ["${ECO_CORE}>=1.0", "${plugins[0]}>=1.0"]`,
      '',
      ...BUILD,
      '[tool.uv.build-backend]',
      'module-name = "eco_sample_chat"',
      '',
      '[tool.nx-uv]',
      'publish = false  # a sample: built and tested, never released',
      '',
    ].join('\n'),
  );
  put('samples/chat/src/eco_sample_chat/__init__.py', '"""A sample."""\n');

  put(
    'testing/pyproject.toml',
    [
      '[project]',
      'name = "eco-testing"',
      'version = "0.0.0"',
      'requires-python = ">=3.9"',
      'dependencies = []',
      '',
      '[dependency-groups]',
      `test = ["${ECO_CORE}", ${plugins.map((p) => `"${p}"`).join(', ')}]`,
      '',
      '[tool.uv]',
      'package = false',
      '',
    ].join('\n'),
  );
  return files;
}

/** The sample: a package kept from publishing. */
export const ECO_SAMPLE = 'eco-sample-chat';

/** Every published package of the fixture, in a valid publish order (core, p01, then the others by name). */
export function ecosystemPackages(plugins = 12): string[] {
  return [ECO_CORE, ...Array.from({ length: plugins }, (_, k) => ecoPluginName(k + 1))];
}

/** What each package requires at runtime (what must be served before it). */
export function ecosystemRuntimeDependencies(plugins = 12): Record<string, string[]> {
  const deps: Record<string, string[]> = { [ECO_CORE]: [] };
  for (let i = 1; i <= plugins; i++) deps[ecoPluginName(i)] = i === 3 ? [ECO_CORE, ecoPluginName(1)] : [ECO_CORE];
  return deps;
}
