/**
 * Finding the exact source range of a value in a TOML document by its key path, whatever the way
 * the path is spelled: `[project]` tables, dotted keys (`project.version = …`), quoted keys, inline
 * tables (`project = { version = … }`), or a mix.
 */
import { parseTOML, type AST } from 'toml-eslint-parser';
import { TomlEditError, fileLabel } from './errors';

export type TomlValueNode = AST.TOMLContentNode;

/** Parses TOML (1.1, a superset of 1.0, as smol-toml reads it); errors name the file and line. */
export function parseTomlAst(text: string, file?: string): AST.TOMLProgram {
  try {
    // A UTF-8 BOM (which uv accepts) is one UTF-16 unit, as is the blank put in its place: every
    // range still points into the original text, so edits keep the BOM byte for byte.
    return parseTOML(text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text, { tomlVersion: '1.1' });
  } catch (err) {
    const e = err as { message?: string; lineNumber?: number; column?: number };
    const where = e.lineNumber !== undefined ? `:${e.lineNumber}:${e.column ?? 0}` : '';
    throw new TomlEditError(`${fileLabel(file)}${where}: invalid TOML: ${e.message ?? String(err)}`, fileLabel(file));
  }
}

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

/** A key path as TOML would spell it: `project.optional-dependencies."my.extra"`. */
export function formatKeyPath(keyPath: readonly string[]): string {
  return keyPath.map((k) => (BARE_KEY.test(k) ? k : JSON.stringify(k))).join('.');
}

function keyNames(key: AST.TOMLKey): string[] {
  return key.keys.map((k) => (k.type === 'TOMLBare' ? k.name : k.value));
}

function startsWith(path: readonly (string | number)[], prefix: readonly (string | number)[]): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => path[i] === p);
}

function samePath(a: readonly (string | number)[], b: readonly (string | number)[]): boolean {
  return a.length === b.length && startsWith(a, b);
}

export type Lookup =
  | { found: true; node: TomlValueNode; keyValue: AST.TOMLKeyValue }
  /** `isTable`: the path names a table (a `[header]`, or a prefix of other keys), not a value. */
  | { found: false; isTable: boolean };

/** Looks a key path up in a parsed document. Array-of-tables entries (`[[x]]`) are not addressable. */
export function lookup(ast: AST.TOMLProgram, keyPath: readonly string[]): Lookup {
  let isTable = false;
  const visit = (base: readonly (string | number)[], body: readonly AST.TOMLKeyValue[]): Lookup | undefined => {
    for (const kv of body) {
      const path = [...base, ...keyNames(kv.key)];
      if (samePath(path, keyPath)) {
        if (kv.value.type === 'TOMLInlineTable') {
          isTable = true;
          continue;
        }
        return { found: true, node: kv.value, keyValue: kv };
      }
      if (startsWith(keyPath, path) && kv.value.type === 'TOMLInlineTable') {
        const inner = visit(path, kv.value.body);
        if (inner) return inner;
      }
      if (path.length > keyPath.length && startsWith(path, keyPath)) isTable = true;
    }
    return undefined;
  };
  for (const item of ast.body[0].body) {
    if (item.type === 'TOMLKeyValue') {
      const hit = visit([], [item]);
      if (hit) return hit;
    } else {
      const base = item.resolvedKey;
      if (startsWith(base, keyPath)) isTable = true;
      if (item.kind === 'standard' && startsWith(keyPath, base)) {
        const hit = visit(base, item.body);
        if (hit) return hit;
      }
    }
  }
  return { found: false, isTable };
}

function describe(node: TomlValueNode): string {
  if (node.type === 'TOMLArray') return 'an array';
  if (node.type === 'TOMLInlineTable') return 'a table';
  return /^[aeiou]/.test(node.kind) ? `an ${node.kind}` : `a ${node.kind}`;
}

/** The value node at `keyPath`, checked to be of `type`; else a TomlEditError naming file and key. */
export function requireValue<T extends TomlValueNode>(ast: AST.TOMLProgram, keyPath: readonly string[], expected: 'string' | 'array', file?: string): T {
  const key = formatKeyPath(keyPath);
  const where = fileLabel(file);
  const hit = lookup(ast, keyPath);
  if (!hit.found) {
    const why = hit.isTable ? `is a table, not ${expected === 'string' ? 'a string' : 'an array'}` : 'is not set';
    throw new TomlEditError(`${where}: key \`${key}\` ${why}; expected ${expected === 'string' ? 'a string' : 'an array'} there`, where, key);
  }
  const ok = expected === 'array' ? hit.node.type === 'TOMLArray' : hit.node.type === 'TOMLValue' && hit.node.kind === 'string';
  if (!ok) {
    const line = hit.node.loc.start.line;
    throw new TomlEditError(
      `${where}:${line}: key \`${key}\` is ${describe(hit.node)}; expected ${expected === 'string' ? 'a string' : 'an array'}`,
      where,
      key,
    );
  }
  return hit.node as T;
}
