/**
 * PEP 508 requirement strings: `name [extras] (specifiers | @ url) ; marker`.
 * A hand-written scanner over char codes (linear, no backtracking) that accepts what uv accepts:
 * whitespace anywhere between parts, the parenthesised specifier form, a trailing comma after the
 * last specifier, `name @ url` (a marker after a URL needs a space before `;`). The compact form
 * most requirements are written in (`name[x]>=1,<2`) is first tried with one linear regexp match.
 * Ours: no npm package parses PEP 508 as uv does (@renovatebot/pep440 covers versions and specifiers only).
 */
import { validateMarker } from './marker';
import { isValidName, normalizeName } from './normalize-name';
import { Requirement, UvWorkspaceError } from './types';

const SPACE = 32;
const TAB = 9;
const BANG = 33; // !
const PLUS = 43; // +
const STAR = 42; // *
const COMMA = 44; // ,
const DASH = 45; // -
const DOT = 46; // .
const SEMICOLON = 59; // ;
const LT = 60; // <
const EQ = 61; // =
const GT = 62; // >
const AT = 64; // @
const LBRACKET = 91; // [
const RBRACKET = 93; // ]
const UNDERSCORE = 95; // _
const LPAREN = 40; // (
const RPAREN = 41; // )
const TILDE = 126; // ~

function isSpace(code: number): boolean {
  return code === SPACE || code === TAB;
}
function isAlphanumeric(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}
function isNameCode(code: number): boolean {
  return isAlphanumeric(code) || code === DASH || code === DOT || code === UNDERSCORE;
}
function isVersionCode(code: number): boolean {
  return isNameCode(code) || code === STAR || code === PLUS || code === BANG;
}

/** Leading blanks, then the name characters of a requirement (possibly none). */
const LEADING_NAME = /^[ \t]*([A-Za-z0-9._-]*)/;

/**
 * The distribution name at the start of a requirement string (as written), without parsing the
 * rest; '' when it does not start with one. Cheap enough to run on every requirement of a large
 * workspace before deciding which ones need a full parse.
 */
export function requirementName(raw: string): string {
  return (LEADING_NAME.exec(raw) as RegExpExecArray)[1];
}

/** `normalizeName(requirementName(raw))`. */
export function normalizedRequirementName(raw: string): string {
  return normalizeName(requirementName(raw));
}

function fail(raw: string, pos: number, problem: string): never {
  throw new UvWorkspaceError(
    `Invalid PEP 508 requirement \`${raw}\`: ${problem} (at position ${pos}). ` + 'Write it as `name[extra,...] <specifiers> ; <marker>` or `name @ <url>`.',
  );
}

/** Length of the version operator at `pos` (`===`, `==`, `!=`, `<=`, `>=`, `~=`, `<`, `>`), or 0. */
function operatorLength(raw: string, pos: number): number {
  const c = raw.charCodeAt(pos);
  const next = raw.charCodeAt(pos + 1);
  if (c === EQ) return next === EQ ? (raw.charCodeAt(pos + 2) === EQ ? 3 : 2) : 0;
  if (c === BANG || c === TILDE) return next === EQ ? 2 : 0;
  if (c === LT || c === GT) return next === EQ ? 2 : 1;
  return 0;
}

function skipSpace(raw: string, pos: number): number {
  while (pos < raw.length && isSpace(raw.charCodeAt(pos))) pos++;
  return pos;
}

/** End of the name starting at `pos`; throws when there is none or it is not a valid name. */
function nameEnd(raw: string, pos: number, what: string): number {
  let end = pos;
  while (end < raw.length && isNameCode(raw.charCodeAt(end))) end++;
  if (end === pos) fail(raw, pos, `expected ${what}`);
  const text = raw.slice(pos, end);
  if (!isValidName(text)) {
    fail(raw, pos, `\`${text}\` is not a valid ${what} (letters, digits, \`-\`, \`_\`, \`.\`; must start and end with a letter or digit)`);
  }
  return end;
}

/**
 * The common written form, with no blank, marker or URL: `name`, `name[a,b]`, `name>=1,<2`; each
 * part's class ends where the next begins, so matching is linear.
 */
const COMPACT =
  /^([A-Za-z0-9._-]+)(?:\[([A-Za-z0-9._,-]+)\])?((?:===|==|!=|<=|>=|~=|<|>)[A-Za-z0-9.*+!_-]+(?:,(?:===|==|!=|<=|>=|~=|<|>)[A-Za-z0-9.*+!_-]+)*)?$/;

/**
 * The compact form by one regular expression, because that is much faster than the scanner below
 * on the thousands of requirements of a large workspace.
 */
function parseCompact(raw: string): Requirement | undefined {
  const match = COMPACT.exec(raw);
  if (match === null || !isValidName(match[1])) return undefined;
  const extras = match[2] === undefined ? [] : match[2].split(',');
  for (const extra of extras) if (!isValidName(extra)) return undefined;
  return { raw, name: match[1], normalizedName: normalizeName(match[1]), extras, specifier: match[3] ?? '' };
}

