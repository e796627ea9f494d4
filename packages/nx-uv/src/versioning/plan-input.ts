/** Phase 1 of the release plan (plan.ts): check the input and index it by normalised name. */
import { normalizeName } from '../workspace/normalize-name';
import { DEFAULT_ZERO_MAJOR_POLICY, ZERO_MAJOR_POLICIES } from './bump-level';
import type { CommitInput } from './commits';
import { formatVersion, parseVersion } from './pep440-version';
import type { FixedGroup, PlanContext, ResolvedOptions } from './plan-state';
import { short } from './plan-state';
import { MappedCommit, PlanInput, PlanMember, PlanOptions, ReleasePlanError } from './plan-types';
import { normalizePrerelease, PrereleaseRequest } from './prerelease';

/** The checked, indexed input, and the notes it gives rise to. Throws ReleasePlanError on bad input. */
export function readPlanInput(input: PlanInput): { ctx: PlanContext; notes: string[] } {
  const opts = resolveOptions(input.options);
  const members = indexMembers(input.members);
  const lastRelease = parseLastReleases(input.lastReleases);
  const group = input.options?.group ? selectGroup(input.options.group, members) : undefined;
  const commitsOf = commitsByMember(input.commits, members);
  const excluded = new Map(Object.entries(input.options?.excluded ?? {}).map(([n, why]) => [normalizeName(n), why]));
  const fixedGroupOf = fixedGroupsByMember(input.options?.fixedGroups ?? [], members, excluded);
  const ctx: PlanContext = {
    opts,
    members,
    lastRelease,
    commitsOf,
    ...(group ? { group: { name: group.name, members: group.members } } : {}),
    excluded,
    fixedGroupOf,
    releaseAs: input.options?.releaseAs ?? {},
  };
  return { ctx, notes: group?.notes ?? [] };
}

/** The options with their defaults; throws ReleasePlanError on a value it does not know. */
export function resolveOptions(options: PlanOptions | undefined): ResolvedOptions {
  const bumpType = options?.bumpType ?? 'auto';
  if (!['auto', 'patch', 'minor', 'major'].includes(bumpType)) {
    throw new ReleasePlanError(`invalid bumpType ${JSON.stringify(bumpType)}: use auto, patch, minor or major`);
  }
  const dependentBump = options?.dependentBump ?? 'patch';
  if (!['patch', 'minor', 'none'].includes(dependentBump)) {
    throw new ReleasePlanError(`invalid dependentBump ${JSON.stringify(dependentBump)}: use patch, minor or none`);
  }
  const zeroMajorPolicy = options?.zeroMajorPolicy ?? DEFAULT_ZERO_MAJOR_POLICY;
  if (!ZERO_MAJOR_POLICIES.includes(zeroMajorPolicy)) {
    throw new ReleasePlanError(`invalid zeroMajorPolicy ${JSON.stringify(zeroMajorPolicy)}: use ${ZERO_MAJOR_POLICIES.join(', ')}`);
  }
  let prerelease: PrereleaseRequest | undefined;
  try {
    prerelease = normalizePrerelease(options?.prerelease, 'the prerelease option');
  } catch (e) {
    throw new ReleasePlanError((e as Error).message);
  }
  return { bumpType, dependentBump, zeroMajorPolicy, prerelease, force: options?.force === true };
}

/** Members by normalised name (the member renamed to it); a name listed twice is an error. */
function indexMembers(list: readonly PlanMember[]): Map<string, PlanMember> {
  const members = new Map<string, PlanMember>();
  for (const m of list) {
    const name = m.name === '' ? '' : normalizeName(m.name);
    if (members.has(name)) throw new ReleasePlanError(`member ${JSON.stringify(m.name)} is listed twice`);
    members.set(name, { ...m, name });
  }
  return members;
}

/** Last releases by normalised name in PEP 440 normal form; empty entries mean never released. */
function parseLastReleases(lastReleases: PlanInput['lastReleases'] | undefined): Map<string, string> {
  const lastRelease = new Map<string, string>();
  for (const [name, version] of Object.entries(lastReleases ?? {})) {
    if (version === undefined || version === null || version === '') continue;
    try {
      lastRelease.set(normalizeName(name), formatVersion(parseVersion(version)));
    } catch {
      throw new ReleasePlanError(`last release of ${name} is ${JSON.stringify(version)}, not a PEP 440 version`);
    }
  }
  return lastRelease;
}

/** The members of a release group (each must be a workspace member), with a note for each non-package. */
function selectGroup(group: { name: string; projects: string[] }, members: ReadonlyMap<string, PlanMember>) {
  const selected = new Set<string>();
  const notes: string[] = [];
  for (const p of group.projects) {
    const n = normalizeName(p);
    if (!members.has(n)) {
      throw new ReleasePlanError(`release group ${JSON.stringify(group.name)} lists ${JSON.stringify(p)}, which is not a member of the uv workspace`);
    }
    if (!members.get(n)!.isPackage) notes.push(`${n} in group ${group.name} is not a package (package = false): never released`);
    selected.add(n);
  }
  return { name: group.name, members: selected, notes };
}

/** Each member's commits, in input order without repeats; a commit mapped to a non-member is an error. */
function commitsByMember(commits: readonly MappedCommit[], members: ReadonlyMap<string, PlanMember>): Map<string, CommitInput[]> {
  const commitsOf = new Map<string, CommitInput[]>();
  for (const mc of commits) {
    for (const raw of mc.members) {
      const n = raw === '' ? '' : normalizeName(raw);
      if (!members.has(n)) {
        throw new ReleasePlanError(`commit ${short(mc.commit.hash)} is mapped to ${JSON.stringify(raw)}, which is not a member`);
      }
      const list = commitsOf.get(n) ?? [];
      if (!list.some((c) => c.hash === mc.commit.hash)) list.push(mc.commit);
      commitsOf.set(n, list);
    }
  }
  return commitsOf;
}

/** The fixed group of each member in one (packages that are not excluded; a later group wins). */
function fixedGroupsByMember(
  groups: readonly { name: string; projects: string[] }[],
  members: ReadonlyMap<string, PlanMember>,
  excluded: ReadonlyMap<string, string>,
): Map<string, FixedGroup> {
  const fixedGroupOf = new Map<string, FixedGroup>();
  for (const g of groups) {
    const names = g.projects.map(normalizeName).filter((n) => members.get(n)?.isPackage && !excluded.has(n));
    for (const n of names) fixedGroupOf.set(n, { name: g.name, members: names });
  }
  return fixedGroupOf;
}
