/**
 * Release tag names from the plugin option `tagFormat` (`{name}` = PEP 503 name, `{version}` = PEP 440
 * normalised version), and the way back: which package and version a tag names. Pure.
 */
import { DEFAULT_TAG_FORMAT } from '../options';
import { isValidVersion, normalizeVersion } from '../versioning';
import { assertTagFormat } from './tag-format';

export { assertTagFormat };

/** The tag of `name` at `version` (the version is PEP 440 normalised). */
export function formatReleaseTag(format: string | undefined, name: string, version: string): string {
  const f = format ?? DEFAULT_TAG_FORMAT;
  assertTagFormat(f);
  return f.replace('{name}', name).replace('{version}', normalizeVersion(version));
}

export interface ParsedReleaseTag {
  tag: string;
  name: string;
  version: string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The package and version a tag names under `format`, or undefined when it does not match or the
 * version part is no valid PEP 440 version. The name part takes as much as it can (so a name that
 * holds the separator, `my-viewer-v1.0`, still parses).
 */
export function parseReleaseTag(format: string | undefined, tag: string): ParsedReleaseTag | undefined {
  const f = format ?? DEFAULT_TAG_FORMAT;
  assertTagFormat(f);
  const pattern = escapeRegExp(f).replace('\\{name\\}', '(?<name>[A-Za-z0-9][A-Za-z0-9._-]*)').replace('\\{version\\}', '(?<version>[^/\\s]+)');
  const match = new RegExp(`^${pattern}$`).exec(tag);
  const name = match?.groups?.name;
  const version = match?.groups?.version;
  if (!name || !version || !isValidVersion(version)) return undefined;
  return { tag, name, version: normalizeVersion(version) };
}
