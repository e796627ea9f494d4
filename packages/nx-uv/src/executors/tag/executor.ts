/**
 * `nx-uv:tag`: tags the member's current version at HEAD (annotated tag named by the plugin option
 * `tagFormat`), pushes the tag, creates the GitHub Release (body = the member's CHANGELOG.md section)
 * and moves the merged release PR from `autorelease: pending` to `autorelease: tagged`.
 * Idempotent: a tag already at HEAD is not recreated but its release is ensured (a re-run completes a
 * failed release); a tag of the current version on an older commit means nothing new to release.
 */
import { logger, type ExecutorContext } from '@nx/devkit';
import { applyTag, openTagEffects, readTagScopeFacts } from '../../release/tag-apply';
import { planTag, renderTagPlan, tagScopeSkip, type TagFacts } from '../../release/tag-plan';
import { loadUvWorkspace } from '../../workspace';
import { tagUmbrella, umbrellaFormatFor } from './umbrella';
import {
  nxUvPluginOptions,
  outsideGroup,
  publishExclusion,
  resolveUvProject,
  runNxUvExecutor,
  tagSchemeOf,
  type ExecutorLogger,
  type ExecutorResult,
  type UvProject,
} from '../shared';

/** Options of the executor (schema.json). */
export interface TagExecutorOptions {
  /** Print what would be tagged and released; touch nothing. */
  dryRun?: boolean;
  /** Git remote to push the tag to. Default `origin`. */
  remote?: string;
  /** The label of the merged release PR to move to `autorelease: tagged`. Default: plugin option, else `autorelease: pending`. */
  releaseLabel?: string;
  /** Only members of this release group are tagged; the others do nothing. */
  group?: string;
}

/**
 * Reads what planTag needs for the project's member: the run's scope (release group, exclusions), and
 * only for a member in scope, the tag scheme, git and the changelogs. Each question is asked only when
 * the one before let the member in, as planTag asks them.
 */
export async function readTagFacts(options: TagExecutorOptions, context: ExecutorContext, project: UvProject): Promise<TagFacts> {
  const { workspace, member, workspaceRoot } = project;
  const facts: TagFacts = { workspace, member, workspaceRoot };
  if (member.isPackage) facts.outsideGroup = outsideGroup(context, workspace, member, options.group);
  if (!tagScopeSkip(facts)) facts.publishExclusion = publishExclusion(context, workspace, member);
  if (tagScopeSkip(facts)) return facts;
  facts.inScope = await readTagScopeFacts(workspace, member, tagSchemeOf(context, workspace), workspaceRoot, nxUvPluginOptions(context).releaseLabel);
  return facts;
}

async function tag(options: TagExecutorOptions, context: ExecutorContext, log: ExecutorLogger): Promise<boolean> {
  const plan = planTag(await readTagFacts(options, context, resolveUvProject(context)), options);
  if (plan.kind === 'skip' || options.dryRun) {
    for (const line of renderTagPlan(plan)) log.info(line);
    return true;
  }
  await applyTag(plan, await openTagEffects(plan.cwd, plan.remote, log));
  return true;
}

/** The executor with its lines going to `log` (one task's own log in a batch). */
export async function runTagExecutor(options: TagExecutorOptions, context: ExecutorContext, log: ExecutorLogger = logger): Promise<ExecutorResult> {
  return runNxUvExecutor(
    options.dryRun ? 'tag --dryRun' : 'tag',
    context,
    async () => {
      const umbrella = umbrellaFormatFor(context);
      if (!umbrella) return tag(options, context, log);
      // The uv root project: its own package tag when it is a member, then the umbrella tag.
      const isMember = loadUvWorkspace(umbrella.uvRoot).members.some((m) => m.root === '.');
      const ok = isMember ? await tag(options, context, log) : true;
      await tagUmbrella(options, context, umbrella.format, umbrella.uvRoot, log);
      return ok;
    },
    log,
  );
}

export default async function tagExecutor(options: TagExecutorOptions, context: ExecutorContext): Promise<ExecutorResult> {
  return runTagExecutor(options, context);
}
