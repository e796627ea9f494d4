/**
 * The uv workspace model: members and their internal edges, read exactly as uv reads them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { discoverMembers } from './members';
import { checkEntry, parseEntry, ProjectFile, readProjectFile, RequirementSection, sectionPath } from './pyproject';
import { normalizedRequirementName } from './requirement';
import { addLockedDependencies, UV_LOCK } from './locked-dependencies';
import { diskReader, parseTomlText, WorkspaceReader } from './reader';
import { sortByKey } from './sort-by-key';
import { isWorkspaceDependency } from './sources';
import { getBoolean, getStringArray, getTable, isTable } from './toml-access';
import { InternalDependency, Member, UvWorkspace, UvWorkspaceError } from './types';

const ROOT_PYPROJECT = 'pyproject.toml';

/** True when the parsed pyproject.toml declares `[tool.uv.workspace]`. */
export function isUvWorkspaceRootToml(doc: Record<string, unknown>): boolean {
  const tool = doc.tool;
  const uv = isTable(tool) ? tool.uv : undefined;
  return isTable(uv) && isTable(uv.workspace);
}

/** The `[tool.uv.workspace]` globs of a root pyproject.toml, as written; throws naming the key when they are not string arrays. */
export function workspaceGlobs(rootDoc: Record<string, unknown>): { members: string[]; exclude: string[] } {
  const uv = getTable(getTable(rootDoc, 'tool', ROOT_PYPROJECT), 'uv', ROOT_PYPROJECT, 'tool.uv');
  const workspace = getTable(uv, 'workspace', ROOT_PYPROJECT, 'tool.uv.workspace');
  return {
    members: getStringArray(workspace, 'members', ROOT_PYPROJECT, 'tool.uv.workspace.members') ?? [],
    exclude: getStringArray(workspace, 'exclude', ROOT_PYPROJECT, 'tool.uv.workspace.exclude') ?? [],
  };
}

function toMember(file: ProjectFile, isWorkspaceRoot: boolean, dependencies: InternalDependency[]): Member {
  const member: Member = {
    name: file.name ?? '',
    distributionName: file.distributionName ?? '',
    root: file.root,
    pyprojectPath: file.pyprojectPath,
    isWorkspaceRoot,
    isPackage: file.isPackage,
    version: file.version,
    dependencies,
  };
  if (file.dynamicDependencyFields) member.dynamicDependencyFields = file.dynamicDependencyFields;
  if (file.publish === false) member.publish = false;
  return member;
}

/**
 * Models the uv workspace whose root pyproject.toml is `<absRoot>/pyproject.toml`, reading only through
 * `reader`. A root with `[project]` but no `[tool.uv.workspace]` is a single-project workspace (as in uv).
 */
