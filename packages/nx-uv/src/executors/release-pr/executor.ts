/**
 * `nx-uv:release-pr` (workspace project): the "prepare" half of the release pipeline. It checks
 * everything first, plans the release of the workspace (or `--group`) from the base branch, and
 * commits the plan (versions, requirements, changelogs, `uv lock`) to the release branch in a
 * temporary git worktree, so the user's checkout is never touched. The branch is force-pushed with
 * a lease, and its PR opened or updated in place, labelled `autorelease: pending`.
 */
import { logger, type ExecutorContext } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { extractChangelogSection } from '../../changelog';
import { gitHubClientFromEnv, type GitHubClient } from '../../forge';
import { commitAll, dirtyFiles, DirtyWorkingTreeError, remoteUrl, runGit } from '../../git';
import { changelogPath, computeWorkspacePlan, diskText, editOptionsFor, planFileEdits, writeRelease, type FileEdit } from '../../release';
import { formatPlanTable, type ReleasePlan } from '../../versioning';
import { loadUvWorkspace, type UvWorkspace } from '../../workspace';
import { loadWorkspaceOf, planOptionsFor } from '../release-plan/options';
import { releaseLabelOf, runNxUvExecutor, type ExecutorResult } from '../shared';
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
  type CheckoutState,
} from '../../release/release-pr-git';
import { normalizeReleasePrOptions, type NormalizedReleasePrOptions, type ReleasePrExecutorOptions } from './options';
import { keepPreparedChangelogs } from '../../release/prepared-changelogs';
import { releaseCommitMessage, releasePrBody, releasePrTitle, type ChangelogSectionText } from '../../release/release-pr-content';
import { makeOwnedTempDir } from '../../process-temp';
import { toPosix } from '../../posix-path';

export type { ReleasePrExecutorOptions } from './options';

/** What a run did (printed with --json). */
export interface ReleasePrResult {
  outcome: 'dry-run' | 'nothing-to-release' | 'already-applied' | 'created' | 'updated' | 'unchanged';
  branch: string;
  base: string;
  group: string | null;
  title?: string;
  body?: string;
  /** The release commit pushed to the release branch. */
  commit?: string;
  /** The release PR (created, updated, unchanged), or the open one left alone when nothing is released. */
  pullRequest?: { number: number; url: string };
  plan: ReleasePlan;
}

/** nx-uv's state directory under the Nx root (plan cache, pin journal): not user changes. */
const STATE_DIR = '.nx-uv';

function short(sha: string): string {
  return sha.slice(0, 12);
}

/** The new changelog section of each released package, from the edits (or the file as it is). */
function changelogSections(ws: UvWorkspace, plan: ReleasePlan, edits: readonly FileEdit[]): ChangelogSectionText[] {
  const read = diskText(ws);
  return plan.packages.map((p) => {
    const member = ws.members.find((m) => m.name === p.name);
    const file = member ? changelogPath(member) : undefined;
    const text = file === undefined ? undefined : (edits.find((e) => e.file === file)?.after ?? read(file));
    return { name: member?.distributionName || p.name, version: p.next, text: text === undefined ? undefined : extractChangelogSection(text, p.next) };
  });
}

/** The checkout must be the base branch (or a detached HEAD at it): the plan is made from there. */
function assertOnBase(checkout: CheckoutState, base: string, baseSha: string | undefined): void {
  if (checkout.branch === base) return;
  if (checkout.branch === undefined && baseSha === checkout.head) return;
  const where = checkout.branch ? `branch "${checkout.branch}" (${short(checkout.head)})` : `a detached HEAD at ${short(checkout.head)}`;
  const baseWhere = baseSha ? `${base} is at ${short(baseSha)}` : `there is no local branch ${base}`;
  throw new Error(
    `nx-uv: release-pr makes the release PR from the HEAD of "${base}", but the checkout is on ${where} and ${baseWhere}: ` +
      `check out ${base} first (git checkout ${base}), or pass --baseBranch=<the branch the release PR should merge into>`,
  );
}

