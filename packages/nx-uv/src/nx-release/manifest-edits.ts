/**
 * The file edits behind `updateProjectVersion` and `updateProjectDependencies`, computed with the
 * same core the `version` executor writes with: release/apply's `writeVersionInto` for
 * the version (surgical: only the version string changes, comments and layout stay byte for byte),
 * `updateRequirementSpecifier` for requirement strings (only the specifier changes; name, extras and
 * marker stay) and release/apply's `planFileEdits` to put them into the arrays. Pure given `read`.
 */
import { planFileEdits, writeVersionInto, type FileEdit } from '../release';
import { PUBLISHED_DEPENDENCY_KINDS, type InternalDependency, type Member, type UvWorkspace } from '../workspace';
import { normalizeVersion, requirementAdmits, updateRequirementSpecifier, type ReleasePlan, type RequirementUpdate } from '../versioning';

export type { FileEdit };

/** A member's version cannot be written (dynamic, not set) or a requirement cannot be rewritten. */
export class ManifestEditError extends Error {
  override readonly name = 'ManifestEditError';
}

/** The file that holds the member's version (pyproject.toml or the hatch version file), relative to the uv root. */
export function versionFileOf(member: Member): string {
  const source = member.version;
  if (source.kind === 'static' || source.kind === 'hatch-file') return source.file;
  throw versionSourceError(member, source.kind === 'dynamic' ? `dynamic (${source.reason})` : 'not set');
}

function versionSourceError(member: Member, what: string): ManifestEditError {
  const name = member.distributionName || member.root;
  return new ManifestEditError(
    `nx-uv: the version of ${name} (${member.pyprojectPath}) is ${what}. nx release can only read and write a version ` +
      'that is in a file: set [project] version = "…" in pyproject.toml, or [tool.hatch.version] path = "…" ' +
      '(a VCS-derived version such as hatch-vcs or setuptools-scm is decided by git tags, not written by a release).',
  );
}

/** The member's current version as written (static or from the hatch file). Throws ManifestEditError otherwise. */
export function currentVersionOf(member: Member): { version: string; file: string } {
  const source = member.version;
  if (source.kind === 'static' || source.kind === 'hatch-file') return { version: source.version, file: source.file };
  throw versionSourceError(member, source.kind === 'dynamic' ? `dynamic (${source.reason})` : 'not set');
}

/** The edit that writes `newVersion` (normalised) into the member's version file; undefined when it is already so. */
export function versionFileEdit(member: Member, newVersion: string, read: (file: string) => string | undefined): FileEdit | undefined {
  const version = normalizeVersion(newVersion, `new version of ${member.distributionName}`);
  const source = member.version;
  if (source.kind !== 'static' && source.kind !== 'hatch-file') {
    throw versionSourceError(member, source.kind === 'dynamic' ? `dynamic (${source.reason})` : 'not set');
  }
  const before = read(source.file);
  if (before === undefined) {
    throw new ManifestEditError(`nx-uv: ${source.file} (the version file of ${member.distributionName}) does not exist`);
  }
  const after = writeVersionInto(before, source, version);
  return after === before ? undefined : { file: source.file, before, after };
}

function holders(ws: UvWorkspace): Member[] {
  return ws.virtualRoot ? [ws.virtualRoot, ...ws.members] : [...ws.members];
}

function rewrite(holder: Member, dep: InternalDependency, version: string): RequirementUpdate | undefined {
  if (dep.locked) return undefined; // computed by a metadata hook: no string in the file to rewrite
  let to: string | undefined;
  try {
    to = updateRequirementSpecifier(dep.requirement, version);
  } catch (e) {
    throw new ManifestEditError(`nx-uv: ${holder.pyprojectPath} \`${dep.section}\`: ${(e as Error).message.replace(/^nx-uv: /, '')}`);
  }
  if (to === undefined) return undefined;
  return {
    member: holder.name,
    pyprojectPath: holder.pyprojectPath,
    section: dep.section,
    kind: dep.kind,
    dependency: dep.target,
    from: dep.requirement.raw,
    to,
  };
}

/**
 * Requirement strings on `released` (now at `version`) that Nx Release never hands to a dependent's
 * `updateProjectDependencies`, updated as the `version` executor updates them:
 * - held by the virtual root or a `package = false` member (they have no version, so no Nx Release
 *   project): the lower bound follows the release;
 * - in a dependency group or dev dependencies (not published, so no dependent bump): likewise;
 * - any other one that would no longer admit the new version (`==1.2.0`), so `uv lock` still resolves
 *   even for a dependent that Nx does not update (`updateDependents: "never"`, outside the release).
 */
export function requirementUpdatesForRelease(ws: UvWorkspace, released: Member, version: string): RequirementUpdate[] {
  const out: RequirementUpdate[] = [];
  for (const holder of holders(ws)) {
    if (holder === released) continue;
    for (const dep of holder.dependencies) {
      if (dep.target !== released.name) continue;
      const routedByNx = holder.isPackage && PUBLISHED_DEPENDENCY_KINDS.includes(dep.kind);
      if (routedByNx && requirementAdmits(dep.requirement, version)) continue;
      const u = rewrite(holder, dep, version);
      if (u) out.push(u);
    }
  }
  return out;
}

/**
 * The member's own requirement strings on the given dependencies (member name → new version and
 * whether this run released it): a released dependency moves the specifier along (lower bound
 * follows, `==` follows), one that was not released is only widened when it no longer admits it.
 */
export function requirementUpdatesOfMember(member: Member, dependencies: ReadonlyMap<string, { version: string; released: boolean }>): RequirementUpdate[] {
  const out: RequirementUpdate[] = [];
  for (const dep of member.dependencies) {
    const target = dependencies.get(dep.target);
    if (!target || dep.target === member.name) continue;
    if (!target.released && requirementAdmits(dep.requirement, target.version)) continue;
    const u = rewrite(member, dep, target.version);
    if (u) out.push(u);
  }
  return out;
}

/** A plan that only rewrites requirement strings (no version, no changelog), for planFileEdits. */
function requirementOnlyPlan(updates: RequirementUpdate[]): ReleasePlan {
  return {
    packages: [],
    requirementUpdates: updates,
    skipped: [],
    notes: [],
    options: {
      bumpType: 'auto',
      prerelease: null,
      force: false,
      group: null,
      dependentBump: 'patch',
      zeroMajorPolicy: 'cargo',
    },
  };
}

/** The edits of the requirement updates (each array rewritten once, in place). */
export function requirementEdits(ws: UvWorkspace, updates: RequirementUpdate[], read: (file: string) => string | undefined): FileEdit[] {
  // Not release's writeRelease: these edits go into Nx's virtual Tree, per project, and Nx writes the
  // files; only the edit computation (planFileEdits) is shared, and `uv lock` runs once in after-all.ts.
  if (updates.length === 0) return [];
  return planFileEdits(ws, requirementOnlyPlan(updates), read, { date: new Date(0) });
}
