/**
 * Is a requirement on a member taken from the workspace? uv's rule (lowering of `tool.uv.sources`):
 * the member's own `[tool.uv.sources]` entry for the name wins over the root's; entries scoped to
 * another extra/group do not apply; a requirement naming another member must then have only
 * `{ workspace = true }` sources — none at all, or a path/git/url/index source, is an error.
 */
import { ProjectFile, RequirementSection, sectionExtra, sectionGroup, sectionPath, SourceEntry, WORKSPACE_SOURCE } from './pyproject';
import { Requirement, UvWorkspaceError } from './types';

const KIND_WORDS: Record<SourceEntry['kind'], string> = {
  workspace: 'workspace',
  git: 'Git',
  url: 'URL',
  path: 'path',
  registry: 'registry',
  unknown: 'non-workspace',
};

/** The sources that apply to a requirement of `section` (those scoped to another extra/group do not). */
function applicableSources(declared: SourceEntry[], section: RequirementSection): SourceEntry[] {
  if (declared.every((source) => source.extra === undefined && source.group === undefined)) return declared;
  const extra = sectionExtra(section);
  const group = sectionGroup(section);
  return declared.filter((source) => (source.extra === undefined || source.extra === extra) && (source.group === undefined || source.group === group));
}

function where(project: ProjectFile, section: RequirementSection): string {
  const who = project.name ? `package \`${project.name}\`` : 'the virtual workspace root';
  return `${project.pyprojectPath} (${who}, \`${sectionPath(section)}\`)`;
}

function fix(project: ProjectFile, name: string): string {
  return `Add \`${name} = { workspace = true }\` under [tool.uv.sources] in ${project.pyprojectPath} or in the root pyproject.toml`;
}

/**
 * True when `requirement` (from `section` of `project`) is an internal (workspace) dependency; throws
 * where uv would refuse the workspace.
 */
export function isWorkspaceDependency(
  project: ProjectFile,
  section: RequirementSection,
  requirement: Requirement,
  memberNames: ReadonlySet<string>,
  rootSources: ReadonlyMap<string, SourceEntry[]>,
): boolean {
  const name = requirement.normalizedName;
  if (name === project.name) return false; // self-reference, e.g. `pkg[extra]` inside pkg
  const declared = project.sources.get(name) ?? rootSources.get(name);
  // The common case: a member with the one shared, unscoped `{ workspace = true }` source.
  if (declared === WORKSPACE_SOURCE && memberNames.has(name)) return true;
  if (declared === undefined && !memberNames.has(name)) return false; // the common external case
  const sources = declared && applicableSources(declared, section);

  if (!memberNames.has(name)) {
    if (sources?.some((source) => source.kind === 'workspace' && source.workspace === true)) {
      throw new UvWorkspaceError(
        `In ${where(project, section)}: \`${name}\` references a workspace in \`tool.uv.sources\` (e.g., \`${name} = { workspace = true }\`), but is not a workspace member. ` +
          `Add its directory to [tool.uv.workspace] members, or give it a non-workspace source.`,
        project.pyprojectPath,
      );
    }
    return false;
  }

  if (!sources) {
    throw new UvWorkspaceError(
      `In ${where(project, section)}: \`${name}\` is included as a workspace member, but is missing an entry in \`tool.uv.sources\` (e.g., \`${name} = { workspace = true }\`). ${fix(project, name)}.`,
      project.pyprojectPath,
    );
  }
  for (const source of sources) {
    if (source.kind !== 'workspace') {
      throw new UvWorkspaceError(
        `In ${where(project, section)}: \`${name}\` is included as a workspace member, but references a ${KIND_WORDS[source.kind]} in \`tool.uv.sources\`. ` +
          `Workspace members must be declared as workspace sources: use \`${name} = { workspace = true }\` instead.`,
        project.pyprojectPath,
      );
    }
    if (source.workspace !== true) {
      throw new UvWorkspaceError(
        `In ${where(project, section)}: \`${name}\` is included as a workspace member, but does not use \`workspace = true\` in \`tool.uv.sources\`. ` +
          `Use \`${name} = { workspace = true }\`.`,
        project.pyprojectPath,
      );
    }
  }
  // Every applicable source is the workspace; none applicable (all scoped elsewhere) → uv takes it from the index.
  return sources.length > 0;
}
