/**
 * String order by UTF-16 code units (as `<` compares), the same in every locale. `sortByKey` sorts
 * the keys natively instead of calling a JavaScript comparator, which is cheaper on long lists.
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
