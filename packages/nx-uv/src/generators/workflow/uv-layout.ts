import type { Tree } from '@nx/devkit';
import { parse } from 'smol-toml';

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

/** Joins POSIX path parts, dropping empty parts and `.` segments. */
export function joinPosix(...parts: string[]): string {
  return parts
    .flatMap((p) => p.split('/'))
    .filter((s) => s !== '' && s !== '.')
    .join('/');
}

function readPyproject(tree: Tree, file: string): Record<string, unknown> | undefined {
  const text = tree.read(file, 'utf-8');
  if (text === null) return undefined;
  try {
    return parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${file}: not valid TOML (${(error as Error).message.split('\n')[0]}); fix the file and run the generator again.`);
  }
}

function uvWorkspaceTable(doc: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const tool = doc?.tool as Record<string, unknown> | undefined;
  const uv = tool?.uv as Record<string, unknown> | undefined;
  const ws = uv?.workspace;
  return ws && typeof ws === 'object' && !Array.isArray(ws) ? (ws as Record<string, unknown>) : undefined;
}

function stringList(file: string, key: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new Error(`${file}: [tool.uv.workspace] ${key} must be an array of strings (globs relative to the workspace root).`);
  }
  return value as string[];
}

function layoutAt(tree: Tree, root: string): UvLayout | undefined {
  const file = joinPosix(root, 'pyproject.toml');
  const doc = readPyproject(tree, file);
  const ws = uvWorkspaceTable(doc);
  if (!doc || !ws) return undefined;
  const project = doc.project as Record<string, unknown> | undefined;
  const name = typeof project?.name === 'string' ? project.name : undefined;
  return {
    root,
    members: stringList(file, 'members', ws.members),
    exclude: stringList(file, 'exclude', ws.exclude),
    ...(name ? { rootProjectName: name } : {}),
  };
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
