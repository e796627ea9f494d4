/**
 * Glob patterns with the semantics of the Rust `glob` crate that uv uses for
 * `[tool.uv.workspace] members` / `exclude`: case-sensitive, `*`/`?`/`[..]` may match `/` in
 * whole-path matching, and a leading `.` needs no literal match.
 * Ours: picomatch and minimatch follow shell globbing (`*` stops at `/`, dotfiles hidden), not the crate.
 */

type CharSpec = string | [from: string, to: string];

type Token =
  | { kind: 'char'; char: string }
  | { kind: 'any-char' }
  | { kind: 'any-sequence' }
  | { kind: 'any-recursive' }
  | { kind: 'within'; specs: CharSpec[] }
  | { kind: 'except'; specs: CharSpec[] };

export interface GlobPattern {
  readonly source: string;
  readonly tokens: readonly Token[];
  /** True when the pattern has no metacharacters (a literal path or name). */
  readonly literal: boolean;
  /** True when the pattern is exactly a `**` component (used by directory expansion). */
  readonly recursive: boolean;
  /** The literal characters the pattern starts with (a cheap reject before the full match). */
  readonly prefix: string;
  /** True when the pattern is a lone `*` (or `**`): it matches everything. */
  readonly matchesAll: boolean;
}

export class GlobSyntaxError extends Error {
  constructor(
    readonly pattern: string,
    readonly position: number,
    problem: string,
  ) {
    super(`Invalid glob \`${pattern}\` near position ${position}: ${problem}`);
    this.name = 'GlobSyntaxError';
  }
}

function parseCharSpecs(chars: string[]): CharSpec[] {
  const specs: CharSpec[] = [];
  for (let i = 0; i < chars.length;) {
    if (i + 3 <= chars.length && chars[i + 1] === '-') {
      specs.push([chars[i], chars[i + 2]]);
      i += 3;
    } else {
      specs.push(chars[i]);
      i += 1;
    }
  }
  return specs;
}

/**
 * Compiles a glob pattern; throws GlobSyntaxError like the `glob` crate's `Pattern::new`.
 * `?` one character, `*` any sequence, `**` (a whole path component) any number of directories;
 * `[abc]`, `[a-z]`, `[!abc]` character classes (`[]]`, `[!]]`, `[?]` match the literal); no `\` escapes.
 */
export function compileGlob(pattern: string): GlobPattern {
  const chars = [...pattern];
  const tokens: Token[] = [];
  let literal = true;
  let i = 0;
  while (i < chars.length) {
    const c = chars[i];
    if (c === '?') {
      literal = false;
      tokens.push({ kind: 'any-char' });
      i++;
    } else if (c === '*') {
      literal = false;
      const start = i;
      while (i < chars.length && chars[i] === '*') i++;
      const count = i - start;
      if (count > 2) throw new GlobSyntaxError(pattern, start + 2, 'wildcards are either regular `*` or recursive `**`');
      if (count === 1) {
        tokens.push({ kind: 'any-sequence' });
        continue;
      }
      if (start !== 0 && chars[start - 1] !== '/') {
        throw new GlobSyntaxError(pattern, start - 1, 'recursive wildcards must form a single path component');
      }
      if (i < chars.length) {
        if (chars[i] !== '/') throw new GlobSyntaxError(pattern, i, 'recursive wildcards must form a single path component');
        i++; // `**/` is one token
      }
      if (tokens.length === 0 || tokens[tokens.length - 1].kind !== 'any-recursive') tokens.push({ kind: 'any-recursive' });
    } else if (c === '[') {
      literal = false;
      if (i + 4 <= chars.length && chars[i + 1] === '!') {
        const j = chars.indexOf(']', i + 3);
        if (j >= 0) {
          tokens.push({ kind: 'except', specs: parseCharSpecs(chars.slice(i + 2, j)) });
          i = j + 1;
          continue;
        }
      } else if (i + 3 <= chars.length && chars[i + 1] !== '!') {
        const j = chars.indexOf(']', i + 2);
        if (j >= 0) {
          tokens.push({ kind: 'within', specs: parseCharSpecs(chars.slice(i + 1, j)) });
          i = j + 1;
          continue;
        }
      }
      throw new GlobSyntaxError(pattern, i, 'invalid range pattern (unclosed `[`)');
    } else {
      tokens.push({ kind: 'char', char: c });
      i++;
    }
  }
  const recursive = tokens.length === 1 && tokens[0].kind === 'any-recursive';
  let prefix = '';
  for (const token of tokens) {
    if (token.kind !== 'char') break;
    prefix += token.char;
  }
  const matchesAll = tokens.length === 1 && (tokens[0].kind === 'any-sequence' || tokens[0].kind === 'any-recursive');
  return { source: pattern, tokens, literal, recursive, prefix, matchesAll };
}

function inSpecs(specs: CharSpec[], c: string): boolean {
  return specs.some((spec) => (typeof spec === 'string' ? spec === c : c >= spec[0] && c <= spec[1]));
}

/** Scratch rows for the matcher, reused across calls (grown on demand). */
let rowA = new Uint8Array(256);
let rowB = new Uint8Array(256);

/**
 * Whole-string match (the crate's `Pattern::matches` with default options): a linear dynamic
 * programme over (token, position), with no regular expressions and no backtracking.
 */
export function matchGlob(pattern: GlobPattern, text: string): boolean {
  if (pattern.matchesAll) return true;
  if (!text.startsWith(pattern.prefix)) return false;
  if (pattern.literal) return text === pattern.source;
  const chars = [...text];
  const n = chars.length;
  const tokens = pattern.tokens;
  const t = tokens.length;
  if (rowA.length < n + 1) {
    rowA = new Uint8Array(2 * (n + 1));
    rowB = new Uint8Array(2 * (n + 1));
  }
  // next[pos] = does tokens[ti+1..] match chars[pos..]; filled from the last token backwards.
  let next = rowA;
  let current = rowB;
  next.fill(0, 0, n + 1);
  next[n] = 1;
  for (let ti = t - 1; ti >= 0; ti--) {
    const token = tokens[ti];
    current.fill(0, 0, n + 1);
    switch (token.kind) {
      case 'any-sequence':
        // matches any k >= pos
        for (let pos = n; pos >= 0; pos--) current[pos] = next[pos] || (pos < n ? current[pos + 1] : 0);
        break;
      case 'any-recursive': {
        // empty, or a prefix ending in `/`, or everything that is left
        let afterSeparator = 0;
        for (let pos = n; pos >= 0; pos--) {
          if (pos < n && chars[pos] === '/' && next[pos + 1]) afterSeparator = 1;
          current[pos] = next[pos] || next[n] || afterSeparator;
        }
        break;
      }
      default:
        for (let pos = 0; pos < n; pos++) {
          if (!next[pos + 1]) continue;
          const c = chars[pos];
          const ok =
            token.kind === 'any-char' ||
            (token.kind === 'char' && token.char === c) ||
            (token.kind === 'within' && inSpecs(token.specs, c)) ||
            (token.kind === 'except' && !inSpecs(token.specs, c));
          current[pos] = ok ? 1 : 0;
        }
    }
    const done = next;
    next = current;
    current = done;
  }
  return next[0] === 1;
}
