/** Commits, branches and remotes: one git process per operation. */
import { GitError, runGit } from './run-git';
import type { GitEnvOption } from './tags';

/** Full sha of a revision's commit (default HEAD). */
export async function currentCommit(cwd: string, rev = 'HEAD', options: GitEnvOption = {}): Promise<string> {
  return (await runGit(cwd, ['rev-parse', '--verify', '--end-of-options', `${rev}^{commit}`], options)).stdout.trim();
}

/** Name of the checked-out branch; undefined on a detached HEAD. */
export async function currentBranch(cwd: string, options: GitEnvOption = {}): Promise<string | undefined> {
  const r = await runGit(cwd, ['symbolic-ref', '--quiet', '--short', 'HEAD'], { ...options, okExitCodes: [1] });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

/** URL of a remote (after `insteadOf` rewriting); undefined when there is no such remote. */
export async function remoteUrl(cwd: string, remote = 'origin', options: GitEnvOption = {}): Promise<string | undefined> {
  const r = await runGit(cwd, ['remote', 'get-url', '--end-of-options', remote], { ...options, okExitCodes: [2] });
  if (r.exitCode === 2) {
    if (/no such remote/i.test(r.stderr)) return undefined;
    throw new GitError(`git remote get-url ${remote} failed in ${cwd}: ${r.stderr.trim()}`, `git remote get-url ${remote}`, cwd, 2, r.stderr.trim());
  }
  return r.stdout.trim();
}

/** Whether `ancestor` is reachable from `descendant` (one `git merge-base --is-ancestor`). */
export async function isAncestor(cwd: string, ancestor: string, descendant = 'HEAD', options: GitEnvOption = {}): Promise<boolean> {
  const r = await runGit(cwd, ['merge-base', '--is-ancestor', ancestor, descendant], { ...options, okExitCodes: [1] });
  return r.exitCode === 0;
}

/**
 * Commits exactly `files` (paths relative to cwd; additions, changes and deletions) with `message`,
 * leaving anything else staged or modified out of the commit. Returns the new commit's sha, or
 * undefined when none of the files changed (no commit is made).
 */
export async function commitAll(cwd: string, message: string, files: string[], options: GitEnvOption = {}): Promise<string | undefined> {
  if (files.length === 0) throw new Error(`commitAll in ${cwd}: no files given to commit (message: ${JSON.stringify(message.split('\n')[0])})`);
  await runGit(cwd, ['add', '--all', '--', ...files], options);
  const diff = await runGit(cwd, ['diff', '--cached', '--quiet', '--', ...files], { ...options, okExitCodes: [1] });
  if (diff.exitCode === 0) return undefined;
  await runGit(cwd, ['commit', '--quiet', '--no-verify', '--cleanup=verbatim', '-F', '-', '--only', '--', ...files], {
    ...options,
    input: message.endsWith('\n') ? message : `${message}\n`,
  });
  return currentCommit(cwd, 'HEAD', options);
}

/** Fetches tags from `remote` (existing local tags are never overwritten). */
export async function fetchTags(cwd: string, remote = 'origin', options: GitEnvOption = {}): Promise<void> {
  await runGit(cwd, ['fetch', '--quiet', '--tags', remote], options);
}
