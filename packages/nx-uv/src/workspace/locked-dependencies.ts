/**
 * Internal dependencies of members whose `[project].dynamic` lists `dependencies` or
 * `optional-dependencies` (a metadata hook computes them, e.g. hatch-requirements-txt,
 * uv-dynamic-versioning): uv resolves that metadata when it locks and records it in uv.lock under
 * `[package.metadata] requires-dist`, so that is where they are read. Pure: the parsed lock in, edges
 * and warnings out.
 */
import { normalizeName } from './normalize-name';
import { parseRequirement } from './requirement';
import { isTable } from './toml-access';
import type { Member } from './types';

export const UV_LOCK = 'uv.lock';

const EXTRA_MARKER = /^extra\s*==\s*(['"])([^'"]+)\1$/;

interface LockedRequirement {
  name?: unknown;
  specifier?: unknown;
  marker?: unknown;
  extras?: unknown;
}

/** The uv.lock `[[package]]` of each workspace member (those with an editable, virtual or directory source). */
function memberPackages(lock: Record<string, unknown>): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  const packages = Array.isArray(lock.package) ? lock.package : [];
  for (const p of packages) {
    if (!isTable(p) || typeof p.name !== 'string' || !isTable(p.source)) continue;
    if ('editable' in p.source || 'virtual' in p.source || 'directory' in p.source) out.set(normalizeName(p.name), p);
  }
  return out;
}

/** The requirement string uv.lock describes (name, extras, specifier; the extra marker left out). */
function requirementText(r: LockedRequirement, name: string, marker: string | undefined): string {
  const extras = Array.isArray(r.extras) && r.extras.length > 0 ? `[${r.extras.join(',')}]` : '';
  const specifier = typeof r.specifier === 'string' ? r.specifier : '';
  return `${name}${extras}${specifier}${marker ? ` ; ${marker}` : ''}`;
}

/**
 * Adds the locked internal dependencies to each member with dynamic dependency fields; returns one
 * warning per member whose dependencies uv.lock cannot give (no lock, or the member is not in it).
 */
export function addLockedDependencies(members: Member[], lock: Record<string, unknown> | undefined, memberNames: ReadonlySet<string>): string[] {
  const warnings: string[] = [];
  const locked = lock === undefined ? undefined : memberPackages(lock);
  for (const member of members) {
    const fields = member.dynamicDependencyFields;
    if (!fields) continue;
    const what = `${member.pyprojectPath} declares dynamic = [${fields.map((f) => `"${f}"`).join(', ')}]`;
    const entry = locked?.get(member.name);
    const metadata = entry && isTable(entry.metadata) ? entry.metadata : undefined;
    if (!metadata) {
      warnings.push(
        `${what}: nx-uv reads those from uv.lock, which ${lock === undefined ? 'does not exist' : `has no entry for ${member.name}`}; ` +
          `until \`uv lock\` records them, ${member.name} has no dependency edges from them (affected, release order and dependent bumps miss them).`,
      );
      continue;
    }
    const requiresDist = Array.isArray(metadata['requires-dist']) ? (metadata['requires-dist'] as LockedRequirement[]) : [];
    for (const r of requiresDist) {
      if (!isTable(r) || typeof r.name !== 'string') continue;
      const target = normalizeName(r.name);
      if (!memberNames.has(target) || target === member.name) continue;
      const marker = typeof r.marker === 'string' ? r.marker.trim() : undefined;
      const extra = marker === undefined ? undefined : EXTRA_MARKER.exec(marker)?.[2];
      const kind = extra === undefined ? 'runtime' : 'optional';
      if (!fields.includes(kind === 'runtime' ? 'dependencies' : 'optional-dependencies')) continue; // read from the file
      const requirement = parseRequirement(requirementText(r, r.name, extra === undefined ? marker : undefined));
      const section = kind === 'runtime' ? 'project.dependencies' : `project.optional-dependencies.${extra}`;
      member.dependencies.push({ target, kind, section, requirement, locked: true });
    }
  }
  return warnings;
}
