/**
 * The effects of `nx-uv:release-pr`: reading the facts (readReleasePrFacts: every check before any
 * change, the release plan, the files it edits, the open PR) for release-pr-plan.ts's planReleasePr,
 * and carrying a prepared plan out (applyReleasePr) in a temporary git worktree, so the user's
 * checkout is never touched: the edits written by writeRelease, one commit, a push with lease, the
 * PR opened or updated; the worktree is removed either way.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gitHubClientFromEnv, type GitHubClient } from '../forge';
import { commitAll, dirtyFiles, DirtyWorkingTreeError, remoteUrl, runGit } from '../git';
import { toPosix } from '../posix-path';
import { makeOwnedTempDir } from '../process-temp';
import { loadUvWorkspace, type UvWorkspace } from '../workspace';
import { editOptionsFor, planFiles, diskText, writeRelease } from './apply';
import { computeWorkspacePlan, type ComputePlanOptions } from './compute';
import { assertOnBase, shortSha, type ReleasePrFacts, type ReleasePrPrepare } from './release-pr-plan';
import {
  assertBranchName,
  assertCommitterIdentity,
  compareWithRemote,
  localBranchSha,
  pushWithLease,
  readCheckout,
  remoteBranchSha,
  removeWorktree,
  resetReleaseBranch,
} from './release-pr-git';

/** Where release-pr's lines go. */
export interface ReleasePrLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** What GitHub is asked for. */
export type ReleasePrForge = Pick<GitHubClient, 'findOpenPullRequest' | 'createOrUpdateReleasePullRequest'>;

/** What readReleasePrFacts reads from. */
export interface ReleasePrFactsInput {
  workspace: UvWorkspace;
  /** The Nx workspace root. */
  workspaceRoot: string;
  baseBranch: string;
  branch: string;
  remote: string;
  group?: string;
  dryRun: boolean;
  /** The plan options; called after the branch names are checked (it checks the group). */
  planOptions: () => ComputePlanOptions;
  /** The plugin option releaseLabel. */
  pluginReleaseLabel?: unknown;
  /** The day of the changelog sections (default: today, UTC). */
  date?: string;
}

/** nx-uv's state directory under the Nx root (plan cache, pin journal): not user changes. */
const STATE_DIR = '.nx-uv';

async function assertBaseMatchesRemote(cwd: string, input: ReleasePrFactsInput, head: string, log: ReleasePrLog): Promise<void> {
  const { remote, baseBranch: base } = input;
  const remoteSha = await remoteBranchSha(cwd, remote, base);
  if (!remoteSha) {
    throw new Error(
      `nx-uv: ${remote} has no branch "${base}" for the release PR to merge into: push it first (git push ${remote} ${base}), or pass --baseBranch`,
    );
  }
  const sync = await compareWithRemote(cwd, head, remoteSha);
  if (sync === 'ahead') {
    throw new Error(
      `nx-uv: ${base} (${shortSha(head)}) has commits that are not on ${remote} (${shortSha(remoteSha)}): push them first (git push ${remote} ${base}); ` +
        'a release PR is made only from commits the remote has',
    );
  }
  if (sync === 'diverged') {
    throw new Error(
      `nx-uv: ${base} (${shortSha(head)}) and ${remote}/${base} (${shortSha(remoteSha)}) have diverged: bring ${base} in line with ${remote} first (git pull)`,
    );
  }
  if (sync === 'behind' || sync === 'unknown') {
    log.warn(
      `nx-uv release-pr: ${remote}/${base} (${shortSha(remoteSha)}) has commits this checkout lacks; the release PR is made from ${shortSha(head)} (git pull to include them)`,
    );
  }
}

/**
 * Checks everything before any change (branch names, the remote, the GitHub token and committer
 * identity unless a dry run, the checkout on the base branch, a clean tree, the base branch against
 * its remote), then reads the plan and the files it edits, and the open PR when there is nothing to
 * release. Returns the facts, and the GitHub client a real run carries the plan out with.
 */
