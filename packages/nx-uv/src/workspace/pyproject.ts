/**
 * One pyproject.toml read into what the model needs: the name, whether it is a package, the version
 * source, every requirement array (with its section), and `[tool.uv.sources]`.
 * Requirement strings are kept as written (the arrays of the parsed TOML, not copied); the model
 * parses only those that can be internal.
 */
import { isValidName, normalizeName } from './normalize-name';
import { parseRequirement } from './requirement';
import type { WorkspaceReader } from './reader';
import { getArray, getBoolean, getTable, isTable, TomlTable } from './toml-access';
import { DependencyKind, Requirement, UvWorkspaceError, VersionSource } from './types';
import { readVersionSource } from './version-source';

/** One requirement array of a pyproject.toml. */
export interface RequirementSection {
  kind: DependencyKind;
  /** The extra (optional) or group (group) name as written in the TOML key. */
  key?: string;
  /**
   * The TOML array as parsed (not copied): requirement strings in file order, and for dependency
   * groups also `{include-group = "…"}` tables. The model validates entries in its single pass
   * over them (`checkEntry`).
   */
  entries: readonly unknown[];
}

/** TOML key path of the section's array, e.g. `project.optional-dependencies.test`. */
export function sectionPath(section: RequirementSection): string {
  switch (section.kind) {
    case 'runtime':
      return 'project.dependencies';
    case 'optional':
      return `project.optional-dependencies.${section.key}`;
    case 'group':
      return `dependency-groups.${section.key}`;
    case 'dev':
      return 'tool.uv.dev-dependencies';
  }
}

/** Normalised extra name of an optional-dependencies section. */
export function sectionExtra(section: RequirementSection): string | undefined {
  return section.kind === 'optional' ? normalizeName(section.key!) : undefined;
}

/** Normalised group name: the dependency group, or `dev` for `tool.uv.dev-dependencies` (uv merges them). */
export function sectionGroup(section: RequirementSection): string | undefined {
  return section.kind === 'group' ? normalizeName(section.key!) : section.kind === 'dev' ? 'dev' : undefined;
}

export type SourceKind = 'workspace' | 'git' | 'url' | 'path' | 'registry' | 'unknown';

export interface SourceEntry {
  kind: SourceKind;
  /** The value of `workspace = …` for workspace sources. */
  workspace?: unknown;
  /** Normalised `extra = "…"` / `group = "…"` scoping, when present. */
  extra?: string;
  group?: string;
}

export interface ProjectFile {
  /** Directory relative to the workspace root, '.' for the root. */
  root: string;
  pyprojectPath: string;
  /** `[project].name` as written; undefined for a virtual root. */
  distributionName?: string;
  /** PEP 503 normalised name; undefined for a virtual root. */
  name?: string;
  isPackage: boolean;
  version: VersionSource;
  /** `[tool.uv.sources]`, keyed by normalised name. */
  sources: Map<string, SourceEntry[]>;
  /** `dependencies` / `optional-dependencies` when `[project].dynamic` lists them. */
  dynamicDependencyFields?: string[];
  /** `[tool.nx-uv] publish = false`: built and tested, never versioned, tagged or published. */
  publish?: false;
}

/** Parses one requirement of `file`, naming the file and the section when it is malformed. */
export function parseEntry(raw: string, file: string, section: string): Requirement {
  try {
    return parseRequirement(raw);
  } catch (error) {
    throw new UvWorkspaceError(`In ${file}, \`${section}\`: ${(error as Error).message}`, file);
  }
}

const NO_SOURCES = new Map<string, SourceEntry[]>();
/** `{ workspace = true }` (with or without `editable`), by far the most common source: one shared value. */
export const WORKSPACE_SOURCE: SourceEntry[] = [Object.freeze({ kind: 'workspace', workspace: true } as SourceEntry)];

function sourceKind(source: TomlTable): SourceKind {
  if ('workspace' in source) return 'workspace';
  if ('git' in source) return 'git';
  if ('url' in source) return 'url';
  if ('path' in source) return 'path';
  if ('index' in source) return 'registry';
  return 'unknown';
}

function readSources(uv: TomlTable | undefined, file: string): Map<string, SourceEntry[]> {
  const table = getTable(uv, 'sources', file, 'tool.uv.sources');
  if (!table) return NO_SOURCES;
  const sources = new Map<string, SourceEntry[]>();
  for (const key in table) {
    const value = table[key];
    const name = normalizeName(key);
    if (sources.has(name)) {
      throw new UvWorkspaceError(
        `[tool.uv.sources] in ${file} has two entries for \`${name}\`. Keep one (use a list of sources with markers to combine them).`,
        file,
      );
    }
    if (isTable(value) && value.workspace === true && value.extra === undefined && value.group === undefined && value.marker === undefined) {
      sources.set(name, WORKSPACE_SOURCE);
      continue;
    }
    const list = Array.isArray(value) ? value : [value];
    const entries: SourceEntry[] = [];
    for (const source of list) {
      if (!isTable(source)) {
        throw new UvWorkspaceError(
          `[tool.uv.sources] \`${key}\` in ${file} must be a table (e.g. \`${key} = { workspace = true }\`) or a list of tables.`,
          file,
        );
      }
      const entry: SourceEntry = { kind: sourceKind(source) };
      if (entry.kind === 'workspace') entry.workspace = source.workspace;
      if (typeof source.extra === 'string') entry.extra = normalizeName(source.extra);
      if (typeof source.group === 'string') entry.group = normalizeName(source.group);
      entries.push(entry);
    }
    sources.set(name, entries);
  }
  return sources;
}

