/**
 * Surgical edits of TOML text: each edit replaces only the bytes of the value token it targets, so
 * comments, layout, line endings, quote styles and every other byte stay as the user wrote them.
 * Pure: text in, text out.
 * Ours: TOML libraries (smol-toml included) rewrite a whole document, dropping comments and layout;
 * toml-eslint-parser gives the ranges (locate.ts).
 */
import type { AST } from 'toml-eslint-parser';
import { TomlEditError, fileLabel } from './errors';
import { formatKeyPath, lookup, parseTomlAst, requireValue } from './locate';
import { formatTomlString } from './string-literal';

interface Splice {
  start: number;
  end: number;
  replacement: string;
}

/** Applies non-overlapping splices from the end backwards, so earlier ranges stay valid. */
function applySplices(text: string, splices: Splice[]): string {
  const sorted = [...splices].sort((a, b) => b.start - a.start);
  let out = text;
  for (const s of sorted) out = out.slice(0, s.start) + s.replacement + out.slice(s.end);
  return out;
}

function stringToken(node: AST.TOMLStringValue, newValue: string): string {
  return formatTomlString(newValue, node.style, node.multiline);
}

/**
 * Sets the string at `keyPath` (e.g. `['project', 'version']`) to `newValue`, keeping its quote style
 * (a literal string that cannot hold the value becomes a basic string). Throws a TomlEditError naming
 * the file and key when the key is absent or not a string.
 */
export function setStringValue(text: string, keyPath: readonly string[], newValue: string, file?: string): string {
  const ast = parseTomlAst(text, file);
  const node = requireValue<AST.TOMLStringValue>(ast, keyPath, 'string', file);
  if (node.value === newValue) return text;
  return applySplices(text, [{ start: node.range[0], end: node.range[1], replacement: stringToken(node, newValue) }]);
}

/** Reads the string at `keyPath`, or undefined when it is not set (throws when set but not a string). */
export function getStringValue(text: string, keyPath: readonly string[], file?: string): string | undefined {
  const ast = parseTomlAst(text, file);
  const hit = lookup(ast, keyPath);
  if (!hit.found && !hit.isTable) return undefined;
  return requireValue<AST.TOMLStringValue>(ast, keyPath, 'string', file).value;
}

/** Which element `replaceArrayString` replaces: an index, or the first string the predicate accepts. */
export type ArrayElementSelector = number | ((value: string, index: number) => boolean);

/**
 * Calls `fn` for every string element of the array at `keyPath` (non-string elements are skipped) and
 * replaces each element for which it returns a different string, all in one pass. Comments, trailing
 * commas and the multi-line layout are kept. Throws when the key is absent or not an array.
 */
export function mapArrayStrings(
  text: string,
  keyPath: readonly string[],
  fn: (value: string, index: number) => string | undefined,
  file?: string,
): string {
  const ast = parseTomlAst(text, file);
  const array = requireValue<AST.TOMLArray>(ast, keyPath, 'array', file);
  const splices: Splice[] = [];
  array.elements.forEach((el, index) => {
    if (el.type !== 'TOMLValue' || el.kind !== 'string') return;
    const next = fn(el.value, index);
    if (next === undefined || next === el.value) return;
    splices.push({ start: el.range[0], end: el.range[1], replacement: stringToken(el, next) });
  });
  return splices.length === 0 ? text : applySplices(text, splices);
}

/**
 * Replaces one string element of the array at `keyPath`: the element at an index, or the first string
 * element the predicate accepts. Throws (naming file and key) when there is no such element or it is
 * not a string.
 */
export function replaceArrayString(
  text: string,
  keyPath: readonly string[],
  which: ArrayElementSelector,
  newValue: string,
  file?: string,
): string {
  const ast = parseTomlAst(text, file);
  const array = requireValue<AST.TOMLArray>(ast, keyPath, 'array', file);
  const where = fileLabel(file);
  const key = formatKeyPath(keyPath);
  let target: AST.TOMLStringValue | undefined;
  if (typeof which === 'number') {
    const el = array.elements[which];
    if (!el) {
      throw new TomlEditError(
        `${where}: array \`${key}\` has ${array.elements.length} element(s); there is no element ${which}`,
        where,
        key,
      );
    }
    if (el.type !== 'TOMLValue' || el.kind !== 'string') {
      throw new TomlEditError(`${where}:${el.loc.start.line}: element ${which} of \`${key}\` is not a string`, where, key);
    }
    target = el;
  } else {
    target = array.elements.find(
      (el, i): el is AST.TOMLStringValue => el.type === 'TOMLValue' && el.kind === 'string' && which(el.value, i),
    );
    if (!target) {
      throw new TomlEditError(`${where}: no string element of \`${key}\` matches`, where, key);
    }
  }
  if (target.value === newValue) return text;
  return applySplices(text, [{ start: target.range[0], end: target.range[1], replacement: stringToken(target, newValue) }]);
}
