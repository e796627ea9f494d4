/**
 * The uv workspace as Nx Release's virtual file tree sees it: a WorkspaceReader over the `Tree` (so
 * every method reads what earlier methods of the same run wrote, before anything is flushed to disk),
 * the model per uv root (re-modelled after our own writes, each TOML text parsed once), the member of
 * an Nx project, and Nx project names of members (by project root, so a renamed project still maps).
 */
import type { ProjectGraph, ProjectGraphProjectNode, Tree } from '@nx/devkit';
import * as path from 'node:path';
import { joinPosix } from '../posix-path';
import type { RequirementUpdate } from '../versioning';
import {
  diskReader,
  isUvWorkspaceRootToml,
  modelUvWorkspace,
  parseRequirement,
  treeReader as workspaceTreeReader,
  type Member,
  type ParsedToml,
  type UvWorkspace,
  type WorkspaceReader,
} from '../workspace';

/** A project that is not a member of a uv workspace (or not one nx-uv can version). */
export class NotAUvReleaseMemberError extends Error {
  override readonly name = 'NotAUvReleaseMemberError';
}

/** `root` (relative to the Nx root) relative to `uvRoot`; undefined when it is outside. */
export function relativeToUvRoot(uvRoot: string, root: string): string | undefined {
  const r = root === '' ? '.' : root.replace(/\/+$/, '');
  if (uvRoot === '.' || uvRoot === '') return r;
  if (r === uvRoot) return '.';
  return r.startsWith(`${uvRoot}/`) ? r.slice(uvRoot.length + 1) : undefined;
}

/** Per tree: parsed TOML by path (reused while the text is the same) and models by uv root. */
interface TreeState {
  parsed: Map<string, ParsedToml>;
  models: Map<string, UvWorkspace>;
  /** Models of the files on disk (as they were before this run: Nx flushes the tree at the end). */
  diskModels: Map<string, UvWorkspace>;
}

const states = new WeakMap<Tree, TreeState>();

function stateOf(tree: Tree): TreeState {
  let s = states.get(tree);
  if (!s) {
    s = { parsed: new Map(), models: new Map(), diskModels: new Map() };
    states.set(tree, s);
  }
  return s;
}

/** A WorkspaceReader over `tree` rooted at `uvRoot` (relative to the Nx root), sharing the run's parses. */
export function treeReader(tree: Tree, uvRoot: string): WorkspaceReader {
  return workspaceTreeReader(tree, uvRoot, stateOf(tree).parsed);
}

/**
 * The uv root (relative to the Nx root) of a project: `metadata.uv.workspaceRoot` that nx-uv's graph
 * plugin records, else the nearest directory at or above the project root whose pyproject.toml has
 * `[tool.uv.workspace]`, else the project root itself when it has a pyproject.toml (a lone project).
 */
export function uvRootOf(tree: Tree, node: ProjectGraphProjectNode): string {
  const meta = (node.data.metadata as { uv?: { workspaceRoot?: unknown } } | undefined)?.uv;
  if (typeof meta?.workspaceRoot === 'string' && tree.exists(joinPosix(meta.workspaceRoot, 'pyproject.toml'))) {
    return meta.workspaceRoot === '' ? '.' : meta.workspaceRoot;
  }
  const root = node.data.root === '' ? '.' : node.data.root;
  const reader = treeReader(tree, '.');
  for (let dir = root; ; dir = path.posix.dirname(dir)) {
    const file = joinPosix(dir, 'pyproject.toml');
    const doc = reader.readToml(file);
    if (doc && isUvWorkspaceRootToml(doc)) return dir;
    if (dir === '.' || dir === '/' || dir === '') break;
  }
  if (tree.exists(joinPosix(root, 'pyproject.toml'))) return root;
  throw new NotAUvReleaseMemberError(
    `nx-uv: project "${node.name}" (${root}) is not in a uv workspace: there is no pyproject.toml with [tool.uv.workspace] ` +
      `in ${root} or above it, and no pyproject.toml in ${root}. Leave it out of release.projects in nx.json, or use another versionActions for it.`,
  );
}

/** The model of the uv workspace at `uvRoot`, as the tree holds it now. */
export function treeWorkspace(tree: Tree, uvRoot: string): UvWorkspace {
  const state = stateOf(tree);
  const cached = state.models.get(uvRoot);
  if (cached) return cached;
  const ws = modelUvWorkspace(path.join(tree.root, uvRoot), treeReader(tree, uvRoot));
  state.models.set(uvRoot, ws);
  return ws;
}

/**
 * The model of the uv workspace at `uvRoot` as it is on disk, i.e. before anything this run wrote
 * (Nx flushes the tree only after every project was versioned). Modelled once per run.
 */
