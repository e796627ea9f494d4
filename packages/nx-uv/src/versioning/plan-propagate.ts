/** Phase 3 of the release plan (plan.ts): what the own releases pull in — dependents and fixed groups. */
import type { InternalDependency } from '../workspace/types';
import { normalizeName } from '../workspace/normalize-name';
import { analyzeCommits } from './commits';
import { compareLevels, maxLevel, nextVersion } from './next-version';
import { changesVersion, PlanContext, plannedCommit, PUBLISHED_KINDS, ResolvedOptions, startState, State } from './plan-state';
import type { PlanMember } from './plan-types';
import { requirementAdmits } from './requirement-update';

interface Dependent {
  member: PlanMember;
  dep: InternalDependency;
}

/**
 * The released members once every member that requires a released one at runtime is bumped by
 * `dependentBump` (transitively) and every fixed group is released whole at its highest level, to a
 * fixed point (levels only rise, so it ends). Returns new states; `own` is left as it is.
 */
export function propagateReleases(ctx: PlanContext, own: ReadonlyMap<string, State>): { states: Map<string, State>; notes: string[] } {
  const states = new Map([...own].map(([n, s]) => [n, { ...s, reasons: [...s.reasons], causes: new Set(s.causes) }]));
  const notes: string[] = [];
  const dependents = dependentsByTarget(ctx.members);
  for (const name of [...states.keys()]) joinFixedGroup(ctx, states, name, notes);
  const queue = [...states.values()].filter(changesVersion).map((s) => s.member.name);
  while (queue.length > 0) {
    const name = queue.shift()!;
    for (const d of dependents.get(name) ?? []) queue.push(...releaseDependent(ctx, states, name, d, notes));
  }
  return { states, notes };
}

/** Every member's internal dependencies, indexed by the normalised name of the member they name. */
function dependentsByTarget(members: ReadonlyMap<string, PlanMember>): Map<string, Dependent[]> {
  const dependents = new Map<string, Dependent[]>();
  for (const m of members.values()) {
    for (const dep of m.dependencies) {
      const target = normalizeName(dep.target);
      const list = dependents.get(target) ?? [];
      list.push({ member: m, dep });
      dependents.set(target, list);
    }
  }
  return dependents;
}

/**
 * Releases (or raises the level of) the dependent `d` of the released `name` in `states`; returns the
 * names whose level rose, to visit again. Notes why a dependent is not released.
 */
function releaseDependent(ctx: PlanContext, states: Map<string, State>, name: string, { member: d, dep }: Dependent, notes: string[]): string[] {
  if (!PUBLISHED_KINDS.has(dep.kind) || !d.isPackage || d.name === '' || d.name === name || ctx.excluded.has(d.name)) return [];
  // An extra is not what the package needs to work: it forces a release only when it no longer
  // admits the new version (its requirement string is raised either way, see requirementUpdates).
  if (dep.kind === 'optional' && !states.has(d.name)) {
    const next = prospectiveNext(ctx.opts, states.get(name)!);
    if (next !== undefined && requirementAdmits(dep.requirement, next)) {
      notes.push(`${d.name} names ${name} in an extra (${dep.section}) that admits ${next}: the requirement is raised, but ${d.name} is not released for it`);
      return [];
    }
  }
  const level = ctx.opts.dependentBump;
  if (level === 'none') {
    notes.push(`${d.name} depends on ${name} (${dep.section}) but dependentBump is none: ${d.name} is not bumped`);
    return [];
  }
  const s = states.get(d.name);
  if (s) {
    s.causes.add(name);
    if (s.kind !== 'bump' || compareLevels(s.level, level) >= 0) return [];
    s.level = level;
    return [d.name, ...joinFixedGroup(ctx, states, d.name, notes)];
  }
  const start = startState(ctx, d, `it depends on ${name}`);
  if (start.note !== undefined) notes.push(start.note);
  if (ctx.group && !ctx.group.members.has(d.name)) {
    notes.push(`${d.name} is outside group ${ctx.group.name} but depends on ${name} (${dep.section}): released too`);
  }
  const state: State = { ...start.state, commits: analyzeCommits(ctx.commitsOf.get(d.name) ?? []).commits.map(plannedCommit) };
  state.causes.add(name);
  if (state.kind === 'bump') state.level = level;
  states.set(d.name, state);
  return [...(changesVersion(state) ? [d.name] : []), ...joinFixedGroup(ctx, states, d.name, notes)];
}

/** Brings the whole fixed group of `name` into `states` at its highest level; returns the members whose state changed. */
function joinFixedGroup(ctx: PlanContext, states: Map<string, State>, name: string, notes: string[]): string[] {
  const g = ctx.fixedGroupOf.get(name);
  if (!g) return [];
  const released = g.members.filter((n) => states.has(n));
  if (released.length === 0) return [];
  const level = maxLevel(...released.map((n) => states.get(n)!.level));
  const changed: string[] = [];
  for (const n of g.members) {
    const s = states.get(n);
    if (!s) {
      const start = startState(ctx, ctx.members.get(n)!, `it is in fixed group ${g.name}`);
      if (start.note !== undefined) notes.push(start.note);
      const state: State = { ...start.state, commits: analyzeCommits(ctx.commitsOf.get(n) ?? []).commits.map(plannedCommit) };
      state.reasons.push(`released with fixed group ${g.name}`);
      if (state.kind === 'bump') state.level = level;
      states.set(n, state);
      changed.push(n);
    } else if (s.kind === 'bump' && compareLevels(s.level, level) < 0) {
      s.level = level;
      changed.push(n);
    }
  }
  return changed;
}

/** The version `state` would get with its level so far (levels only rise; a rise re-queues it). */
function prospectiveNext(opts: ResolvedOptions, state: State): string | undefined {
  if (state.kind !== 'bump') return state.base;
  try {
    return nextVersion(state.base, { level: state.level, prerelease: opts.prerelease }, state.member.name).version;
  } catch {
    return undefined; // reported by nextVersions
  }
}
