/**
 * The effects of `nx-uv:tag`: reading what git and the files say of a member (readTagGitFacts, for
 * tag-plan.ts's planTag), and carrying a plan out (applyTag): check the remote's tags, create the
 * annotated tags, push them (no local tag left from a failed push), create the GitHub Release and move
 * the merged release PR's label. The batch runs the same steps with one push for many plans.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gitHubClientFromEnv, type GitHubClient } from '../forge';
import { RELEASE_LABEL_TAGGED } from '../forge/labels';
import { createAnnotatedTag, currentBranch, currentCommit, deleteLocalTag, listTags, pushTags, remoteAuthEnv, remoteTagCommit } from '../git';
import type { Member, UvWorkspace } from '../workspace';
import { changelogMembers, remoteTagConflict, type TagScopeFacts, type TagRelease } from './tag-plan';
import type { TagScheme } from './tag-scheme';
import { membersReleasedAt, type UmbrellaFacts, type UmbrellaTagPlan } from './umbrella';
import { vcsReleases } from './vcs-version';

/** Where tag's lines go. */
export interface TagLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The git commands tag runs (gitTagCommands: git's own; a test gives others). */
export interface TagGitCommands {
  remoteTagCommit(cwd: string, remote: string, tag: string, auth: { env: NodeJS.ProcessEnv }): Promise<string | undefined>;
  createAnnotatedTag(cwd: string, name: string, message: string, commit: string): Promise<unknown>;
  deleteLocalTag(cwd: string, name: string): Promise<void>;
  pushTags(cwd: string, remote: string, tags: string[], auth: { env: NodeJS.ProcessEnv }): Promise<void>;
  currentBranch(cwd: string): Promise<string | undefined>;
}

export const gitTagCommands: TagGitCommands = { remoteTagCommit, createAnnotatedTag, deleteLocalTag, pushTags, currentBranch };

/** What tag asks of GitHub. */
export type TagForge = Pick<GitHubClient, 'createRelease' | 'findMergedReleasePullRequest' | 'relabel' | 'getDefaultBranch'>;

/** Everything a plan is carried out with. */
export interface TagEffects {
  log: TagLog;
  forge: TagForge;
  /** Credentials for the network commands, in their environment only. */
  auth: { env: NodeJS.ProcessEnv };
  git: TagGitCommands;
}

/** CHANGELOG.md texts of `names`, by name (undefined: no file). */
export function readChangelogs(ws: UvWorkspace, names: readonly string[]): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const name of names) {
    const m = ws.members.find((x) => x.name === name);
    const file = m ? path.join(ws.absRoot, m.root, 'CHANGELOG.md') : undefined;
    out.set(name, file && fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);
  }
  return out;
}

/** What git and the files say of a member in the run's scope: its release from git tags, HEAD, the local tags, the changelogs. */
export async function readTagScopeFacts(ws: UvWorkspace, member: Member, scheme: TagScheme, cwd: string, pluginReleaseLabel?: unknown): Promise<TagScopeFacts> {
  const vcs = member.version.kind === 'vcs' ? (await vcsReleases(ws, [member], scheme)).get(member.name) : undefined;
  const head = await currentCommit(cwd);
  const tags = await listTags(cwd);
  return { scheme, pluginReleaseLabel, head, tags, vcs, changelogs: readChangelogs(ws, changelogMembers(member, scheme)) };
}

/**
 * The effects of a run against `remote`: the GitHub client first (settings and token checked: nothing
 * is created when the release could not be made), then the remote's credentials.
 */
export async function openTagEffects(cwd: string, remote: string, log: TagLog): Promise<TagEffects> {
  const forge = await gitHubClientFromEnv({
    cwd,
    remote,
    log: { debug: () => undefined, info: () => undefined, warn: (m) => log.warn(m), error: (m) => log.error(m) },
  });
  return { log, forge, auth: { env: await remoteAuthEnv(cwd, remote) }, git: gitTagCommands };
}

/** A tag the remote already has on another commit would make the push fail: says why, creating nothing. */
export async function assertRemoteTagsFree(plan: TagRelease, effects: Pick<TagEffects, 'auth' | 'git'>): Promise<void> {
  for (const t of plan.allTags) {
    const conflict = remoteTagConflict(plan, t, await effects.git.remoteTagCommit(plan.cwd, plan.remote, t, effects.auth));
    if (conflict) throw new Error(conflict);
  }
}