export async function readReleasePrFacts(input: ReleasePrFactsInput, log: ReleasePrLog): Promise<{ facts: ReleasePrFacts; forge?: GitHubClient }> {
  const { workspace: ws, baseBranch: base, branch, remote } = input;
  const cwd = ws.absRoot;
  const gitRoot = (await runGit(cwd, ['rev-parse', '--show-toplevel'])).stdout.trim();
  await assertBranchName(cwd, base, '--baseBranch');
  await assertBranchName(cwd, branch, input.group ? '--branchPrefix and --group' : '--branchPrefix');
  const planOptions = input.planOptions();

  let forge: GitHubClient | undefined;
  if (!input.dryRun) {
    if ((await remoteUrl(cwd, remote)) === undefined) {
      throw new Error(`nx-uv: there is no git remote "${remote}" in ${gitRoot} to push the release branch to: add it, or pass --remote=<name>`);
    }
    forge = await gitHubClientFromEnv({ cwd, remote, log: { debug: () => undefined, info: () => undefined, warn: log.warn, error: log.error } });
    await assertCommitterIdentity(cwd);
  }

  const checkout = await readCheckout(cwd);
  assertOnBase(checkout, base, await localBranchSha(cwd, base));

  const state = toPosix(path.relative(gitRoot, path.join(input.workspaceRoot, STATE_DIR)));
  const dirty = (await dirtyFiles(cwd)).filter((f) => !(f.path === state || f.path.startsWith(`${state}/`)));
  if (dirty.length > 0) {
    const error = new DirtyWorkingTreeError(gitRoot, dirty);
    if (!input.dryRun) throw error;
    log.warn(`nx-uv release-pr (dry run): ${error.message}\n(the plan below is made from the files as they are)`);
  }
  if (!input.dryRun) await assertBaseMatchesRemote(cwd, input, checkout.head, log);

  const { plan } = await computeWorkspacePlan(ws.absRoot, planOptions);
  const released = plan.packages.length > 0;
  const repoUrl = released ? await remoteUrl(cwd, remote).catch(() => undefined) : undefined;
  const read = diskText(ws);
  const files = new Map(released ? planFiles(ws, plan).map((f) => [f, read(f)] as const) : []);
  const open = !released && forge ? await forge.findOpenPullRequest(branch, base) : undefined;
  const facts: ReleasePrFacts = {
    workspace: ws,
    workspaceRoot: input.workspaceRoot,
    workspaceInGit: path.relative(fs.realpathSync(gitRoot), fs.realpathSync(ws.absRoot)),
    head: checkout.head,
    plan,
    editOptions: editOptionsFor(planOptions, input.date ?? new Date().toISOString().slice(0, 10), repoUrl),
    files,
    hasLock: fs.existsSync(path.join(ws.absRoot, 'uv.lock')),
    pluginReleaseLabel: input.pluginReleaseLabel,
    ...(open ? { openPullRequest: { number: open.number, url: open.url } } : {}),
  };
  return { facts, forge };
}

/** What applyReleasePr is carried out with. */
export interface ReleasePrEffects {
  /** Where git runs (the uv root of the user's checkout). */
  cwd: string;
  forge: Pick<GitHubClient, 'createOrUpdateReleasePullRequest'>;
  log: Pick<ReleasePrLog, 'info'>;
}

/** What applyReleasePr did. */
export interface ReleasePrApplied {
  outcome: 'created' | 'updated' | 'unchanged';
  /** The release commit pushed to the release branch. */
  commit: string;
  pullRequest: { number: number; url: string };
}

/**
 * Prepares the release branch in a git worktree of its own: writes the plan's edits (and re-locks),
 * commits them on HEAD, points the branch at the commit, pushes it with a lease and opens or updates
 * the PR. The worktree is removed either way, and the local branch put back unless it was pushed.
 */
export async function applyReleasePr(plan: ReleasePrPrepare, effects: ReleasePrEffects): Promise<ReleasePrApplied> {
  const { cwd, log } = effects;
  const { branch, base, remote, title, body, releaseLabel } = plan;
  const releaseBefore = await localBranchSha(cwd, branch);
  const remoteBefore = await remoteBranchSha(cwd, remote, branch);
  const scratch = makeOwnedTempDir('release-pr');
  const worktree = path.join(scratch, 'worktree');
  let pushed = false;
  let failure: unknown;
  let applied: ReleasePrApplied | undefined;
  try {
    await runGit(cwd, ['worktree', 'add', '--quiet', '--detach', '--end-of-options', worktree, plan.head]);
    const uvRootInWorktree = path.join(worktree, plan.workspaceInGit);
    // The edits computed (and shown) by the plan, written by the one release writer into the worktree.
    const { files } = await writeRelease(loadUvWorkspace(uvRootInWorktree), plan.plan, { ...plan.editOptions, edits: plan.edits });
    const commit = await commitAll(uvRootInWorktree, plan.commitMessage, files);
    if (!commit) throw new Error(`nx-uv: the release edits changed nothing on ${branch} (internal error): nothing to push`);
    // The commit was made on the worktree's detached HEAD: the branch is only pointed at it (never
    // checked out anywhere, so two runs cannot collide on it).
    await runGit(cwd, ['branch', '--quiet', '--force', '--end-of-options', branch, commit]);
    log.info(`nx-uv release-pr: committed ${shortSha(commit)} on ${branch}: ${title}`);
    await pushWithLease(cwd, remote, branch, commit, remoteBefore);
    pushed = true;
    log.info(`nx-uv release-pr: pushed ${branch} to ${remote}${remoteBefore ? ` (replacing ${shortSha(remoteBefore)})` : ''}`);
    const pr = await effects.forge.createOrUpdateReleasePullRequest({ head: branch, base, title, body, releaseLabel });
    applied = { outcome: pr.action, commit, pullRequest: { number: pr.number, url: pr.url } };
    const verb = pr.action === 'created' ? 'opened' : pr.action === 'updated' ? 'updated' : 'left unchanged';
    log.info(`nx-uv release-pr: ${verb} release PR #${pr.number} ${pr.url} (${branch} → ${base}, labelled "${releaseLabel}")`);
  } catch (error) {
    failure = error;
  }
  try {
    await removeWorktree(cwd, worktree);
    fs.rmSync(scratch, { recursive: true, force: true });
    await resetReleaseBranch(cwd, { branch, before: releaseBefore, keep: pushed });
  } catch (error) {
    const message = `nx-uv: could not clean up the release worktree ${worktree}: ${(error as Error).message}`;
    if (failure === undefined) throw new Error(message);
    (failure as Error).message = `${(failure as Error).message}\n(also: ${message})`;
  }
  if (failure !== undefined || applied === undefined) {
    if (pushed && failure instanceof Error) failure.message += `\n(${branch} was pushed to ${remote}; run release-pr again to open or update the PR)`;
    throw failure;
  }
  return applied;
}
