/** PEP 503 / PEP 508 distribution names: each check is one anchored, linear regular expression. */

const SEPARATOR_RUNS = /[-_.]+/g;
/** Already in PEP 503 normal form: lower-case alphanumeric runs joined by single `-`. */
const NORMAL = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** A valid PEP 508 name: alphanumeric at both ends, `-`, `_`, `.` only inside. */
const VALID = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/** PEP 503 normalised form: runs of `-`, `_`, `.` become one `-`, lower case (`Pkg_A` → `pkg-a`). */
export function normalizeName(name: string): string {
  return name === '' || NORMAL.test(name) ? name : name.replace(SEPARATOR_RUNS, '-').toLowerCase();
}

/** True when `name` is a valid PEP 508 distribution name (also used for extras and group names). */
export function isValidName(name: string): boolean {
  return VALID.test(name);
}
