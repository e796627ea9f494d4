/**
 * Turns what Nx Release asks for (a semver keyword with a `--preid`, or an explicit version) into a
 * PEP 440 version, with the same core the nx-uv executors use (`nextVersion`, `levelForImpact`,
 * `normalizePrerelease`), never npm semver's `1.3.0-rc.0`. Pure.
 */
import {
  compareVersions,
  isValidVersion,
  normalizeVersion,
  currentPhase,
  levelForImpact,
  nextVersion,
  normalizePrerelease,
  parseVersion,
  formatVersion,
  assertReleasable,
  VersionError,
  type CommitImpact,
  type NextVersionAction,
  type PrereleaseRequest,
  type ReleaseLevel,
} from '../versioning';

export const RELATIVE_KEYWORDS = ['major', 'premajor', 'minor', 'preminor', 'patch', 'prepatch', 'prerelease'] as const;
export type RelativeKeyword = (typeof RELATIVE_KEYWORDS)[number];

export function isRelativeKeyword(input: string): input is RelativeKeyword {
  return (RELATIVE_KEYWORDS as readonly string[]).includes(input);
}

export interface NewVersionOptions {
  /** Nx's `adjustSemverBumpsForZeroMajorVersion` (Nx defaults it to true). */
  adjustZeroMajor?: boolean;
  /** The project, for error messages. */
  project?: string;
}

export interface NewVersionResult {
  version: string;
  /** What happened, for the log: `explicit`, or the core's action (`release`, `graduate`, `prerelease-start`, …). */
  action: NextVersionAction | 'explicit';
  /** The release level applied after the 0.x adjustment (absent for an explicit version). */
  level?: ReleaseLevel;
}

/** A failure to compute a PEP 440 version for Nx Release: names the project and what to give instead. */
export class Pep440ReleaseError extends Error {
  override readonly name = 'Pep440ReleaseError';
}

const IMPACT_OF: Record<ReleaseLevel, CommitImpact> = { major: 'breaking', minor: 'feature', patch: 'fix' };

function levelOf(keyword: RelativeKeyword): ReleaseLevel {
  if (keyword === 'prerelease') return 'patch';
  return keyword.replace(/^pre/, '') as ReleaseLevel;
}

/**
 * The new version for `input` on `current` (null when Nx resolved no current version, which only an
 * explicit version can handle). Throws Pep440ReleaseError naming the project on bad input.
 *
 * - `major` | `minor` | `patch`: a release of that level; a pre-release whose series already covers
 *   the level graduates (`1.3.0rc2` + minor → `1.3.0`). `--preid` is ignored, as Nx does.
 * - `premajor` | `preminor` | `prepatch`: a pre-release of that level in the `--preid` phase
 *   (`1.2.0` + preminor rc → `1.3.0rc1`); a series that already covers the level continues
 *   (`1.3.0rc1` → `1.3.0rc2`) or moves up a phase (`1.3.0a2` + beta → `1.3.0b1`).
 * - `prerelease`: continues the current series; from a final release it starts a patch series
 *   (`1.2.0` + rc → `1.2.1rc1`). Without `--preid` it keeps the current phase.
 * - Before 1.0, with `adjustZeroMajor` (Nx's default), major/minor shift down one level as in Nx.
 * - Anything else must be a PEP 440 version (`1.3.0rc1`, `v2.0.0`, npm's `1.3.0-rc.1`), returned
 *   normalised.
 */
export function pep440NewVersion(current: string | null, input: string, preid: string | undefined, options: NewVersionOptions = {}): NewVersionResult {
  const of = options.project ? ` for project "${options.project}"` : '';
  const text = typeof input === 'string' ? input.trim() : '';
  try {
    if (!isRelativeKeyword(text)) {
      const parts = parseVersion(text, `the version specifier${of}`);
      assertReleasable(parts, options.project);
      return { version: formatVersion(parts), action: 'explicit' };
    }
    if (current === null || current === undefined || current.trim() === '') {
      throw new Pep440ReleaseError(
        `nx-uv: no current version was resolved${of}, so the relative bump "${text}" has nothing to start from: ` +
          'give an explicit PEP 440 version (e.g. 1.0.0), or configure a currentVersionResolver that finds one',
      );
    }
    const parts = parseVersion(current, `current version${of}`);
    let level = levelOf(text);
    if (text !== 'prerelease' && text !== 'patch' && text !== 'prepatch') {
      level = levelForImpact(IMPACT_OF[level], current, options.adjustZeroMajor === false ? 'semver' : 'cargo') as ReleaseLevel;
    }
    let prerelease: PrereleaseRequest | undefined;
    if (text.startsWith('pre')) {
      prerelease = normalizePrerelease(preid, `--preid${of}`);
      if (!prerelease) {
        const phase = currentPhase(parts);
        if (!phase) {
          throw new Pep440ReleaseError(
            `nx-uv: "${text}"${of} needs a pre-release phase: pass --preid=rc (or alpha, beta, dev); ` +
              `${formatVersion(parts)} is a final release, so there is no phase to continue`,
          );
        }
        prerelease = { phase };
      }
    }
    const result = nextVersion(current, { level, prerelease }, options.project);
    return { version: result.version, action: result.action, level };
  } catch (e) {
    if (e instanceof VersionError) {
      throw new Pep440ReleaseError(`nx-uv: cannot compute the PEP 440 version${of} from "${text}": ${e.message}`);
    }
    throw e;
  }
}

