/**
 * From commit impacts to a release level, with the 0.x policy.
 *
 * Before 1.0.0 there is no "major" to bump without leaving 0.x, so projects shift the meaning down.
 * The default, `cargo`, is what uv users see from uv itself (0.13 → 0.14 for breaking changes,
 * 0.13.8 → 0.13.9 for features and fixes) and what Cargo, cargo-release and release-plz do: in 0.y.z
 * a breaking change bumps y and a feature or fix bumps z. Going to 1.0.0 is a decision, taken with
 * an explicit `bumpType: major`.
 *
 * - `cargo` (default): 0.x breaking → minor, feat → patch, fix → patch.
 * - `features-minor`: 0.x breaking → minor, feat → minor, fix → patch (commitizen's
 *   `major_version_zero`, python-semantic-release with `major_on_zero = false`).
 * - `semver`: no special case; a breaking change in 0.x releases 1.0.0 (semantic-release).
 * From 1.0.0 on, all three are the same: breaking → major, feat → minor, fix/perf → patch.
 */
import { CommitImpact } from './commits';
import { BumpLevel, maxLevel } from './next-version';
import { parseVersion } from './pep440-version';

export type ZeroMajorPolicy = 'cargo' | 'features-minor' | 'semver';
export const ZERO_MAJOR_POLICIES: readonly ZeroMajorPolicy[] = ['cargo', 'features-minor', 'semver'];
export const DEFAULT_ZERO_MAJOR_POLICY: ZeroMajorPolicy = 'cargo';

const STABLE: Record<CommitImpact, BumpLevel> = { breaking: 'major', feature: 'minor', fix: 'patch', none: 'none' };
const ZERO: Record<Exclude<ZeroMajorPolicy, 'semver'>, Record<CommitImpact, BumpLevel>> = {
  cargo: { breaking: 'minor', feature: 'patch', fix: 'patch', none: 'none' },
  'features-minor': { breaking: 'minor', feature: 'minor', fix: 'patch', none: 'none' },
};

/** The level one impact asks of a package whose version is `currentVersion`. */
export function levelForImpact(
  impact: CommitImpact,
  currentVersion: string,
  policy: ZeroMajorPolicy = DEFAULT_ZERO_MAJOR_POLICY,
): BumpLevel {
  const major = parseVersion(currentVersion).release[0] ?? 0;
  if (major !== 0 || policy === 'semver') return STABLE[impact];
  return ZERO[policy][impact];
}

/** The largest level any of the impacts asks for. */
export function levelForImpacts(
  impacts: readonly CommitImpact[],
  currentVersion: string,
  policy: ZeroMajorPolicy = DEFAULT_ZERO_MAJOR_POLICY,
): BumpLevel {
  return maxLevel(...impacts.map((i) => levelForImpact(i, currentVersion, policy)));
}
