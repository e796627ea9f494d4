/**
 * The current version of a package on its index, for `currentVersionResolver: "registry"`: the
 * highest PEP 440 version among the files the simple index lists, or null when it has none. The
 * index is found by the publish executor's own rules (`resolveIndexTarget`). Yanked files count,
 * since their version can never be uploaded again.
 */
import { parseDistributionFilename } from '../registry/dist-files';
import { listDistributionFiles, resolveIndexTarget, type IndexTargetName, type RemoteDistribution, type SimpleRequestOptions } from '../registry';
import { compareVersions, isPrereleaseVersion, isValidVersion, normalizeVersion, parseVersion } from '../versioning';
import { normalizeName } from '../workspace';

export interface RegistryLookupOptions {
  index?: IndexTargetName;
  checkUrl?: string;
  publishUrl?: string;
  /** Count pre-releases (`1.3.0rc1`) and dev releases. Default true. */
  prereleases?: boolean;
}

const INDEXES: readonly string[] = ['pypi', 'testpypi', 'custom'];

function optionalString(source: Record<string, unknown>, key: string, where: string): string | undefined {
  const v = source[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new Error(`nx-uv: ${where}.${key} must be a string (got ${JSON.stringify(v)})`);
  return v.trim() === '' ? undefined : v.trim();
}

/**
 * The lookup options from the first of the given objects that sets each key. Throws naming the bad key.
 * The callers pass `currentVersionResolverMetadata`, then `versionActionsOptions`; past those,
 * `UV_PUBLISH_CHECK_URL` / `UV_PUBLISH_URL`, then PyPI, as resolveIndexTarget decides.
 */
export function registryLookupOptions(...sources: { where: string; value: unknown }[]): RegistryLookupOptions {
  const out: RegistryLookupOptions = {};
  for (const { where, value } of sources) {
    if (value === undefined || value === null) continue;
    if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`nx-uv: ${where} must be an object`);
    const o = value as Record<string, unknown>;
    const index = optionalString(o, 'index', where);
    if (index !== undefined && !INDEXES.includes(index)) {
      throw new Error(`nx-uv: ${where}.index must be one of ${INDEXES.join(', ')} (got ${JSON.stringify(index)})`);
    }
    if (out.index === undefined && index !== undefined) out.index = index as IndexTargetName;
    out.checkUrl ??= optionalString(o, 'checkUrl', where);
    out.publishUrl ??= optionalString(o, 'publishUrl', where);
    if (out.prereleases === undefined && o.prereleases !== undefined) {
      if (typeof o.prereleases !== 'boolean') throw new Error(`nx-uv: ${where}.prereleases must be true or false`);
      out.prereleases = o.prereleases;
    }
  }
  return out;
}

/** The highest PEP 440 version among `project`'s files; undefined when none. Pure. */
export function highestListedVersion(files: readonly RemoteDistribution[], project: string, prereleases = true): string | undefined {
  const wanted = normalizeName(project);
  let best: string | undefined;
  for (const f of files) {
    const parsed = parseDistributionFilename(f.filename);
    if (!parsed || parsed.name !== wanted || !isValidVersion(parsed.version)) continue;
    if (!prereleases && isPrereleaseVersion(parseVersion(parsed.version))) continue;
    if (best === undefined || compareVersions(parsed.version, best) > 0) best = parsed.version;
  }
  return best === undefined ? undefined : normalizeVersion(best);
}

export interface RegistryVersion {
  currentVersion: string | null;
  /** Where it was looked up, for Nx's log (`from https://pypi.org/simple/ (target pypi)`). */
  logText: string;
}

/** Reads the index. Network and HTTP failures throw (Nx then falls back as configured). */
export async function readRegistryVersion(
  distributionName: string,
  options: RegistryLookupOptions,
  env: NodeJS.ProcessEnv = process.env,
  request: SimpleRequestOptions = {},
): Promise<RegistryVersion> {
  // Only the check URL matters here: a custom index given by its check URL alone needs no upload URL.
  const onlyCheck = options.index === 'custom' && options.checkUrl && !options.publishUrl && !env.UV_PUBLISH_URL?.trim();
  const index = resolveIndexTarget({
    target: onlyCheck ? undefined : options.index,
    checkUrl: options.checkUrl,
    publishUrl: options.publishUrl,
    env,
  });
  const files = await listDistributionFiles(index.checkUrl, distributionName, request);
  const version = highestListedVersion(files, distributionName, options.prereleases ?? true);
  return {
    currentVersion: version ?? null,
    logText: `${index.checkUrl} (${index.sources.checkUrl})${version ? '' : `: no files of ${distributionName}`}`,
  };
}
