/** Phase 4 of the release plan (plan.ts): the next version (PEP 440) of each released package. */
import { nextVersion } from './next-version';
import { compareVersions, isPrereleaseVersion, parseVersion, VersionError } from './pep440-version';
import { FixedGroup, ResolvedOptions, State, versionFileOf } from './plan-state';
import { PlannedAction, ReleasePlanError } from './plan-types';

/** A released member with its next version decided. */
export interface VersionedState extends State {
  next: string;
  action: PlannedAction;
}

/** Each state's next version, in the order of `states`; throws ReleasePlanError on a version that cannot be released. */
export function nextVersions(opts: ResolvedOptions, states: ReadonlyMap<string, State>): { versions: Map<string, VersionedState>; notes: string[] } {
  const versions = new Map<string, VersionedState>();
  const notes: string[] = [];
  for (const [name, s] of states) {
    const { next, action, note } = nextVersionOf(opts, s);
    if (note !== undefined) notes.push(note);
    versions.set(name, { ...s, next, action });
  }
  return { versions, notes };
}

/**
 * The next version of one state: the exact version asked for, its version as is (a first release, or
 * as set; never with a local label), or its base bumped by its level (and the pre-release asked for).
 */
export function nextVersionOf(opts: ResolvedOptions, s: State): { next: string; action: PlannedAction; note?: string } {
  const m = s.member;
  if (s.releaseAs !== undefined) return { next: s.releaseAs, action: 'release' };
  if (s.kind !== 'bump') {
    const note =
      opts.prerelease && !isPrereleaseVersion(parseVersion(s.base))
        ? `${m.name} is released as ${s.base} (${s.kind === 'first-release' ? 'first release' : `as set in ${versionFileOf(m)}`}): the pre-release request does not apply to it`
        : undefined;
    const parts = parseVersion(s.base);
    if (parts.local) {
      throw new ReleasePlanError(
        `package ${m.name}: version ${s.base} has a local label (+${parts.local}); package indexes reject local versions: remove it from ${versionFileOf(m)}`,
      );
    }
    return { next: s.base, action: s.kind, ...(note !== undefined ? { note } : {}) };
  }
  try {
    const result = nextVersion(s.base, { level: s.level, prerelease: opts.prerelease }, m.name);
    return { next: result.version, action: result.action };
  } catch (e) {
    if (e instanceof VersionError) throw new ReleasePlanError(`package ${m.name}: ${e.message}`);
    throw e;
  }
}

/** A fixed group shares one version: every released member gets the highest next version of any of them. Returns new states. */
export function shareFixedGroupVersions(
  fixedGroupOf: ReadonlyMap<string, FixedGroup>,
  versions: ReadonlyMap<string, VersionedState>,
): Map<string, VersionedState> {
  const out = new Map(versions);
  const groupsDone = new Set<string>();
  for (const name of versions.keys()) {
    const g = fixedGroupOf.get(name);
    if (!g || groupsDone.has(g.name)) continue;
    groupsDone.add(g.name);
    const released = g.members.filter((n) => out.has(n));
    const next = released.map((n) => out.get(n)!.next).reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b));
    for (const n of released) {
      const s = out.get(n)!;
      if (s.next === next) continue;
      out.set(n, { ...s, next, action: s.kind !== 'bump' ? 'release' : s.action, reasons: [...s.reasons, `fixed group ${g.name} releases ${next}`] });
    }
  }
  return out;
}
