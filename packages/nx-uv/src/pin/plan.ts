/**
 * Which requirements to pin for a release build, and the pinned text. Pure.
 *
 * Every internal requirement in the published metadata (`project.dependencies` and every
 * `project.optional-dependencies.<extra>`) is pinned to the CURRENT version of the member it names —
 * all internal dependencies, not only the ones bumped in this release. Dependency groups and
 * `tool.uv.dev-dependencies` are not published and are left alone.
 */
import type { Member, UvWorkspace } from '../workspace/types';
import { formatKeyPath, mapArrayStrings } from '../toml';
import { pinRequirement } from './requirement-pin';

export interface RequirementPin {
  /** TOML key path of the array: `['project','dependencies']` or `['project','optional-dependencies',<extra>]`. */
  keyPath: string[];
  /** Normalised name of the member depended on. */
  target: string;
  /** The requirement as written. */
  from: string;
  /** The pinned requirement. */
  to: string;
}

export interface PinPlan {
  /** Normalised name of the member whose pyproject is pinned. */
  member: string;
  /** Its pyproject.toml, relative to the workspace root. */
  file: string;
  pins: RequirementPin[];
}

const OPTIONAL_PREFIX = 'project.optional-dependencies.';

function keyPathOf(section: string): string[] | undefined {
  if (section === 'project.dependencies') return ['project', 'dependencies'];
  if (section.startsWith(OPTIONAL_PREFIX)) return ['project', 'optional-dependencies', section.slice(OPTIONAL_PREFIX.length)];
  return undefined;
}

/**
 * The pins for one member. `versionsByName` maps normalised member names to their current version.
 * Throws (naming the member, its file and the dependency) when a depended-on member has no known version.
 */
export function planPins(member: Member, versionsByName: ReadonlyMap<string, string>): PinPlan {
  const pins: RequirementPin[] = [];
  const seen = new Set<string>();
  for (const dep of member.dependencies) {
    if (dep.kind !== 'runtime' && dep.kind !== 'optional') continue;
    if (dep.locked) continue; // a dynamic field: nothing in pyproject.toml to pin (see lockedRequirementNotice)
    const keyPath = keyPathOf(dep.section);
    if (!keyPath) continue;
    const version = versionsByName.get(dep.target);
    if (version === undefined) {
      throw new Error(
        `${member.pyprojectPath}: cannot pin ${JSON.stringify(dep.requirement.raw)} in \`${dep.section}\` of ${member.distributionName}: ` +
          `the version of workspace member ${dep.target} is not known (a dynamic version nx-uv cannot read?). ` +
          `Give ${dep.target} a static [project] version or a [tool.hatch.version] path.`,
      );
    }
    let to: string;
    try {
      to = pinRequirement(dep.requirement.raw, version);
    } catch (err) {
      throw new Error(`${member.pyprojectPath}: \`${dep.section}\` of ${member.distributionName}: ${(err as Error).message}`);
    }
    const key = `${dep.section}\u0000${dep.requirement.raw}`;
    if (seen.has(key)) continue;
    seen.add(key);
    pins.push({ keyPath, target: dep.target, from: dep.requirement.raw, to });
  }
  return { member: member.name, file: member.pyprojectPath, pins };
}

/**
 * What `pin` and `build` say of a member whose internal requirements come from a metadata hook
 * (`[project].dynamic`): nx-uv cannot pin them in pyproject.toml, so the built wheel's own metadata
 * must (the build audit checks it). Undefined when the member has none.
 */
export function lockedRequirementNotice(member: Member): string | undefined {
  const locked = member.dependencies.filter((d) => d.locked && (d.kind === 'runtime' || d.kind === 'optional'));
  if (locked.length === 0) return undefined;
  const names = [...new Set(locked.map((d) => d.target))].sort().join(', ');
  return (
    `${member.pyprojectPath} computes its dependencies (dynamic = [${(member.dynamicDependencyFields ?? []).map((f) => `"${f}"`).join(', ')}]), ` +
    `so nx-uv cannot pin ${names} in it; the metadata hook must write the exact pins (==<version>), and the build's audit of the wheel decides`
  );
}

/** The current version of every member whose version nx-uv can read, by normalised name. */
export function currentVersions(ws: UvWorkspace): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of ws.members) {
    if (m.version.kind === 'static' || m.version.kind === 'hatch-file') out.set(m.name, m.version.version);
  }
  return out;
}

/**
 * Pin plans for the packages of a workspace (only `names`, normalised, when given); members with
 * nothing to pin are left out.
 */
export function planWorkspacePins(ws: UvWorkspace, names?: readonly string[], versionsByName: ReadonlyMap<string, string> = currentVersions(ws)): PinPlan[] {
  const wanted = names ? new Set(names) : undefined;
  return ws.members
    .filter((m) => m.isPackage && (!wanted || wanted.has(m.name)))
    .map((m) => planPins(m, versionsByName))
    .filter((p) => p.pins.length > 0);
}

/**
 * Applies pins to the text of a pyproject.toml, changing only the bytes of each pinned string.
 * Throws (naming the file) when a requirement to pin is no longer in its array: the file changed
 * since the plan was made. Already-pinned text is left as is (idempotent).
 */
export function applyPins(text: string, pins: readonly RequirementPin[], file: string): string {
  const byArray = new Map<string, { keyPath: string[]; map: Map<string, string> }>();
  for (const pin of pins) {
    const id = formatKeyPath(pin.keyPath);
    let entry = byArray.get(id);
    if (!entry) byArray.set(id, (entry = { keyPath: pin.keyPath, map: new Map() }));
    entry.map.set(pin.from, pin.to);
  }
  let out = text;
  for (const [id, { keyPath, map }] of byArray) {
    const found = new Set<string>();
    out = mapArrayStrings(
      out,
      keyPath,
      (value) => {
        if (map.has(value)) {
          found.add(value);
          return map.get(value);
        }
        for (const [from, to] of map) if (value === to) found.add(from);
        return undefined;
      },
      file,
    );
    const missing = [...map.keys()].filter((from) => !found.has(from));
    if (missing.length > 0) {
      throw new Error(
        `${file}: ${missing.map((m) => JSON.stringify(m)).join(', ')} not found in \`${id}\`: the file changed since the pins were planned; plan again`,
      );
    }
  }
  return out;
}