function readDependencyGroups(doc: TomlTable, file: string, out: RequirementSection[]): void {
  const groups = getTable(doc, 'dependency-groups', file);
  if (!groups) return;
  for (const group of Object.keys(groups)) {
    const entries = groups[group];
    if (!isValidName(group)) {
      throw new UvWorkspaceError(`Dependency group name \`${group}\` in ${file} is not a valid name (letters, digits, \`-\`, \`_\`, \`.\`). Rename it.`, file);
    }
    if (!Array.isArray(entries)) {
      throw new UvWorkspaceError(`\`dependency-groups.${group}\` in ${file} must be an array of requirements. Fix that entry.`, file);
    }
    out.push({ kind: 'group', key: group, entries });
  }
}

/**
 * The requirement string of one entry of `section`, or undefined for an `{include-group = "x"}`
 * table of a dependency group (it pulls in another group's requirements, which are recorded under
 * that group); throws for anything else.
 */
export function checkEntry(entry: unknown, section: RequirementSection, file: string): string | undefined {
  if (typeof entry === 'string') return entry;
  if (section.kind === 'group') {
    if (isTable(entry) && typeof entry['include-group'] === 'string' && Object.keys(entry).length === 1) return undefined;
    throw new UvWorkspaceError(
      `\`${sectionPath(section)}\` in ${file} has an entry that is neither a requirement string nor \`{include-group = "<group>"}\`. Fix that entry.`,
      file,
    );
  }
  throw new UvWorkspaceError(`\`${sectionPath(section)}\` entries in ${file} must be strings (PEP 508 requirements). Fix that entry.`, file);
}

/**
 * Reads one member (or the root) pyproject.toml that `doc` is the parsed form of. The requirement
 * sections come apart from the project so that callers can drop them (and the document) early.
 */
export function readProjectFile(
  reader: WorkspaceReader,
  root: string,
  pyprojectPath: string,
  doc: TomlTable,
): { project: ProjectFile; sections: RequirementSection[] } {
  const file = pyprojectPath;
  const project = getTable(doc, 'project', file);
  const uv = getTable(getTable(doc, 'tool', file), 'uv', file, 'tool.uv');
  const sections: RequirementSection[] = [];

  let distributionName: string | undefined;
  let dynamicDependencyFields: string[] | undefined;
  let version: VersionSource = { kind: 'none' };
  let isPackage = false;
  if (project) {
    const name = project.name;
    if (name !== undefined && typeof name !== 'string') {
      throw new UvWorkspaceError(
        `[project].name in ${file} must be a string (got ${Array.isArray(name) ? 'an array' : typeof name === 'object' ? 'a table' : `the ${typeof name} ${String(name)}`}). ` +
          'Write it in quotes: `name = "<distribution-name>"`.',
        file,
      );
    }
    if (typeof name !== 'string' || name === '') {
      throw new UvWorkspaceError(`${file} has a [project] table without a \`name\`. Add \`name = "<distribution-name>"\` under [project].`, file);
    }
    if (!isValidName(name)) {
      throw new UvWorkspaceError(
        `[project].name \`${name}\` in ${file} is not a valid package name: it must start and end with a letter or digit and contain only letters, digits, \`-\`, \`_\` and \`.\`. Rename it.`,
        file,
      );
    }
    distributionName = name;
    version = readVersionSource(reader, root, file, doc, project);
    const explicit = getBoolean(uv, 'package', file, 'tool.uv.package');
    isPackage = explicit ?? isTable(doc['build-system']);

    const dynamicFields = (getArray(project, 'dynamic', file, 'project.dynamic') ?? []).filter(
      (f): f is string => f === 'dependencies' || f === 'optional-dependencies',
    );
    if (dynamicFields.length > 0) dynamicDependencyFields = dynamicFields;
    const dependencies = getArray(project, 'dependencies', file, 'project.dependencies');
    if (dependencies) sections.push({ kind: 'runtime', entries: dependencies });
    const optional = getTable(project, 'optional-dependencies', file, 'project.optional-dependencies');
    if (optional) {
      for (const extra of Object.keys(optional)) {
        const entries = optional[extra];
        if (!Array.isArray(entries)) getArray(optional, extra, file, `project.optional-dependencies.${extra}`); // throws
        sections.push({ kind: 'optional', key: extra, entries: entries as unknown[] });
      }
    }
  }
  readDependencyGroups(doc, file, sections);
  const dev = getArray(uv, 'dev-dependencies', file, 'tool.uv.dev-dependencies');
  if (dev) sections.push({ kind: 'dev', entries: dev });
  const projectFile: ProjectFile = {
    root,
    pyprojectPath,
    distributionName,
    name: distributionName === undefined ? undefined : normalizeName(distributionName),
    isPackage,
    version,
    sources: readSources(uv, file),
  };
  if (dynamicDependencyFields) projectFile.dynamicDependencyFields = dynamicDependencyFields;
  const nxUv = getTable(getTable(doc, 'tool', file), 'nx-uv', file, 'tool.nx-uv');
  if (getBoolean(nxUv, 'publish', file, 'tool.nx-uv.publish') === false) projectFile.publish = false;
  return { project: projectFile, sections };
}
