/** Test-only: Nx trees holding a uv workspace. */
import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';

export const VIRTUAL_ROOT = `[tool.uv.workspace]
members = ["packages/*"]
exclude = ["packages/legacy"]
`;

/** An empty Nx workspace plus the given files (default: a virtual uv root with members packages/*). */
export function uvTree(files: Record<string, string> = { 'pyproject.toml': VIRTUAL_ROOT }): Tree {
  const tree = createTreeWithEmptyWorkspace();
  for (const [path, text] of Object.entries(files)) tree.write(path, text);
  return tree;
}
