/**
 * After a build: every internal requirement (runtime or extra) in the metadata of the built wheel and
 * sdist must be an exact pin to the current version of the member it names. Requirements on the
 * package itself (`pkg[extra]` inside pkg) and on anything outside the workspace are not checked.
 */
import * as path from 'node:path';
import * as pep440 from '@renovatebot/pep440';
import { metadataValue, metadataValues, readDistributionMetadata, type DistributionKind } from '../wheel';
import { normalizeName, parseRequirement, type Member, type UvWorkspace } from '../workspace';
import { currentVersions } from '../pin';

export interface PinExpectation {
  /** Normalised name of the package that was built. */
  self: string;
  /** Normalised name → current version of every member it depends on (runtime or extra). */
  versions: ReadonlyMap<string, string>;
  /**
   * Members whose version here is a development version derived from git (HEAD is not their release
   * tag): any exact `==` pin is accepted, since a metadata hook may pin the same commit's `.devN`
   * version, and such a build is never published.
   */
  development?: ReadonlySet<string>;
}

export interface AuditProblem {
  /** Base name of the distribution file. */
  file: string;
  /** The Requires-Dist value as found. */
  requirement: string;
  /** Normalised name of the member it names. */
  dependency: string;
  /** Its current version. */
  expected: string;
  /** What was found instead of `==<expected>`: the specifier, 'no version', a direct reference, … */
  reason: string;
}

export interface FileAudit {
  file: string;
  kind: DistributionKind;
  /** Requires-Dist values checked. */
  checked: number;
  /** Why a file was only partly checked, when it was. */
  note?: string;
  problems: AuditProblem[];
}

/** What the built distributions of `member` must pin: its runtime and optional internal dependencies. */
export function pinExpectation(ws: UvWorkspace, member: Member, all: ReadonlyMap<string, string> = currentVersions(ws)): PinExpectation {
  const versions = new Map<string, string>();
  for (const dep of member.dependencies) {
    if (dep.kind !== 'runtime' && dep.kind !== 'optional') continue;
    const version = all.get(dep.target);
    if (version !== undefined) versions.set(dep.target, version);
  }
  return { self: member.name, versions };
}

/** Is `specifier` (whitespace removed) exactly `==<version>` (PEP 440 equal, no wildcard) or `===<version>`? */
export function isExactPin(specifier: string, version: string): boolean {
  if (specifier.includes(',')) return false;
  if (specifier.startsWith('===')) return specifier.slice(3) === version;
  if (!specifier.startsWith('==')) return false;
  const pinned = specifier.slice(2);
  if (pinned.includes('*') || !pep440.valid(pinned)) return false;
  return pep440.eq(pinned, version);
}

/** Is `specifier` one exact `==<version>` (no wildcard) of any version? */
function isAnyExactPin(specifier: string): boolean {
  if (specifier.includes(',')) return false;
  if (specifier.startsWith('===')) return specifier.length > 3;
  if (!specifier.startsWith('==')) return false;
  const pinned = specifier.slice(2);
  return !pinned.includes('*') && !!pep440.valid(pinned);
}

/** Pure: the problems among `requiresDist` (Requires-Dist values) of a file named `file`. */
export function auditRequirements(file: string, requiresDist: readonly string[], expectation: PinExpectation): AuditProblem[] {
  const problems: AuditProblem[] = [];
  for (const value of requiresDist) {
    const raw = value.replace(/\s+/g, ' ').trim();
    let name: string;
    let specifier = '';
    let url: string | undefined;
    try {
      const req = parseRequirement(raw);
      name = req.normalizedName;
      specifier = req.specifier;
      url = req.url;
    } catch (err) {
      const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(raw);
      if (!m || !expectation.versions.has(normalizeName(m[1]))) continue; // an external requirement nx-uv cannot read: not ours to judge
      name = normalizeName(m[1]);
      const expected = expectation.versions.get(name)!;
      problems.push({ file, requirement: value, dependency: name, expected, reason: `an unreadable requirement (${(err as Error).message})` });
      continue;
    }
    if (name === expectation.self) continue;
    const expected = expectation.versions.get(name);
    if (expected === undefined) continue;
    if (url !== undefined) {
      problems.push({ file, requirement: value, dependency: name, expected, reason: `a direct reference (${url})` });
    } else if (expectation.development?.has(name) ? !isAnyExactPin(specifier) : !isExactPin(specifier, expected)) {
      problems.push({
        file,
        requirement: value,
        dependency: name,
        expected,
        reason: specifier ? `"${specifier}"` : 'no version',
      });
    }
  }
  return problems;
}

/** Reads the metadata of one wheel or sdist and audits its Requires-Dist. */
export async function auditDistribution(filePath: string, expectation: PinExpectation): Promise<FileAudit> {
  const md = await readDistributionMetadata(filePath);
  const file = path.basename(filePath);
  const requiresDist = metadataValues(md.metadata, 'Requires-Dist');
  const audit: FileAudit = { file, kind: md.kind, checked: requiresDist.length, problems: auditRequirements(file, requiresDist, expectation) };
  if (md.kind === 'sdist' && metadataValues(md.metadata, 'Dynamic').some((d) => d.trim().toLowerCase() === 'requires-dist')) {
    audit.note = `${md.metadataPath} (metadata ${metadataValue(md.metadata, 'Metadata-Version') ?? '?'}) marks Requires-Dist as dynamic: the wheel built from it is what counts`;
  }
  return audit;
}

/** A message listing every problem: the file, the requirement found and the exact pin expected. */
export function formatAuditProblems(problems: readonly AuditProblem[]): string {
  return problems
    .map(
      (p) =>
        `  - ${p.file}: Requires-Dist ${JSON.stringify(p.requirement)}: workspace member ${p.dependency} must be pinned ==${p.expected} (its current version), found ${p.reason}`,
    )
    .join('\n');
}
