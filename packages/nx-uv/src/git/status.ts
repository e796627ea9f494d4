/** Working-tree state: dirty files, clean checks. */
import { runGit } from './run-git';
import type { GitEnvOption } from './tags';

export interface DirtyFile {
  /** Path relative to the repository top level (the new path for renames). */
  path: string;
  /** Two-letter porcelain status (`" M"`, `"??"`, `"A "`, `"R "`...). */
  status: string;
}

export interface CleanOptions extends GitEnvOption {
  /** Count untracked files as dirty. Default true. */
  untracked?: boolean;
}

/** Files with uncommitted changes (one `git status --porcelain -z`). */
export async function dirtyFiles(cwd: string, options: CleanOptions = {}): Promise<DirtyFile[]> {
  const untracked = options.untracked ?? true;
  const { stdout } = await runGit(cwd, ['status', '--porcelain=v1', '-z', `--untracked-files=${untracked ? 'all' : 'no'}`], options);
  const tokens = stdout.split('\0');
  const files: DirtyFile[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.length < 4) continue;
    const status = token.slice(0, 2);
    files.push({ path: token.slice(3), status });
    // Renames and copies are followed by their source path.
    if (status[0] === 'R' || status[0] === 'C') i++;
  }
  return files;
}

export async function isClean(cwd: string, options: CleanOptions = {}): Promise<boolean> {
  return (await dirtyFiles(cwd, options)).length === 0;
}

export class DirtyWorkingTreeError extends Error {
  constructor(
    readonly cwd: string,
    readonly files: DirtyFile[],
  ) {
    const shown = files.slice(0, 20).map((f) => `  ${f.status} ${f.path}`);
    if (files.length > 20) shown.push(`  ... and ${files.length - 20} more`);
    super(`the git working tree at ${cwd} has uncommitted changes; commit or stash them first:\n${shown.join('\n')}`);
    this.name = 'DirtyWorkingTreeError';
  }
}

/** Throws a `DirtyWorkingTreeError` listing the dirty files (paths in `ignore` excepted). */
export async function assertClean(cwd: string, options: CleanOptions & { ignore?: string[] } = {}): Promise<void> {
  const ignore = new Set(options.ignore ?? []);
  const files = (await dirtyFiles(cwd, options)).filter((f) => !ignore.has(f.path));
  if (files.length > 0) throw new DirtyWorkingTreeError(cwd, files);
}