const ACTION_TEXT: Record<NewVersionResult['action'], string> = {
  explicit: 'explicit PEP 440 version',
  release: 'PEP 440 release',
  graduate: 'PEP 440 graduation of the pre-release series',
  'prerelease-start': 'PEP 440 pre-release (new series)',
  'prerelease-continue': 'PEP 440 pre-release (series continued)',
  'prerelease-phase': 'PEP 440 pre-release (next phase)',
};

/** Nx's reasons (`newVersionInputReason`) in words; unknown reasons fall back to a neutral text. */
const REASON_TEXT: Record<string, string> = {
  DEPENDENCY_WAS_BUMPED: ', because a dependency was bumped, ',
  USER_SPECIFIER: ', from the given specifier, ',
  PROMPTED_USER_SPECIFIER: ', from the prompted specifier, ',
  CONVENTIONAL_COMMITS: ', derived from conventional commits data, ',
  VERSION_PLANS: ', read from version plan {versionPlanPath}, ',
  DEPENDENCY_ACROSS_GROUPS_WAS_BUMPED: ', because a dependency project belonging to another release group was bumped, ',
  OTHER_PROJECT_IN_FIXED_GROUP_WAS_BUMPED_DUE_TO_DEPENDENCY: ', because of a dependency-only bump to another project in the same fixed release group, ',
};

/** The log line Nx prints for the project (same shape as Nx's own `❓ Applied …` line). */
export function newVersionLogText(input: string, result: NewVersionResult, reason: string, reasonData: Record<string, unknown> = {}): string {
  const template = REASON_TEXT[reason] ?? ' ';
  const why = template.replace(/\{(\w+)\}/g, (_, key: string) => String(reasonData[key] ?? `{${key}}`));
  const what = result.action === 'explicit' ? `${ACTION_TEXT.explicit} "${input}"` : `${ACTION_TEXT[result.action]} for "${input}"`;
  return `❓ Applied ${what}${why}to get new version ${result.version}`;
}

export interface ReconciledCurrentVersion {
  /** The version to bump from. */
  version: string;
  /** Why it is not the one Nx resolved (for the log), when it is not. */
  note?: string;
}

/**
 * The version to bump from when Nx resolved `resolved` from git tags and the manifest holds
 * `manifest`. Nx picks the "latest" tag by `git tag --sort=-v:refname`, which ranks `1.3.0rc2` above
 * `1.3.0` (git knows `-rc` suffixes, not PEP 440's `rc`/`a`/`b`/`.dev`), so after a graduation it
 * would hand us the last pre-release. Every release writes its version into the manifest, so a
 * manifest version that is PEP 440-greater than the resolved one is the real current version.
 * Anything unreadable leaves Nx's choice alone. Pure.
 */
export function reconcileTagVersion(resolved: string | null, manifest: string | undefined): ReconciledCurrentVersion | undefined {
  if (resolved === null || manifest === undefined || !isValidVersion(resolved) || !isValidVersion(manifest)) return undefined;
  if (compareVersions(manifest, resolved) <= 0) return { version: resolved };
  const shown = normalizeVersion(manifest);
  return {
    version: shown,
    note:
      `⚠️  The git tag Nx took as the latest (${resolved}) is older than ${shown} in the manifest: git sorts PEP 440 ` +
      `pre-release tags above their final release. Bumping from ${shown}. (Add \`git config --add versionsort.suffix rc\`, ` +
      'and `a`, `b`, `.dev`, so that git sorts them as PEP 440 does.)',
  };
}
