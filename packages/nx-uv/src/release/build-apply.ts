/**
 * Carrying out a build plan (build-plan.ts): the member's pins placed while uv builds into a staging
 * folder (journalled; restored in all cases), the built files checked (a wheel, the tagged version,
 * the exact pins: build-audit.ts), and only then the output folder emptied and given the new files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultJournalDir, isPinRestoreFailure, lockedRequirementNotice, pinChanges, withPins } from '../pin';
import { makeOwnedTempDir, removeAbandonedTempDirs } from '../process-temp';
import { parseDistributionFilename, sameVersion } from '../registry/dist-files';
import { runUv } from '../uv';
import { distributionKind } from '../wheel';
import type { Member } from '../workspace';
import { auditDistribution, formatAuditProblems, type FileAudit } from './build-audit';
import { emptyOutputDir, isDistributionArtifact } from './build-output';
import { uvBuildArgs, type BuildPlan } from './build-plan';
import { vcsTagAdvice, type VcsRelease } from './vcs-version';

/** Where a build's lines go. */
export interface BuildLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface BuildEffects {
  /** The environment of uv. */
  env: NodeJS.ProcessEnv;
  log: BuildLog;
  /** Print uv's output. */
  verbose?: boolean;
  /** Runs uv (default runUv). */
  runUv?: typeof runUv;
}

/** The error of a failed `uv build` of a planned member (its pins are back by the time it is reported). */
export function uvBuildFailure(plan: BuildPlan, err: unknown): Error {
  return new Error(
    `uv build of ${plan.member.distributionName} failed; ${plan.shownPyproject} is back as it was and ${plan.shownOut} was left as it was.\n${(err as Error).message}`,
  );
}

/**
 * Builds a planned member: its pins placed while uv builds it into a temporary folder, then
 * finishBuild. The output folder changes only once the build passed the audit.
 */
export async function applyBuild(plan: BuildPlan, effects: BuildEffects): Promise<void> {
  const { workspace: ws, member, workspaceRoot } = plan;
  const uv = effects.runUv ?? runUv;
  removeAbandonedTempDirs();
  const staging = makeOwnedTempDir('staging');
  try {
    const state: { uv: 'not run' | 'running' | 'done' } = { uv: 'not run' };
    try {
      const result = await withPins(defaultJournalDir(workspaceRoot), pinChanges(ws.absRoot, plan.plans), async () => {
        state.uv = 'running';
        const r = await uv(uvBuildArgs(member.distributionName, staging), { cwd: ws.absRoot, env: { ...effects.env, ...plan.uvEnv } });
        state.uv = 'done';
        return r;
      });
      if (effects.verbose) effects.log.info((result.stderr + result.stdout).trim());
    } catch (err) {
      // Only a failure of uv itself is reported as one; pinning or restoring errors speak for themselves.
      if (state.uv !== 'running' || isPinRestoreFailure(err)) throw err;
      throw uvBuildFailure(plan, err);
    }
    await finishBuild(plan, staging, effects.log);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * After uv built the member into `staging` (a folder of its own): checks the files (a wheel, the
 * version of a release from git tags, the exact pins: build-audit.ts), then replaces the output
 * folder's contents with them. Throws, leaving the output folder as it was, when a check fails.
 */
export async function finishBuild(plan: BuildPlan, staging: string, log: BuildLog): Promise<void> {
  const { member, outDir, shownOut, expectation } = plan;
  const name = member.distributionName;
  const built = fs.readdirSync(staging).filter((n) => isDistributionArtifact(n) && fs.lstatSync(path.join(staging, n)).isFile());
  const files = built
    .filter((n) => distributionKind(n) !== undefined)
    .sort()
    .map((n) => path.join(staging, n));
  if (!files.some((f) => distributionKind(f) === 'wheel')) {
    throw new Error(`uv build of ${name} reported success but wrote no wheel; ${shownOut} was left as it was`);
  }
  checkVcsVersion(member, plan.vcs, files, shownOut, log);
  const audits: FileAudit[] = await Promise.all(files.map((f) => auditDistribution(f, expectation)));
  const problems = audits.flatMap((a) => a.problems);
  if (problems.length > 0) {
    const notice = lockedRequirementNotice(member);
    throw new Error(
      `the distributions built for ${name} do not pin their workspace dependencies exactly, so they were discarded (${shownOut} was left as it was):\n` +
        formatAuditProblems(problems) +
        (notice ? `\n${notice}.` : ''),
    );
  }
  // Replace the output folder's contents (distributions and uv's .gitignore) with the new build.
  emptyOutputDir(outDir, plan.workspaceRoot);
  for (const n of built) fs.copyFileSync(path.join(staging, n), path.join(outDir, n));
  for (const a of audits) if (a.note) log.warn(`nx-uv build: ${a.file}: ${a.note}`);
  const internal = expectation.versions.size;
  log.info(
    `nx-uv build: built ${audits.map((a) => a.file).join(', ')} in ${shownOut}` +
      (internal > 0 ? `; every internal requirement is pinned exactly (${[...expectation.versions].map(([n, v]) => `${n}==${v}`).join(', ')})` : ''),
  );
}

/**
 * A member whose version is derived from git tags: where HEAD carries its release tag, the built files
 * must carry that version (else the VCS plugin does not read nx-uv's tags, and the build is refused);
 * elsewhere the build is a development build, said so.
 */
function checkVcsVersion(member: Member, release: VcsRelease | undefined, files: readonly string[], shownOut: string, log: BuildLog): void {
  if (member.version.kind !== 'vcs') return;
  const builtVersions = [...new Set(files.map((f) => parseDistributionFilename(path.basename(f))?.version).filter((v): v is string => v !== undefined))];
  const built = builtVersions.join(', ');
  if (!release?.atHead) {
    log.info(
      `nx-uv build: ${member.distributionName} ${built} is a development build (version from git tags by ${member.version.plugin}): ` +
        (release ? `HEAD does not carry its release tag ${release.tag}` : 'it has no release tag yet') +
        '; publish uploads only builds of a tagged release.',
    );
    return;
  }
  if (builtVersions.length !== 1 || !sameVersion(builtVersions[0], release.version)) {
    throw new Error(
      `the distributions built for ${member.distributionName} carry version ${built || '(none)'}, but HEAD is its release ${release.version} (tag ${release.tag}), ` +
        `so they were discarded (${shownOut} was left as it was). ${vcsTagAdvice(member, release.tag)}. ` +
        'A development version (.devN+g…) means the plugin also ignored the version nx-uv sets for the build ' +
        '(SETUPTOOLS_SCM_PRETEND_VERSION, UV_DYNAMIC_VERSIONING_BYPASS, POETRY_DYNAMIC_VERSIONING_BYPASS, PDM_BUILD_SCM_VERSION) and read the tree as changed.',
    );
  }
}
