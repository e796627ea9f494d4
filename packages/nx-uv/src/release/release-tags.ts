/**
 * The last release of every member from the repository's tags: each tag is parsed back with the
 * plugin option `tagFormat` (default `{name}-v{version}`) into (PEP 503 name, PEP 440 version); the
 * highest version per member wins (pre-releases count: `1.3.0rc1` is the last release after `1.2.0`).
 * Tags naming no member, or whose version part is no PEP 440 version, are ignored. Pure.
 */
import type { TagInfo } from '../git';
import { formatReleaseTag, parseReleaseTag } from './tag-name';
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

/** Last release per member name (normalised), from `tags`. */
export function lastReleaseTags(tags: readonly TagInfo[], tagFormat: string | undefined, memberNames: Iterable<string>): Record<string, ReleaseTag> {
  const wanted = new Set([...memberNames].filter((n) => n !== ''));
  const out: Record<string, ReleaseTag> = {};
  for (const t of tags) {
    const parsed = parseReleaseTag(tagFormat, t.name);
    if (!parsed) continue;
    const name = normalizeName(parsed.name);
    if (!wanted.has(name)) continue;
    const seen = out[name];
    if (!seen || compareVersions(parsed.version, seen.version) > 0) out[name] = { tag: t.name, version: parsed.version, commit: t.commit };
  }
  return out;
}

/** The tag of a release of `name` at `version` (re-exported for the release glue's callers). */
export function releaseTagName(tagFormat: string | undefined, name: string, version: string): string {
  return formatReleaseTag(tagFormat, name, version);
}
