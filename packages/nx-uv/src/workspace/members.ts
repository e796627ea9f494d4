/**
 * Member discovery as uv does it: expand each `[tool.uv.workspace] members` glob with the `glob`
 * crate's directory semantics, drop `exclude` matches, and classify every match:
 *   - a file, or a path that does not exist → ignored (uv: "Ignoring non-directory workspace member");
 *   - a directory without pyproject.toml → ignored when hidden (`.name`) or when it holds only
 *     ignored files (an empty directory, a leftover `__pycache__/`), otherwise an error;
 *   - `[tool.uv] managed = false` → not a member;
 *   - no `[project]` table → error; a nested `[tool.uv.workspace]` → error.
 * Only directories a glob component needs are listed: a literal component is never listed.
 */
import * as path from 'node:path';
import { compileGlob, GlobPattern, GlobSyntaxError, matchGlob } from './glob';
import { hasOnlyIgnoredFiles } from './ignore';
import type { WorkspaceReader } from './reader';
import { sortByKey } from './sort-by-key';
import { getTable } from './toml-access';
import { UvWorkspaceError } from './types';
import { childPath, toPosix } from '../posix-path';

const ROOT_PYPROJECT = 'pyproject.toml';

export interface DiscoveredMember {
  /** Directory relative to the workspace root (never '' — the root is handled by the model). */
  root: string;
  pyprojectPath: string;
  doc: Record<string, unknown>;
}

/**
 * Makes a members/exclude glob relative to the root, resolving `.` and `..` lexically as uv does.
 * Returns undefined when it points outside the root.
 */
export function normalizeWorkspaceGlob(glob: string, absRoot: string): string | undefined {
  const rootPosix = toPosix(absRoot).replace(/\/+$/, '');
  const isAbsolute = glob.startsWith('/') || path.isAbsolute(glob);
  const full = path.posix.normalize(isAbsolute ? toPosix(glob) : `${rootPosix}/${glob}`).replace(/\/+$/, '');
  if (full === rootPosix) return '';
  if (!full.startsWith(`${rootPosix}/`)) return undefined;
  return full.slice(rootPosix.length + 1);
}

function compileOrFail(glob: string, field: 'members' | 'exclude'): GlobPattern {
  try {
    return compileGlob(glob);
  } catch (error) {
    if (error instanceof GlobSyntaxError) {
      throw new UvWorkspaceError(
        `Invalid glob in [tool.uv.workspace] ${field} of ${ROOT_PYPROJECT}: ${error.message}. ` +
          'Use `*`, `?`, `[...]` and `**` as a whole path component (e.g. `packages/*`, `libs/**/pkg`).',
        ROOT_PYPROJECT,
      );
    }
    throw error;
  }
}

/**
 * Calls `found` for every path one member glob matches, in the crate's (alphabetical, depth-first)
 * order. Files matched by the last component are left out (uv ignores them); `isDirectory` is
 * undefined for a literal last component, which is not listed.
 */
export function expandGlob(reader: WorkspaceReader, components: GlobPattern[], found: (rel: string, isDirectory: boolean | undefined) => void): void {
  const last = components.length - 1;
  const sorted = (dir: string) => sortByKey(reader.listDir(dir) ?? [], (entry) => entry.name);
  /** uv stops at a symlink loop a member glob reaches ("Too many levels of symbolic links"): so do we. */
  const refuseLoop = (rel: string): never => {
    throw new UvWorkspaceError(
      `${rel} is a symlink loop (it never resolves) that a workspace member glob in ${ROOT_PYPROJECT} reaches; uv refuses it too. ` +
        'Remove the link, or exclude it with [tool.uv.workspace] exclude.',
      ROOT_PYPROJECT,
    );
  };

  // Continue matching `components[idx..]` below `dir`.
  const walk = (dir: string, idx: number): void => {
    if (idx > last) return;
    const component = components[idx];
    if (component.recursive) {
      let end = idx;
      while (end + 1 <= last && components[end + 1].recursive) end++;
      const descend = (current: string): void => {
        for (const entry of sorted(current)) {
          const child = childPath(current, entry.name);
          if (entry.loop) refuseLoop(child);
          if (entry.isDirectory) {
            if (end === last) found(child, true);
            else matchHere(child, entry.name, true, end + 1);
            descend(child);
          } else if (end !== last) {
            matchHere(child, entry.name, false, end + 1);
          }
        }
      };
      descend(dir);
      return;
    }
    if (component.literal) {
      const child = childPath(dir, component.source);
      if (idx === last) found(child, undefined);
      else walk(child, idx + 1);
      return;
    }
    for (const entry of sorted(dir)) {
      if (entry.loop && matchGlob(component, entry.name)) refuseLoop(childPath(dir, entry.name));
      if (entry.isDirectory && matchGlob(component, entry.name)) {
        const child = childPath(dir, entry.name);
        if (idx === last) found(child, true);
        else walk(child, idx + 1);
      }
    }
  };
  // `rel` (named `name`) is matched against `components[idx]`, never a `**` (runs of `**` are collapsed).
  const matchHere = (rel: string, name: string, isDirectory: boolean, idx: number): void => {
    if (!matchGlob(components[idx], name)) return;
    if (idx === last) {
      if (isDirectory) found(rel, true);
    } else if (isDirectory) {
      walk(rel, idx + 1);
    }
  };

  walk('', 0);
}

