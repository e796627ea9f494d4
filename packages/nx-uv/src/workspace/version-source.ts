/**
 * Where a member's version comes from: `[project] version`, a hatch version file
 * (`[tool.hatch.version] path`, read with hatch's regex), git tags (a VCS version plugin: nx-uv's
 * tags make the version), or something nx-uv does not guess (code execution, …) — reported.
 */
import * as path from 'node:path';
import { parseRequirement } from './requirement';
import type { WorkspaceReader } from './reader';
import { getArray, getString, getTable, isTable, TomlTable } from './toml-access';
import { UvWorkspaceError, VersionSource } from './types';

/** hatchling's DEFAULT_PATTERN: `(?i)^(__version__|VERSION) *= *(['"])v?(?P<version>.+?)\2`, multiline. */
const HATCH_DEFAULT_PATTERN = /^(?:__version__|VERSION) *= *(['"])v?(?<version>.+?)\1/dim;

export interface HatchVersionMatch {
  version: string;
  /** Offsets of the version text in the file (what hatch rewrites on `hatch version`). */
  start: number;
  end: number;
}

/** Translates a Python `re` pattern as hatch users write them to a JavaScript RegExp (multiline). */
export function pythonPatternToRegExp(pattern: string): RegExp {
  let source = pattern;
  let flags = 'dm';
  const inline = /^\(\?([aiLmsux]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    if (inline[1].includes('x')) throw new Error('verbose (?x) patterns are not supported');
    if (inline[1].includes('i')) flags += 'i';
    if (inline[1].includes('s')) flags += 's';
  }
  source = source
    .replace(/\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/g, '\\k<$1>')
    .replace(/\\A/g, '(?<![\\s\\S])')
    .replace(/\\Z/g, '(?![\\s\\S])');
  return new RegExp(source, flags);
}

/**
 * Finds the version in a hatch version file the way hatchling's regex source does (first match of
 * the default or the custom pattern; the `version` group). Undefined when nothing matches.
 */
export function findHatchVersion(text: string, pattern?: string): HatchVersionMatch | undefined {
  const regexp = pattern ? pythonPatternToRegExp(pattern) : HATCH_DEFAULT_PATTERN;
  const match = regexp.exec(text);
  const version = match?.groups?.version;
  const span = match?.indices?.groups?.version;
  if (version === undefined || span === undefined) return undefined;
  return { version, start: span[0], end: span[1] };
}

/** Version plugins that derive the version from git tags, by normalised name in `[build-system] requires`. */
const VCS_PLUGINS = ['hatch-vcs', 'uv-dynamic-versioning', 'setuptools-scm', 'versioningit', 'poetry-dynamic-versioning', 'dunamai'];

/** A string option of `table` under any of `keys` (the plugins accept both spellings). */
function stringOption(table: TomlTable | undefined, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = table?.[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/** The fallback version the plugin uses without a tag (hatch-vcs, setuptools-scm, uv-dynamic-versioning). */
function vcsFallback(doc: TomlTable, file: string): string | undefined {
  const tool = getTable(doc, 'tool', file);
  const hatchVersion = getTable(getTable(tool, 'hatch', file), 'version', file, 'tool.hatch.version');
  const raw = isTable(hatchVersion?.['raw-options']) ? (hatchVersion!['raw-options'] as TomlTable) : undefined;
  const scm = isTable(tool?.setuptools_scm) ? (tool!.setuptools_scm as TomlTable) : isTable(tool?.['setuptools-scm']) ? (tool!['setuptools-scm'] as TomlTable) : undefined;
  const udv = isTable(tool?.['uv-dynamic-versioning']) ? (tool!['uv-dynamic-versioning'] as TomlTable) : undefined;
  return (
    stringOption(hatchVersion, 'fallback-version', 'fallback_version') ??
    stringOption(raw, 'fallback_version', 'fallback-version') ??
    stringOption(scm, 'fallback_version', 'fallback-version') ??
    stringOption(udv, 'fallback-version', 'fallback_version') ??
    stringOption(getTable(getTable(tool, 'pdm', file), 'version', file, 'tool.pdm.version'), 'fallback_version', 'fallback-version')
  );
}

function vcsSource(doc: TomlTable, file: string, plugin: string): VersionSource {
  const fallback = vcsFallback(doc, file);
  return fallback === undefined ? { kind: 'vcs', plugin, file } : { kind: 'vcs', plugin, file, fallback };
}

function buildRequires(doc: TomlTable, file: string): string[] {
  const requires = getArray(getTable(doc, 'build-system', file), 'requires', file, 'build-system.requires') ?? [];
  const names: string[] = [];
  for (const entry of requires) {
    if (typeof entry !== 'string') continue;
    try {
      names.push(parseRequirement(entry).normalizedName);
    } catch {
      // a bad build requirement is the build frontend's problem, not the model's
    }
  }
  return names;
}

function dynamicReason(doc: TomlTable, file: string, backend: string | undefined, requires: string[]): string {
  const tool = getTable(doc, 'tool', file);
  const where = `${file} declares dynamic = ["version"]`;
  if (requires.includes('pbr')) return `${where}; it is computed by pbr (version from git)`;
  const pdmVersion = getTable(getTable(tool, 'pdm', file), 'version', file, 'tool.pdm.version');
  if (pdmVersion) return `${where}; it is computed by pdm-backend (tool.pdm.version source = "${String(pdmVersion.source ?? 'file')}")`;
  const setuptoolsDynamic = getTable(getTable(tool, 'setuptools', file), 'dynamic', file, 'tool.setuptools.dynamic');
  if (setuptoolsDynamic?.version !== undefined) {
    return `${where}; it is computed by setuptools from [tool.setuptools.dynamic] version (${JSON.stringify(setuptoolsDynamic.version)})`;
  }
  if (backend?.startsWith('flit_core')) return `${where}; it is computed by flit from the module's __version__`;
  if (backend?.startsWith('maturin')) return `${where}; it is computed by maturin from Cargo.toml`;
  return `${where}; it is computed by the build backend ${backend ? `\`${backend}\`` : '(none declared)'}, which nx-uv does not evaluate`;
}

function readHatchFile(
  reader: WorkspaceReader,
  memberRoot: string,
  file: string,
  hatchVersion: TomlTable,
): VersionSource {
  const relPath = getString(hatchVersion, 'path', file, 'tool.hatch.version.path');
  if (!relPath) {
    throw new UvWorkspaceError(
      `${file} declares dynamic = ["version"] with [tool.hatch.version] but no \`path\` (hatchling: "option \`path\` must be specified"). ` +
        'Set `path = "src/<module>/__init__.py"` (the file holding `__version__ = "..."`) or a static `version`.',
      file,
    );
  }
  const rawPattern = hatchVersion.pattern;
  const pattern = typeof rawPattern === 'string' && rawPattern !== '' ? rawPattern : undefined;
  const versionFile = path.posix.normalize(memberRoot === '.' || memberRoot === '' ? relPath : `${memberRoot}/${relPath}`);
  const text = reader.readText(versionFile);
  if (text === undefined) {
    throw new UvWorkspaceError(
      `${file}: [tool.hatch.version] path \`${relPath}\` does not exist (${versionFile}). Create it with \`__version__ = "0.1.0"\` or fix the path.`,
      file,
    );
  }
  let match: HatchVersionMatch | undefined;
  try {
    match = findHatchVersion(text, pattern);
  } catch (error) {
    return {
      kind: 'dynamic',
      reason: `${file}: the custom [tool.hatch.version] pattern cannot be evaluated by nx-uv (${(error as Error).message})`,
    };
  }
  if (!match) {
    throw new UvWorkspaceError(
      `${versionFile} (the [tool.hatch.version] path of ${file}) has no ${pattern ? `match for the pattern \`${pattern}\` with a \`version\` group` : '`__version__ = "..."` or `VERSION = "..."` line'}. ` +
        'Add one, e.g. `__version__ = "0.1.0"`.',
      versionFile,
    );
  }
  const source: VersionSource = { kind: 'hatch-file', version: match.version, file: versionFile };
  if (pattern) source.pattern = pattern;
  return source;
}

/** The version source of one member's pyproject.toml (`project` is its `[project]` table). */
export function readVersionSource(
  reader: WorkspaceReader,
  memberRoot: string,
  file: string,
  doc: TomlTable,
  project: TomlTable,
): VersionSource {
  const dynamic = getArray(project, 'dynamic', file, 'project.dynamic') ?? [];
  const isDynamic = dynamic.includes('version');
  const version = getString(project, 'version', file, 'project.version');
  if (version !== undefined && !isDynamic) return { kind: 'static', version, file };
  if (!isDynamic) {
    return { kind: 'dynamic', reason: `${file} has no [project].version and does not list "version" in [project].dynamic` };
  }

  const buildSystem = getTable(doc, 'build-system', file);
  const backend = getString(buildSystem, 'build-backend', file, 'build-system.build-backend');
  const requires = buildRequires(doc, file);
  const hatchVersion = getTable(getTable(getTable(doc, 'tool', file), 'hatch', file), 'version', file, 'tool.hatch.version');
  const usesHatchling = backend?.startsWith('hatchling') ?? requires.includes('hatchling');
  if (hatchVersion && usesHatchling) {
    const source = hatchVersion.source ?? 'regex';
    if (source === 'regex') return readHatchFile(reader, memberRoot, file, hatchVersion);
    if (source === 'vcs') return vcsSource(doc, file, 'hatch-vcs');
    if (source === 'uv-dynamic-versioning') return vcsSource(doc, file, 'uv-dynamic-versioning');
    return {
      kind: 'dynamic',
      reason: `${file} declares dynamic = ["version"]; it is computed by the hatch version source "${String(source)}"`,
    };
  }
  const plugin = VCS_PLUGINS.find((p) => requires.includes(p));
  if (plugin) return vcsSource(doc, file, plugin);
  const tool = getTable(doc, 'tool', file);
  if (isTable(tool?.setuptools_scm) || isTable(tool?.['setuptools-scm'])) return vcsSource(doc, file, 'setuptools-scm');
  const pdmVersion = getTable(getTable(tool, 'pdm', file), 'version', file, 'tool.pdm.version');
  if (pdmVersion?.source === 'scm' && (backend?.startsWith('pdm') ?? false)) return vcsSource(doc, file, 'pdm-backend (scm)');
  return { kind: 'dynamic', reason: dynamicReason(doc, file, backend, requires) };
}
