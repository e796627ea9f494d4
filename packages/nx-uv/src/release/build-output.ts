/**
 * The build output folder: where it is, and emptying it safely when a new build replaces its contents
 * (so that files of an earlier build never ship) — it must be a folder of its own, holding only built
 * distributions.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { displayPath } from '../pin/leftover-pins';
import type { Member, UvWorkspace } from '../workspace';

/** The Nx project a build is for, and the uv member it stands for (an executor's UvProject). */
export interface BuildProject {
  /** The Nx project name. */
  projectName: string;
  /** Absolute path of the Nx project root. */
  absProjectRoot: string;
  /** Absolute path of the Nx workspace. */
  workspaceRoot: string;
  workspace: UvWorkspace;
  member: Member;
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** Files a build output folder may hold: distributions (and uv's `.gitignore`, dotfiles). */
export function isDistributionArtifact(name: string): boolean {
  return name.startsWith('.') || /\.(whl|tar\.gz|zip)$/i.test(name);
}

/**
 * The absolute output folder for `outputPath` (relative to the project root). Throws when it is empty,
 * lies outside the Nx workspace, or is (or holds) the uv workspace root or any member's directory.
 */
export function resolveOutputDir(project: Omit<BuildProject, 'member'>, outputPath: string): string {
  const option = `outputPath ${JSON.stringify(outputPath)} of project '${project.projectName}'`;
  if (outputPath.trim() === '') throw new Error(`nx-uv: ${option} is empty; give a folder such as "dist"`);
  const abs = path.resolve(project.absProjectRoot, outputPath);
  if (!isInside(abs, project.workspaceRoot)) {
    throw new Error(`nx-uv: ${option} resolves to ${abs}, outside the Nx workspace ${project.workspaceRoot}; use a folder inside the project`);
  }
  const ws = project.workspace;
  const guarded = [project.workspaceRoot, ws.absRoot, ...ws.members.map((m) => path.resolve(ws.absRoot, m.root))];
  for (const dir of guarded) {
    if (abs === dir || isInside(dir, abs)) {
      throw new Error(
        `nx-uv: ${option} resolves to ${displayPath(project.workspaceRoot, abs) || '.'}, which is or contains ${displayPath(project.workspaceRoot, dir) || 'the workspace root'}; ` +
          'the build empties its output folder, so give it a folder of its own such as "dist"',
      );
    }
  }
  return abs;
}

/** What a build output folder holds: its entries, or the error reading it (other than its absence). */
export type OutputListing = { entries: { name: string; isFile: boolean }[] } | { error: Error };

/** Reads what `dir` holds (nothing when it does not exist). */
export function readOutputDir(dir: string): OutputListing {
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return { error: err as Error };
  }
  // Only a name that could be a distribution needs a look at what it is.
  return { entries: names.map((name) => ({ name, isFile: isDistributionArtifact(name) && fs.lstatSync(path.join(dir, name)).isFile() })) };
}

/**
 * Pure: the names `listing` of `dir` holds. Throws, deleting nothing, when it holds anything but built
 * distributions: a misdirected outputPath must never delete sources.
 */
export function onlyDistributions(listing: OutputListing, dir: string, workspaceRoot: string): string[] {
  if ('error' in listing) throw listing.error;
  const foreign = listing.entries.filter((e) => !isDistributionArtifact(e.name) || !e.isFile).map((e) => e.name);
  if (foreign.length > 0) {
    throw new Error(
      `nx-uv: the build output folder ${displayPath(workspaceRoot, dir)} holds ${foreign.map((n) => JSON.stringify(n)).join(', ')}, ` +
        'which are not built distributions; nx-uv empties that folder for each build, so it deleted nothing. ' +
        'Move those files away or point outputPath at a folder of its own.',
    );
  }
  return listing.entries.map((e) => e.name);
}

/** The names in `dir` (none when it does not exist); refuses as onlyDistributions does. */
export function assertOnlyDistributions(dir: string, workspaceRoot: string): string[] {
  return onlyDistributions(readOutputDir(dir), dir, workspaceRoot);
}

/** Creates `dir` or empties it; refuses as assertOnlyDistributions does. Returns the names removed. */
export function emptyOutputDir(dir: string, workspaceRoot: string): string[] {
  const names = assertOnlyDistributions(dir, workspaceRoot);
  for (const n of names) fs.rmSync(path.join(dir, n), { force: true });
  fs.mkdirSync(dir, { recursive: true });
  return names;
}
