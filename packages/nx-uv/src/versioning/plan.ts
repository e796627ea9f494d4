/**
 * The release plan: which packages get which next version, why, and which requirement strings on
 * internal packages must change. Pure: the git layer supplies each member's last release (from
 * tags) and the commits since then, already mapped to members. The rules are on planRelease.
 */
import type { DependencyKind, InternalDependency } from '../workspace/types';
import { DEFAULT_ZERO_MAJOR_POLICY, levelForImpacts, ZERO_MAJOR_POLICIES } from './bump-level';
import { analyzeCommits, ClassifiedCommit, CommitInput } from './commits';
import { BumpLevel, compareLevels, currentPhase, maxLevel, nextVersion } from './next-version';
import { compareVersions, formatVersion, isPrereleaseVersion, parseVersion, VersionError } from './pep440-version';
import {
  PlanInput,
  PlanMember,
  PlanOptions,
  PlannedAction,
  PlannedCommit,
  PlannedPackage,
  ReleasePlan,
  ReleasePlanError,
  RequirementUpdate,
} from './plan-types';
import { comparePhases, normalizePrerelease, PrereleaseRequest } from './prerelease';
import { requirementAdmits, updateRequirementSpecifier } from './requirement-update';
import { normalizeName } from '../workspace/normalize-name';

export * from './plan-types';
export { planMembersFromWorkspace } from './plan-members';

const PUBLISHED_KINDS: ReadonlySet<DependencyKind> = new Set<DependencyKind>(['runtime', 'optional']);

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function short(hash: string): string {
  return hash.slice(0, 7);
}

/** Where the version of `m` is written, for messages (`pyproject.toml` when not known). */
function versionFileOf(m: PlanMember): string {
  return m.versionFile ?? 'pyproject.toml';
}

const IMPACT_RANK: Record<ClassifiedCommit['impact'], number> = { breaking: 3, feature: 2, fix: 1, none: 0 };

/** Non-conventional commits listed in the plan by name before "and N more". */
const UNCONVENTIONAL_SHOWN = 3;

function resolveOptions(options: PlanOptions | undefined) {
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

function plannedCommit(c: ClassifiedCommit): PlannedCommit {
  return {
    hash: c.hash,
    subject: c.subject,
    type: c.type,
    scope: c.scope,
    description: c.description,
    breaking: c.breaking,
    breakingNotes: c.breakingNotes,
  };
}

function commitReason(c: ClassifiedCommit): string {
  const footerOnly = c.breaking && !/^\w+(?:\([^)]*\))?!:/.test(c.subject);
  return `${c.subject}${footerOnly ? ' [BREAKING CHANGE]' : ''} (${short(c.hash)})`;
}

interface State {
  member: PlanMember;
  kind: 'first-release' | 'as-set' | 'bump';
  /** The version a bump starts from (max of current and last release). */
  base: string;
  level: BumpLevel;
  reasons: string[];
  commits: PlannedCommit[];
  /** Names of released dependencies that forced this release. */
  causes: Set<string>;
  next?: string;
  action?: PlannedAction;
  /** An exact next version (a `Release-As:` footer, or the `releaseAs` option). */
  releaseAs?: string;
}

/**
 * Builds the release plan. Throws ReleasePlanError (or VersionError) on input it cannot plan.
 *
 * - No release tag: a first release of the current version, as is. A version in the files newer
 *   than the last release (set by hand, or a tag never pushed) is also released as is.
 * - Otherwise, when the package has commits since its last release, the level comes from them
 *   (`bumpType: 'auto'`: Conventional Commits with the 0.x policy) or from `bumpType`. `force`
 *   releases every selected package, at `bumpType` or patch when nothing asks for more.
 * - A pre-release graduates when no pre-release is requested, and moves up when a later phase is
 *   (beta → rc), even without new commits.
 * - Propagation: every member that requires a released package at runtime is bumped by
 *   `dependentBump`, transitively, across group boundaries (with a note). An extra forces a release
 *   only when it no longer admits the new version, so a core whose extras list its plugins is not
 *   re-released for every plugin fix. Dependency groups are not published: their requirements are
 *   updated but force no release; extras that still admit the new version are raised the same way.
 */
