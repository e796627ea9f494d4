/** Phase 2 of the release plan (plan.ts): the packages released on their own account, and their bump levels. */
import { normalizeName } from '../workspace/normalize-name';
import { levelForImpacts } from './bump-level';
import { analyzeCommits, ClassifiedCommit } from './commits';
import { BumpLevel, currentPhase } from './next-version';
import { compareVersions, formatVersion, isPrereleaseVersion, parseVersion } from './pep440-version';
import { byName, inGroup, PlanContext, plannedCommit, ResolvedOptions, short, startState, State } from './plan-state';
import { PlanMember, ReleasePlan, ReleasePlanError } from './plan-types';
import { comparePhases } from './prerelease';

const IMPACT_RANK: Record<ClassifiedCommit['impact'], number> = { breaking: 3, feature: 2, fix: 1, none: 0 };

export interface OwnReleases {
  /** Released members by name, in name order. */
  states: Map<string, State>;
  skipped: ReleasePlan['skipped'];
  /** Commits that are not Conventional Commits, by hash (one note for all of them). */
  unconventional: Map<string, ClassifiedCommit>;
  notes: string[];
}

/** What one member's own commits and the options make of it: a release (`state`) or a reason to skip it. */
interface OwnRelease {
  state?: State;
  skipped?: string;
  unconventional: readonly ClassifiedCommit[];
  notes: string[];
}

/** Every selected package (in the group, not excluded), in name order: released on its own account, or skipped and why. */
export function planOwnReleases(ctx: PlanContext): OwnReleases {
  const out: OwnReleases = { states: new Map(), skipped: [], unconventional: new Map(), notes: [] };
  for (const m of [...ctx.members.values()].sort((a, b) => byName(a.name, b.name))) {
    if (!m.isPackage || m.name === '' || !inGroup(ctx, m.name)) continue;
    const why = ctx.excluded.get(m.name);
    if (why !== undefined) {
      out.skipped.push({ name: m.name, reason: `excluded (${why}): never versioned, tagged or published` });
      continue;
    }
    const r = ownRelease(ctx, m);
    out.notes.push(...r.notes);
    for (const c of r.unconventional) out.unconventional.set(c.hash, c);
    if (r.state) out.states.set(m.name, r.state);
    else out.skipped.push({ name: m.name, reason: r.skipped! });
  }
  return out;
}

/** One package's release on its own account: an exact version asked for, its version as is, or a bump from its commits. */
function ownRelease(ctx: PlanContext, m: PlanMember): OwnRelease {
  const analysis = analyzeCommits(ctx.commitsOf.get(m.name) ?? []);
  const out: OwnRelease = { unconventional: analysis.unconventional, notes: [...analysis.notes] };
  const releasable = analysis.commits.filter((c) => c.impact !== 'none');
  const last = ctx.lastRelease.get(m.name);
  const { opts } = ctx;
  // Decide whether it would be released before complaining about its version.
  if (m.version === undefined && !(last === undefined || opts.force || (opts.bumpType === 'auto' ? releasable.length > 0 : analysis.commits.length > 0))) {
    return { ...out, skipped: `no releasable commits since ${last}` };
  }
  const start = startState(ctx, m, last === undefined ? 'first release' : 'it has changes');
  if (start.note !== undefined) out.notes.push(start.note);
  const state: State = { ...start.state, commits: analysis.commits.map(plannedCommit) };
  const asked = releaseAsOf(ctx, m.name, analysis.commits);
  if (asked) {
    const version = checkedReleaseAs(asked, m.name, last, state.base);
    return { ...out, state: { ...state, kind: 'bump', releaseAs: version, reasons: [`${asked.source}: ${version}`] } };
  }
  if (state.kind !== 'bump') return { ...out, state };
  const since = last ?? 'the start of its history';
  const bump = levelFromCommits(opts, state.base, analysis.commits, since);
  if (bump.level !== 'none') return { ...out, state: { ...state, level: bump.level, reasons: [...state.reasons, ...bump.reasons] } };
  const without = withoutBump(opts, state.base, analysis.commits.length, since);
  if (without.skipped !== undefined) return { ...out, skipped: without.skipped };
  return { ...out, state: { ...state, reasons: [...state.reasons, ...bump.reasons, without.reason!] } };
}