export function diskWorkspace(tree: Tree, uvRoot: string): UvWorkspace {
  const state = stateOf(tree);
  let ws = state.diskModels.get(uvRoot);
  if (!ws) {
    const abs = path.join(tree.root, uvRoot);
    ws = modelUvWorkspace(abs, diskReader(abs));
    state.diskModels.set(uvRoot, ws);
  }
  return ws;
}

/** Forget the model of `uvRoot` (the next read re-models; unchanged files are not re-parsed). */
export function invalidateTreeWorkspace(tree: Tree, uvRoot: string): void {
  stateOf(tree).models.delete(uvRoot);
}

/**
 * Keeps the cached model in step with what we just wrote into the tree — a member's new version,
 * requirement strings replaced in place — instead of re-modelling the whole workspace after every
 * write (about 150 ms for 1,000 members, for each of thousands of writes). Membership, names and
 * sections never change during a release, so these are the only parts of the model a write moves.
 * Falls back to invalidating when the model does not hold what was written.
 */
export function applyToTreeWorkspace(
  tree: Tree,
  uvRoot: string,
  change: { version?: { member: string; version: string }; requirements?: readonly RequirementUpdate[] },
): void {
  const ws = stateOf(tree).models.get(uvRoot);
  if (!ws) return;
  const holders = ws.virtualRoot ? [ws.virtualRoot, ...ws.members] : ws.members;
  if (change.version) {
    const m = ws.members.find((x) => x.name === change.version!.member);
    if (!m || (m.version.kind !== 'static' && m.version.kind !== 'hatch-file')) return invalidateTreeWorkspace(tree, uvRoot);
    m.version = { ...m.version, version: change.version.version };
  }
  for (const u of change.requirements ?? []) {
    const holder = holders.find((h) => h.name === u.member && (u.pyprojectPath === undefined || h.pyprojectPath === u.pyprojectPath));
    const deps = holder?.dependencies.filter((d) => d.section === u.section && d.requirement.raw === u.from) ?? [];
    if (deps.length === 0) return invalidateTreeWorkspace(tree, uvRoot);
    for (const d of deps) d.requirement = parseRequirement(u.to);
  }
}

export interface UvReleaseMember {
  /** The uv root relative to the Nx root (`.` for the same). */
  uvRoot: string;
  ws: UvWorkspace;
  member: Member;
}

/** The uv member an Nx project stands for. Throws NotAUvReleaseMemberError naming the project. */
export function memberOfProject(tree: Tree, node: ProjectGraphProjectNode): UvReleaseMember {
  const uvRoot = uvRootOf(tree, node);
  const ws = treeWorkspace(tree, uvRoot);
  const rel = relativeToUvRoot(uvRoot, node.data.root);
  const member = rel === undefined ? undefined : ws.members.find((m) => m.root === rel);
  if (!member) {
    const why =
      rel === '.' && ws.virtual
        ? 'it is the virtual root of the uv workspace (no [project] table), which has no version'
        : `${joinPosix(uvRoot, 'pyproject.toml')}'s [tool.uv.workspace] members/exclude do not include ${rel ?? node.data.root}`;
    throw new NotAUvReleaseMemberError(
      `nx-uv: project "${node.name}" (${node.data.root}) is not a member of the uv workspace at ${uvRoot}: ${why}. ` +
        'Leave it out of release.projects in nx.json (e.g. "projects": ["tag:uv:member", "!tag:uv:no-package"]).',
    );
  }
  return { uvRoot, ws, member };
}

/** The member of the uv workspace at `uvRoot` that the Nx project `name` stands for, if any. */
export function memberOfProjectName(projectGraph: ProjectGraph, ws: UvWorkspace, uvRoot: string, name: string): Member | undefined {
  const node = projectGraph.nodes[name];
  if (!node) return undefined;
  const rel = relativeToUvRoot(uvRoot, node.data.root);
  return rel === undefined ? undefined : ws.members.find((m) => m.root === rel);
}

/** Nx project name by member name (normalised) for the members of `ws` that have a project. */
export function projectNamesOfMembers(projectGraph: ProjectGraph, ws: UvWorkspace, uvRoot: string): Map<string, string> {
  const byRoot = new Map<string, string>();
  for (const m of ws.members) byRoot.set(joinPosix(uvRoot, m.root) || '.', m.name);
  const out = new Map<string, string>();
  for (const node of Object.values(projectGraph.nodes)) {
    const root = node.data.root === '' ? '.' : node.data.root.replace(/\/+$/, '');
    const member = byRoot.get(root);
    if (member !== undefined && member !== '' && !out.has(member)) out.set(member, node.name);
  }
  return out;
}
