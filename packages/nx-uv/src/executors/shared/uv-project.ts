/**
 * From an Nx ExecutorContext to the uv workspace and the member the project stands for.
 */
import type { ExecutorContext } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findUvWorkspaceRoot, loadUvWorkspace, type Member, type UvWorkspace } from '../../workspace';
import { toPosix } from '../../posix-path';

export interface UvProject {
  /** The Nx project name. */
  projectName: string;
  /** Absolute path of the Nx project root. */
  absProjectRoot: string;
  /** Absolute path of the Nx workspace (`context.root`). */
  workspaceRoot: string;
  workspace: UvWorkspace;
  /** The uv member at the project root. */
  member: Member;
}

/** The Nx project is not a member of a uv workspace (or not in one at all). */
export class NotAUvMemberError extends Error {
  override readonly name = 'NotAUvMemberError';
}

/** The Nx project of the context: its name and absolute root. Throws when the context names none. */
export function nxProjectOf(context: ExecutorContext): { projectName: string; absProjectRoot: string } {
  const projectName = context.projectName;
  if (!projectName) throw new NotAUvMemberError('nx-uv: this executor must run on a project (the Nx context names none)');
  const project = context.projectsConfigurations?.projects?.[projectName];
  if (!project) throw new NotAUvMemberError(`nx-uv: project '${projectName}' is not in the Nx project configurations`);
  return { projectName, absProjectRoot: path.resolve(context.root, project.root) };
}

/**
 * Loads the uv workspace that holds the project (the nearest pyproject.toml with `[tool.uv.workspace]`
 * at or above the project root; else a single uv project at the project root) and finds the member
 * whose directory is the project root. Throws NotAUvMemberError, naming the project, its directory and
 * the uv root, when the project is not a member. `load` reads the workspace at a uv root (a batch
 * passes a memo so that it is read once for all its tasks).
 */
export function resolveUvProject(context: ExecutorContext, load: (uvRoot: string) => UvWorkspace = loadUvWorkspace): UvProject {
  const { projectName, absProjectRoot } = nxProjectOf(context);
  const shown = toPosix(path.relative(context.root, absProjectRoot)) || '.';
  let uvRoot = findUvWorkspaceRoot(absProjectRoot);
  if (uvRoot === undefined) {
    if (!fs.existsSync(path.join(absProjectRoot, 'pyproject.toml'))) {
      throw new NotAUvMemberError(
        `nx-uv: project '${projectName}' (${shown}) is not in a uv workspace: there is no pyproject.toml with [tool.uv.workspace] ` +
          `in ${shown} or above it, and no pyproject.toml in ${shown}. Run this target on a uv workspace member.`,
      );
    }
    uvRoot = absProjectRoot; // a lone uv project: its own workspace
  }
  const workspace = load(uvRoot);
  const rel = toPosix(path.relative(workspace.absRoot, absProjectRoot)) || '.';
  const member = workspace.members.find((m) => m.root === rel);
  if (!member) {
    const uvShown = toPosix(path.relative(context.root, workspace.absRoot)) || '.';
    const why =
      rel === '.' && workspace.virtual
        ? 'it is the virtual root of the uv workspace (no [project] table), which is never built, pinned or published'
        : `${uvShown}/pyproject.toml's [tool.uv.workspace] members/exclude do not include ${rel}`;
    throw new NotAUvMemberError(
      `nx-uv: project '${projectName}' (${shown}) is not a member of the uv workspace at ${uvShown}: ${why}. ` + 'Run this target on a uv workspace member.',
    );
  }
  return { projectName, absProjectRoot, workspaceRoot: context.root, workspace, member };
}
