/**
 * The umbrella tag (plugin option `umbrellaTag`, e.g. `py/v{version}`): one tag and GitHub Release
 * per workspace release, beside the packages' own tags. It has a version line of its own: the first
 * umbrella takes the highest version released with it; each later one is the previous umbrella
 * bumped by the highest level among the packages released with it (major, minor or patch against
 * each package's previous release; a first release counts as minor). Pure.
 */
import { extractChangelogSection } from '../changelog';
import type { TagInfo } from '../git';
import {
  bumpVersion,
  compareVersions,
  isPrereleaseVersion,
  isValidVersion,
  maxLevel,
  normalizeVersion,
  parseVersion,
  releaseTriple,
  type BumpLevel,
} from '../versioning';
import type { UvWorkspace } from '../workspace';
import type { TagScheme } from './tag-scheme';
import { compareCodeUnits } from '../workspace/sort-by-key';

export { assertUmbrellaTagFormat } from './tag-format';

function umbrellaPattern(format: string): RegExp {
  const escaped = format.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('\\{version\\}', '(?<version>[^/\\s]+)');
  return new RegExp(`^${escaped}$`);
}

/** The version an umbrella tag names, or undefined when `tag` is not one. */
export function parseUmbrellaTag(format: string, tag: string): string | undefined {
  const version = umbrellaPattern(format).exec(tag)?.groups?.version;
  return version !== undefined && isValidVersion(version) ? normalizeVersion(version) : undefined;
}

export interface UmbrellaRelease {
  member: string;
  version: string;
  /** The tag that released it (its own, or its fixed group's). */
  tag: string;
}

export interface UmbrellaPlan {
  tag: string;
  version: string;
  /** The packages released at HEAD, by name. */
  releases: UmbrellaRelease[];
  /** The umbrella tag is already at HEAD (a re-run: only its Release is ensured). */
  existing: boolean;
  prerelease: boolean;
}

function levelBetween(previous: string | undefined, next: string): BumpLevel {
  if (previous === undefined) return 'minor';
  const [a, b] = [releaseTriple(parseVersion(previous)), releaseTriple(parseVersion(next))];
  if (a[0] !== b[0]) return 'major';
  if (a[1] !== b[1]) return 'minor';
  return 'patch';
}

/**
 * The umbrella release at `head` from the tags HEAD can reach, or undefined when no package release
 * tag points at HEAD (nothing was released here).
 */
export function planUmbrella(format: string, scheme: TagScheme, reachable: readonly TagInfo[], head: string): UmbrellaPlan | undefined {
  const releases = new Map<string, UmbrellaRelease>();
  const previousOf = new Map<string, string>();
  let previousUmbrella: string | undefined;
  let existing: string | undefined;
  for (const t of reachable) {
    const umbrella = parseUmbrellaTag(format, t.name);
    if (umbrella !== undefined) {
      if (t.commit === head) existing = umbrella;
      else if (previousUmbrella === undefined || compareVersions(umbrella, previousUmbrella) > 0) previousUmbrella = umbrella;
      continue;
    }
    const parsed = scheme.parse(t.name);
    if (!parsed) continue;
    for (const member of parsed.members) {
      if (t.commit === head) {
        const seen = releases.get(member);
        if (!seen || compareVersions(parsed.version, seen.version) > 0) releases.set(member, { member, version: parsed.version, tag: t.name });
      } else {
        const seen = previousOf.get(member);
        if (seen === undefined || compareVersions(parsed.version, seen) > 0) previousOf.set(member, parsed.version);
      }
    }
  }
  if (releases.size === 0) return undefined;
  const list = [...releases.values()].sort((a, b) => compareCodeUnits(a.member, b.member));
  const prerelease = list.every((r) => isPrereleaseVersion(parseVersion(r.version)));
  let version: string;
  if (existing !== undefined) {
    version = existing;
  } else if (previousUmbrella === undefined) {
    version = list.map((r) => r.version).reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b));
  } else {
    const level = maxLevel(...list.map((r) => levelBetween(previousOf.get(r.member), r.version)));
    version = bumpVersion(previousUmbrella, [level === 'none' ? 'patch' : level]);
  }
  return { tag: format.replace('{version}', version), version, releases: list, existing: existing !== undefined, prerelease };
}

/** What the umbrella tag of a run needs to know, read before anything is planned. */
export interface UmbrellaFacts {
  workspace: UvWorkspace;
  /** The Nx workspace root: where git runs. */
  workspaceRoot: string;
  head: string;
  /** The tags HEAD can reach. */
  reachable: readonly TagInfo[];
  /** CHANGELOG.md of the members released at HEAD, by normalised name (undefined: none). */
  changelogs: ReadonlyMap<string, string | undefined>;
}

/** The umbrella tag and GitHub Release to make, or why there is none. */
export type UmbrellaTagPlan =
  | { kind: 'skip'; message: string }
  | (UmbrellaPlan & {
      kind: 'tag';
      head: string;
      remote: string;
      /** Where git runs. */
      cwd: string;
      /** The GitHub Release's body: each package's changelog section. */
      body: string;
      /** `<member> <version>, …`. */
      listed: string;
    });

/** The members released by a tag at `head` (their changelogs make the umbrella release's body). */
export function membersReleasedAt(scheme: TagScheme, reachable: readonly TagInfo[], head: string): string[] {
  return [...new Set(reachable.filter((t) => t.commit === head).flatMap((t) => scheme.parse(t.name)?.members ?? []))];
}

/** Plans the umbrella tag of `format` at HEAD (planUmbrella) with its release body. */
export function planUmbrellaTag(format: string, scheme: TagScheme, facts: UmbrellaFacts, remote: string): UmbrellaTagPlan {
  const { workspace: ws, head } = facts;
  const plan = planUmbrella(format, scheme, facts.reachable, head);
  if (!plan) return { kind: 'skip', message: `nx-uv tag: no package release tag points at HEAD ${head.slice(0, 12)}: no umbrella tag (${format}) to make.` };
  const parts = plan.releases.map((r) => {
    const m = ws.members.find((x) => x.name === r.member);
    const changelog = facts.changelogs.get(r.member);
    const section = m && changelog !== undefined ? extractChangelogSection(changelog, r.version) : undefined;
    return `## ${m?.distributionName ?? r.member} ${r.version}\n\nTag: ${r.tag}\n\n${section?.trim() ? section : 'Released.\n'}`;
  });
  const listed = plan.releases.map((r) => `${r.member} ${r.version}`).join(', ');
  return { ...plan, kind: 'tag', head, remote, cwd: facts.workspaceRoot, body: `${parts.join('\n').trimEnd()}\n`, listed };
}

/** The lines of an umbrella plan: why there is none, or (a dry run) what would be made. */
export function renderUmbrellaTagPlan(plan: UmbrellaTagPlan): string[] {
  if (plan.kind === 'skip') return [plan.message];
  return [
    `nx-uv tag (dry run): ${plan.existing ? `umbrella tag ${plan.tag} already at HEAD; would ensure` : `would create the umbrella tag ${plan.tag} at ${plan.head.slice(0, 12)}, push it to ${plan.remote}, and create`} its GitHub Release (${plan.listed}).`,
  ];
}
