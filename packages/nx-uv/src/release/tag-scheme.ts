/**
 * How releases are tagged: per package with the plugin option `tagFormat` (`{name}-v{version}`), and
 * per release of a fixed (lockstep) group with the group's own `tagFormat`, which may omit `{name}`
 * (`v{version}`, `python-{version}`) or use the lead member's name (`{name}@{version}` → `core@1.7.0`).
 * One scheme answers both ways: the tag of a member's release, and which members and version a tag
 * names. Pure.
 */
import { DEFAULT_TAG_FORMAT } from '../options';
import { isValidVersion, normalizeVersion } from '../versioning';
import { GitInputError, refNameProblem } from '../git/ref-names';
import { assertTagFormat } from './tag-format';
import { formatReleaseTag, parseReleaseTag } from './tag-name';

export interface FixedGroup {
  name: string;
  /** Normalised member names, sorted. */
  members: string[];
  /** The group's tag format. */
  tagFormat: string;
  /** The member `{name}` stands for, and whose tag target makes the group's tag and Release. */
  lead: string;
  /** Each member is also tagged with the per-package format beside the group's tag. */
  packageTags?: boolean;
}

export interface TagScheme {
  /** The tag of a release of `member` at `version` (its group's tag for a fixed group member). */
  tagOf(member: string, version: string): string;
  /**
   * Every tag a release of `member` at `version` makes: its tag, and for the lead of a fixed group
   * with `packageTags`, each member's own tag after the group's.
   */
  tagsOf(member: string, version: string): string[];
  /** The fixed group of a member, if any. */
  groupOf(member: string): FixedGroup | undefined;
  /** The members a tag releases and its version, or undefined when it names no release. */
  parse(tag: string): { members: string[]; version: string } | undefined;
  readonly groups: readonly FixedGroup[];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Throws when a group's tag format cannot name its releases or gives tags git refuses. */
export function assertGroupTagFormat(format: string, group: string, lead: string): void {
  const shown = `the tagFormat ${JSON.stringify(format)} of release group ${JSON.stringify(group)} (nx.json)`;
  const count = (p: string) => format.split(p).length - 1;
  if (count('{version}') !== 1 || count('{name}') > 1) {
    throw new GitInputError(`nx-uv: ${shown} must contain {version} once and {name} at most once, e.g. "v{version}" or "{name}@{version}"`);
  }
  const sample = format.replace('{name}', lead).replace('{version}', '1.2.0rc1');
  const problem = refNameProblem(sample);
  if (problem) throw new GitInputError(`nx-uv: ${shown} gives tags git refuses (${JSON.stringify(sample)}): ${problem}`);
}

export function tagScheme(tagFormat: string | undefined, groups: readonly FixedGroup[] = []): TagScheme {
  const format = tagFormat ?? DEFAULT_TAG_FORMAT;
  assertTagFormat(format);
  const byMember = new Map<string, FixedGroup>();
  const patterns = groups.map((g) => {
    assertGroupTagFormat(g.tagFormat, g.name, g.lead);
    for (const m of g.members) byMember.set(m, g);
    const source = escapeRegExp(g.tagFormat).replace('\\{name\\}', escapeRegExp(g.lead)).replace('\\{version\\}', '(?<version>[^/\\s]+)');
    return { group: g, pattern: new RegExp(`^${source}$`) };
  });
  return {
    groups,
    groupOf: (member) => byMember.get(member),
    tagOf(member, version) {
      const g = byMember.get(member);
      return g ? g.tagFormat.replace('{name}', g.lead).replace('{version}', normalizeVersion(version)) : formatReleaseTag(format, member, version);
    },
    tagsOf(member, version) {
      const g = byMember.get(member);
      const own = this.tagOf(member, version);
      if (!g?.packageTags) return [own];
      return [own, ...g.members.map((m) => formatReleaseTag(format, m, version)).filter((t) => t !== own)];
    },
    parse(tag) {
      for (const { group, pattern } of patterns) {
        const version = pattern.exec(tag)?.groups?.version;
        if (version !== undefined && isValidVersion(version)) return { members: group.members, version: normalizeVersion(version) };
      }
      const own = parseReleaseTag(format, tag);
      return own ? { members: [own.name], version: own.version } : undefined;
    },
  };
}