/** Creates the plan's local tags; returns those it created (to delete when the push fails). */
export async function createPlannedTags(plan: TagRelease, effects: Pick<TagEffects, 'log' | 'git'>): Promise<string[]> {
  const { spec, head, cwd } = plan;
  const { log, git } = effects;
  const created: string[] = [];
  try {
    if (plan.existing) {
      log.info(`nx-uv tag: tag ${spec.tag} already at HEAD; not recreated`);
    } else {
      await git.createAnnotatedTag(cwd, spec.tag, `${spec.name}\n`, head);
      created.push(spec.tag);
      log.info(`nx-uv tag: created tag ${spec.tag} at ${head.slice(0, 12)}`);
    }
    for (const t of plan.missingExtra) {
      await git.createAnnotatedTag(cwd, t, `${spec.name}\n`, head);
      created.push(t);
      log.info(`nx-uv tag: created tag ${t} at ${head.slice(0, 12)} (a per-package tag of ${spec.tag})`);
    }
  } catch (error) {
    await deleteTags(cwd, created, effects.git);
    throw error;
  }
  return created;
}

/** Deletes local tags (after a failed push: a rerun starts from the same state). */
export async function deleteTags(cwd: string, tags: readonly string[], git: Pick<TagGitCommands, 'deleteLocalTag'> = gitTagCommands): Promise<void> {
  for (const t of tags) await git.deleteLocalTag(cwd, t).catch(() => undefined);
}

/** Pushes `tags` in one push; when it fails, deletes the local tags `created` for it and throws. */
export async function pushPlannedTags(
  cwd: string,
  remote: string,
  tags: string[],
  created: readonly string[],
  effects: Pick<TagEffects, 'auth' | 'git'>,
): Promise<void> {
  try {
    await effects.git.pushTags(cwd, remote, tags, effects.auth);
  } catch (error) {
    // No local tag from a failed push: a rerun starts from the same state.
    await deleteTags(cwd, created, effects.git);
    throw error;
  }
}

/** After the push: the plan's GitHub Release, then the release PR's label. */
export async function releasePlannedTag(plan: TagRelease, effects: Pick<TagEffects, 'log' | 'forge' | 'git'>): Promise<void> {
  const { spec, head } = plan;
  const { log, forge } = effects;
  log.info(`nx-uv tag: pushed ${plan.allTags.join(', ')} to ${plan.remote}`);
  const release = await forge.createRelease({ tag: spec.tag, name: spec.name, body: spec.body, prerelease: spec.prerelease, targetCommitish: head });
  const verb = release.action === 'created' ? 'created' : release.action === 'updated' ? 'updated' : 'already up to date:';
  log.info(`nx-uv tag: ${verb} GitHub Release ${spec.name}${spec.prerelease ? ' (prerelease)' : ''} ${release.url}`);
  const label = plan.releaseLabel;
  const base = (await effects.git.currentBranch(plan.cwd)) ?? (await forge.getDefaultBranch());
  const pr = await forge.findMergedReleasePullRequest({ base, mergeCommitSha: head, label });
  if (!pr) {
    log.info(`nx-uv tag: no merged release pull request labelled "${label}" for ${head.slice(0, 12)}; no label to move`);
    return;
  }
  await forge.relabel(pr.number, label, RELEASE_LABEL_TAGGED);
  log.info(`nx-uv tag: labelled release pull request #${pr.number} "${RELEASE_LABEL_TAGGED}"`);
}

/** Carries out a plan: the remote's tags checked, the tags created and pushed, the GitHub Release, the release PR's label. */
export async function applyTag(plan: TagRelease, effects: TagEffects): Promise<void> {
  await assertRemoteTagsFree(plan, effects);
  const created = await createPlannedTags(plan, effects);
  await pushPlannedTags(plan.cwd, plan.remote, plan.allTags, created, effects);
  await releasePlannedTag(plan, effects);
}

