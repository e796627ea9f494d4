import { logger, readNxJson, updateNxJson } from '@nx/devkit';
import type { GeneratorCallback, NxJsonConfiguration, Tree } from '@nx/devkit';
import { DEFAULT_TAG_FORMAT } from '../../options';
import { findPluginIndex, PLUGIN_NAME, readPluginOptions, resolveBuildOutputPath } from '../../plugin-entry';
import type { InitGeneratorSchema } from './schema';

/** The entry `init` adds to nx.json `plugins` when nx-uv is not registered yet. */
export function defaultPluginEntry(): { plugin: string; options: { tagFormat: string } } {
  return { plugin: PLUGIN_NAME, options: { tagFormat: DEFAULT_TAG_FORMAT } };
}

/**
 * Adds nx-uv to nx.json `plugins` unless an entry for it exists already (as the string `"nx-uv"` or as
 * `{ "plugin": "nx-uv", ... }`; an existing entry is left exactly as it is). Returns whether nx.json changed.
 */
export function registerPlugin(tree: Tree): boolean {
  const nxJson: NxJsonConfiguration = readNxJson(tree) ?? {};
  if (findPluginIndex(nxJson) >= 0) return false;
  nxJson.plugins = [...(nxJson.plugins ?? []), defaultPluginEntry()];
  updateNxJson(tree, nxJson);
  return true;
}

interface IgnoreRule {
  /** The line written when no equivalent line is present. */
  line: string;
  /** Lines that already ignore the same thing at every depth. */
  equivalents: string[];
}

/**
 * `.nx/` (Nx's cache and workspace data), `.nx-uv/` (pin journal and state) and the build output
 * folder, unanchored so they match at any depth.
 */
export function ignoreRules(buildOutputPath: string): IgnoreRule[] {
  const out = buildOutputPath.replace(/^\.\//, '').replace(/\/+$/, '');
  const rules: IgnoreRule[] = [
    { line: '.nx/', equivalents: [...unanchored('.nx'), '/.nx', '/.nx/'] },
    { line: '.nx-uv/', equivalents: unanchored('.nx-uv') },
  ];
  if (out && !out.startsWith('..') && !out.startsWith('/')) {
    // A pattern with an inner slash is anchored by git, so those need an explicit `**/`.
    const line = out.includes('/') ? `**/${out}/` : `${out}/`;
    rules.push({ line, equivalents: out.includes('/') ? [`**/${out}`, `**/${out}/`] : unanchored(out) });
  }
  return rules;
}

function unanchored(name: string): string[] {
  return [name, `${name}/`, `**/${name}`, `**/${name}/`];
}

const GITIGNORE_HEADER = '# nx-uv: Nx cache and workspace data, pin journal and state, Python build output';

/** Appends the missing ignore lines to `.gitignore` (created when absent). Returns the lines it added. */
export function updateGitignore(tree: Tree, rules: IgnoreRule[]): string[] {
  const current = tree.read('.gitignore', 'utf-8') ?? '';
  const present = new Set(current.split(/\r?\n/).map((l) => l.trim()));
  const missing = rules.filter((r) => !r.equivalents.some((e) => present.has(e))).map((r) => r.line);
  if (missing.length === 0) return [];
  const block = [...(present.has(GITIGNORE_HEADER) ? [] : [GITIGNORE_HEADER]), ...missing].join('\n');
  const separator = current === '' ? '' : current.endsWith('\n') ? '\n' : '\n\n';
  tree.write('.gitignore', `${current}${separator}${block}\n`);
  return missing;
}

/**
 * `nx add nx-uv` / `nx g nx-uv:init`: registers the plugin in nx.json and ignores `.nx/`, `.nx-uv/`
 * and the build output. Installs nothing, formats nothing, safe to run any number of times.
 */
export async function initGenerator(tree: Tree, _options: InitGeneratorSchema = {}): Promise<GeneratorCallback> {
  if (registerPlugin(tree)) {
    logger.info(`${PLUGIN_NAME}: registered the plugin in nx.json (tagFormat "${DEFAULT_TAG_FORMAT}")`);
  }
  // Only the option init uses: it keeps any registration it finds as it is (the graph checks the rest).
  const buildOutputPath = resolveBuildOutputPath(readPluginOptions(readNxJson(tree)).buildOutputPath);
  const added = updateGitignore(tree, ignoreRules(buildOutputPath));
  if (added.length > 0) logger.info(`${PLUGIN_NAME}: added ${added.join(', ')} to .gitignore`);
  return () => {
    // Nothing to install: nx-uv needs no other packages.
  };
}

export default initGenerator;
