/**
 * From one modelled uv workspace to Nx project configurations and dependency edges. Pure.
 */
import type { ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import { compareCodeUnits } from '../workspace/sort-by-key';
import { sortByKey } from '../workspace';
import type { Member, UvWorkspace } from '../workspace';
import { memberProjectName, ResolvedGraphOptions } from './plugin-options';
import { inferMemberTargets, inferUmbrellaTagTarget, inferWorkspaceTargets, targetGroupsFor, TargetContext, TECHNOLOGIES } from './targets';

export const TAG_PYTHON = 'lang:python';
export const TAG_MEMBER = 'uv:member';
export const TAG_VIRTUAL = 'uv:virtual';
export const TAG_NO_PACKAGE = 'uv:no-package';
/** A package member that is never versioned, tagged or published (`[tool.nx-uv] publish = false`, `publishExclude`). */
export const TAG_NO_PUBLISH = 'uv:no-publish';

export interface InferredProject {
  /** The project's pyproject.toml, relative to the Nx workspace root. */
  file: string;
  /** The project root relative to the Nx workspace root; `.` for the Nx root itself. */
  root: string;
  config: ProjectConfiguration;
}

/**
 * A static edge: the source project's pyproject.toml (relative to the Nx root; the source project
 * is the one at its directory) and the target project's root. Names are resolved by root when the
 * edge is handed to Nx, so a project renamed by a project.json keeps its edges.
 */
export type GraphEdge = readonly [sourceFile: string, targetRoot: string];

/** What project inference needs of a member: no dependencies, a plain version. */
export interface SlimMember {
  name: string;
  distributionName: string;
  root: string;
  pyprojectPath: string;
  isWorkspaceRoot: boolean;
  isPackage: boolean;
  version?: string;
  /**
   * Members (normalised names, sorted, packages only) this one requires at runtime
   * (`[project.dependencies]`, markers included): what must be versioned and served before it.
   * Optional dependencies, groups and dev dependencies impose no release order. Absent when none.
   */
  runtimeDeps?: string[];
  /** `[tool.nx-uv] publish = false`. */
  publish?: false;
  /**
   * A member behind a symlink (its directory resolves outside the Nx workspace): uv counts it, but Nx
   * lists none of its files, so its project is emitted without Nx having seen its pyproject.toml and
   * its build is not cached.
   */
  outsideNx?: true;
  /** The version is derived from git tags (a VCS plugin): the build depends on HEAD and its tags. */
  versionFromTags?: true;
}

/** What project inference needs of a workspace (small enough for the cache file). */
export interface SlimWorkspace {
  /** The uv root relative to the Nx root; `.` for the same. */
  uvRoot: string;
  members: SlimMember[];
  virtualRoot?: SlimMember;
}

export interface InferredWorkspace {
  projects: InferredProject[];
  edges: GraphEdge[];
}

/** Joins POSIX relative paths where `.` (or '') stands for "here". */
export function joinRel(base: string, rel: string): string {
  if (base === '.' || base === '') return rel === '' ? '.' : rel;
  if (rel === '.' || rel === '') return base;
  return `${base}/${rel}`;
}

function slimMember(m: Member, packages: ReadonlySet<string>): SlimMember {
  const slim: SlimMember = {
    name: m.name,
    distributionName: m.distributionName,
    root: m.root,
    pyprojectPath: m.pyprojectPath,
    isWorkspaceRoot: m.isWorkspaceRoot,
    isPackage: m.isPackage,
  };
  if (m.version.kind === 'static' || m.version.kind === 'hatch-file') slim.version = m.version.version;
  if (m.version.kind === 'vcs') slim.versionFromTags = true;
  const runtime = runtimeDependencyNames(m, packages);
  if (runtime.length > 0) slim.runtimeDeps = runtime;
  if (m.publish === false) slim.publish = false;
  return slim;
}

/** The package members `m` requires at runtime (never itself), sorted, each once. */
function runtimeDependencyNames(m: Member, packages: ReadonlySet<string>): string[] {
  const names = new Set<string>();
  for (const dep of m.dependencies) {
    if (dep.kind === 'runtime' && dep.target !== m.name && packages.has(dep.target)) names.add(dep.target);
  }
  return [...names].sort();
}

export function slimWorkspace(ws: UvWorkspace, uvRoot: string): SlimWorkspace {
  const packages = new Set<string>();
  for (const m of ws.members) if (m.isPackage) packages.add(m.name);
  const slim: SlimWorkspace = { uvRoot, members: ws.members.map((m) => slimMember(m, packages)) };
  if (ws.virtualRoot) slim.virtualRoot = slimMember(ws.virtualRoot, packages);
  return slim;
}

/** Nx tags by kind of project, already sorted. */
function tagsOf(isVirtualRoot: boolean, isPackage: boolean): string[] {
  if (isVirtualRoot) return [TAG_PYTHON, TAG_VIRTUAL];
  return isPackage ? [TAG_PYTHON, TAG_MEMBER] : [TAG_PYTHON, TAG_MEMBER, TAG_NO_PACKAGE];
}

/** Whether a package member is kept from publishing: by its pyproject.toml, or by `publishExclude`. */
function publishExcluded(m: SlimMember, name: string, tags: readonly string[], options: ResolvedGraphOptions): boolean {
  return m.isPackage && (m.publish === false || options.publishExclude(name, tags));
}

/** `metadata.uv` of a member project. */
function memberMetadata(m: SlimMember, uvRoot: string): Record<string, unknown> {
  return m.version === undefined
    ? {
        name: m.name,
        distributionName: m.distributionName,
        workspaceRoot: uvRoot,
        isWorkspaceRoot: m.isWorkspaceRoot,
        isPackage: m.isPackage,
      }
    : {
        name: m.name,
        distributionName: m.distributionName,
        version: m.version,
        workspaceRoot: uvRoot,
        isWorkspaceRoot: m.isWorkspaceRoot,
        isPackage: m.isPackage,
      };
}

/** One project per member (and one for a virtual root), sorted by pyproject.toml path. */
export function inferProjects(ws: SlimWorkspace, options: ResolvedGraphOptions, namedInput: string): InferredProject[] {
  const uvRoot = ws.uvRoot;
  const ctx: TargetContext = { options, namedInput, uvRoot };
  const projects: InferredProject[] = [];
  const all: SlimMember[] = ws.virtualRoot ? [ws.virtualRoot, ...ws.members] : ws.members;
  for (const m of all) {
    const isVirtualRoot = m === ws.virtualRoot;
    const name = isVirtualRoot ? options.workspaceProjectName : memberProjectName(options.projectName, m.name);
    const root = joinRel(uvRoot, m.root);
    let tags = tagsOf(isVirtualRoot, m.isPackage);
    const noPublish = !isVirtualRoot && publishExcluded(m, name, tags, options);
    if (noPublish) tags = [...tags, TAG_NO_PUBLISH];
    const targets: Record<string, TargetConfiguration> = isVirtualRoot ? {} : inferMemberTargets(m, name, ctx, noPublish);
    if (m.isWorkspaceRoot || isVirtualRoot) Object.assign(targets, inferWorkspaceTargets(name, ctx));
    projects.push({
      file: joinRel(uvRoot, m.pyprojectPath),
      root,
      config: {
        root,
        name,
        projectType: 'library',
        tags,
        targets,
        metadata: {
          technologies: TECHNOLOGIES.slice(),
          targetGroups: targetGroupsFor(targets),
          uv: isVirtualRoot ? { workspaceRoot: uvRoot, virtual: true } : memberMetadata(m, uvRoot),
        },
      },
    });
  }
  addUmbrellaTag(projects, joinRel(uvRoot, '.'), options, ctx);
  return sortByKey(projects, (p) => p.file);
}

/**
 * With the plugin option `umbrellaTag`: the uv root project's `tag` target (its own, or one that only
 * makes the umbrella tag) runs after the `tag` target of every other project (release/umbrella.ts).
 */
function addUmbrellaTag(projects: InferredProject[], uvRootDir: string, options: ResolvedGraphOptions, ctx: TargetContext): void {
  const tagName = options.targetNames.tag;
  if (!options.umbrellaTag || !tagName) return;
  const root = projects.find((p) => p.root === uvRootDir);
  if (!root) return;
  const others = projects
    .filter((p) => p !== root && p.config.targets?.[tagName])
    .map((p) => p.config.name!)
    .sort();
  const targets = (root.config.targets ??= {});
  const own = targets[tagName] ?? inferUmbrellaTagTarget(root.config.name!, ctx);
  targets[tagName] = { ...own, dependsOn: [...(own.dependsOn ?? []), { target: tagName, projects: others, params: 'forward' }] };
  root.config.metadata = { ...root.config.metadata, targetGroups: targetGroupsFor(targets) };
}

/**
 * One edge per (source pyproject, target member) over every internal dependency kind (optional ones
 * only when `optional`); sorted.
 */
export function inferEdges(ws: UvWorkspace, uvRoot: string, optional = true): GraphEdge[] {
  const rootOf = new Map<string, string>();
  for (const m of ws.members) rootOf.set(m.name, joinRel(uvRoot, m.root));
  // `source\0target` keys: NUL sorts before every path character, so a native sort of the keys
  // orders by source, then target (compareEdges), and the set drops repeats.
  const keys = new Set<string>();
  const all: Member[] = ws.virtualRoot ? [ws.virtualRoot, ...ws.members] : ws.members;
  for (const m of all) {
    const sourceFile = joinRel(uvRoot, m.pyprojectPath);
    for (const dep of m.dependencies) {
      if (!optional && dep.kind === 'optional') continue;
      const targetRoot = dep.target === m.name ? undefined : rootOf.get(dep.target);
      if (targetRoot !== undefined) keys.add(`${sourceFile}\0${targetRoot}`);
    }
  }
  const sorted = [...keys].sort();
  const edges = new Array<GraphEdge>(sorted.length);
  for (let i = 0; i < sorted.length; i++) {
    const key = sorted[i];
    const cut = key.indexOf('\0');
    edges[i] = [key.slice(0, cut), key.slice(cut + 1)];
  }
  return edges;
}

/** Projects and edges of one modelled uv workspace whose root is `uvRoot` (relative to the Nx root). */
export function inferWorkspaceProjects(ws: UvWorkspace, uvRoot: string, options: ResolvedGraphOptions, namedInput: string): InferredWorkspace {
  return {
    projects: inferProjects(slimWorkspace(ws, uvRoot), options, namedInput),
    edges: inferEdges(ws, uvRoot, options.optionalDependencyEdges),
  };
}

export function compareEdges(a: GraphEdge, b: GraphEdge): number {
  return compareCodeUnits(a[0], b[0]) || compareCodeUnits(a[1], b[1]);
}