export function planRelease(input: PlanInput): ReleasePlan {
  const opts = resolveOptions(input.options);
  const notes = new Set<string>();
  const members = new Map<string, PlanMember>();
  for (const m of input.members) {
    const name = m.name === '' ? '' : normalizeName(m.name);
    if (members.has(name)) throw new ReleasePlanError(`member ${JSON.stringify(m.name)} is listed twice`);
    members.set(name, { ...m, name });
  }
  const lastRelease = new Map<string, string>();
  for (const [name, version] of Object.entries(input.lastReleases ?? {})) {
    if (version === undefined || version === null || version === '') continue;
    try {
      lastRelease.set(normalizeName(name), formatVersion(parseVersion(version)));
    } catch {
      throw new ReleasePlanError(`last release of ${name} is ${JSON.stringify(version)}, not a PEP 440 version`);
    }
  }

  let inGroup = (_name: string) => true;
  if (input.options?.group) {
    const group = input.options.group;
    const selected = new Set<string>();
    for (const p of group.projects) {
      const n = normalizeName(p);
      if (!members.has(n)) {
        throw new ReleasePlanError(`release group ${JSON.stringify(group.name)} lists ${JSON.stringify(p)}, which is not a member of the uv workspace`);
      }
      if (!members.get(n)!.isPackage) notes.add(`${n} in group ${group.name} is not a package (package = false): never released`);
      selected.add(n);
    }
    inGroup = (name) => selected.has(name);
  }

  const commitsOf = new Map<string, CommitInput[]>();
  for (const mc of input.commits) {
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

  /** The exact version asked for a member: the `releaseAs` option, else the newest `Release-As:` footer. */
  const releaseAsOf = (name: string, commits: readonly ClassifiedCommit[]): { version: string; source: string } | undefined => {
    const option = Object.entries(input.options?.releaseAs ?? {}).find(([n]) => normalizeName(n) === name)?.[1];
    if (option !== undefined) return { version: option, source: 'the releaseAs option' };
    const c = commits.find((x) => x.releaseAs !== undefined);
    return c ? { version: c.releaseAs!, source: `Release-As in ${short(c.hash)} "${c.subject}"` } : undefined;
  };

  const requireVersion = (m: PlanMember, why: string): string => {
    if (m.version === undefined) {
      throw new ReleasePlanError(
        `package ${m.name} must be released (${why}) but ${m.versionProblem ?? 'its version is unknown'}: ` +
          'nx-uv cannot compute or write its next version; set [project] version, or a [tool.hatch.version] path',
      );
    }
    try {
      return formatVersion(parseVersion(m.version, `${m.name}'s version`));
    } catch (e) {
      throw new ReleasePlanError(`package ${m.name}: ${(e as Error).message}`);
    }
  };

  /** A released member's starting state, or undefined when it is not released on its own account. */
  const initialState = (m: PlanMember, why: string): State => {
    const current = requireVersion(m, why);
    const last = lastRelease.get(m.name);
    const base: State = { member: m, kind: 'bump', base: current, level: 'none', reasons: [], commits: [], causes: new Set() };
    if (last === undefined && m.versionFromTags) {
      // No tag yet and no file to read: the first release is the base bumped by the commits.
      notes.add(`${m.name}: no release tag yet; its version comes from ${versionFileOf(m)}, so its first release is ${current} bumped by its commits`);
      return base;
    }
    if (last === undefined) {
      return { ...base, kind: 'first-release', reasons: [`first release (no release tag found): releases the version in ${versionFileOf(m)}`] };
    }
    const order = compareVersions(current, last);
    if (order > 0) {
      return {
        ...base,
        kind: 'as-set',
        reasons: [`version ${current} in ${versionFileOf(m)} is newer than the last release ${last}: released as set`],
      };
    }
    if (order < 0) {
      notes.add(`${m.name}: ${versionFileOf(m)} says ${current} but ${last} is already released: bumping from ${last}`);
      return { ...base, base: last };
    }
    return base;
  };

  const states = new Map<string, State>();
  const skipped: ReleasePlan['skipped'] = [];
  /** Commits that are not Conventional Commits, by hash (one note for all of them). */
  const unconventional = new Map<string, ClassifiedCommit>();

  // 1. Packages released on their own account.
  const excluded = new Map(Object.entries(input.options?.excluded ?? {}).map(([n, why]) => [normalizeName(n), why]));
  for (const m of [...members.values()].sort((a, b) => byName(a.name, b.name))) {
    if (!m.isPackage || m.name === '' || !inGroup(m.name)) continue;
    const why = excluded.get(m.name);
    if (why !== undefined) {
      skipped.push({ name: m.name, reason: `excluded (${why}): never versioned, tagged or published` });
      continue;
    }
    const analysis = analyzeCommits(commitsOf.get(m.name) ?? []);
    analysis.notes.forEach((n) => notes.add(n));
    for (const c of analysis.unconventional) unconventional.set(c.hash, c);
    const releasable = analysis.commits.filter((c) => c.impact !== 'none');
    const last = lastRelease.get(m.name);

    if (m.version === undefined) {
      // Decide whether it would be released before complaining about its version.
      const wouldRelease = last === undefined || opts.force || (opts.bumpType === 'auto' ? releasable.length > 0 : analysis.commits.length > 0);
      if (!wouldRelease) {
        skipped.push({ name: m.name, reason: `no releasable commits since ${last}` });
        continue;
      }
    }
    const state = initialState(m, last === undefined ? 'first release' : 'it has changes');
    state.commits = analysis.commits.map(plannedCommit);
    const asked = releaseAsOf(m.name, analysis.commits);
    if (asked) {
      const version = formatVersion(parseVersion(asked.version, `${asked.source} for ${m.name}`));
      const floor = last ?? state.base;
      if (compareVersions(version, floor) <= 0 && !(last === undefined && compareVersions(version, floor) === 0)) {
        throw new ReleasePlanError(
          `${asked.source} asks ${m.name} to release ${version}, which is not above its last release ${floor}: ask for a higher version`,
        );
      }
      Object.assign(state, { kind: 'bump', level: state.level, releaseAs: version, reasons: [`${asked.source}: ${version}`] });
      states.set(m.name, state);
      continue;
    }
    if (state.kind !== 'bump') {
      states.set(m.name, state);
      continue;
    }

    let level: BumpLevel = 'none';
    if (opts.bumpType === 'auto') {
      level = levelForImpacts(
        releasable.map((c) => c.impact),
        state.base,
        opts.zeroMajorPolicy,
      );
      // The commit that set the level first (the table shows it), the others after it, newest first.
      const ranked = releasable.map((c, i) => ({ c, i })).sort((a, b) => IMPACT_RANK[b.c.impact] - IMPACT_RANK[a.c.impact] || a.i - b.i);
      state.reasons.push(...ranked.map(({ c }) => commitReason(c)));
    } else if (analysis.commits.length > 0) {
      level = opts.bumpType;
      const n = analysis.commits.length;
      state.reasons.push(`bumpType ${opts.bumpType} requested; ${n} commit${n === 1 ? '' : 's'} since ${last ?? 'the start of its history'}`);
    }
    if (level === 'none' && opts.force) {
      level = opts.bumpType === 'auto' ? 'patch' : opts.bumpType;
      state.reasons.push(`forced (${level})`);
    }
    const baseParts = parseVersion(state.base);
    if (level === 'none' && isPrereleaseVersion(baseParts)) {
      if (!opts.prerelease) {
        state.reasons.push(`graduates the pre-release ${state.base}`);
      } else if (comparePhases(opts.prerelease.phase, currentPhase(baseParts)!) > 0) {
        state.reasons.push(`moves ${state.base} to the ${opts.prerelease.phase} phase`);
      } else {
        skipped.push({ name: m.name, reason: `no releasable commits since ${last ?? 'the start of its history'}` });
        continue;
      }
    } else if (level === 'none') {
      const n = analysis.commits.length;
      skipped.push({
        name: m.name,
        reason:
          n === 0
            ? `no commits since ${last ?? 'the start of its history'}`
            : `${n} commit${n === 1 ? '' : 's'} since ${last ?? 'the start of its history'}, none releasable (no feat, fix, perf or breaking change)`,
      });
      continue;
    }
    state.level = level;
    states.set(m.name, state);
  }

  // 2. Propagation to dependents, to a fixed point (levels only go up, so it ends).
  const dependents = new Map<string, { member: PlanMember; dep: InternalDependency }[]>();
  for (const m of members.values()) {
    for (const dep of m.dependencies) {
      const target = normalizeName(dep.target);
      const list = dependents.get(target) ?? [];
      list.push({ member: m, dep });
      dependents.set(target, list);
    }
  }
  const changesVersion = (s: State) => s.kind !== 'first-release';

  // Fixed (lockstep) groups: when one member is released, all are, at the highest level of any.
  const fixedGroupOf = new Map<string, { name: string; members: string[] }>();
  for (const g of input.options?.fixedGroups ?? []) {
    const names = g.projects.map(normalizeName).filter((n) => members.get(n)?.isPackage && !excluded.has(n));
    for (const n of names) fixedGroupOf.set(n, { name: g.name, members: names });
  }
  /** Brings the whole fixed group of `name` into the release at its highest level; the members whose state changed. */
  const unify = (name: string): string[] => {
    const g = fixedGroupOf.get(name);
    if (!g) return [];
    const released = g.members.filter((n) => states.has(n));
    if (released.length === 0) return [];
    const level = maxLevel(...released.map((n) => states.get(n)!.level));
    const changed: string[] = [];
    for (const n of g.members) {
      let s = states.get(n);
      if (!s) {
        s = initialState(members.get(n)!, `it is in fixed group ${g.name}`);
        s.commits = analyzeCommits(commitsOf.get(n) ?? []).commits.map(plannedCommit);
        s.reasons.push(`released with fixed group ${g.name}`);
        if (s.kind === 'bump') s.level = level;
        states.set(n, s);
        changed.push(n);
      } else if (s.kind === 'bump' && compareLevels(s.level, level) < 0) {
        s.level = level;
        changed.push(n);
      }
    }
    return changed;
  };
  for (const name of [...states.keys()]) unify(name);

  const queue = [...states.values()].filter(changesVersion).map((s) => s.member.name);
  const dependentLevel: BumpLevel = opts.dependentBump === 'none' ? 'none' : opts.dependentBump;
  /** The version `state` would get with its level so far (levels only rise; a rise re-queues it). */
  const prospectiveNext = (state: State): string | undefined => {
    if (state.kind !== 'bump') return state.base;
    try {
      return nextVersion(state.base, { level: state.level, prerelease: opts.prerelease }, state.member.name).version;
    } catch {
      return undefined; // reported in step 3
    }
  };
  while (queue.length > 0) {
    const name = queue.shift()!;
    for (const { member: d, dep } of dependents.get(name) ?? []) {
      if (!PUBLISHED_KINDS.has(dep.kind) || !d.isPackage || d.name === '' || d.name === name || excluded.has(d.name)) continue;
      // An extra is not what the package needs to work: it forces a release only when it no longer
      // admits the new version (its requirement string is raised either way, see step 4).
      if (dep.kind === 'optional' && !states.has(d.name)) {
        const next = prospectiveNext(states.get(name)!);
        if (next !== undefined && requirementAdmits(dep.requirement, next)) {
          notes.add(
            `${d.name} names ${name} in an extra (${dep.section}) that admits ${next}: the requirement is raised, ` + `but ${d.name} is not released for it`,
          );
          continue;
        }
      }
      if (dependentLevel === 'none') {
        notes.add(`${d.name} depends on ${name} (${dep.section}) but dependentBump is none: ${d.name} is not bumped`);
        continue;
      }
      let s = states.get(d.name);
      if (!s) {
        s = initialState(d, `it depends on ${name}`);
        if (input.options?.group && !inGroup(d.name)) {
          notes.add(`${d.name} is outside group ${input.options.group.name} but depends on ${name} (${dep.section}): released too`);
        }
        const analysis = analyzeCommits(commitsOf.get(d.name) ?? []);
        s.commits = analysis.commits.map(plannedCommit);
        s.causes.add(name);
        if (s.kind === 'bump') s.level = dependentLevel;
        states.set(d.name, s);
        if (changesVersion(s)) queue.push(d.name);
        queue.push(...unify(d.name));
        continue;
      }
      s.causes.add(name);
      if (s.kind === 'bump' && compareLevels(s.level, dependentLevel) < 0) {
        s.level = dependentLevel;
        queue.push(d.name, ...unify(d.name));
      }
    }
  }

  // A package skipped for lack of commits may have been pulled in by a dependency.
  const stillSkipped = skipped.filter((s) => !states.has(s.name));

  // 3. Next versions.
  for (const s of states.values()) {
    const m = s.member;
    if (s.releaseAs !== undefined) {
      s.next = s.releaseAs;
      s.action = 'release';
      continue;
    }
    if (s.kind !== 'bump') {
      s.next = s.base;
      s.action = s.kind;
      if (opts.prerelease && !isPrereleaseVersion(parseVersion(s.base))) {
        notes.add(
          `${m.name} is released as ${s.base} (${s.kind === 'first-release' ? 'first release' : `as set in ${versionFileOf(m)}`}): the pre-release request does not apply to it`,
        );
      }
      const parts = parseVersion(s.base);
      if (parts.local) {
        throw new ReleasePlanError(
          `package ${m.name}: version ${s.base} has a local label (+${parts.local}); package indexes reject local versions: remove it from ${versionFileOf(m)}`,
        );
      }
      continue;
    }
    try {
      const result = nextVersion(s.base, { level: s.level, prerelease: opts.prerelease }, m.name);
      s.next = result.version;
      s.action = result.action;
    } catch (e) {
      if (e instanceof VersionError) throw new ReleasePlanError(`package ${m.name}: ${e.message}`);
      throw e;
    }
  }

  // A fixed group shares one version: the highest next version of any of its members.
  const groupsDone = new Set<string>();
  for (const name of states.keys()) {
    const g = fixedGroupOf.get(name);
    if (!g || groupsDone.has(g.name)) continue;
    groupsDone.add(g.name);
    const inGroupStates = g.members.map((n) => states.get(n)!).filter(Boolean);
    const next = inGroupStates.map((s) => s.next!).reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b));
    for (const s of inGroupStates) {
      if (s.next === next) continue;
      s.next = next;
      if (s.kind !== 'bump') s.action = 'release';
      s.reasons.push(`fixed group ${g.name} releases ${next}`);
    }
  }

  // 4. Requirement strings on released packages, and reasons that name the new versions.
  const requirementUpdates: RequirementUpdate[] = [];
  for (const m of [...members.values()].sort((a, b) => byName(a.name, b.name))) {
    for (const dep of m.dependencies) {
      const target = states.get(normalizeName(dep.target));
      if (!target || target.member.name === m.name) continue;
      if (dep.locked) continue; // computed by a metadata hook (from uv.lock): no string in the file
      const req = dep.requirement;
      const to = changesVersion(target)
        ? updateRequirementSpecifier(req, target.next!)
        : requirementAdmits(req, target.next!)
          ? undefined
          : updateRequirementSpecifier(req, target.next!);
      if (to !== undefined) {
        requirementUpdates.push({
          member: m.name,
          ...(m.pyprojectPath ? { pyprojectPath: m.pyprojectPath } : {}),
          section: dep.section,
          kind: dep.kind,
          dependency: target.member.name,
          from: req.raw,
          to,
        });
      }
    }
  }

  const packages: PlannedPackage[] = [...states.values()]
    .sort((a, b) => byName(a.member.name, b.member.name))
    .map((s) => {
      const deps = new Map<string, { name: string; from: string | null; to: string }>();
      for (const dep of s.member.dependencies) {
        const t = states.get(normalizeName(dep.target));
        if (!t || !changesVersion(t) || t === s) continue;
        if (!PUBLISHED_KINDS.has(dep.kind)) continue;
        deps.set(t.member.name, { name: t.member.name, from: lastRelease.get(t.member.name) ?? null, to: t.next! });
      }
      const reasons = [...s.reasons];
      for (const cause of [...s.causes].sort()) {
        const d = deps.get(cause);
        if (d) reasons.push(`dependency ${cause} ${d.from ?? '(new)'} → ${d.to}`);
      }
      return {
        name: s.member.name,
        current: formatVersion(parseVersion(s.member.version!)),
        next: s.next!,
        lastRelease: lastRelease.get(s.member.name) ?? null,
        bump: s.level,
        action: s.action!,
        prerelease: isPrereleaseVersion(parseVersion(s.next!)),
        reasons,
        commits: s.commits,
        dependencyUpdates: [...deps.values()].sort((a, b) => byName(a.name, b.name)),
      };
    });

  if (unconventional.size > 0) {
    const all = [...unconventional.values()];
    const shown = all.slice(0, UNCONVENTIONAL_SHOWN).map((c) => `${short(c.hash)} "${c.subject}"`);
    const more = all.length - shown.length;
    const what = all.length === 1 ? '1 commit is not a Conventional Commit and changes' : `${all.length} commits are not Conventional Commits and change`;
    notes.add(`${what} no version: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`);
  }

  return {
    packages,
    requirementUpdates,
    skipped: stillSkipped,
    notes: [...notes],
    options: {
      bumpType: opts.bumpType,
      prerelease: opts.prerelease ? `${opts.prerelease.phase}${opts.prerelease.minNumber !== undefined ? `.${opts.prerelease.minNumber}` : ''}` : null,
      force: opts.force,
      group: input.options?.group?.name ?? null,
      dependentBump: opts.dependentBump,
      zeroMajorPolicy: opts.zeroMajorPolicy,
    },
  };
}
