/**
 * Emitting a TOML string token for a value in a given quote style. A literal string that cannot hold
 * the value (it has a `'` or a control character) becomes a basic string: the one place the style changes.
 */

export type TomlStringStyle = 'basic' | 'literal';

const LITERAL_FORBIDDEN = /['\u0000-\u0008\u000a-\u001f\u007f]/;
const MULTILINE_LITERAL_FORBIDDEN = /'''|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|\r(?!\n)/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Escapes a value for the inside of a TOML basic string (`"…"`); valid in `"""…"""` too. */
export function escapeBasic(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\t';
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}

/** Can `value` be written as a single-line literal string `'…'`? */
export function fitsLiteral(value: string): boolean {
  return !LITERAL_FORBIDDEN.test(value);
}

/**
 * The TOML token for `value`, in `style` (and multi-line form when `multiline`) when it can hold it,
 * else as a basic string of the same line-ness.
 */
export function formatTomlString(value: string, style: TomlStringStyle, multiline = false): string {
  if (LONE_SURROGATE.test(value)) {
    throw new Error(`cannot write a string with an unpaired UTF-16 surrogate to TOML: ${JSON.stringify(value)}`);
  }
  if (style === 'literal') {
    if (!multiline && fitsLiteral(value)) return `'${value}'`;
    if (multiline && !MULTILINE_LITERAL_FORBIDDEN.test(value) && !value.endsWith("'")) {
      // A newline right after the opening delimiter is trimmed by TOML: double it to keep it.
      const lead = value.startsWith('\n') || value.startsWith('\r\n') ? '\n' : '';
      return `'''${lead}${value}'''`;
    }
  }
  return multiline ? `"""${escapeBasic(value)}"""` : `"${escapeBasic(value)}"`;
}
