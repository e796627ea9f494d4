/**
 * `uv version --bump` semantics as plain version maths (uv 0.13): the same components, combination
 * rules and "did not increase" refusals, checked against the real uv in pep440-bump.uv.spec.ts.
 * Ours: @renovatebot/pep440's `inc` follows semver-like rules (pre-releases from 0, local labels
 * dropped, no stable/post/dev bumps), not uv's.
 */
import { cloneParts, formatVersion, Pep440Parts, parseVersion, PreLetter, VersionError } from './pep440-version';
import * as pep440 from '@renovatebot/pep440';

export type UvBumpKind = 'major' | 'minor' | 'patch' | 'stable' | 'alpha' | 'beta' | 'rc' | 'post' | 'dev';
export const UV_BUMP_KINDS: readonly UvBumpKind[] = ['major', 'minor', 'patch', 'stable', 'alpha', 'beta', 'rc', 'post', 'dev'];

/** One `--bump` argument: a kind, optionally with an explicit value (`rc=3`). */
export interface UvBump {
  kind: UvBumpKind;
  value?: number;
}

const RELEASE_INDEX: Partial<Record<UvBumpKind, number>> = { major: 0, minor: 1, patch: 2 };
const PRE_LETTER: Partial<Record<UvBumpKind, PreLetter>> = { alpha: 'a', beta: 'b', rc: 'rc' };

/** Parses `rc`, `rc=3`, `major` (the text of one `--bump` argument). */
export function parseUvBump(text: string): UvBump {
  const m = /^\s*([a-z]+)\s*(?:=\s*(\d+)\s*)?$/.exec(text);
  const kind = m?.[1] as UvBumpKind | undefined;
  if (!m || !kind || !UV_BUMP_KINDS.includes(kind)) {
    throw new VersionError(`invalid bump ${JSON.stringify(text)}: use one of ${UV_BUMP_KINDS.join(', ')} (optionally with =N)`);
  }
  if (m[2] !== undefined && kind === 'stable') {
    throw new VersionError(`invalid bump ${JSON.stringify(text)}: stable takes no value`);
  }
  return m[2] === undefined ? { kind } : { kind, value: Number(m[2]) };
}

function describe(b: UvBump): string {
  return b.value === undefined ? b.kind : `${b.kind}=${b.value}`;
}

/**
 * Applies one bump component to parts (mutates). Components rank major > minor > patch > stable >
 * pre (alpha/beta/rc) > post > dev; bumping one clears every lower one, and a missing one is set to 1
 * (or to the explicit value of `rc=3`). A release bump keeps the number of release segments
 * (`1.2` → `1.3`), the epoch and any local label.
 */
function applyOne(v: Pep440Parts, b: UvBump): void {
  const releaseIndex = RELEASE_INDEX[b.kind];
  if (releaseIndex !== undefined) {
    delete v.pre;
    delete v.post;
    delete v.dev;
    const length = Math.max(v.release.length, releaseIndex + 1);
    const next: number[] = [];
    for (let i = 0; i < length; i++) {
      if (i < releaseIndex) next.push(v.release[i] ?? 0);
      else if (i === releaseIndex) next.push(b.value ?? (v.release[i] ?? 0) + 1);
      else next.push(0);
    }
    v.release = next;
    return;
  }
  const letter = PRE_LETTER[b.kind];
  if (letter) {
    delete v.post;
    delete v.dev;
    if (b.value !== undefined) v.pre = { letter, number: b.value };
    else if (v.pre && v.pre.letter === letter) v.pre = { letter, number: v.pre.number + 1 };
    else v.pre = { letter, number: 1 };
    return;
  }
  switch (b.kind) {
    case 'stable':
      delete v.pre;
      delete v.post;
      delete v.dev;
      return;
    case 'post':
      delete v.dev;
      v.post = b.value ?? (v.post !== undefined ? v.post + 1 : 1);
      return;
    case 'dev':
      v.dev = b.value ?? (v.dev !== undefined ? v.dev + 1 : 1);
      return;
  }
}

/**
 * `uv version --bump <b1> --bump <b2> …` on `current`: returns the new normalised version or throws
 * VersionError with uv's reasons (two release components, two pre-release components, `stable` or
 * `post` combined with anything, or a result that is not greater than `current`).
 */
export function bumpVersion(current: string, bumps: readonly (UvBump | UvBumpKind | string)[]): string {
  const specs = bumps.map((b) => (typeof b === 'string' ? parseUvBump(b) : b));
  if (specs.length === 0) throw new VersionError('no bump given');
  const old = parseVersion(current);
  const all = specs.map(describe).join(', ');
  const releases = specs.filter((b) => RELEASE_INDEX[b.kind] !== undefined);
  const pres = specs.filter((b) => PRE_LETTER[b.kind] !== undefined || b.kind === 'dev');
  if (specs.length > 1 && specs.some((b) => b.kind === 'stable')) {
    throw new VersionError(`\`--bump stable\` cannot be used with another \`--bump\` value, got: ${all}`);
  }
  if (specs.length > 1 && specs.some((b) => b.kind === 'post')) {
    throw new VersionError(`\`--bump post\` cannot be used with another \`--bump\` value, got: ${all}`);
  }
  if (releases.length > 1) {
    throw new VersionError(`Only one release version component can be provided to \`--bump\`, got: ${releases.map(describe).join(', ')}`);
  }
  if (pres.length > 1) {
    throw new VersionError(`Only one pre-release version component can be provided to \`--bump\`, got: ${pres.map(describe).join(', ')}`);
  }
  const ordered = [...specs].sort((a, b) => UV_BUMP_KINDS.indexOf(a.kind) - UV_BUMP_KINDS.indexOf(b.kind));
  const next = cloneParts(old);
  for (const b of ordered) applyOne(next, b);

  const oldText = formatVersion(old);
  const newText = formatVersion(next);
  if (pep440.compare(newText, oldText) <= 0) {
    const oldStable = old.pre === undefined && old.dev === undefined;
    if (oldStable && next.pre !== undefined) {
      throw new VersionError(
        `${oldText} => ${newText} didn't increase the version; when bumping to a pre-release version you ` +
          'also need to increase a release version component, e.g., with `--bump <major|minor|patch>`',
      );
    }
    if (next.dev !== undefined && old.dev === undefined) {
      throw new VersionError(
        `${oldText} => ${newText} didn't increase the version; when bumping to a dev version you also ` +
          'need to increase another version component, e.g., with `--bump <major|minor|patch|alpha|beta|rc>`',
      );
    }
    throw new VersionError(`${oldText} => ${newText} didn't increase the version; provide the exact version to force an update`);
  }
  return newText;
}
