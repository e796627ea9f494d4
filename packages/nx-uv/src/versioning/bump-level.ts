/**
 * From commit impacts to a release level, with the 0.x policy. Before 1.0.0 there is no "major" to
 * bump without leaving 0.x, so the meaning shifts down; going to 1.0.0 is a decision, taken with an
 * explicit `bumpType: major` (or `majorOnZero`). From 1.0.0 on every policy is the same: breaking →
 * major, feat → minor, fix/perf → patch.
 */
import { CommitImpact } from './commits';
import { BumpLevel, maxLevel } from './next-version';
import { parseVersion } from './pep440-version';

/**
 * What a commit asks of a 0.x package:
 * - `features-minor` (default): breaking → minor, feat → minor, fix → patch. Nx Release,
 *   release-please, python-semantic-release (`major_on_zero = false`) and commitizen
 *   (`major_version_zero`) do this, so teams moving from them keep their versions.
 * - `cargo`: breaking → minor, feat → patch, fix → patch (Cargo, release-plz; uv's own versions).
 * - `semver` (the plugin option `majorOnZero: true`): no special case; breaking releases 1.0.0.
 */
export type ZeroMajorPolicy = 'cargo' | 'features-minor' | 'semver';
export const ZERO_MAJOR_POLICIES: readonly ZeroMajorPolicy[] = ['features-minor', 'cargo', 'semver'];
export const DEFAULT_ZERO_MAJOR_POLICY: ZeroMajorPolicy = 'features-minor';

const STABLE: Record<CommitImpact, BumpLevel> = { breaking: 'major', feature: 'minor', fix: 'patch', none: 'none' };
const ZERO: Record<Exclude<ZeroMajorPolicy, 'semver'>, Record<CommitImpact, BumpLevel>> = {
  cargo: { breaking: 'minor', feature: 'patch', fix: 'patch', none: 'none' },
  'features-minor': { breaking: 'minor', feature: 'minor', fix: 'patch', none: 'none' },
};

/** The level one impact asks of a package whose version is `currentVersion`. */
export function levelForImpact(impact: CommitImpact, currentVersion: string, policy: ZeroMajorPolicy = DEFAULT_ZERO_MAJOR_POLICY): BumpLevel {
  const major = parseVersion(currentVersion).release[0] ?? 0;
  if (major !== 0 || policy === 'semver') return STABLE[impact];
  return ZERO[policy][impact];
}

/** The largest level any of the impacts asks for. */
export function levelForImpacts(impacts: readonly CommitImpact[], currentVersion: string, policy: ZeroMajorPolicy = DEFAULT_ZERO_MAJOR_POLICY): BumpLevel {
  return maxLevel(...impacts.map((i) => levelForImpact(i, currentVersion, policy)));
}