/** The exact version asked for a member: the `releaseAs` option, else the newest `Release-As:` footer. */
function releaseAsOf(ctx: PlanContext, name: string, commits: readonly ClassifiedCommit[]): { version: string; source: string } | undefined {
  const option = Object.entries(ctx.releaseAs).find(([n]) => normalizeName(n) === name)?.[1];
  if (option !== undefined) return { version: option, source: 'the releaseAs option' };
  const c = commits.find((x) => x.releaseAs !== undefined);
  return c ? { version: c.releaseAs!, source: `Release-As in ${short(c.hash)} "${c.subject}"` } : undefined;
}

/** The asked version in normal form; it must be above the last release (or equal the version of a first release). */
function checkedReleaseAs(asked: { version: string; source: string }, name: string, last: string | undefined, base: string): string {
  const version = formatVersion(parseVersion(asked.version, `${asked.source} for ${name}`));
  const floor = last ?? base;
  if (compareVersions(version, floor) <= 0 && !(last === undefined && compareVersions(version, floor) === 0)) {
    throw new ReleasePlanError(`${asked.source} asks ${name} to release ${version}, which is not above its last release ${floor}: ask for a higher version`);
  }
  return version;
}

/**
 * The bump level of a package from its commits since its last release (`since`) and the options, with
 * the reasons: the Conventional Commits that set it (the deciding one first), or the `bumpType` asked
 * for; with `force`, at least a patch (or `bumpType`).
 */
export function levelFromCommits(
  opts: ResolvedOptions,
  base: string,
  commits: readonly ClassifiedCommit[],
  since: string,
): { level: BumpLevel; reasons: string[] } {
  let level: BumpLevel = 'none';
  const reasons: string[] = [];
  if (opts.bumpType === 'auto') {
    const releasable = commits.filter((c) => c.impact !== 'none');
    level = levelForImpacts(
      releasable.map((c) => c.impact),
      base,
      opts.zeroMajorPolicy,
    );
    // The commit that set the level first (the table shows it), the others after it, newest first.
    const ranked = releasable.map((c, i) => ({ c, i })).sort((a, b) => IMPACT_RANK[b.c.impact] - IMPACT_RANK[a.c.impact] || a.i - b.i);
    reasons.push(...ranked.map(({ c }) => commitReason(c)));
  } else if (commits.length > 0) {
    level = opts.bumpType;
    const n = commits.length;
    reasons.push(`bumpType ${opts.bumpType} requested; ${n} commit${n === 1 ? '' : 's'} since ${since}`);
  }
  if (level === 'none' && opts.force) {
    level = opts.bumpType === 'auto' ? 'patch' : opts.bumpType;
    reasons.push(`forced (${level})`);
  }
  return { level, reasons };
}

/**
 * A package with nothing to bump: a pre-release still graduates (no pre-release asked for) or moves to
 * a later phase (one asked for); anything else is skipped, with the reason.
 */
export function withoutBump(opts: ResolvedOptions, base: string, commitCount: number, since: string): { reason?: string; skipped?: string } {
  const baseParts = parseVersion(base);
  if (isPrereleaseVersion(baseParts)) {
    if (!opts.prerelease) return { reason: `graduates the pre-release ${base}` };
    if (comparePhases(opts.prerelease.phase, currentPhase(baseParts)!) > 0) return { reason: `moves ${base} to the ${opts.prerelease.phase} phase` };
    return { skipped: `no releasable commits since ${since}` };
  }
  const n = commitCount;
  return {
    skipped: n === 0 ? `no commits since ${since}` : `${n} commit${n === 1 ? '' : 's'} since ${since}, none releasable (no feat, fix, perf or breaking change)`,
  };
}

function commitReason(c: ClassifiedCommit): string {
  const footerOnly = c.breaking && !/^\w+(?:\([^)]*\))?!:/.test(c.subject);
  return `${c.subject}${footerOnly ? ' [BREAKING CHANGE]' : ''} (${short(c.hash)})`;
}
