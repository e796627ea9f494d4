/**
 * Pure: the publish executor's options with defaults applied and checked. Bad values are errors that
 * name the option and what to give instead (Nx passes CLI flags through, so a typo lands here).
 */
import type { IndexTargetName } from '../../registry';
import type { PublishExecutorOptions } from './schema';

export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_POLL_TIMEOUT_SECONDS = 300;
const TARGETS: readonly IndexTargetName[] = ['pypi', 'testpypi', 'custom'];

export interface NormalizedPublishOptions {
  /** Undefined: let resolveIndexTarget choose (custom when a publish URL is known, else pypi). */
  target?: IndexTargetName;
  publishUrl?: string;
  checkUrl?: string;
  dryRun: boolean;
  skipPublish: boolean;
  /** Only members of this release group publish. */
  group?: string;
  maxRetries: number;
  pollTimeoutMs: number;
  distPath?: string;
  /** Given only when set; undefined means the default, true (one `uv publish` per file, all at once). */
  parallelUploads?: boolean;
}

function optionalString(options: Record<string, unknown>, key: string): string | undefined {
  const v = options[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new Error(`the publish option ${key} must be a string (got ${JSON.stringify(v)})`);
  return v.trim() === '' ? undefined : v.trim();
}

function flag(options: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const v = options[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new Error(`the publish option ${key} must be true or false (got ${JSON.stringify(v)})`);
}

function number(options: Record<string, unknown>, key: string, fallback: number): number {
  const v = options[key];
  if (v === undefined || v === null) return fallback;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw new Error(`the publish option ${key} must be a number (got ${JSON.stringify(v)})`);
  }
  return n;
}

function targetOption(options: Record<string, unknown>): IndexTargetName | undefined {
  const pick = (key: string): IndexTargetName | undefined => {
    const v = optionalString(options, key);
    if (v === undefined) return undefined;
    if (!(TARGETS as readonly string[]).includes(v)) {
      throw new Error(`the publish option ${key} must be one of ${TARGETS.join(', ')} (got ${JSON.stringify(v)})`);
    }
    return v as IndexTargetName;
  };
  const target = pick('target');
  const index = pick('index');
  if (target && index && target !== index) {
    throw new Error(`the publish options target (${target}) and index (${index}) disagree; give one of them`);
  }
  return target ?? index;
}

export function normalizePublishOptions(options: PublishExecutorOptions, env: NodeJS.ProcessEnv): NormalizedPublishOptions {
  const raw = (options ?? {}) as Record<string, unknown>;
  const maxRetries = number(raw, 'maxRetries', DEFAULT_MAX_RETRIES);
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new Error(`the publish option maxRetries must be a whole number ≥ 0 (got ${JSON.stringify(raw.maxRetries)})`);
  }
  const pollTimeoutSeconds = number(raw, 'pollTimeoutSeconds', DEFAULT_POLL_TIMEOUT_SECONDS);
  if (pollTimeoutSeconds < 0) {
    throw new Error(`the publish option pollTimeoutSeconds must be ≥ 0 (got ${JSON.stringify(raw.pollTimeoutSeconds)})`);
  }
  const out: NormalizedPublishOptions = {
    dryRun: flag(raw, 'dryRun', env.NX_DRY_RUN === 'true'),
    skipPublish: flag(raw, 'skipPublish', false),
    maxRetries,
    pollTimeoutMs: Math.round(pollTimeoutSeconds * 1000),
  };
  const target = targetOption(raw);
  if (target) out.target = target;
  const publishUrl = optionalString(raw, 'publishUrl');
  if (publishUrl) out.publishUrl = publishUrl;
  const checkUrl = optionalString(raw, 'checkUrl');
  if (checkUrl) out.checkUrl = checkUrl;
  const distPath = optionalString(raw, 'distPath');
  if (distPath) out.distPath = distPath;
  const group = optionalString(raw, 'group');
  if (group) out.group = group;
  if (raw.parallelUploads !== undefined && raw.parallelUploads !== null) out.parallelUploads = flag(raw, 'parallelUploads', true);
  return out;
}
