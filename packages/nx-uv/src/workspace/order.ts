/**
 * Orders over the internal dependency graph: topological (dependencies first) and direct dependents.
 */
import { normalizeName } from './normalize-name';
import { DependencyKind, Member, UvWorkspace, UvWorkspaceError } from './types';

/** The kinds that end up in published metadata (`Requires-Dist`): the default for ordering. */
export const PUBLISHED_DEPENDENCY_KINDS: readonly DependencyKind[] = ['runtime', 'optional'];
export const ALL_DEPENDENCY_KINDS: readonly DependencyKind[] = ['runtime', 'optional', 'group', 'dev'];

/** Distinct member targets of `member` over `kinds`, in first-seen order. */
function targetsOf(member: Member, kinds: ReadonlySet<DependencyKind>): string[] {
  const targets: string[] = [];
  for (const dependency of member.dependencies) {
    if (kinds.has(dependency.kind) && !targets.includes(dependency.target)) targets.push(dependency.target);
  }
  return targets;
}

function describeCycle(ws: UvWorkspace, cycle: string[], kinds: ReadonlySet<DependencyKind>): string {
  const byName = new Map(ws.members.map((member) => [member.name, member]));
  const links = cycle.slice(0, -1).map((name, i) => {
    const next = cycle[i + 1];
    const member = byName.get(name)!;
    const dependency = member.dependencies.find((d) => d.target === next && kinds.has(d.kind))!;
    return `${name} → ${next} (${dependency.section} in ${member.pyprojectPath})`;
  });
  return links.join(', ');
}

/**
 * Members with every dependency before its dependents (ties broken by name). `kinds` selects the
 * edges (default: runtime and optional, what publishing depends on). Throws naming the cycle.
 */
export function topologicalOrder(ws: UvWorkspace, kinds: readonly DependencyKind[] = PUBLISHED_DEPENDENCY_KINDS): Member[] {
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
    for (let i = heap.length - 1; i > 0; ) {
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
      for (let i = 0; ; ) {
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
      const cycle = [...path.slice(seenAt), next];
      throw new UvWorkspaceError(
        `Dependency cycle between workspace members (${kinds.join(', ')} dependencies): ${cycle.join(' → ')}: ` +
          `${describeCycle(ws, cycle, kindSet)}. nx-uv needs an order to version and publish them: break the cycle ` +
          '(e.g. move one of these requirements to a dependency group).',
      );
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
