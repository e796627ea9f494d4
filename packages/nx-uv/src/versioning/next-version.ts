/**
 * The next version of one package: a release level (from commits or an override) plus an optional
 * pre-release request, with pre-release *series* semantics on top of the uv bump maths (see
 * nextVersion). The epoch is kept; a local label (`+abc`) is refused, since an index rejects it.
 */
import { bumpVersion, UvBump } from './pep440-bump';
import { formatVersion, isPrereleaseVersion, Pep440Parts, parseVersion, releaseTriple, VersionError } from './pep440-version';
import { comparePhases, PrereleasePhase, PrereleaseRequest } from './prerelease';

export type ReleaseLevel = 'major' | 'minor' | 'patch';
export type BumpLevel = ReleaseLevel | 'none';
const LEVEL_RANK: Record<BumpLevel, number> = { none: 0, patch: 1, minor: 2, major: 3 };

export function compareLevels(a: BumpLevel, b: BumpLevel): number {
  return LEVEL_RANK[a] - LEVEL_RANK[b];
}

export function maxLevel(...levels: BumpLevel[]): BumpLevel {
  return levels.reduce<BumpLevel>((acc, l) => (compareLevels(l, acc) > 0 ? l : acc), 'none');
}

export type NextVersionAction =
  /** A final release from a final release (`1.2.3` → `1.3.0`). */
  | 'release'
  /** A pre-release series ends in its final release (`1.3.0rc2` → `1.3.0`). */
  | 'graduate'
  /** A new pre-release series starts (`1.2.3` → `1.3.0rc1`, `1.3.0rc2` → `2.0.0rc1`). */
  | 'prerelease-start'
  /** The counter of the current phase goes up (`1.3.0rc1` → `1.3.0rc2`). */
  | 'prerelease-continue'
  /** The series moves to a later phase (`1.3.0a2` → `1.3.0b1`). */
  | 'prerelease-phase';

export interface NextVersionRequest {
  level: BumpLevel;
  prerelease?: PrereleaseRequest;
}

export interface NextVersionResult {
  version: string;
  action: NextVersionAction;
}

/** The release level a pre-release series' target already represents: `2.0.0` major, `1.3.0` minor, `1.3.1` patch. */
export function seriesLevel(v: Pep440Parts): ReleaseLevel {
  const [, minor, patch, ...rest] = releaseTriple(v);
  const restZero = rest.every((n) => n === 0);
  if (minor === 0 && patch === 0 && restZero) return 'major';
  if (patch === 0 && restZero) return 'minor';
  return 'patch';
}

/** The phase of a pre-release or dev release (`1.3.0rc1.dev2` is in phase rc; `1.3.0.dev2` in dev). */
export function currentPhase(v: Pep440Parts): PrereleasePhase | undefined {
  if (v.pre) return v.pre.letter === 'a' ? 'alpha' : v.pre.letter === 'b' ? 'beta' : 'rc';
  if (v.dev !== undefined) return 'dev';
  return undefined;
}

/** Throws when a version cannot be released (a local label). */
export function assertReleasable(v: Pep440Parts, context?: string): void {
  if (v.local) {
    throw new VersionError(
      `version ${formatVersion(v)}${context ? ` of ${context}` : ''} has a local label (+${v.local}); ` +
        'package indexes reject local versions: remove the +… part from the version in pyproject.toml',
    );
  }
}

function phaseBump(phase: PrereleasePhase, value?: number): UvBump {
  return { kind: phase, ...(value !== undefined ? { value } : {}) };
}

function counterOf(v: Pep440Parts, phase: PrereleasePhase): number {
  return phase === 'dev' ? (v.dev ?? 0) : (v.pre?.number ?? 0);
}

/** Raises the counter of `phase` to at least `min` (an explicit `rc.3` request). */
function applyFloor(version: string, phase: PrereleasePhase, min: number | undefined): string {
  if (min === undefined) return version;
  const v = parseVersion(version);
  if (counterOf(v, phase) >= min) return version;
  if (phase === 'dev') v.dev = min;
  else if (v.pre) v.pre = { letter: v.pre.letter, number: min };
  return formatVersion(v);
}

/**
 * The next version of `current` for `request`. `context` (a package name) goes into error messages.
 * Throws VersionError for an invalid or local version, for a downward phase switch, and for a level
 * of 'none' on a final release (nothing to release).
 *
 * - final → pre-release: bump the level, start the phase at 1 (`1.2.3` + minor + rc → `1.3.0rc1`).
 * - inside a series whose target already covers the level, continue the series
 *   (`1.3.0rc1` + minor + rc → `1.3.0rc2`; `+ patch` too, since 1.3.0 is already a minor release).
 * - a level the target does not cover starts a new series (`1.3.0rc2` + major + rc → `2.0.0rc1`).
 * - phases only move up: dev → alpha → beta → rc (`1.3.0a2` + beta → `1.3.0b1`).
 * - no pre-release requested on a pre-release graduates (`1.3.0rc2` → `1.3.0`), unless the level
 *   needs more than the series' target (`1.3.0rc2` + major → `2.0.0`).
 */
export function nextVersion(current: string, request: NextVersionRequest, context?: string): NextVersionResult {
  const v = parseVersion(current, context ? `version of ${context}` : undefined);
  assertReleasable(v, context);
  const text = formatVersion(v);
  const of = context ? ` of ${context}` : '';
  const inSeries = isPrereleaseVersion(v);
  const covered = inSeries && compareLevels(request.level, seriesLevel(v)) <= 0;
  const pre = request.prerelease;

  if (!pre) {
    if (covered) return { version: bumpVersion(text, ['stable']), action: 'graduate' };
    if (request.level === 'none') {
      throw new VersionError(`no bump requested for the final release ${text}${of}: nothing to release`);
    }
    return { version: bumpVersion(text, [request.level]), action: 'release' };
  }

  if (covered) {
    const phase = currentPhase(v) as PrereleasePhase;
    const order = comparePhases(pre.phase, phase);
    if (order < 0) {
      throw new VersionError(
        `cannot go from ${phase} back to ${pre.phase}${of}: ${text} is already in the ${phase} phase ` +
          `(phases only move up: dev → alpha → beta → rc); ask for ${phase} or a later phase, or release the final version`,
      );
    }
    if (order > 0) {
      const next = bumpVersion(text, [phaseBump(pre.phase)]);
      return { version: applyFloor(next, pre.phase, pre.minNumber), action: 'prerelease-phase' };
    }
    // Same phase. A dev release of a pre-release (1.3.0rc1.dev2) continues with that pre-release itself.
    if (pre.phase !== 'dev' && v.dev !== undefined && v.post === undefined) {
      const next = formatVersion({ ...v, dev: undefined });
      return { version: applyFloor(next, pre.phase, pre.minNumber), action: 'prerelease-continue' };
    }
    const next = bumpVersion(text, [phaseBump(pre.phase)]);
    return { version: applyFloor(next, pre.phase, pre.minNumber), action: 'prerelease-continue' };
  }

  if (request.level === 'none') {
    throw new VersionError(`no bump requested for the final release ${text}${of}: a pre-release needs a major, minor or patch bump to start`);
  }
  const started = bumpVersion(text, [request.level, phaseBump(pre.phase)]);
  return { version: applyFloor(started, pre.phase, pre.minNumber), action: 'prerelease-start' };
}