/** Parses one PEP 508 requirement string; throws UvWorkspaceError on bad input. */
export function parseRequirement(raw: string): Requirement {
  return parseCompact(raw) ?? parseWritten(raw);
}

/** The full scanner: blanks anywhere between parts, parentheses, trailing comma, URL, marker. */
function parseWritten(raw: string): Requirement {
  const length = raw.length;
  let pos = skipSpace(raw, 0);
  if (pos >= length) fail(raw, pos, 'empty requirement');
  const nameStart = pos;
  pos = nameEnd(raw, pos, 'distribution name');
  const distribution = raw.slice(nameStart, pos);
  pos = skipSpace(raw, pos);

  const extras: string[] = [];
  if (raw.charCodeAt(pos) === LBRACKET) {
    pos = skipSpace(raw, pos + 1);
    if (raw.charCodeAt(pos) === RBRACKET) {
      pos++;
    } else {
      for (;;) {
        const start = pos;
        pos = nameEnd(raw, pos, 'extra name');
        extras.push(raw.slice(start, pos));
        pos = skipSpace(raw, pos);
        const c = raw.charCodeAt(pos);
        if (c === RBRACKET) {
          pos++;
          break;
        }
        if (c !== COMMA) fail(raw, pos, "expected ',' or ']' in the extras");
        pos = skipSpace(raw, pos + 1);
      }
    }
    pos = skipSpace(raw, pos);
  }

  let specifier = '';
  let url: string | undefined;
  const first = raw.charCodeAt(pos);
  if (first === AT) {
    pos = skipSpace(raw, pos + 1);
    const start = pos;
    while (pos < length && !isSpace(raw.charCodeAt(pos))) pos++;
    url = raw.slice(start, pos);
    if (url === '') fail(raw, pos, 'expected a URL after `@`');
    pos = skipSpace(raw, pos);
  } else if (pos < length && first !== SEMICOLON) {
    const parenthesised = first === LPAREN;
    if (parenthesised) pos++;
    const clauses: string[] = [];
    for (;;) {
      pos = skipSpace(raw, pos);
      if (clauses.length > 0) {
        // a trailing comma is accepted, as uv does
        const c = raw.charCodeAt(pos);
        if (pos >= length || c === SEMICOLON || (parenthesised && c === RPAREN)) break;
      }
      const opLength = operatorLength(raw, pos);
      if (opLength === 0) fail(raw, pos, 'expected a version operator (==, !=, <=, >=, <, >, ~=, ===)');
      const op = raw.slice(pos, pos + opLength);
      pos = skipSpace(raw, pos + opLength);
      const start = pos;
      while (pos < length && isVersionCode(raw.charCodeAt(pos))) pos++;
      if (pos === start) fail(raw, pos, `expected a version after \`${op}\``);
      clauses.push(op + raw.slice(start, pos));
      pos = skipSpace(raw, pos);
      if (raw.charCodeAt(pos) !== COMMA) break;
      pos++;
    }
    if (parenthesised) {
      if (raw.charCodeAt(pos) !== RPAREN) fail(raw, pos, "expected ')' after the version specifiers");
      pos = skipSpace(raw, pos + 1);
    }
    specifier = clauses.length === 1 ? clauses[0] : clauses.join(',');
  }

  let marker: string | undefined;
  if (raw.charCodeAt(pos) === SEMICOLON) {
    marker = raw.slice(pos + 1).trim();
    try {
      validateMarker(marker);
    } catch (error) {
      fail(raw, pos + 1, `bad environment marker: ${(error as Error).message}`);
    }
    pos = length;
  }
  if (pos < length) fail(raw, pos, `unexpected \`${raw.slice(pos)}\``);

  const requirement: Requirement = { raw, name: distribution, normalizedName: normalizeName(distribution), extras, specifier };
  if (url !== undefined) requirement.url = url;
  if (marker !== undefined) requirement.marker = marker;
  return requirement;
}

/** Canonical PEP 508 text: `name[a,b]>=1,<2; marker`, or `name[a] @ url ; marker` for URLs. */
export function formatRequirement(req: Requirement): string {
  if (req.url !== undefined && req.specifier !== '') {
    throw new UvWorkspaceError(`Requirement \`${req.name}\` has both a URL and version specifiers; PEP 508 allows only one of them.`);
  }
  let text = req.name;
  if (req.extras.length > 0) text += `[${req.extras.join(',')}]`;
  if (req.url !== undefined) {
    text += ` @ ${req.url}`;
    if (req.marker) text += ` ; ${req.marker}`;
  } else {
    text += req.specifier;
    if (req.marker) text += `; ${req.marker}`;
  }
  return text;
}
