/**
 * The version in a hatch version file (`[tool.hatch.version] path = "…"`): a Python line such as
 * `__version__ = "1.2.3"` or `VERSION = 'v1.2.3'`. Python, not TOML: found with hatchling's own default
 * pattern (or the project's `pattern`), and only the bytes of the version are replaced, as hatch does.
 */
import { TomlEditError } from './errors';

/** hatchling's default: `(?i)^(__version__|VERSION) *= *(['"])v?(?P<version>.+?)\2`, multi-line. */
export const HATCH_DEFAULT_VERSION_PATTERN = String.raw`(?i)^(__version__|VERSION) *= *(['"])v?(?P<version>.+?)\2`;

const SAFE_VERSION = /^[A-Za-z0-9][A-Za-z0-9.+!_-]*$/;

/** Turns a Python `re` pattern (as hatch takes it) into a JS RegExp with the multi-line flag. */
export function pythonPatternToRegExp(pattern: string, file: string): RegExp {
  let source = pattern;
  const flags = new Set(['m', 'd']);
  const inline = /^\(\?([aiLmsux]+)\)/.exec(source);
  if (inline) {
    for (const f of inline[1]) {
      if (f === 'i' || f === 's') flags.add(f);
      else if (f === 'm' || f === 'u' || f === 'a' || f === 'L') continue;
      else throw new TomlEditError(`${file}: the version pattern uses the (?${f}) flag, which nx-uv cannot read`, file);
    }
    source = source.slice(inline[0].length);
  }
  source = source.replace(/\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/g, '(?<$1>').replace(/\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/g, '\\k<$1>');
  try {
    return new RegExp(source, [...flags].join(''));
  } catch (err) {
    throw new TomlEditError(`${file}: the version pattern ${JSON.stringify(pattern)} is not a valid regular expression: ${(err as Error).message}`, file);
  }
}

function findVersion(text: string, file: string, pattern?: string): { version: string; start: number; end: number } {
  const re = pythonPatternToRegExp(pattern ?? HATCH_DEFAULT_VERSION_PATTERN, file);
  const match = re.exec(text);
  if (!match) {
    throw new TomlEditError(
      `${file}: no version assignment found (looked for ${pattern ? `the pattern ${JSON.stringify(pattern)}` : '`__version__ = "…"` or `VERSION = "…"` at the start of a line'}); ` +
        'add one or point [tool.hatch.version] path at the file that has it',
      file,
    );
  }
  const span = match.indices?.groups?.version;
  if (!span || match.groups?.version === undefined) {
    throw new TomlEditError(`${file}: the version pattern has no group named \`version\``, file);
  }
  return { version: match.groups.version, start: span[0], end: span[1] };
}

/** The version that hatch would read from this file. */
export function readPythonVersionAssignment(text: string, file: string, pattern?: string): string {
  return findVersion(text, file, pattern).version;
}

/**
 * Replaces the version in the first `__version__ = "…"` / `VERSION = '…'` line (hatch's rule), keeping
 * the quote style, a `v` prefix and every other byte. Throws naming the file when there is none.
 */
export function setPythonVersionAssignment(text: string, newVersion: string, file: string, pattern?: string): string {
  if (!SAFE_VERSION.test(newVersion)) {
    throw new TomlEditError(`${file}: refusing to write ${JSON.stringify(newVersion)} as a version: not a PEP 440 version`, file);
  }
  const { start, end } = findVersion(text, file, pattern);
  return text.slice(0, start) + newVersion + text.slice(end);
}
