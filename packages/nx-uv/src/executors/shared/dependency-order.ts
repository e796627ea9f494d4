/**
 * Runs the tasks of a graph in dependency order, at most `limit` at a time, and yields each outcome as
 * soon as it is known: a task starts once every dependency of it succeeded; a task with a dependency
 * that failed (or was itself blocked) never runs and is reported `blocked`, naming that dependency and
 * the task whose failure is the root cause. Dependencies outside the graph are ignored (the caller
 * passes only those that still matter). No I/O of its own.
 */

export type DependencyOrderOutcome =
  | { id: string; kind: 'ran'; ok: boolean; error?: unknown }
  | {
      id: string;
      kind: 'blocked';
      /** The direct dependency that failed or was blocked. */
      dependency: string;
      /** The task that actually failed (the dependency itself when it ran and failed). */
      failed: string;
    }
  | { id: string; kind: 'cycle'; waitingFor: string[] };

/**
 * @param dependencies every task id → the ids it depends on (ids that are not keys are ignored)
 * @param run runs one task; resolves `true` on success; a rejection counts as a failure (`error`)
 */
export async function* runInDependencyOrder(
  dependencies: Record<string, readonly string[]>,
  limit: number,
  run: (id: string) => Promise<boolean>,
): AsyncGenerator<DependencyOrderOutcome> {
  const ids = Object.keys(dependencies);
  const deps = new Map(ids.map((id) => [id, [...new Set(dependencies[id])].filter((d) => d in dependencies && d !== id)]));
  const state = new Map<string, 'pending' | 'running' | 'ok' | 'failed' | 'blocked'>(ids.map((id) => [id, 'pending']));
  const rootCause = new Map<string, string>();
  const max = Math.max(1, Math.floor(limit) || 1);
  const ready: DependencyOrderOutcome[] = [];
  let running = 0;
  let wake: (() => void) | undefined;

  const start = (id: string) => {
    state.set(id, 'running');
    running++;
    Promise.resolve()
      .then(() => run(id))
      .then(
        (ok) => ({ ok: ok === true, error: undefined as unknown }),
        (error: unknown) => ({ ok: false, error }),
      )
      .then(({ ok, error }) => {
        running--;
        state.set(id, ok ? 'ok' : 'failed');
        if (!ok) rootCause.set(id, id);
        ready.push(error === undefined ? { id, kind: 'ran', ok } : { id, kind: 'ran', ok, error });
        const w = wake;
        wake = undefined;
        w?.();
      });
  };

  /** Marks blocked tasks and starts runnable ones, in the given order, until nothing changes. */
  const advance = () => {
    for (let changed = true; changed;) {
      changed = false;
      for (const id of ids) {
        if (state.get(id) !== 'pending') continue;
        const own = deps.get(id)!;
        const bad = own.find((d) => state.get(d) === 'failed' || state.get(d) === 'blocked');
        if (bad !== undefined) {
          state.set(id, 'blocked');
          rootCause.set(id, rootCause.get(bad)!);
          ready.push({ id, kind: 'blocked', dependency: bad, failed: rootCause.get(bad)! });
          changed = true;
        } else if (running < max && own.every((d) => state.get(d) === 'ok')) {
          start(id);
        }
      }
    }
  };

  let reported = 0;
  while (reported < ids.length) {
    advance();
    if (ready.length === 0) {
      if (running > 0) {
        await new Promise<void>((resolve) => (wake = resolve));
      } else {
        // Nothing runs and nothing can start: the rest wait on each other.
        for (const id of ids) {
          if (state.get(id) !== 'pending') continue;
          state.set(id, 'blocked');
          rootCause.set(id, id);
          ready.push({ id, kind: 'cycle', waitingFor: deps.get(id)!.filter((d) => state.get(d) !== 'ok') });
        }
      }
    }
    while (ready.length > 0) {
      reported++;
      yield ready.shift()!;
    }
  }
}
