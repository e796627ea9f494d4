/**
 * PEP 503 / PEP 508 distribution names. Both checks scan the characters once (no regular
 * expressions, no caches): they run for every name of a 1,000-member workspace.
 */

const SEPARATOR_RUNS = /[-_.]+/g;

function isLowerAlphanumeric(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
}

/** True when `name` is already in PEP 503 normal form (lower case, single `-` separators). */
function isNormal(name: string): boolean {
  if (name.length === 0) return true;
  if (name.charCodeAt(0) === 45 || name.charCodeAt(name.length - 1) === 45) return false;
  let previousDash = false;
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code === 45) {
      if (previousDash) return false;
      previousDash = true;
    } else if (isLowerAlphanumeric(code)) {
      previousDash = false;
    } else {
      return false;
    }
  }
  return true;
}

/** PEP 503 normalised form: runs of `-`, `_`, `.` become one `-`, lower case (`Pkg_A` → `pkg-a`). */
export function normalizeName(name: string): string {
  return isNormal(name) ? name : name.replace(SEPARATOR_RUNS, '-').toLowerCase();
}

/** True when `name` is a valid PEP 508 distribution name (also used for extras and group names). */
export function isValidName(name: string): boolean {
  const length = name.length;
  if (length === 0) return false;
  for (let i = 0; i < length; i++) {
    const code = name.charCodeAt(i);
    const alphanumeric = isLowerAlphanumeric(code) || (code >= 65 && code <= 90);
    if (alphanumeric) continue;
    // `-` (45), `.` (46), `_` (95) only inside
    if ((code === 45 || code === 46 || code === 95) && i > 0 && i < length - 1) continue;
    return false;
  }
  return true;
}