/** A plan of tagAndPushAll, with its own log, and what became of it. */
export interface PlannedTagPush {
  plan: TagRelease;
  log: TagLog;
  /** Why its tags were not pushed. */
  error?: unknown;
  /** Pushed: its release is made with these (releasePlannedTag). */
  effects?: TagEffects;
}

/**
 * The tags of several plans of one remote (one cwd) in ONE atomic push: the GitHub client made once
 * (settings and token checked before anything is created; its failure fails them all), each plan's
 * tags checked against the remote (a tag there on another commit fails only that plan) and created
 * locally, then one push. When the push fails nothing was pushed: every local tag created for it is
 * deleted and every plan of it fails with the push's error. Never throws.
 */
export async function tagAndPushAll(
  items: readonly { plan: TagRelease; log: TagLog }[],
  open: (cwd: string, remote: string, log: TagLog) => Promise<TagEffects> = openTagEffects,
): Promise<PlannedTagPush[]> {
  const pushes: PlannedTagPush[] = items.map((item) => ({ ...item }));
  if (pushes.length === 0) return pushes;
  const { cwd, remote } = pushes[0].plan;
  let effects: TagEffects;
  try {
    effects = await open(cwd, remote, pushes[0].log);
  } catch (err) {
    for (const p of pushes) p.error = err;
    return pushes;
  }
  const ready: { push: PlannedTagPush; created: string[] }[] = [];
  for (const push of pushes) {
    try {
      await assertRemoteTagsFree(push.plan, effects);
      ready.push({ push, created: await createPlannedTags(push.plan, { ...effects, log: push.log }) });
    } catch (err) {
      push.error = err;
    }
  }
  if (ready.length === 0) return pushes;
  try {
    await pushPlannedTags(
      cwd,
      remote,
      [...new Set(ready.flatMap((r) => r.push.plan.allTags))],
      ready.flatMap((r) => r.created),
      effects,
    );
  } catch (err) {
    for (const { push } of ready) push.error = err;
    return pushes;
  }
  for (const { push } of ready) push.effects = { ...effects, log: push.log };
  return pushes;
}

/** What the umbrella tag needs: HEAD, the tags it can reach, the changelogs of the members released there. */
export async function readUmbrellaFacts(ws: UvWorkspace, scheme: TagScheme, cwd: string): Promise<UmbrellaFacts> {
  const head = await currentCommit(cwd);
  const reachable = await listTags(cwd, undefined, { mergedInto: head });
  return { workspace: ws, workspaceRoot: cwd, head, reachable, changelogs: readChangelogs(ws, membersReleasedAt(scheme, reachable, head)) };
}

/** Carries out an umbrella plan: the remote's tag checked, the tag created (unless at HEAD) and pushed, its GitHub Release. */
export async function applyUmbrellaTag(plan: Extract<UmbrellaTagPlan, { kind: 'tag' }>, effects: TagEffects): Promise<void> {
  const { cwd, remote, head, listed } = plan;
  const { log, git, auth } = effects;
  const onRemote = await git.remoteTagCommit(cwd, remote, plan.tag, auth);
  if (onRemote !== undefined && onRemote !== head) {
    throw new Error(
      `${remote} already has the umbrella tag ${plan.tag} on commit ${onRemote.slice(0, 12)}, not on HEAD ${head.slice(0, 12)}: ` +
        `fetch the tags (git fetch --tags ${remote}) and run again, so that the next umbrella version is counted from it.`,
    );
  }
  if (!plan.existing) await git.createAnnotatedTag(cwd, plan.tag, `${plan.tag}: ${listed}\n`, head);
  await pushPlannedTags(cwd, remote, [plan.tag], plan.existing ? [] : [plan.tag], effects);
  log.info(`nx-uv tag: ${plan.existing ? 'umbrella tag already at HEAD' : 'created and pushed the umbrella tag'} ${plan.tag} (${listed})`);
  const release = await effects.forge.createRelease({ tag: plan.tag, name: plan.tag, body: plan.body, prerelease: plan.prerelease, targetCommitish: head });
  log.info(
    `nx-uv tag: ${release.action === 'created' ? 'created' : release.action === 'updated' ? 'updated' : 'already up to date:'} GitHub Release ${plan.tag} ${release.url}`,
  );
}
