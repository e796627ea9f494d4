/**
 * A check before any file is touched: the versions nx-uv reads for members must be valid PEP 440
 * versions. uv refuses the whole workspace when one is not (every `uv build` fails), and pinning a
 * dependency to it would fail with a message about the dependent's file instead of the one at fault.
 */
import * as path from 'node:path';
import { isValidVersion } from '../versioning';
import type { Member, UvWorkspace } from '../workspace';
import { displayPath } from '../pin/leftover-pins';
import { currentVersions } from '../pin';
import { vcsReleases, type VcsRelease } from './vcs-version';
import type { TagScheme } from './tag-scheme';

/** The members (of `members`, default all) whose readable version is not a PEP 440 version. */
export function invalidMemberVersions(ws: UvWorkspace, members: readonly Member[] = ws.members): { member: Member; version: string; file: string }[] {
  const out: { member: Member; version: string; file: string }[] = [];
  for (const member of members) {
    const v = member.version;
    if ((v.kind === 'static' || v.kind === 'hatch-file') && !isValidVersion(v.version)) out.push({ member, version: v.version, file: v.file });
  }
  return out;
}

/**
 * Throws, naming each member, its version and the file that holds it (relative to the Nx root), when
 * a member of `members` (default all) has a version that is not PEP 440. `doing` says what stopped
 * (`build pkg-a`).
 */
export function assertValidMemberVersions(ws: UvWorkspace, workspaceRoot: string, doing: string, members?: readonly Member[]): void {
  const bad = invalidMemberVersions(ws, members);
  if (bad.length === 0) return;
  const lines = bad.map(
    (b) =>
      `${b.member.distributionName} has version ${JSON.stringify(b.version)} in ${displayPath(workspaceRoot, path.join(ws.absRoot, b.file))}` +
      `${b.member.version.kind === 'static' ? ' ([project] version)' : ' (its __version__)'}, which is not a PEP 440 version`,
  );
  throw new Error(
    `nx-uv: cannot ${doing}: ${lines.join('; ')}. uv refuses such a workspace; write a valid version ` +
      '(e.g. 1.0.0, 1.0.0rc1, 1.0.0.post1, 1.0.0+local) and run again. Nothing was changed.',
  );
}

/**
 * The version of every member the way pin, build and publish see it: the version in its files, or for
 * a member whose version is derived from git tags, its release version (see release/vcs-version.ts).
 * `vcs` holds those releases, by normalised name.
 */
export async function releaseVersions(
  ws: UvWorkspace,
  scheme: TagScheme,
  env?: NodeJS.ProcessEnv,
): Promise<{ versions: Map<string, string>; vcs: Map<string, VcsRelease> }> {
  const versions = currentVersions(ws);
  const vcs = await vcsReleases(ws, ws.members, scheme, { env });
  for (const [name, release] of vcs) versions.set(name, release.version);
  return { versions, vcs };
}
