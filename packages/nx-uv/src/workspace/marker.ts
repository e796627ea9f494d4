/**
 * PEP 508 environment markers: a validating scanner. Markers are kept as written; this only
 * rejects what uv's parser rejects (unknown variables, dangling operators, unbalanced parentheses).
 * Ours: no npm package checks markers against uv's grammar.
 */

/** Marker variables uv accepts (PEP 508, PEP 685/751 additions, and the legacy dotted spellings). */
const MARKER_VARIABLES = new Set([
  'python_version',
  'python_full_version',
  'os_name',
  'sys_platform',
  'platform_release',
  'platform_system',
  'platform_version',
  'platform_machine',
  'platform_python_implementation',
  'implementation_name',
  'implementation_version',
  'extra',
  'extras',
  'dependency_groups',
  'os.name',
  'sys.platform',
  'platform.version',
  'platform.machine',
  'platform.python_implementation',
  'python_implementation',
]);

const COMPARISON_OPERATORS = ['===', '==', '!=', '<=', '>=', '~=', '<', '>'];

type Token =
  | { kind: 'lparen' | 'rparen' | 'end'; at: number }
  | { kind: 'string' | 'word' | 'op'; text: string; at: number };

function tokenize(marker: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < marker.length) {
    const c = marker[i];
    if (c === ' ' || c === '\t') {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: c === '(' ? 'lparen' : 'rparen', at: i });
      i++;
    } else if (c === '"' || c === "'") {
      const close = marker.indexOf(c, i + 1);
      if (close < 0) throw new Error(`unterminated string starting at position ${i}`);
      tokens.push({ kind: 'string', text: marker.slice(i + 1, close), at: i });
      i = close + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < marker.length && /[A-Za-z0-9_.]/.test(marker[j])) j++;
      tokens.push({ kind: 'word', text: marker.slice(i, j), at: i });
      i = j;
    } else {
      const op = COMPARISON_OPERATORS.find((candidate) => marker.startsWith(candidate, i));
      if (!op) throw new Error(`unexpected character '${c}' at position ${i}`);
      tokens.push({ kind: 'op', text: op, at: i });
      i += op.length;
    }
  }
  tokens.push({ kind: 'end', at: marker.length });
  return tokens;
}

/** Throws an Error describing the first problem when `marker` is not a valid PEP 508 marker. */
export function validateMarker(marker: string): void {
  if (marker.trim() === '') throw new Error('empty marker after `;`');
  const tokens = tokenize(marker);
  let pos = 0;
  const peek = (): Token => tokens[pos];
  const isWord = (token: Token, word: string): boolean => token.kind === 'word' && token.text === word;
  const describe = (token: Token): string =>
    token.kind === 'end' ? 'end of marker' : `'${'text' in token ? token.text : token.kind === 'lparen' ? '(' : ')'}' at position ${token.at}`;

  const variable = (): void => {
    const token = peek();
    if (token.kind === 'string') {
      pos++;
      return;
    }
    if (token.kind === 'word' && MARKER_VARIABLES.has(token.text)) {
      pos++;
      return;
    }
    if (token.kind === 'word' && token.text !== 'and' && token.text !== 'or' && token.text !== 'in' && token.text !== 'not') {
      throw new Error(`unknown marker variable '${token.text}' at position ${token.at}`);
    }
    throw new Error(`expected a marker variable or a quoted string, found ${describe(token)}`);
  };
  const operator = (): void => {
    const token = peek();
    if (token.kind === 'op' || isWord(token, 'in')) {
      pos++;
      return;
    }
    if (isWord(token, 'not') && isWord(tokens[pos + 1], 'in')) {
      pos += 2;
      return;
    }
    throw new Error(`expected a comparison operator, found ${describe(token)}`);
  };
  const expression = (): void => {
    if (peek().kind === 'lparen') {
      pos++;
      disjunction();
      if (peek().kind !== 'rparen') throw new Error(`expected ')', found ${describe(peek())}`);
      pos++;
      return;
    }
    variable();
    operator();
    variable();
  };
  const conjunction = (): void => {
    expression();
    while (isWord(peek(), 'and')) {
      pos++;
      expression();
    }
  };
  function disjunction(): void {
    conjunction();
    while (isWord(peek(), 'or')) {
      pos++;
      conjunction();
    }
  }

  disjunction();
  if (peek().kind !== 'end') throw new Error(`unexpected ${describe(peek())}`);
}
