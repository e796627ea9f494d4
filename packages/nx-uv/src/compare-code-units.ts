/** The one string order nx-uv sorts by where output must not depend on the locale. */

/** Orders `a` and `b` by UTF-16 code units, as `<` and a plain `.sort()` do (not `localeCompare`). */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
