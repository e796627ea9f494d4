/**
 * Level-2 headings (`## …`) of a changelog, outside fenced code blocks, and the version each names.
 */
import { isValidVersion, normalizeVersion } from '../versioning/pep440-version';

export interface Heading {
  /** Index of the first character of the heading line. */
  start: number;
  /** The heading line without its line ending. */
  line: string;
  /** Normalised PEP 440 version the heading names, if any. */
  version?: string;
}

function normalise(candidate: string): string | undefined {
  if (!/^\d/.test(candidate) || !isValidVersion(candidate)) return undefined;
  return normalizeVersion(candidate);
}

/** The first version-like token of a heading: `## [1.3.0](…) (date)`, `## v1.3.0`, `## pkg-a 1.3.0`, `## pkg-a-v1.3.0`. */
export function headingVersion(line: string): string | undefined {
  const text = line.replace(/^#+\s*/, '').replace(/\]\([^)]*\)/g, ']');
  for (const token of text.split(/[\s[\]()]+/)) {
    if (token === '') continue;
    for (const candidate of [token, token.replace(/^v/i, ''), token.replace(/^.*?-v(?=\d)/i, '')]) {
      const v = normalise(candidate);
      if (v) return v;
    }
  }
  return undefined;
}

/** Every `## ` heading outside ``` / ~~~ fences, in order. */
export function level2Headings(text: string): Heading[] {
  const out: Heading[] = [];
  let fence: string | undefined;
  let index = 0;
  while (index < text.length) {
    const end = text.indexOf('\n', index);
    const lineEnd = end < 0 ? text.length : end;
    const line = text.slice(index, lineEnd).replace(/\r$/, '');
    const fenceMatch = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (fenceMatch && fenceMatch[1][0] === fence[0] && fenceMatch[1].length >= fence.length) fence = undefined;
    } else if (fenceMatch) {
      fence = fenceMatch[1];
    } else if (/^## (?!#)/.test(line)) {
      const version = headingVersion(line);
      out.push({ start: index, line, ...(version ? { version } : {}) });
    }
    index = end < 0 ? text.length : end + 1;
  }
  return out;
}

/** Normalised form of a version for comparing with heading versions. */
export function normaliseVersion(version: string): string {
  return normalise(version.trim().replace(/^v/i, '')) ?? version.trim();
}
