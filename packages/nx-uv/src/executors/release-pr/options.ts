/**
 * Options of `nx-uv:release-pr`: the plan options of release-plan (group, bumpType, prerelease,
 * force) plus where the release branch goes. Pure: checks types and spellings and fills defaults;
 * everything that needs git or GitHub is checked by the executor before its first side effect.
 */
import { normalizePrerelease, type BumpType } from '../../versioning';
import type { PlanExecutorOptions } from '../release-plan/options';

export interface ReleasePrExecutorOptions extends PlanExecutorOptions {
  /** Print the plan, the branch, the PR title and body; no branch, commit, push or GitHub request. */
  dryRun?: boolean;
  /** Branch the release PR merges into; the plan is made from its HEAD (the checkout). Default `main`. */
  baseBranch?: string;
  /** Git remote the release branch is pushed to. Default `origin`. */
  remote?: string;
  /** Release branch name: `<prefix>` for the whole workspace, `<prefix>-<group>` per group. Default `nx-uv/release`. */
  branchPrefix?: string;
  /** Print a JSON summary (plan, branch, title, PR) on stdout. */
  json?: boolean;
  /** The label put on the release PR (the workflow's release job starts on it). Default: plugin option, else `autorelease: pending`. */
  releaseLabel?: string;
}

export const DEFAULT_BASE_BRANCH = 'main';
export const DEFAULT_REMOTE = 'origin';
export const DEFAULT_BRANCH_PREFIX = 'nx-uv/release';

export interface NormalizedReleasePrOptions {
  group?: string;
  bumpType: BumpType;
  prerelease?: string;
  force: boolean;
  /** `pkg=2.0.0[,…]`: exact next versions. */
  releaseAs?: string;
  dryRun: boolean;
  baseBranch: string;
  remote: string;
  branchPrefix: string;
  json: boolean;
  /** The release branch of this run. */
  branch: string;
}

export class ReleasePrOptionsError extends Error {
  override readonly name = 'ReleasePrOptionsError';
}

const BUMP_TYPES: readonly BumpType[] = ['auto', 'patch', 'minor', 'major'];

function text(options: Record<string, unknown>, key: string, fallback: string): string {
  const value = options[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ReleasePrOptionsError(`nx-uv: release-pr option --${key} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  return value.trim();
}

function flag(options: Record<string, unknown>, key: string): boolean {
  const value = options[key];
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new ReleasePrOptionsError(`nx-uv: release-pr option --${key} must be true or false, got ${JSON.stringify(value)}`);
}

/** `<prefix>` or `<prefix>-<group>` (characters git refuses in a branch name become `-`). */
export function releaseBranchName(prefix: string, group?: string): string {
  if (!group) return prefix;
  const slug = group
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[-.]+|[-.]+$/g, '');
  return `${prefix}-${slug || 'group'}`;
}

/** Defaults and spelling checks; throws ReleasePrOptionsError naming the option and what to use. */
export function normalizeReleasePrOptions(options: ReleasePrExecutorOptions): NormalizedReleasePrOptions {
  const raw = (options ?? {}) as Record<string, unknown>;
  const bumpType = (raw.bumpType ?? 'auto') as BumpType;
  if (!BUMP_TYPES.includes(bumpType)) {
    throw new ReleasePrOptionsError(`nx-uv: invalid --bumpType ${JSON.stringify(raw.bumpType)}: use auto, patch, minor or major`);
  }
  const prereleaseRaw = raw.prerelease;
  if (prereleaseRaw !== undefined && prereleaseRaw !== null && typeof prereleaseRaw !== 'string') {
    throw new ReleasePrOptionsError(`nx-uv: release-pr option --prerelease must be a string such as rc or beta.2, got ${JSON.stringify(prereleaseRaw)}`);
  }
  const prerelease = typeof prereleaseRaw === 'string' && prereleaseRaw.trim() !== '' ? prereleaseRaw.trim() : undefined;
  try {
    normalizePrerelease(prerelease, '--prerelease');
  } catch (error) {
    throw new ReleasePrOptionsError(`nx-uv: ${(error as Error).message}`);
  }
  const groupRaw = raw.group;
  if (groupRaw !== undefined && groupRaw !== null && typeof groupRaw !== 'string') {
    throw new ReleasePrOptionsError(`nx-uv: release-pr option --group must be the name of a group in nx.json, got ${JSON.stringify(groupRaw)}`);
  }
  const group = typeof groupRaw === 'string' && groupRaw.trim() !== '' ? groupRaw.trim() : undefined;
  const branchPrefix = text(raw, 'branchPrefix', DEFAULT_BRANCH_PREFIX);
  const baseBranch = text(raw, 'baseBranch', DEFAULT_BASE_BRANCH);
  const branch = releaseBranchName(branchPrefix, group);
  if (branch === baseBranch) {
    throw new ReleasePrOptionsError(`nx-uv: the release branch ${JSON.stringify(branch)} is the base branch itself: choose another --branchPrefix`);
  }
  const releaseAs = raw.releaseAs === undefined || raw.releaseAs === null ? undefined : text(raw, 'releaseAs', '');
  return {
    group,
    bumpType,
    prerelease,
    force: flag(raw, 'force'),
    ...(releaseAs ? { releaseAs } : {}),
    dryRun: flag(raw, 'dryRun'),
    baseBranch,
    remote: text(raw, 'remote', DEFAULT_REMOTE),
    branchPrefix,
    json: flag(raw, 'json'),
    branch,
  };
}
