/**
 * PEP 440 versions as plain data: parse (through `@renovatebot/pep440`), format in the normalised
 * form (`1!1.3.0rc2.post1.dev3+local.7`), compare. Pure.
 */
import * as pep440 from '@renovatebot/pep440';

/** The PEP 440 pre-release letters in normalised form, in ascending order. */
export type PreLetter = 'a' | 'b' | 'rc';
export const PRE_LETTERS: readonly PreLetter[] = ['a', 'b', 'rc'];

export interface Pep440Parts {
  epoch: number;
  /** Release segments as written (`1.2` stays two segments). */
  release: number[];
  pre?: { letter: PreLetter; number: number };
  post?: number;
  dev?: number;
  /** Local label, normalised (lower case, `.` separated), without the `+`. */
  local?: string;
}

/** A version string that PEP 440 rejects, or one that cannot be released. */
export class VersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VersionError';
  }
}

function where(context: string | undefined): string {
  return context ? ` (${context})` : '';
}

/** Parses any PEP 440 spelling (`1.0-RC.1`, `v1.0`, `1.0c1`). Throws VersionError on anything else. */
export function parseVersion(text: string, context?: string): Pep440Parts {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  const explained = trimmed === '' ? null : pep440.explain(trimmed);
  if (!explained) {
    throw new VersionError(`${JSON.stringify(text)} is not a valid PEP 440 version${where(context)}: ` + 'use a version such as 1.2.3, 1.3.0rc1 or 2.0.0.dev1');
  }
  const parts: Pep440Parts = { epoch: explained.epoch, release: [...explained.release] };
  if (explained.pre && explained.pre.length === 2) {
    const letter = String(explained.pre[0]) as PreLetter;
    parts.pre = { letter: letter, number: Number(explained.pre[1]) };
  }
  if (explained.post !== null && explained.post !== undefined) parts.post = Number(explained.post);
  if (explained.dev !== null && explained.dev !== undefined) parts.dev = Number(explained.dev);
  if (explained.local) parts.local = explained.local.toLowerCase().replace(/[-_]/g, '.');
  return parts;
}

/** The normalised PEP 440 string (the form uv and PyPI print). */
export function formatVersion(v: Pep440Parts): string {
  let out = v.epoch !== 0 ? `${v.epoch}!` : '';
  out += v.release.join('.');
  if (v.pre) out += `${v.pre.letter}${v.pre.number}`;
  if (v.post !== undefined) out += `.post${v.post}`;
  if (v.dev !== undefined) out += `.dev${v.dev}`;
  if (v.local) out += `+${v.local}`;
  return out;
}

/** `1.0-RC.1` → `1.0rc1`. Throws VersionError on an invalid version. */
export function normalizeVersion(text: string, context?: string): string {
  return formatVersion(parseVersion(text, context));
}

/** True when `text` is a valid PEP 440 version. */
export function isValidVersion(text: string): boolean {
  return typeof text === 'string' && text.trim() !== '' && pep440.explain(text.trim()) !== null;
}

/** PEP 440 ordering: negative, zero or positive. Both must be valid. */
export function compareVersions(a: string, b: string): number {
  parseVersion(a);
  parseVersion(b);
  return pep440.compare(a.trim(), b.trim());
}

/** A pre-release (`a`/`b`/`rc`) or a development release (`.devN`): not a final release. */
export function isPrereleaseVersion(v: Pep440Parts): boolean {
  return v.pre !== undefined || v.dev !== undefined;
}

/** The release segment padded to at least three numbers: `[major, minor, patch, ...rest]`. */
export function releaseTriple(v: Pep440Parts): number[] {
  const r = [...v.release];
  while (r.length < 3) r.push(0);
  return r;
}

export function cloneParts(v: Pep440Parts): Pep440Parts {
  return {
    epoch: v.epoch,
    release: [...v.release],
    ...(v.pre ? { pre: { ...v.pre } } : {}),
    ...(v.post !== undefined ? { post: v.post } : {}),
    ...(v.dev !== undefined ? { dev: v.dev } : {}),
    ...(v.local ? { local: v.local } : {}),
  };
}
