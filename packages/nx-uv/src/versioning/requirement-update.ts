/**
 * Rewriting the version specifier of a requirement on an internal package after that package got a
 * new version, in the style the user wrote it. Only the specifier changes: the name as written, the
 * extras, the marker, the spacing and parentheses stay byte for byte. The rules are on rewriteClause.
 */
import * as pep440 from '@renovatebot/pep440';
import type { Requirement } from '../workspace/types';
import { formatVersion, Pep440Parts, parseVersion } from './pep440-version';

export class RequirementUpdateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequirementUpdateError';
  }
}

interface SpecifierSpan {
  /** Text before the specifier (name, extras, spacing, an opening parenthesis). */
  before: string;
  specifier: string;
  /** Text after it (closing parenthesis, spacing, `; marker`). */
  after: string;
}

const NAME = /^\s*[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?\s*(?:\[[^\]]*\]\s*)?/;

/** Locates the specifier inside the raw requirement text; undefined for a URL requirement. */
function locateSpecifier(raw: string): SpecifierSpan | undefined {
  const head = NAME.exec(raw);
  if (!head) throw new RequirementUpdateError(`not a PEP 508 requirement: ${JSON.stringify(raw)}`);
  let rest = raw.slice(head[0].length);
  let before = head[0];
  if (rest.startsWith('@')) return undefined;
  const semi = rest.indexOf(';');
  let after = semi >= 0 ? rest.slice(semi) : '';
  rest = semi >= 0 ? rest.slice(0, semi) : rest;
  // Trailing spaces before `;` belong to `after`.
  const trailing = /\s*$/.exec(rest)![0];
  after = trailing + after;
  rest = rest.slice(0, rest.length - trailing.length);
  const paren = /^\(\s*([\s\S]*?)\s*\)$/.exec(rest);
  if (paren) {
    const open = rest.indexOf(paren[1]);
    before += rest.slice(0, open);
    after = rest.slice(open + paren[1].length) + after;
    rest = paren[1];
  }
  return { before, specifier: rest, after };
}

const CLAUSE = /^(\s*)(~=|===|==|!=|<=|>=|<|>)(\s*)(\S+?)(\s*)$/;

function withEpoch(v: Pep440Parts, release: number[], suffixFrom?: Pep440Parts): string {
  const parts: Pep440Parts = { epoch: v.epoch, release };
  if (suffixFrom?.pre) parts.pre = suffixFrom.pre;
  if (suffixFrom?.post !== undefined) parts.post = suffixFrom.post;
  if (suffixFrom?.dev !== undefined) parts.dev = suffixFrom.dev;
  return formatVersion(parts);
}

function padded(release: number[], length: number): number[] {
  const out = release.slice(0, length);
  while (out.length < length) out.push(0);
  return out;
}

function admits(version: string, clause: string): boolean {
  return pep440.satisfies(version, clause, { prereleases: true });
}

/**
 * New operator+version for one clause, or null to drop it. For the new version N:
 * - `>=V` → `>=N` (the lower bound follows the release); `>V` stays when it admits N, else `>=N`.
 * - `==V` → `==N`; `===V` → `===N`; `==V.*` keeps its prefix length (`==1.2.*` → `==1.3.*`).
 * - `~=V` keeps its precision (`~=1.2` → `~=1.3`, `~=1.2.0` → `~=1.3.0`, with N's pre/dev suffix).
 * - `<V` stays when it admits N, else it moves up at the same position (`<2` → `<3`, `<1.4` → `<1.6`
 *   for N = 1.5.0); `<=V` likewise, else `<=N` at V's precision when that admits N.
 * - `!=V` stays unless it excludes N; then the clause is dropped.
 */
