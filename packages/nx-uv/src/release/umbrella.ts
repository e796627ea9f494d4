/**
 * The umbrella tag (plugin option `umbrellaTag`, e.g. `py/v{version}`): one tag and GitHub Release
 * per workspace release, beside the packages' own tags. It has a version line of its own: the first
 * umbrella takes the highest version released with it; each later one is the previous umbrella
 * bumped by the highest level among the packages released with it (major, minor or patch against
 * each package's previous release; a first release counts as minor). Pure.
 */
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