function isHidden(rel: string): boolean {
  return rel.slice(rel.lastIndexOf('/') + 1).startsWith('.');
}

/**
 * Discovers the members matched by `members` globs (the root project, if any, is the model's job)
 * and hands each to `visit` as soon as it is read, so callers need not hold every parse tree.
 * `rootIsMember` tells whether a glob matching the root itself is already covered.
 */
export function discoverMembers(
  reader: WorkspaceReader,
  absRoot: string,
  memberGlobs: string[],
  excludeGlobs: string[],
  rootIsMember: boolean,
  visit: (member: DiscoveredMember) => void,
): void {
  const excludes = excludeGlobs
    .map((glob) => normalizeWorkspaceGlob(glob, absRoot))
    .filter((glob): glob is string => glob !== undefined)
    .map((glob) => compileOrFail(glob, 'exclude'));
  const seen = new Set<string>();

  for (const glob of memberGlobs) {
    const relGlob = normalizeWorkspaceGlob(glob, absRoot);
    if (relGlob === undefined) {
      throw new UvWorkspaceError(
        `Workspace member glob \`${glob}\` in ${ROOT_PYPROJECT} points outside the workspace root ${absRoot}. ` +
          'nx-uv models only members inside the uv workspace root: move the project under the root ' +
          'or remove the entry from [tool.uv.workspace] members.',
        ROOT_PYPROJECT,
      );
    }
    compileOrFail(relGlob, 'members'); // whole-pattern syntax check, like the crate's glob()
    if (relGlob === '') {
      if (rootIsMember) continue;
      throw new UvWorkspaceError(
        `Workspace member glob \`${glob}\` in ${ROOT_PYPROJECT} matches the virtual workspace root, which has no [project] table. ` +
          'Remove it from [tool.uv.workspace] members.',
        ROOT_PYPROJECT,
      );
    }
    const components = relGlob.split('/').map((part) => compileOrFail(part, 'members'));
    expandGlob(reader, components, (rel) => {
      if (memberGlobs.length > 1) {
        // one glob never yields a path twice; several may
        if (seen.has(rel)) return;
        seen.add(rel);
      }
      if (excludes.length > 0 && excludes.some((exclude) => matchGlob(exclude, rel))) return;

      const pyprojectPath = `${rel}/pyproject.toml`;
      const doc = reader.readToml(pyprojectPath);
      if (doc === undefined) {
        if (reader.listDir(rel) === undefined) return; // missing, or a file (uv: "Ignoring non-directory workspace member")
        if (isHidden(rel) || hasOnlyIgnoredFiles(reader, rel)) return;
        throw new UvWorkspaceError(
          `Workspace member \`${path.join(absRoot, rel)}\` is missing a \`pyproject.toml\` (matches: \`${glob}\`). ` +
            `Add ${pyprojectPath} with a [project] table, delete the directory, or add it to [tool.uv.workspace] exclude in ${ROOT_PYPROJECT}.`,
          pyprojectPath,
        );
      }
      const uv = getTable(getTable(doc, 'tool', pyprojectPath), 'uv', pyprojectPath);
      if (uv?.managed === false) return;
      if (getTable(doc, 'project', pyprojectPath) === undefined) {
        throw new UvWorkspaceError(
          `No \`project\` table found in ${pyprojectPath} (matched by workspace member glob \`${glob}\`). ` +
            'Add a [project] table with a `name`, or add the directory to [tool.uv.workspace] exclude.',
          pyprojectPath,
        );
      }
      if (uv?.workspace !== undefined) {
        throw new UvWorkspaceError(
          `Nested workspaces are not supported, but workspace member ${rel} has a \`tool.uv.workspace\` table in ${pyprojectPath}. ` +
            'Remove [tool.uv.workspace] from the member (only the root declares the workspace).',
          pyprojectPath,
        );
      }
      visit({ root: rel, pyprojectPath, doc });
    });
  }
}
