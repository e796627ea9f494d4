import type { Tree } from '@nx/devkit';
import * as path from 'node:path';
import { joinPosix } from '../../posix-path';
import { isUvWorkspaceRootToml, modelUvWorkspace, treeReader, UvWorkspaceError, workspaceGlobs } from '../../workspace';

/** What the workflow needs to know about the uv workspace in the repository. */
export interface UvLayout {
  /** Folder of the uv workspace root, POSIX, relative to the repository root; `''` for the root itself. */
  root: string;
  /** `[tool.uv.workspace] members` globs, relative to `root`. */
  members: string[];
  /** `[tool.uv.workspace] exclude` globs, relative to `root`. */
  exclude: string[];
  /** `[project] name` of the root pyproject.toml when the root is itself a member. */
  rootProjectName?: string;
}

const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'build', 'tmp']);

/**
 * The layout of the uv workspace whose root is `root`, or undefined when `root/pyproject.toml` has no
 * `[tool.uv.workspace]`. The workspace is modelled as uv reads it (through the tree, so files other
 * generators just wrote count), so a workspace uv would refuse is refused here, naming the file.
 */
function layoutAt(tree: Tree, root: string): UvLayout | undefined {
  const reader = treeReader(tree, root);
  try {
    const doc = reader.readToml('pyproject.toml');
    if (!doc || !isUvWorkspaceRootToml(doc)) return undefined;
    const { members, exclude } = workspaceGlobs(doc);
    const ws = modelUvWorkspace(path.join(tree.root, root), reader);
    const rootMember = ws.members.find((m) => m.isWorkspaceRoot);
    return { root, members, exclude, ...(rootMember ? { rootProjectName: rootMember.distributionName } : {}) };
  } catch (error) {
    if (!(error instanceof UvWorkspaceError)) throw error;
    const where = root === '' ? 'the repository root' : `${root}/`;
    throw new Error(`The uv workspace at ${where} cannot be read: ${error.message}`);
  }
}

/**
 * Finds the uv workspace: `uvRoot` when given, else the repository root, else the one top-level folder
 * whose pyproject.toml has `[tool.uv.workspace]`. Throws when there is none, or several and no `uvRoot`.
 */
export function findUvLayout(tree: Tree, uvRoot?: string): UvLayout {
  if (uvRoot !== undefined) {
    const root = joinPosix(uvRoot);
    if (root.split('/').includes('..')) {
      throw new Error(`uvRoot "${uvRoot}" leaves the repository; give a folder inside it, relative to the repository root.`);
    }
    const layout = layoutAt(tree, root);
    if (!layout) {
      throw new Error(`${joinPosix(root, 'pyproject.toml')}: no [tool.uv.workspace] table there; uvRoot must name the folder of the uv workspace root.`);
    }
    return layout;
  }
  const atRoot = layoutAt(tree, '');
  if (atRoot) return atRoot;
  const found = tree
    .children('')
    .filter((name) => !name.startsWith('.') && !SKIPPED_DIRS.has(name) && !tree.isFile(name))
    .sort()
    .map((dir) => layoutAt(tree, dir))
    .filter((l): l is UvLayout => l !== undefined);
  if (found.length === 1) return found[0];
  if (found.length === 0) {
    throw new Error(
      'No uv workspace found: neither pyproject.toml nor <folder>/pyproject.toml has a [tool.uv.workspace] table. ' +
        'Create the uv workspace first (uv init), or pass --uvRoot=<folder>.',
    );
  }
  throw new Error(`Several uv workspaces found (${found.map((l) => l.root).join(', ')}); pass --uvRoot=<folder> to choose one.`);
}
