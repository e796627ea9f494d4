/**
 * What a user may type as a pre-release request (a workflow input, `--prerelease`), normalised to a
 * PEP 440 phase. Accepts the PEP 440 spellings and the npm habit of a dot or dash before the number:
 * `rc`, `RC`, `rc1`, `rc.1`, `rc-1`, `c`, `pre`, `preview` → rc; `a`, `alpha`, `alpha.2` → alpha;
 * `b`, `beta` → beta; `dev`, `dev.3`, `dev3` → dev.
 *
 * A number is a floor, never a suffix to glue a counter onto: `rc.1` asks for "at least rc1", so a
 * series that is already at rc1 continues with rc2 (never `rc11`), and `rc.5` on rc1 jumps to rc5.
 */
import { VersionError } from './pep440-version';

/** PEP 440 phases of a pre-release, in ascending order (`1.0.dev1 < 1.0a1 < 1.0b1 < 1.0rc1`). */
export type PrereleasePhase = 'dev' | 'alpha' | 'beta' | 'rc';
export const PRERELEASE_PHASES: readonly PrereleasePhase[] = ['dev', 'alpha', 'beta', 'rc'];

export interface PrereleaseRequest {
  phase: PrereleasePhase;
  /** The smallest counter wanted (`rc.3` → 3); absent when only the phase was given. */
  minNumber?: number;
}

const SPELLINGS: Record<string, PrereleasePhase> = {
  a: 'alpha',
  alpha: 'alpha',
  b: 'beta',
  beta: 'beta',
  c: 'rc',
  rc: 'rc',
  pre: 'rc',
  preview: 'rc',
  dev: 'dev',
};

/**
 * Normalises a pre-release input. Empty or whitespace → undefined (no pre-release).
 * Throws VersionError naming the accepted spellings for anything else (`post`, `rc.x`, `gamma`).
 */
export function normalizePrerelease(input: string | undefined | null, context?: string): PrereleaseRequest | undefined {
  if (input === undefined || input === null) return undefined;
  const text = String(input).trim();
  if (text === '') return undefined;
  const m = /^([A-Za-z]+)(?:[._-]?(\d+))?$/.exec(text);
  const phase = m ? SPELLINGS[m[1].toLowerCase()] : undefined;
  if (!m || !phase) {
    const hint = m && m[1].toLowerCase() === 'post' ? ' (a post-release is not a pre-release; nx-uv does not plan post-releases)' : '';
    throw new VersionError(
      `invalid pre-release ${JSON.stringify(text)}${context ? ` in ${context}` : ''}${hint}: ` +
        'use alpha (a), beta (b), rc (c, pre, preview) or dev, optionally followed by a number such as rc.1 or rc1',
    );
  }
  return m[2] === undefined ? { phase } : { phase, minNumber: Number(m[2]) };
}

/** PEP 440 ordering of phases: negative when a comes before b. */
export function comparePhases(a: PrereleasePhase, b: PrereleasePhase): number {
  return PRERELEASE_PHASES.indexOf(a) - PRERELEASE_PHASES.indexOf(b);
}