async function assertBaseMatchesRemote(cwd: string, opts: NormalizedReleasePrOptions, head: string): Promise<void> {
  const { remote, baseBranch: base } = opts;
  const remoteSha = await remoteBranchSha(cwd, remote, base);
  if (!remoteSha) {
    throw new Error(
      `nx-uv: ${remote} has no branch "${base}" for the release PR to merge into: push it first (git push ${remote} ${base}), or pass --baseBranch`,
    );
  }
  const sync = await compareWithRemote(cwd, head, remoteSha);
  if (sync === 'ahead') {
    throw new Error(
      `nx-uv: ${base} (${short(head)}) has commits that are not on ${remote} (${short(remoteSha)}): push them first (git push ${remote} ${base}); ` +
        'a release PR is made only from commits the remote has',
    );
  }
  if (sync === 'diverged') {
    throw new Error(
      `nx-uv: ${base} (${short(head)}) and ${remote}/${base} (${short(remoteSha)}) have diverged: bring ${base} in line with ${remote} first (git pull)`,
    );
  }
  if (sync === 'behind' || sync === 'unknown') {
    logger.warn(
      `nx-uv release-pr: ${remote}/${base} (${short(remoteSha)}) has commits this checkout lacks; the release PR is made from ${short(head)} (git pull to include them)`,
    );
  }
}

