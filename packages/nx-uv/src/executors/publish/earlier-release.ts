/**
 * "Was this version released by an earlier commit?" — its release tag exists and points at another
 * commit than HEAD. A release workflow publishes every package after each release; the ones not
 * released this time are rebuilt from the same sources, and a build backend that does not reproduce
 * its bytes (setuptools' sdist timestamps, say) would otherwise make them look like changed files
 * under a published name. For such a version, what the index already serves is the release.
 */
import { currentCommit, listTags } from '../../git';
import { tagScheme, type TagScheme } from '../../release/tag-scheme';

export interface EarlierRelease {
  tag: string;
  commit: string;
}

/** The earlier release of `version` of `name`, or undefined (no such tag, the tag is at HEAD, or no git checkout). */
export async function earlierRelease(cwd: string, name: string, version: string, scheme: TagScheme | string | undefined): Promise<EarlierRelease | undefined> {
  const tag = (typeof scheme === 'object' ? scheme : tagScheme(scheme)).tagOf(name, version);
  let head: string;
  let found: { commit: string } | undefined;
  try {
    head = await currentCommit(cwd);
    found = (await listTags(cwd, (n) => n === tag))[0];
  } catch {
    return undefined; // not a git checkout (e.g. publishing from an unpacked source tree)
  }
  return found && found.commit !== head ? { tag, commit: found.commit } : undefined;
}
