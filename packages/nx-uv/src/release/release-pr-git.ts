/**
 * The git side of release-pr, beyond src/git: where the checkout is (HEAD, branch), the local and
 * remote release branch, the base branch against its remote, the committer identity, and a push
 * that overwrites the release branch only if nobody else moved it since we looked (force-with-lease).
 */
import * as fs from 'node:fs';
import { currentBranch, currentCommit, isAncestor, remoteAuthEnv, runGit } from '../git';
import { redact } from '../redact';

export interface CheckoutState {
  /** Checked-out branch; undefined on a detached HEAD. */
  branch?: string;
  head: string;
}

export async function readCheckout(cwd: string): Promise<CheckoutState> {
  return { branch: await currentBranch(cwd), head: await currentCommit(cwd) };
}

/** Sha of a local branch, or undefined. */
export async function localBranchSha(cwd: string, branch: string): Promise<string | undefined> {
  const r = await runGit(cwd, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], { okExitCodes: [1] });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

/** Sha of `refs/heads/<branch>` on `remote` (one `git ls-remote`), or undefined when it has none. */
export async function remoteBranchSha(cwd: string, remote: string, branch: string): Promise<string | undefined> {
  const ref = `refs/heads/${branch}`;
  const { stdout } = await runGit(cwd, ['ls-remote', '--refs', '--end-of-options', remote, ref], { env: await remoteAuthEnv(cwd, remote) });
  for (const line of stdout.split('\n')) {
    const [sha, name] = line.trim().split(/\s+/);
    if (name === ref) return sha;
  }
  return undefined;
}

/** Throws naming the option when `name` is not a valid branch name. */
export async function assertBranchName(cwd: string, name: string, option: string): Promise<void> {
  const r = await runGit(cwd, ['check-ref-format', '--branch', name], { okExitCodes: [1, 128] });
  if (r.exitCode !== 0) throw new Error(`nx-uv: ${JSON.stringify(name)} (${option}) is not a valid git branch name`);
}

/** Throws when git has no committer identity (the release commit would fail after the branch was made). */
export async function assertCommitterIdentity(cwd: string): Promise<void> {
  const r = await runGit(cwd, ['var', 'GIT_COMMITTER_IDENT'], { okExitCodes: [128] });
  if (r.exitCode !== 0) {
    throw new Error(
      'nx-uv: git has no committer identity for the release commit: set GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL, GIT_COMMITTER_NAME and ' +
        'GIT_COMMITTER_EMAIL (or git config user.name / user.email)',
    );
  }
}

export type BaseSync = 'same' | 'behind' | 'ahead' | 'diverged' | 'unknown';

/**
 * How the local base commit `head` stands against the remote's base branch `remoteSha`: `unknown`
 * when the remote commit is not in this clone (the remote has commits we never fetched).
 */
export async function compareWithRemote(cwd: string, head: string, remoteSha: string): Promise<BaseSync> {
  if (head === remoteSha) return 'same';
  const known = await runGit(cwd, ['cat-file', '-e', `${remoteSha}^{commit}`], { okExitCodes: [1, 128] });
  if (known.exitCode !== 0) return 'unknown';
  if (await isAncestor(cwd, remoteSha, head)) return 'ahead';
  if (await isAncestor(cwd, head, remoteSha)) return 'behind';
  return 'diverged';
}

/**
 * Pushes `sha` to `refs/heads/<branch>` on `remote`, overwriting it only when it still points to
 * `expected` (undefined: only when it does not exist): `git push --force-with-lease=<ref>:<expected>`.
 */
export async function pushWithLease(cwd: string, remote: string, branch: string, sha: string, expected: string | undefined): Promise<void> {
  const ref = `refs/heads/${branch}`;
  const args = ['push', '--porcelain', `--force-with-lease=${ref}:${expected ?? ''}`, '--end-of-options', remote, `${sha}:${ref}`];
  const r = await runGit(cwd, args, { okExitCodes: [1], env: await remoteAuthEnv(cwd, remote) });
  if (r.exitCode === 0) return;
  // --porcelain reports each ref on stdout: `!<TAB><from>:<to><TAB>[rejected] (stale info)`.
  const refused = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('!'))
    .map((l) => l.split('\t').slice(2).join(' ').trim());
  const detail = redact([...refused, r.stderr.trim()].filter(Boolean).join('\n'));
  if (refused.some((l) => /stale info/i.test(l))) {
    throw new Error(
      `nx-uv: ${remote} refused to overwrite ${branch}: the branch changed on ${remote} while this run was working ` +
        `(another release-pr run?); run release-pr again.\n${detail}`,
    );
  }
  throw new Error(
    `nx-uv: could not push the release branch ${branch} to ${remote}; nx-uv re-creates and force-pushes this branch on every run, ` +
      `so it must not be protected against force pushes and the credentials must allow pushing it.\n${detail}`,
  );
}

/** The release branch back where it was (or deleted) unless the run pushed it (`keep`). */
export async function resetReleaseBranch(cwd: string, release: { branch: string; before: string | undefined; keep: boolean }): Promise<void> {
  if (release.keep) return;
  if (release.before) await runGit(cwd, ['branch', '--quiet', '--force', '--end-of-options', release.branch, release.before]);
  else if (await localBranchSha(cwd, release.branch)) await runGit(cwd, ['branch', '--quiet', '--delete', '--force', '--end-of-options', release.branch]);
}

/** Removes a worktree this run added (nothing when it was never created), and prunes its record. */
export async function removeWorktree(cwd: string, worktree: string): Promise<void> {
  if (fs.existsSync(worktree)) await runGit(cwd, ['worktree', 'remove', '--force', '--end-of-options', worktree]);
  await runGit(cwd, ['worktree', 'prune']);
}
