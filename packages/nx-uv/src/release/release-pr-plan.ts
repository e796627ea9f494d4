/**
 * What `nx-uv:release-pr` does, worked out from facts read beforehand (release-pr-apply.ts's
 * readReleasePrFacts: the checkout's HEAD, the release plan, the files it edits, the open PR). Pure:
 * no git, no file system, no GitHub, no logging. The plan is nothing to release, a release the base
 * branch already holds, or the release branch to prepare: its commit message, PR title, body and
 * label, and every file edit, computed before anything is written. renderReleasePrPlan gives the
 * lines a run (or a dry run) prints; applyReleasePr carries a prepared plan out.
 */
import * as path from 'node:path';
import { extractChangelogSection } from '../changelog';
import { resolveReleaseLabel } from '../forge/labels';
import { toPosix } from '../posix-path';
import { formatPlanTable, type ReleasePlan } from '../versioning';
import type { UvWorkspace } from '../workspace';
import { changelogPath, planFileEdits, type EditOptions, type FileEdit } from './apply';
import { keepPreparedChangelogs } from './prepared-changelogs';
import { releaseCommitMessage, releasePrBody, releasePrTitle, type ChangelogSectionText } from './release-pr-content';

/** What release-pr needs to know, read before anything is planned. */
export interface ReleasePrFacts {
  /** The uv workspace, as the checkout holds it. */
  workspace: UvWorkspace;
  /** The Nx workspace root: paths are shown from there. */
  workspaceRoot: string;
  /** The uv root relative to the git top level (where it sits in the release worktree). */
  workspaceInGit: string;
  /** The commit the release is made from (HEAD of the base branch). */
  head: string;
  /** The release plan of the workspace (or group) from HEAD. */
  plan: ReleasePlan;
  /** How the plan's files are edited (date, repository URL, tag scheme, changelog sections). */
  editOptions: EditOptions;
  /** The texts of the files the plan edits (planFiles), relative to the uv root; undefined: missing. */
  files: ReadonlyMap<string, string | undefined>;
  /** Whether the workspace has a uv.lock (the release re-locks it). */
  hasLock: boolean;
  /** The plugin option releaseLabel (the default of `--releaseLabel`). */
  pluginReleaseLabel?: unknown;
  /** The open release PR from the branch, looked up only when there is nothing to release. */
  openPullRequest?: { number: number; url: string };
}

/** The options of a run the plan needs (normalizeReleasePrOptions's values). */
export interface ReleasePrPlanOptions {
  baseBranch: string;
  /** The release branch. */
  branch: string;
  remote: string;
  group?: string;
  /** `--releaseLabel` (default: the plugin option, else `autorelease: pending`). */
  releaseLabel?: unknown;
}

interface ReleasePrPlanBase {
  branch: string;
  base: string;
  remote: string;
  group?: string;
  /** The commit the release is made from. */
  head: string;
  plan: ReleasePlan;
}

/** No package to release: no branch, no PR; an open release PR is left as it is. */
export interface ReleasePrNothing extends ReleasePrPlanBase {
  kind: 'nothing-to-release';
  openPullRequest?: { number: number; url: string };
}

/** What the release commit and PR hold. */
export interface ReleasePrContent {
  title: string;
  body: string;
  commitMessage: string;
  releaseLabel: string;
  /** Every file edit of the release (what writeRelease writes; uv.lock is re-locked after). */
  edits: FileEdit[];
  editOptions: EditOptions;
  /** Packages whose changelog section, written before, is kept as it is (`name version`). */
  kept: string[];
  /** The files the release writes, as shown from the Nx root (uv.lock last, when there is one). */
  shownFiles: string[];
  /** Where the uv root sits in the release worktree, relative to the git top level. */
  workspaceInGit: string;
}

/** The base branch holds the release already (no edit to make): nothing to commit, no PR. */
export interface ReleasePrAlreadyApplied extends ReleasePrPlanBase, ReleasePrContent {
  kind: 'already-applied';
}

/** The release branch to (re)build from HEAD: one commit, a push with lease, the PR opened or updated. */
export interface ReleasePrPrepare extends ReleasePrPlanBase, ReleasePrContent {
  kind: 'prepare';
}

export type ReleasePrPlan = ReleasePrNothing | ReleasePrAlreadyApplied | ReleasePrPrepare;

export function shortSha(sha: string): string {
  return sha.slice(0, 12);
}

/** The checkout release-pr plans from: its branch (undefined on a detached HEAD) and HEAD. */
export interface ReleasePrCheckout {
  branch?: string;
  head: string;
}

/** The checkout must be the base branch (or a detached HEAD at it): the plan is made from there. */
export function assertOnBase(checkout: ReleasePrCheckout, base: string, baseSha: string | undefined): void {
  if (checkout.branch === base) return;
  if (checkout.branch === undefined && baseSha === checkout.head) return;
  const where = checkout.branch ? `branch "${checkout.branch}" (${shortSha(checkout.head)})` : `a detached HEAD at ${shortSha(checkout.head)}`;
  const baseWhere = baseSha ? `${base} is at ${shortSha(baseSha)}` : `there is no local branch ${base}`;
  throw new Error(
    `nx-uv: release-pr makes the release PR from the HEAD of "${base}", but the checkout is on ${where} and ${baseWhere}: ` +
      `check out ${base} first (git checkout ${base}), or pass --baseBranch=<the branch the release PR should merge into>`,
  );
}

