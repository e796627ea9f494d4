/**
 * The last release of every member from the repository's tags: each tag is parsed back with the tag
 * scheme (the plugin option `tagFormat`, default `{name}-v{version}`, and the tags of fixed groups,
 * which release every member of the group) into (PEP 503 names, PEP 440 version); the highest version
 * per member wins (pre-releases count: `1.3.0rc1` is the last release after `1.2.0`). Tags naming no
 * member, or whose version part is no PEP 440 version, are ignored. Pure.
 */
import type { TagInfo } from '../git';
import { tagScheme, type TagScheme } from './tag-scheme';
import { compareVersions } from '../versioning';
import { normalizeName } from '../workspace';

export interface ReleaseTag {
  /** The tag name. */
  tag: string;
  /** PEP 440 normalised version. */
  version: string;
  /** The commit the tag points to. */
  commit: string;
}

/**
 * Last release per member name (normalised), from `tags`; `scheme` may be a plain `tagFormat`.
 * With `versions` (each member's version in its files), a fixed group's tag does not count for a
 * member whose version is below the tag's: it was not released with the group (it has a version line
 * of its own, or joined the group later), and `onNotInGroupRelease` is told.
 */
export function lastReleaseTags(
  tags: readonly TagInfo[],
  scheme: TagScheme | string | undefined,
  memberNames: Iterable<string>,
  versions?: ReadonlyMap<string, string>,
  onNotInGroupRelease?: (member: string, tag: ReleaseTag) => void,
): Record<string, ReleaseTag> {
  const tagsOf = typeof scheme === 'object' ? scheme : tagScheme(scheme);
  const wanted = new Set([...memberNames].filter((n) => n !== ''));
  const out: Record<string, ReleaseTag> = {};
  for (const t of tags) {
    const parsed = tagsOf.parse(t.name);
    if (!parsed) continue;
    const isGroupTag = parsed.members.length > 1 || tagsOf.groupOf(normalizeName(parsed.members[0])) !== undefined;
    for (const raw of parsed.members) {
      const name = normalizeName(raw);
      if (!wanted.has(name)) continue;
      const current = versions?.get(name);
      if (isGroupTag && current !== undefined && compareVersions(current, parsed.version) < 0) {
        onNotInGroupRelease?.(name, { tag: t.name, version: parsed.version, commit: t.commit });
        continue;
      }
      const seen = out[name];
      if (!seen || compareVersions(parsed.version, seen.version) > 0) out[name] = { tag: t.name, version: parsed.version, commit: t.commit };
    }
  }
  return out;
}