function rewriteClause(op: string, text: string, next: Pep440Parts, nextText: string): string | null {
  const clause = `${op}${text}`;
  switch (op) {
    case '>=':
      return `>=${nextText}`;
    case '>':
      return admits(nextText, clause) ? clause : `>=${nextText}`;
    case '===':
      return `===${nextText}`;
    case '==': {
      if (text.endsWith('.*')) {
        if (admits(nextText, clause)) return clause;
        const prefixLength = parseVersion(text.slice(0, -2)).release.length;
        return `==${withEpoch(next, padded(next.release, prefixLength))}.*`;
      }
      return `==${nextText}`;
    }
    case '~=': {
      const precision = Math.max(2, parseVersion(text).release.length);
      return `~=${withEpoch(next, padded(next.release, precision), next)}`;
    }
    case '!=':
      return admits(nextText, clause) ? clause : null;
    case '<': {
      if (admits(nextText, clause)) return clause;
      const bound = parseVersion(text).release;
      let index = bound.length - 1;
      while (index > 0 && bound[index] === 0) index--;
      const raised = padded(next.release, Math.max(bound.length, index + 1));
      raised[index] = (raised[index] ?? 0) + 1;
      for (let i = index + 1; i < raised.length; i++) raised[i] = 0;
      return `<${withEpoch(next, raised)}`;
    }
    case '<=': {
      if (admits(nextText, clause)) return clause;
      const precision = parseVersion(text).release.length;
      const truncated = `<=${withEpoch(next, padded(next.release, precision))}`;
      return admits(nextText, truncated) ? truncated : `<=${nextText}`;
    }
    default:
      throw new RequirementUpdateError(`unknown operator ${op}`);
  }
}

/**
 * The requirement string rewritten so it admits `newVersion`, in the user's operator style, or
 * undefined when nothing changes (no specifier, a URL requirement, or already the same text).
 * Throws RequirementUpdateError when the specifier cannot be read or cannot be made to admit it.
 */
export function updateRequirementSpecifier(req: Requirement, newVersion: string): string | undefined {
  if (req.url) return undefined;
  const span = locateSpecifier(req.raw);
  if (!span || span.specifier.trim() === '') return undefined;
  const next = parseVersion(newVersion, `new version of ${req.name}`);
  const nextText = formatVersion(next);

  const clauses = span.specifier.split(',');
  const rewritten: string[] = [];
  for (const clause of clauses) {
    const m = CLAUSE.exec(clause);
    if (!m) {
      throw new RequirementUpdateError(
        `cannot read the version specifier of ${JSON.stringify(req.raw)} (clause ${JSON.stringify(clause.trim())}): ` + 'fix the requirement in pyproject.toml',
      );
    }
    const [, lead, op, gap, text, tail] = m;
    const replaced = rewriteClause(op, text, next, nextText);
    if (replaced === null) continue;
    const opOut = /^(~=|===|==|!=|<=|>=|<|>)/.exec(replaced)![0];
    rewritten.push(`${lead}${opOut}${gap}${replaced.slice(opOut.length)}${tail}`);
  }
  // Each clause kept its own spacing, so joining with the bare comma keeps the user's layout.
  const specifier = rewritten.join(',').replace(/^\s+/, '');
  const compact = specifier.replace(/\s+/g, '');
  if (compact !== '' && !pep440.satisfies(nextText, compact, { prereleases: true })) {
    throw new RequirementUpdateError(
      `cannot rewrite ${JSON.stringify(req.raw)} to admit ${req.name} ${nextText} (got ${JSON.stringify(specifier)}): ` + 'edit the requirement by hand',
    );
  }
  let before = span.before;
  let after = span.after;
  if (specifier === '') {
    // Every clause was dropped: remove the now empty parentheses and the space before the marker.
    before = before.replace(/\s*\(\s*$/, '');
    after = after.replace(/^\s*\)/, '');
    before = before.replace(/\s+$/, '');
    if (after.trim() !== '') after = ` ${after.trimStart()}`;
  }
  const out = `${before}${specifier}${after}`;
  return out === req.raw ? undefined : out;
}

/** True when the requirement's specifier (if any) admits `version`; URL requirements always do. */
export function requirementAdmits(req: Requirement, version: string): boolean {
  if (req.url) return true;
  const span = locateSpecifier(req.raw);
  if (!span || span.specifier.trim() === '') return true;
  return pep440.satisfies(normalizeForCheck(version), span.specifier.replace(/\s+/g, ''), { prereleases: true });
}

function normalizeForCheck(version: string): string {
  return formatVersion(parseVersion(version));
}
