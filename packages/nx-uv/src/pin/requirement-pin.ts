/**
 * Pinning one PEP 508 requirement string to an exact version, keeping the name as written, the extras
 * and the environment marker. A minimal PEP 508 split that keeps the source text of each part.
 * Ours: no npm package splits PEP 508 keeping the text as written (see workspace/requirement.ts).
 */
import * as pep440 from '@renovatebot/pep440';

export interface RequirementParts {
  /** Distribution name as written. */
  name: string;
  /** The extras section as written, brackets included (`[x, y]`), or ''. */
  extras: string;
  /** The version specifier as written (`>= 1.0, <2`, `(>=1)`), or ''. */
  specifier: string;
  /** The URL of a direct reference (`name @ url`). */
  url?: string;
  /** The marker after `;`, trimmed, as written. */
  marker?: string;
}

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/;
const SPECIFIER =
  /^\(?\s*(?:(?:~=|===|==|!=|<=|>=|<|>)\s*[A-Za-z0-9.*+!_-]+\s*(?:,\s*(?:~=|===|==|!=|<=|>=|<|>)\s*[A-Za-z0-9.*+!_-]+\s*)*)?\)?$/;

function bad(raw: string, why: string): Error {
  return new Error(`not a PEP 508 requirement: ${JSON.stringify(raw)} (${why})`);
}

/** Splits a requirement into its parts, as written. Throws on what PEP 508 would reject. */
export function splitRequirement(raw: string): RequirementParts {
  const text = raw.trim();
  const nameMatch = NAME.exec(text);
  if (!nameMatch) throw bad(raw, 'no distribution name');
  const name = nameMatch[0];
  let rest = text.slice(name.length).trimStart();
  let extras = '';
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) throw bad(raw, 'unclosed extras');
    extras = rest.slice(0, close + 1);
    if (!/^\[\s*(?:[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:,\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*)*)?\]$/.test(extras)) {
      throw bad(raw, `bad extras ${extras}`);
    }
    rest = rest.slice(close + 1).trimStart();
  }
  let specifier = '';
  let url: string | undefined;
  let markerText: string | undefined;
  if (rest.startsWith('@')) {
    const afterAt = rest.slice(1).trimStart();
    const urlMatch = /^\S+/.exec(afterAt);
    if (!urlMatch) throw bad(raw, 'no URL after @');
    url = urlMatch[0];
    const tail = afterAt.slice(url.length);
    if (tail.trim() !== '') {
      // A marker after a URL must be preceded by whitespace (PEP 508).
      if (!/^\s+;/.test(tail)) throw bad(raw, `unexpected ${JSON.stringify(tail.trim())} after the URL`);
      markerText = tail.slice(tail.indexOf(';') + 1);
    }
  } else {
    const semi = rest.indexOf(';');
    specifier = (semi < 0 ? rest : rest.slice(0, semi)).trim();
    if (semi >= 0) markerText = rest.slice(semi + 1);
    if (!SPECIFIER.test(specifier)) throw bad(raw, `bad version specifier ${JSON.stringify(specifier)}`);
  }
  let marker: string | undefined;
  if (markerText !== undefined) {
    marker = markerText.trim();
    if (marker === '') throw bad(raw, 'empty marker after ;');
  }
  return { name, extras, specifier, ...(url !== undefined ? { url } : {}), ...(marker !== undefined ? { marker } : {}) };
}

/**
 * `pkg-a[x] >=1.0 ; python_version>='3.8'` → `pkg-a[x]==1.3.0; python_version>='3.8'`.
 * The version specifier (or a direct URL reference) becomes `==<version>`; name, extras and marker are
 * kept as written. Throws when `raw` is not a requirement or `version` is not a PEP 440 version.
 */
export function pinRequirement(raw: string, version: string): string {
  if (!pep440.valid(version) || /\s/.test(version)) {
    throw new Error(`cannot pin ${JSON.stringify(raw)} to ${JSON.stringify(version)}: not a PEP 440 version`);
  }
  const parts = splitRequirement(raw);
  return `${parts.name}${parts.extras}==${version}${parts.marker !== undefined ? `; ${parts.marker}` : ''}`;
}
