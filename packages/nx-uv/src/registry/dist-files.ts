/**
 * Pure: which files of a build output folder are this member's distributions of its current version.
 *
 * File names (the binary distribution format, and PEP 625 for sdists):
 *   `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`   (name with `_` for separators)
 *   `{name}-{version}.tar.gz`                                        (older tools: `-` inside the name)
 * Names compare PEP 503-normalised, versions by PEP 440 equality (`1.0` == `1.0.0`, `1.0RC1` == `1.0rc1`).
 * Files of other versions (an older build left behind) and of other distributions are set aside and
 * reported, never published.
 */
import * as pep440 from '@renovatebot/pep440';
import { normalizeName } from '../workspace';

export type DistributionFileKind = 'wheel' | 'sdist';

export interface ParsedDistributionFilename {
  filename: string;
  kind: DistributionFileKind;
  /** PEP 503 normalised distribution name. */
  name: string;
  /** The version as written in the file name. */
  version: string;
}

const WHEEL = /^([^-]+)-([^-]+)(?:-\d[^-]*)?-[^-]+-[^-]+-[^-]+\.whl$/i;
const SDIST = /^(.+)-([^-]+)\.tar\.gz$/i;

/** Parses a wheel or sdist file name; undefined for anything else (other files, `.zip` sdists). */
export function parseDistributionFilename(filename: string): ParsedDistributionFilename | undefined {
  let m = WHEEL.exec(filename);
  if (m) return { filename, kind: 'wheel', name: normalizeName(m[1]), version: m[2] };
  m = SDIST.exec(filename);
  if (m) return { filename, kind: 'sdist', name: normalizeName(m[1]), version: m[2] };
  return undefined;
}

/** PEP 440 equality, falling back to case-insensitive text equality for strings that are not PEP 440. */
export function sameVersion(a: string, b: string): boolean {
  if (pep440.valid(a) && pep440.valid(b)) return pep440.eq(a, b);
  return a.toLowerCase() === b.toLowerCase();
}

export interface DistributionSelection {
  /** This member's files of the wanted version, sorted by name. */
  selected: ParsedDistributionFilename[];
  /** This member's files of other versions (left behind by an earlier build). */
  otherVersions: ParsedDistributionFilename[];
  /** Distributions of other projects, and files that are not distributions. */
  foreign: string[];
  /** The version the selection is for (the member's, or the one found when it is dynamic). */
  version?: string;
}

export class DistributionSelectionError extends Error {
  override readonly name = 'DistributionSelectionError';
}

/**
 * Picks the member's files of `version` among `filenames`. With `version` undefined (a dynamic
 * version nx-uv cannot read), the member's files must all be of one version, which is then taken; more
 * than one version is an error (which one to publish would be a guess).
 */
export function selectDistributions(
  filenames: readonly string[],
  member: { name: string; distributionName: string },
  version: string | undefined,
  where: string,
): DistributionSelection {
  const mine: ParsedDistributionFilename[] = [];
  const foreign: string[] = [];
  for (const f of [...filenames].sort()) {
    const parsed = parseDistributionFilename(f);
    if (parsed && parsed.name === member.name) mine.push(parsed);
    else foreign.push(f);
  }
  let wanted = version;
  if (wanted === undefined) {
    const versions = [...new Set(mine.map((p) => p.version))];
    const distinct = versions.filter((v, i) => versions.findIndex((w) => sameVersion(v, w)) === i);
    if (distinct.length > 1) {
      throw new DistributionSelectionError(
        `${where} holds files of ${member.distributionName} in ${distinct.length} versions (${distinct.join(', ')}) and its version is ` +
          'dynamic, so nx-uv cannot tell which one is current: empty the folder and run the build target again.',
      );
    }
    wanted = distinct[0];
  }
  const selected = mine.filter((p) => wanted !== undefined && sameVersion(p.version, wanted));
  const otherVersions = mine.filter((p) => !selected.includes(p));
  const out: DistributionSelection = { selected, otherVersions, foreign };
  if (wanted !== undefined) out.version = wanted;
  return out;
}
