/**
 * Orders over the internal dependency graph: topological (dependencies first) and direct dependents.
 */
import { normalizeName } from './normalize-name';
import { DependencyKind, InternalDependency, Member, UvWorkspace, UvWorkspaceError } from './types';

/** Members that require each other (through the kinds that order releases), with the links. */
export class DependencyCycleError extends UvWorkspaceError {
  constructor(
    message: string,
    readonly links: readonly CycleLink[],
  ) {
    super(message, links[0]?.from.pyprojectPath);
    this.name = 'DependencyCycleError';
  }
}

/** The kinds that end up in published metadata (`Requires-Dist`). */
export const PUBLISHED_DEPENDENCY_KINDS: readonly DependencyKind[] = ['runtime', 'optional'];
/**
 * The kinds that order release tasks (the default for ordering): only what a package requires to be
 * installed at all. An extra may list a plugin that itself requires the package (a plugin ecosystem);
 * that is no order, and ordering by it would make every such workspace a cycle.
 */
export const RELEASE_ORDER_KINDS: readonly DependencyKind[] = ['runtime'];
export const ALL_DEPENDENCY_KINDS: readonly DependencyKind[] = ['runtime', 'optional', 'group', 'dev'];

/** Distinct member targets of `member` over `kinds`, in first-seen order. */
function targetsOf(member: Member, kinds: ReadonlySet<DependencyKind>): string[] {
  const targets: string[] = [];
  for (const dependency of member.dependencies) {
    if (kinds.has(dependency.kind) && !targets.includes(dependency.target)) targets.push(dependency.target);
  }
  return targets;
}

/** One requirement of a dependency cycle: `from` requires `to` through `dependency`. */
export interface CycleLink {
  from: Member;
  to: string;
  dependency: InternalDependency;
}

function cycleLinks(ws: UvWorkspace, cycle: string[], kinds: ReadonlySet<DependencyKind>): CycleLink[] {
  const byName = new Map(ws.members.map((member) => [member.name, member]));
  return cycle.slice(0, -1).map((name, i) => {
    const to = cycle[i + 1];
    const from = byName.get(name)!;
    return { from, to, dependency: from.dependencies.find((d) => d.target === to && kinds.has(d.kind))! };
  });
}

/**
 * The message for a cycle; `where(link)` names the spot of each requirement (default: its section
 * and file; the pre-tasks check adds the line).
 */
export function describeCycle(
  links: readonly CycleLink[],
  kinds: readonly DependencyKind[],
  where: (link: CycleLink) => string = (l) => `${l.dependency.section} in ${l.from.pyprojectPath}`,
): string {
  const names = [...links.map((l) => l.from.name), links[0].from.name];
  return (
    `Dependency cycle between workspace members (${kinds.join(', ')} dependencies): ${names.join(' → ')}: ` +
    `${links.map((l) => `${l.from.name} requires "${l.dependency.requirement.raw}" (${where(l)})`).join('; ')}. ` +
    'Each must be versioned and published before the other, so nx-uv has no order to release them in. ' +
    'Break the cycle: move one of these requirements into an extra ([project.optional-dependencies]) or a ' +
    'dependency group, or merge the packages.'
  );
}

/**
 * Members with every dependency before its dependents (ties broken by name). `kinds` selects the
 * edges (default: runtime and optional, what publishing depends on). Throws naming the cycle.
 */
export function topologicalOrder(ws: UvWorkspace, kinds: readonly DependencyKind[] = RELEASE_ORDER_KINDS): Member[] {
  const kindSet = new Set(kinds);
  const members = ws.members; // sorted by name: index order = name order
  const index = new Map(members.map((member, i) => [member.name, i]));
  const dependents: number[][] = members.map(() => []);
  const pending = new Int32Array(members.length);
  members.forEach((member, i) => {
    for (const target of targetsOf(member, kindSet)) {
      const t = index.get(target);
      if (t === undefined) continue;
      pending[i]++;
      dependents[t].push(i);
    }
  });

  // Min-heap of ready indices.
  const heap: number[] = [];
  const push = (value: number): void => {
    heap.push(value);
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (heap[parent] <= heap[i]) break;
      [heap[parent], heap[i]] = [heap[i], heap[parent]];
      i = parent;
    }
  };
  const pop = (): number => {
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let smallest = i;
        if (l < heap.length && heap[l] < heap[smallest]) smallest = l;
        if (r < heap.length && heap[r] < heap[smallest]) smallest = r;
        if (smallest === i) break;
        [heap[smallest], heap[i]] = [heap[i], heap[smallest]];
        i = smallest;
      }
    }
    return top;
  };

  pending.forEach((count, i) => count === 0 && push(i));
  const ordered: Member[] = [];
  while (heap.length > 0) {
    const i = pop();
    ordered.push(members[i]);
    for (const d of dependents[i]) if (--pending[d] === 0) push(d);
  }
  if (ordered.length === members.length) return ordered;

  // A cycle remains among the members with pending > 0: walk unresolved edges until a name repeats.
  const stuck = new Set(members.filter((_, i) => pending[i] > 0).map((member) => member.name));
  const start = members.find((member) => stuck.has(member.name))!;
  const path: string[] = [start.name];
  for (;;) {
    const current = members[index.get(path[path.length - 1])!];
    const next = targetsOf(current, kindSet).find((target) => stuck.has(target))!;
    const seenAt = path.indexOf(next);
    if (seenAt >= 0) {
      const links = cycleLinks(ws, [...path.slice(seenAt), next], kindSet);
      throw new DependencyCycleError(describeCycle(links, kinds), links);
    }
    path.push(next);
  }
}

/** Members that depend directly on `name` (any spelling) through `kinds` (default: runtime, optional), sorted by name. */
export function dependentsOf(ws: UvWorkspace, name: string, kinds: readonly DependencyKind[] = PUBLISHED_DEPENDENCY_KINDS): Member[] {
  const target = normalizeName(name);
  if (!ws.members.some((member) => member.name === target)) {
    throw new UvWorkspaceError(
      `\`${name}\` is not a member of the uv workspace at ${ws.absRoot} (members: ${ws.members.map((m) => m.name).join(', ') || 'none'}).`,
    );
  }
  const kindSet = new Set(kinds);
  return ws.members.filter((member) => member.dependencies.some((d) => d.target === target && kindSet.has(d.kind)));
}
