import { runInDependencyOrder, type DependencyOrderOutcome } from './dependency-order';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function drive(
  deps: Record<string, string[]>,
  limit: number,
  behaviour: Record<string, { ms: number; ok?: boolean; throws?: boolean }>,
): Promise<{ outcomes: DependencyOrderOutcome[]; maxRunning: number; started: string[]; events: string[] }> {
  let running = 0;
  let maxRunning = 0;
  const started: string[] = [];
  const events: string[] = [];
  const outcomes: DependencyOrderOutcome[] = [];
  const gen = runInDependencyOrder(deps, limit, async (id) => {
    started.push(id);
    events.push(`+${id}`);
    running++;
    maxRunning = Math.max(maxRunning, running);
    await tick(behaviour[id]?.ms ?? 1);
    running--;
    events.push(`-${id}`);
    if (behaviour[id]?.throws) throw new Error(`boom ${id}`);
    return behaviour[id]?.ok ?? true;
  });
  for await (const o of gen) outcomes.push(o);
  return { outcomes, maxRunning, started, events };
}

describe('runInDependencyOrder', () => {
  it('never runs more than the limit, starts a task only after its dependencies, yields as tasks finish', async () => {
    const deps = { a: [], b: [], c: [], d: [], e: ['a'], f: ['e', 'outside'] };
    const { outcomes, maxRunning, events } = await drive(deps, 2, { a: { ms: 30 }, b: { ms: 5 }, c: { ms: 5 }, d: { ms: 5 } });
    expect(maxRunning).toBe(2);
    expect(events.indexOf('+e')).toBeGreaterThan(events.indexOf('-a'));
    expect(events.indexOf('+f')).toBeGreaterThan(events.indexOf('-e'));
    const order = outcomes.map((o) => o.id);
    expect(order.indexOf('b')).toBeLessThan(order.indexOf('a')); // b finished first, reported first
    expect(order.indexOf('a')).toBeLessThan(order.indexOf('e'));
    expect(order.indexOf('e')).toBeLessThan(order.indexOf('f')); // 'outside' is not in the graph: ignored
    expect(outcomes.every((o) => o.kind === 'ran' && o.ok)).toBe(true);
    expect(outcomes).toHaveLength(6);
  });

  it('a failure blocks its dependents, transitively, naming the dependency and the root cause; a rejection is a failure', async () => {
    const deps = { a: [], b: ['a'], c: ['b'], d: [], e: ['d'] };
    const { outcomes, started } = await drive(deps, 4, { a: { ms: 1, ok: false }, d: { ms: 1, throws: true } });
    expect(started.sort()).toEqual(['a', 'd']);
    const byId = Object.fromEntries(outcomes.map((o) => [o.id, o]));
    expect(byId.a).toEqual({ id: 'a', kind: 'ran', ok: false });
    expect(byId.d).toMatchObject({ id: 'd', kind: 'ran', ok: false, error: expect.objectContaining({ message: 'boom d' }) });
    expect(byId.b).toEqual({ id: 'b', kind: 'blocked', dependency: 'a', failed: 'a' });
    expect(byId.c).toEqual({ id: 'c', kind: 'blocked', dependency: 'b', failed: 'a' });
    expect(byId.e).toEqual({ id: 'e', kind: 'blocked', dependency: 'd', failed: 'd' });
  });

  it('a cycle ends instead of hanging', async () => {
    const { outcomes, started } = await drive({ a: ['b'], b: ['a'], c: [] }, 2, {});
    expect(started).toEqual(['c']);
    expect(
      outcomes
        .filter((o) => o.kind === 'cycle')
        .map((o) => o.id)
        .sort(),
    ).toEqual(['a', 'b']);
  });
});