export function modelUvWorkspace(absRoot: string, reader: WorkspaceReader): UvWorkspace {
  const rootDoc = reader.readToml(ROOT_PYPROJECT);
  if (rootDoc === undefined) {
    throw new UvWorkspaceError(
      `No pyproject.toml at the uv workspace root ${absRoot}. Point nx-uv at the directory whose pyproject.toml has [tool.uv.workspace].`,
      ROOT_PYPROJECT,
    );
  }
  const uv = getTable(getTable(rootDoc, 'tool', ROOT_PYPROJECT), 'uv', ROOT_PYPROJECT, 'tool.uv');
  const workspace = getTable(uv, 'workspace', ROOT_PYPROJECT, 'tool.uv.workspace');
  const hasProject = getTable(rootDoc, 'project', ROOT_PYPROJECT) !== undefined;
  if (!workspace && !hasProject) {
    throw new UvWorkspaceError(
      `${path.join(absRoot, ROOT_PYPROJECT)} has neither [tool.uv.workspace] nor [project]: it is not a uv workspace root. ` +
        'Add [tool.uv.workspace] with `members = [...]` (or a [project] table).',
      ROOT_PYPROJECT,
    );
  }
  if (getBoolean(uv, 'managed', ROOT_PYPROJECT, 'tool.uv.managed') === false) {
    throw new UvWorkspaceError(
      `The project at ${absRoot} is marked as unmanaged ([tool.uv] managed = false), so uv does not treat it as a workspace. Remove that setting.`,
      ROOT_PYPROJECT,
    );
  }

  const root = readProjectFile(reader, '.', ROOT_PYPROJECT, rootDoc);
  const rootSources = root.project.sources;
  const { members: memberGlobs, exclude: excludeGlobs } = workspaceGlobs(rootDoc);

  // Pass 1, while each document is in hand: keep the requirements that have a source (the only ones
  // uv can take from the workspace) and just the names of the others. Holding every requirement
  // array of a 1,000-member workspace until the end costs more in garbage collection than it saves.
  const unsourced = new Map<string, { file: ProjectFile; section: RequirementSection }>();
  const collect = (file: ProjectFile, sections: RequirementSection[]): Pending => {
    const candidates: Candidate[] = [];
    const ownSources = file.sources.size > 0 ? file.sources : undefined;
    for (const section of sections) {
      let detached: RequirementSection | undefined;
      for (const entry of section.entries) {
        const raw = checkEntry(entry, section, file.pyprojectPath);
        if (raw === undefined) continue;
        const name = normalizedRequirementName(raw);
        // (a name already known to have no source, and no own sources here: the common external case)
        if (ownSources === undefined && unsourced.has(name)) continue;
        if (rootSources.has(name) || ownSources?.has(name)) {
          // a copy, so that the kept string does not hold on to the whole file's text
          candidates.push({ section: (detached ??= detach(section)), raw: (' ' + raw).slice(1) });
        } else if (name !== file.name && !unsourced.has(name)) {
          unsourced.set(name, { file, section: (detached ??= detach(section)) });
        }
      }
    }
    return { file, candidates };
  };
  const pending: Pending[] = [];
  if (hasProject) pending.push(collect(root.project, root.sections));
  discoverMembers(reader, absRoot, memberGlobs, excludeGlobs, hasProject, (found) => {
    const { project, sections } = readProjectFile(reader, found.root, found.pyprojectPath, found.doc);
    pending.push(collect(project, sections));
  });
  const virtualRoot = hasProject ? undefined : collect(root.project, root.sections);

  const byName = new Map<string, ProjectFile>();
  for (const { file } of pending) {
    const name = file.name!;
    const existing = byName.get(name);
    if (existing) {
      throw new UvWorkspaceError(
        `Two workspace members are both named \`${name}\`: ${existing.pyprojectPath} (\`${existing.distributionName}\`) and ${file.pyprojectPath} (\`${file.distributionName}\`). ` +
          'Names are compared after PEP 503 normalisation; rename one of them or exclude it from the workspace.',
        file.pyprojectPath,
      );
    }
    byName.set(name, file);
  }
  const memberNames = new Set(byName.keys());

  // A requirement on a member without any source is an error in uv.
  for (const [name, { file, section }] of unsourced) {
    if (memberNames.has(name)) {
      const requirement = { raw: name, name, normalizedName: name, extras: [], specifier: '' };
      isWorkspaceDependency(file, section, requirement, memberNames, rootSources); // throws
    }
  }

  // Pass 2: resolve the candidates now that every member name is known.
  const edgesOf = ({ file, candidates }: Pending): InternalDependency[] => {
    const edges: InternalDependency[] = [];
    for (const { section, raw } of candidates) {
      const where = sectionPath(section);
      const requirement = parseEntry(raw, file.pyprojectPath, where);
      if (isWorkspaceDependency(file, section, requirement, memberNames, rootSources)) {
        edges.push({ target: requirement.normalizedName, kind: section.kind, section: where, requirement });
      }
    }
    return edges;
  };

  const members = sortByKey(
    pending.map((p) => toMember(p.file, p.file.root === '.', edgesOf(p))),
    (member) => member.name,
  );
  const result: UvWorkspace = { absRoot, virtual: !hasProject, members };
  if (virtualRoot) result.virtualRoot = toMember(virtualRoot.file, true, edgesOf(virtualRoot));
  // Dependencies a metadata hook computes come from uv.lock (read only when a member has them).
  if (members.some((m) => m.dynamicDependencyFields)) {
    const warnings = addLockedDependencies(members, reader.readToml(UV_LOCK), memberNames);
    if (warnings.length > 0) result.warnings = warnings;
  }
  return result;
}

interface Candidate {
  section: RequirementSection;
  raw: string;
}
interface Pending {
  file: ProjectFile;
  candidates: Candidate[];
}

/** The section without its entries (which belong to the parsed document). */
function detach(section: RequirementSection): RequirementSection {
  return section.key === undefined ? { kind: section.kind, entries: [] } : { kind: section.kind, key: section.key, entries: [] };
}

/**
 * `modelUvWorkspace(absRoot, diskReader(absRoot))`, with a reader that does not memoise: the model
 * reads each file once anyway, and dropping each parse tree early keeps garbage collection cheap.
 */
export function loadUvWorkspace(absRoot: string): UvWorkspace {
  const root = path.resolve(absRoot);
  return modelUvWorkspace(root, diskReader(root, { memoise: false }));
}

/** Walks up from `startDir` to the nearest directory whose pyproject.toml declares `[tool.uv.workspace]`. */
export function findUvWorkspaceRoot(startDir: string): string | undefined {
  let dir = path.resolve(startDir);
  for (;;) {
    const file = path.join(dir, ROOT_PYPROJECT);
    let text: string | undefined;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      text = undefined;
    }
    // Cheap pre-check before parsing: a workspace root must mention `workspace`.
    if (text !== undefined && text.includes('workspace') && isUvWorkspaceRootToml(parseTomlText(text, file))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
