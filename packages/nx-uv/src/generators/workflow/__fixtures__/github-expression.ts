/**
 * Test-only evaluator of the GitHub Actions expression language, enough of it to run the generated
 * workflow's `if:` conditions and `${{ }}` values: literals, context paths (`a.b`, `a['b']`, `a.*.b`),
 * `! == != < <= > >= && ||`, parentheses and the functions contains/startsWith/endsWith/format and the
 * status functions success/failure/cancelled/always (from the context's `__status`: whether the job's
 * needs all succeeded, whether one failed; nothing is ever cancelled here).
 * Semantics follow GitHub's documentation: loose equality (numbers when types differ, strings compared
 * case-insensitively), `&&`/`||` return an operand, missing properties are null. Anything else throws,
 * so a workflow that starts using more of the language fails the tests instead of passing silently.
 */

export type Value = null | boolean | number | string | Value[] | { [key: string]: Value };

class Filtered {
  constructor(readonly items: Value[]) {}
}
type Inner = Value | Filtered;

type Token = { kind: 'num'; value: number } | { kind: 'str'; value: string } | { kind: 'id'; value: string } | { kind: 'op'; value: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= source.length) throw new Error(`unterminated string in: ${source}`);
        if (source[i] === "'") {
          if (source[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += source[i++];
      }
      tokens.push({ kind: 'str', value });
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(source.slice(i))!;
      tokens.push({ kind: 'num', value: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(source.slice(i))!;
      tokens.push({ kind: 'id', value: m[0] });
      i += m[0].length;
    } else {
      const two = source.slice(i, i + 2);
      if (['==', '!=', '<=', '>=', '&&', '||'].includes(two)) {
        tokens.push({ kind: 'op', value: two });
        i += 2;
      } else if ('()[],.*!<>'.includes(c)) {
        tokens.push({ kind: 'op', value: c });
        i++;
      } else {
        throw new Error(`unexpected "${c}" in expression: ${source}`);
      }
    }
  }
  return tokens;
}

export function truthy(v: Value): boolean {
  return !(v === null || v === false || v === 0 || v === '' || (typeof v === 'number' && Number.isNaN(v)));
}

function toNumber(v: Value): number {
  if (v === null) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v.trim() === '' ? 0 : Number(v);
  return NaN;
}

export function looseEquals(a: Value, b: Value): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (a === null || b === null) return a === b || toNumber(a) === toNumber(b);
  if (typeof a === typeof b && typeof a !== 'object') return a === b;
  if (typeof a === 'object' || typeof b === 'object') return a === b;
  return toNumber(a) === toNumber(b);
}