/** The new changelog section of each released package, from the edits (or the file as it is). */
function changelogSections(facts: ReleasePrFacts, edits: readonly FileEdit[]): ChangelogSectionText[] {
  const { workspace: ws, plan } = facts;
  return plan.packages.map((p) => {
    const member = ws.members.find((m) => m.name === p.name);
    const file = member ? changelogPath(member) : undefined;
    const text = file === undefined ? undefined : (edits.find((e) => e.file === file)?.after ?? facts.files.get(file));
    return { name: member?.distributionName || p.name, version: p.next, text: text === undefined ? undefined : extractChangelogSection(text, p.next) };
  });
}

/**
 * Plans a release-pr run: nothing to release (an open PR is named), a release the base branch
 * already holds, or the release branch to prepare with its edits and PR. Throws on a bad label.
 */
export function planReleasePr(facts: ReleasePrFacts, options: ReleasePrPlanOptions): ReleasePrPlan {
  const base: ReleasePrPlanBase = {
    branch: options.branch,
    base: options.baseBranch,
    remote: options.remote,
    ...(options.group !== undefined ? { group: options.group } : {}),
    head: facts.head,
    plan: facts.plan,
  };
  const { plan, workspace: ws } = facts;
  if (plan.packages.length === 0) {
    return { kind: 'nothing-to-release', ...base, ...(facts.openPullRequest ? { openPullRequest: facts.openPullRequest } : {}) };
  }
  const read = (file: string) => {
    if (!facts.files.has(file)) throw new Error(`nx-uv: the release edits ${file}, which was not read beforehand (internal error)`);
    return facts.files.get(file);
  };
  const prepared = keepPreparedChangelogs(ws, plan, planFileEdits(ws, plan, read, facts.editOptions));
  const edits = prepared.edits;
  const releaseLabel = resolveReleaseLabel(options.releaseLabel, facts.pluginReleaseLabel);
  const shown = (file: string) => toPosix(path.relative(facts.workspaceRoot, path.join(ws.absRoot, file)));
  const shownFiles = edits.map((e) => shown(e.file));
  if (facts.hasLock) shownFiles.push(shown('uv.lock'));
  const content: ReleasePrContent = {
    title: releasePrTitle(plan, options.group),
    body: releasePrBody({
      plan,
      group: options.group,
      branch: options.branch,
      base: options.baseBranch,
      releaseLabel,
      sections: changelogSections(facts, edits),
    }),
    commitMessage: releaseCommitMessage(plan, options.group),
    releaseLabel,
    edits,
    editOptions: facts.editOptions,
    kept: prepared.kept,
    shownFiles,
    workspaceInGit: facts.workspaceInGit,
  };
  return { kind: edits.length === 0 ? 'already-applied' : 'prepare', ...base, ...content };
}

/**
 * The lines a run prints before anything is written, one message each: the release plan, then why
 * nothing is done, or (a dry run) what would be done. `dryRun`: describe the branch, commit and PR
 * a real run would make (for a release the base branch already holds as well).
 */
export function renderReleasePrPlan(plan: ReleasePrPlan, options: { dryRun?: boolean } = {}): string[] {
  const { branch, base, remote } = plan;
  const scope = plan.group ? ` of group ${plan.group}` : '';
  const lines = [`nx-uv release-pr: release plan${scope} from ${base} at ${shortSha(plan.head)}:\n${formatPlanTable(plan.plan).trimEnd()}`];
  if (plan.kind === 'nothing-to-release') {
    lines.push(`nx-uv release-pr: nothing to release${scope} (no releasable commits since the last releases; --force releases anyway): no branch, no PR.`);
    const open = plan.openPullRequest;
    if (open)
      lines.push(`nx-uv release-pr: the open release PR #${open.number} (${open.url}) from ${branch} is left as it is; close it if it is no longer wanted.`);
    return lines;
  }
  if (plan.kept.length > 0) {
    lines.push(`nx-uv release-pr: kept the changelog sections already written for ${plan.kept.join(', ')} (versions set in pyproject.toml, not tagged yet)`);
  }
  if (options.dryRun) {
    const files = plan.shownFiles;
    const list = files.length > 1 ? `${files.slice(0, -1).join(', ')} and ${files[files.length - 1]}` : (files[0] ?? 'nothing');
    lines.push(
      [
        `nx-uv release-pr (dry run): would re-create branch ${branch} at ${shortSha(plan.head)}, write ${list},`,
        `commit "${plan.title}", push it to ${remote} and open or update the release PR into ${base} labelled "${plan.releaseLabel}":`,
        `  title: ${plan.title}`,
        '  body:',
        ...plan.body
          .trimEnd()
          .split('\n')
          .map((l) => `    ${l}`),
      ].join('\n'),
    );
    return lines;
  }
  if (plan.kind === 'already-applied') {
    lines.push(
      `nx-uv release-pr: ${base} already holds these versions and changelog sections (a merged release PR waiting for its tags?): ` +
        'nothing to commit, no PR. Run the tag targets to finish that release.',
    );
  }
  return lines;
}
