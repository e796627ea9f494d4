/**
 * The release plan of a whole uv workspace from the files on disk and git: load the workspace, read
 * tags and history once (history.ts), and plan (versioning/planRelease).
 */
import { planMembersFromWorkspace, planRelease, type PlanOptions, type ReleasePlan } from '../versioning';
import { loadUvWorkspace, type UvWorkspace } from '../workspace';
import { readWorkspaceHistory, type WorkspaceHistory } from './history';
import { tagScheme as tagSchemeOf, type TagScheme } from './tag-scheme';
import type { ChangelogSectionRule } from '../changelog';

export interface ComputePlanOptions extends PlanOptions {
  /** The plugin option `tagFormat`; default `{name}-v{version}`. */
  tagFormat?: string;
  /** The whole tag scheme (fixed groups' tags); overrides `tagFormat`. */
  tagScheme?: TagScheme;
  /** The plugin option `bootstrapSha` (see readWorkspaceHistory). */
  bootstrapSha?: string;
  /** The plugin option `changelogSections` (for the edits; not used by the plan). */
  changelogSections?: readonly ChangelogSectionRule[];
  /** Environment of the git processes. */
  env?: NodeJS.ProcessEnv;
}

export interface WorkspacePlan {
  ws: UvWorkspace;
  plan: ReleasePlan;
  history: WorkspaceHistory;
}

/** Plans the release of the uv workspace at `absRoot` (its root directory, absolute). */
export async function computeWorkspacePlan(absRoot: string, options: ComputePlanOptions = {}): Promise<WorkspacePlan> {
  const { tagFormat, tagScheme, bootstrapSha, changelogSections, env, ...planOptions } = options;
  const ws = loadUvWorkspace(absRoot);
  const history = await readWorkspaceHistory(ws, { tagFormat, tagScheme, bootstrapSha, env });
  const lastReleases = Object.fromEntries(Object.entries(history.releases).map(([name, r]) => [name, r.version]));
  const plan = planRelease({ members: planMembersFromWorkspace(ws, lastReleases), lastReleases, commits: history.mapped, options: planOptions });
  plan.notes.push(...(ws.warnings ?? []), ...history.notes);
  const scheme = tagScheme ?? tagSchemeOf(tagFormat);
  for (const p of plan.packages) {
    const m = ws.members.find((x) => x.name === p.name);
    if (m?.version.kind !== 'vcs') continue;
    plan.notes.push(
      `${m.distributionName} ${p.next}: its version is derived from git tags (${m.version.plugin}): no file gets it; ` +
        `the tag target's tag ${scheme.tagOf(p.name, p.next)} makes it (its CHANGELOG.md records it until then)`,
    );
  }
  return { ws, plan, history };
}