function toText(v: Value): string {
  if (v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

class Parser {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly context: { [key: string]: Value },
    private readonly source: string,
  ) {}

  parse(): Value {
    const v = this.or();
    if (this.pos !== this.tokens.length) throw new Error(`trailing tokens in: ${this.source}`);
    return this.settle(v);
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }
  private isOp(value: string): boolean {
    const t = this.peek();
    return t?.kind === 'op' && t.value === value;
  }
  private expect(value: string): void {
    if (!this.isOp(value)) throw new Error(`expected "${value}" in: ${this.source}`);
    this.pos++;
  }
  private settle(v: Inner): Value {
    return v instanceof Filtered ? v.items : v;
  }

  private or(): Inner {
    let left = this.and();
    while (this.isOp('||')) {
      this.pos++;
      const right = this.and();
      left = truthy(this.settle(left)) ? left : right;
    }
    return left;
  }
  private and(): Inner {
    let left = this.equality();
    while (this.isOp('&&')) {
      this.pos++;
      const right = this.equality();
      left = truthy(this.settle(left)) ? right : left;
    }
    return left;
  }
  private equality(): Inner {
    let left = this.comparison();
    while (this.isOp('==') || this.isOp('!=')) {
      const op = (this.tokens[this.pos++] as { value: string }).value;
      const eq = looseEquals(this.settle(left), this.settle(this.comparison()));
      left = op === '==' ? eq : !eq;
    }
    return left;
  }
  private comparison(): Inner {
    let left = this.unary();
    while (this.isOp('<') || this.isOp('<=') || this.isOp('>') || this.isOp('>=')) {
      const op = (this.tokens[this.pos++] as { value: string }).value;
      const a = toNumber(this.settle(left));
      const b = toNumber(this.settle(this.unary()));
      left = op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
    }
    return left;
  }
  private unary(): Inner {
    if (this.isOp('!')) {
      this.pos++;
      return !truthy(this.settle(this.unary()));
    }
    return this.postfix(this.primary());
  }
  private primary(): Inner {
    const t = this.peek();
    if (!t) throw new Error(`unexpected end of: ${this.source}`);
    this.pos++;
    if (t.kind === 'num' || t.kind === 'str') return t.value;
    if (t.kind === 'op' && t.value === '(') {
      const v = this.or();
      this.expect(')');
      return v;
    }
    if (t.kind !== 'id') throw new Error(`unexpected "${t.value}" in: ${this.source}`);
    if (t.value === 'true') return true;
    if (t.value === 'false') return false;
    if (t.value === 'null') return null;
    if (this.isOp('(')) return this.call(t.value);
    if (!(t.value in this.context)) throw new Error(`unknown context "${t.value}" in: ${this.source}`);
    return this.context[t.value];
  }
  private call(name: string): Value {
    this.expect('(');
    const args: Value[] = [];
    while (!this.isOp(')')) {
      args.push(this.settle(this.or()));
      if (!this.isOp(')')) this.expect(',');
    }
    this.expect(')');
    switch (name) {
      case 'contains': {
        const [hay, needle] = args;
        if (Array.isArray(hay)) return hay.some((item) => looseEquals(item, needle));
        return toText(hay).toLowerCase().includes(toText(needle).toLowerCase());
      }
      case 'startsWith':
        return toText(args[0]).toLowerCase().startsWith(toText(args[1]).toLowerCase());
      case 'endsWith':
        return toText(args[0]).toLowerCase().endsWith(toText(args[1]).toLowerCase());
      case 'format':
        return toText(args[0]).replace(/\{(\d+)\}/g, (_, n: string) => toText(args[Number(n) + 1]));
      case 'success':
        return this.status('success', true);
      case 'failure':
        return this.status('failure', false);
      case 'cancelled':
        return false;
      case 'always':
        return true;
      default:
        throw new Error(`function ${name}() is not supported by the test evaluator: ${this.source}`);
    }
  }
  private status(kind: 'success' | 'failure', otherwise: boolean): boolean {
    const status = this.context.__status;
    if (status === null || typeof status !== 'object' || Array.isArray(status)) return otherwise;
    return status[kind] === true;
  }
  private property(v: Inner, key: string): Inner {
    const get = (o: Value): Value => (o !== null && typeof o === 'object' && !Array.isArray(o) && key in o ? o[key] : null);
    if (v instanceof Filtered) return new Filtered(v.items.map(get));
    return get(v);
  }
  private postfix(v: Inner): Inner {
    for (;;) {
      if (this.isOp('.')) {
        this.pos++;
        const t = this.tokens[this.pos++];
        if (t?.kind === 'op' && t.value === '*') {
          const items = this.settle(v);
          v = new Filtered(Array.isArray(items) ? items : items && typeof items === 'object' ? Object.values(items) : []);
        } else if (t?.kind === 'id') {
          v = this.property(v, t.value);
        } else throw new Error(`bad property access in: ${this.source}`);
      } else if (this.isOp('[')) {
        this.pos++;
        const key = this.settle(this.or());
        this.expect(']');
        v = this.property(v, toText(key));
      } else return v;
    }
  }
}

/** Evaluates one expression (the text inside `${{ }}`, or a bare `if:` condition). */
export function evaluate(expression: string, context: { [key: string]: Value }): Value {
  return new Parser(tokenize(expression), context, expression).parse();
}

/** True when a condition calls a status function (then GitHub does not add its implicit `success() &&`). */
export function hasStatusFunction(condition: string): boolean {
  return /\b(success|failure|cancelled|always)\s*\(/.test(condition);
}

/** Evaluates an `if:` value the way GitHub does: bare expression or a single `${{ }}`. */
export function evaluateCondition(condition: string, context: { [key: string]: Value }): boolean {
  const m = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(condition);
  return truthy(evaluate(m ? m[1] : condition, context));
}

/** Replaces each `${{ expr }}` in a string value with its text (null -> ''). */
export function interpolate(text: string, context: { [key: string]: Value }): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expr: string) => toText(evaluate(expr, context)));
}

type Obj = { [key: string]: unknown };

/** The defaults of a workflow's `workflow_dispatch` inputs (null where none is given). */
export function dispatchDefaults(workflow: Obj): { [key: string]: Value } {
  const on = workflow.on as Obj;
  const inputs = ((on.workflow_dispatch as Obj | undefined)?.inputs ?? {}) as { [key: string]: Obj };
  return Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, (v.default ?? null) as Value]));
}

/** A map of `env:`/`with:` values with every `${{ }}` interpolated. */
export function stringMap(map: unknown, context: { [key: string]: Value }): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const [k, v] of Object.entries((map ?? {}) as Obj)) out[k] = interpolate(String(v), context);
  return out;
}