/** Runs release-pr; throws on any error (the temporary worktree is removed either way). */
export async function releasePr(options: ReleasePrExecutorOptions, context: ExecutorContext): Promise<ReleasePrResult> {
  const opts = normalizeReleasePrOptions(options);
  const info = opts.json ? () => undefined : (m: string) => logger.info(m);
  const { baseBranch: base, branch, remote } = opts;

  // 1. Everything checked before any change.
  const ws = loadWorkspaceOf(context);
  const cwd = ws.absRoot;
  const gitRoot = (await runGit(cwd, ['rev-parse', '--show-toplevel'])).stdout.trim();
  await assertBranchName(cwd, base, '--baseBranch');
  await assertBranchName(cwd, branch, opts.group ? '--branchPrefix and --group' : '--branchPrefix');
  const planOptions = planOptionsFor(
    { group: opts.group, bumpType: opts.bumpType, prerelease: opts.prerelease, force: opts.force, releaseAs: opts.releaseAs },
    context,
    ws,
  );

  let client: GitHubClient | undefined;
  if (!opts.dryRun) {
    if ((await remoteUrl(cwd, remote)) === undefined) {
      throw new Error(`nx-uv: there is no git remote "${remote}" in ${gitRoot} to push the release branch to: add it, or pass --remote=<name>`);
    }
    client = await gitHubClientFromEnv({
      cwd,
      remote,
      log: { debug: () => undefined, info: () => undefined, warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
    });
    await assertCommitterIdentity(cwd);
  }

  const checkout = await readCheckout(cwd);
  assertOnBase(checkout, base, await localBranchSha(cwd, base));

  const state = toPosix(path.relative(gitRoot, path.join(context.root, STATE_DIR)));
  const dirty = (await dirtyFiles(cwd)).filter((f) => !(f.path === state || f.path.startsWith(`${state}/`)));
  if (dirty.length > 0) {
    const error = new DirtyWorkingTreeError(gitRoot, dirty);
    if (!opts.dryRun) throw error;
    logger.warn(`nx-uv release-pr (dry run): ${error.message}\n(the plan below is made from the files as they are)`);
  }
  if (!opts.dryRun) await assertBaseMatchesRemote(cwd, opts, checkout.head);

  // 2. The plan, and every edit it makes (computed before anything is written).
  const { plan } = await computeWorkspacePlan(ws.absRoot, planOptions);
  const scope = opts.group ? ` of group ${opts.group}` : '';
  info(`nx-uv release-pr: release plan${scope} from ${base} at ${short(checkout.head)}:\n${formatPlanTable(plan).trimEnd()}`);
  const result: ReleasePrResult = { outcome: 'nothing-to-release', branch, base, group: opts.group ?? null, plan };

  if (plan.packages.length === 0) {
    info(`nx-uv release-pr: nothing to release${scope} (no releasable commits since the last releases; --force releases anyway): no branch, no PR.`);
    const open = client ? await client.findOpenPullRequest(branch, base) : undefined;
    if (open) {
      result.pullRequest = { number: open.number, url: open.url };
      info(`nx-uv release-pr: the open release PR #${open.number} (${open.url}) from ${branch} is left as it is; close it if it is no longer wanted.`);
    }
    return result;
  }

  const repoUrl = await remoteUrl(cwd, remote).catch(() => undefined);
  const editOptions = editOptionsFor(planOptions, new Date().toISOString().slice(0, 10), repoUrl);
  const prepared = keepPreparedChangelogs(ws, plan, planFileEdits(ws, plan, diskText(ws), editOptions));
  const edits = prepared.edits;
  if (prepared.kept.length > 0) {
    info(`nx-uv release-pr: kept the changelog sections already written for ${prepared.kept.join(', ')} (versions set in pyproject.toml, not tagged yet)`);
  }
  const title = releasePrTitle(plan, opts.group);
  const releaseLabel = releaseLabelOf(options.releaseLabel, context);
  const body = releasePrBody({ plan, group: opts.group, branch, base, releaseLabel, sections: changelogSections(ws, plan, edits) });
  Object.assign(result, { title, body });

  if (opts.dryRun) {
    result.outcome = 'dry-run';
    const shown = (file: string) => toPosix(path.relative(context.root, path.join(ws.absRoot, file)));
    const files = edits.map((e) => shown(e.file));
    if (fs.existsSync(path.join(ws.absRoot, 'uv.lock'))) files.push(shown('uv.lock'));
    const list = files.length > 1 ? `${files.slice(0, -1).join(', ')} and ${files[files.length - 1]}` : (files[0] ?? 'nothing');
    info(
      [
        `nx-uv release-pr (dry run): would re-create branch ${branch} at ${short(checkout.head)}, write ${list},`,
        `commit "${title}", push it to ${remote} and open or update the release PR into ${base} labelled "${releaseLabel}":`,
        `  title: ${title}`,
        '  body:',
        ...body
          .trimEnd()
          .split('\n')
          .map((l) => `    ${l}`),
      ].join('\n'),
    );
    return result;
  }

  if (edits.length === 0) {
    result.outcome = 'already-applied';
    info(
      `nx-uv release-pr: ${base} already holds these versions and changelog sections (a merged release PR waiting for its tags?): ` +
        'nothing to commit, no PR. Run the tag targets to finish that release.',
    );
    return result;
  }

  // 3. The release branch, commit, push and PR, prepared in a git worktree of its own: the user's
  //    checkout (branch, index, files) is never touched, and concurrent runs never share an index.
  const releaseBefore = await localBranchSha(cwd, branch);
  const remoteBefore = await remoteBranchSha(cwd, remote, branch);
  const scratch = makeOwnedTempDir('release-pr');
  const worktree = path.join(scratch, 'worktree');
  let pushed = false;
  let failure: unknown;
  try {
    await runGit(cwd, ['worktree', 'add', '--quiet', '--detach', '--end-of-options', worktree, checkout.head]);
    const uvRootInWorktree = path.join(worktree, path.relative(fs.realpathSync(gitRoot), fs.realpathSync(ws.absRoot)));
    // The edits computed (and shown) above, written by the one release writer into the worktree.
    const { files } = await writeRelease(loadUvWorkspace(uvRootInWorktree), plan, { ...editOptions, edits });
    const commit = await commitAll(uvRootInWorktree, releaseCommitMessage(plan, opts.group), files);
    if (!commit) throw new Error(`nx-uv: the release edits changed nothing on ${branch} (internal error): nothing to push`);
    result.commit = commit;
    // The commit was made on the worktree's detached HEAD: the branch is only pointed at it (never
    // checked out anywhere, so two runs cannot collide on it).
    await runGit(cwd, ['branch', '--quiet', '--force', '--end-of-options', branch, commit]);
    info(`nx-uv release-pr: committed ${short(commit)} on ${branch}: ${title}`);
    await pushWithLease(cwd, remote, branch, commit, remoteBefore);
    pushed = true;
    info(`nx-uv release-pr: pushed ${branch} to ${remote}${remoteBefore ? ` (replacing ${short(remoteBefore)})` : ''}`);
    const pr = await (client as GitHubClient).createOrUpdateReleasePullRequest({ head: branch, base, title, body, releaseLabel });
    result.outcome = pr.action;
    result.pullRequest = { number: pr.number, url: pr.url };
    const verb = pr.action === 'created' ? 'opened' : pr.action === 'updated' ? 'updated' : 'left unchanged';
    info(`nx-uv release-pr: ${verb} release PR #${pr.number} ${pr.url} (${branch} → ${base}, labelled "${releaseLabel}")`);
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
  if (failure !== undefined) {
    if (pushed && failure instanceof Error) failure.message += `\n(${branch} was pushed to ${remote}; run release-pr again to open or update the PR)`;
    throw failure;
  }
  return result;
}

export default async function releasePrExecutor(options: ReleasePrExecutorOptions, context: ExecutorContext): Promise<ExecutorResult> {
  return runNxUvExecutor(options?.dryRun ? 'release-pr --dryRun' : 'release-pr', context, async () => {
    const result = await releasePr(options, context);
    if (options?.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return true;
  });
}
