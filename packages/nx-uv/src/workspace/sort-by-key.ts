/**
 * Sorting by a string key with the engine's own string comparison (UTF-16 code units, as `<`
 * compares) instead of a JavaScript comparator. The graph sorts a thousand members, directory
 * entries, projects and edges on every cold run, where a comparator runs thousands of times in the
 * interpreter; a native sort of the keys does not.
 */

/** `items` sorted by `key(item)`; keys are expected to be unique (ties keep their input order). */
export function sortByKey<T>(items: readonly T[], key: (item: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    if (byKey.has(k)) return stableSortWithTies(items, key);
    byKey.set(k, item);
  }
  const keys = [...byKey.keys()].sort();
  const out = new Array<T>(keys.length);
  for (let i = 0; i < keys.length; i++) out[i] = byKey.get(keys[i]) as T;
  return out;
}

function stableSortWithTies<T>(items: readonly T[], key: (item: T) => string): T[] {
  return items
    .map((item) => [key(item), item] as const)
    .sort((a, b) => compareCodeUnits(a[0], b[0]))
    .map(([, item]) => item);
}

/** Orders two strings by UTF-16 code units (as `<` does): the same order in every locale, unlike localeCompare. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
