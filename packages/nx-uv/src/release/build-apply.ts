/**
 * Carrying out a build plan (build-plan.ts): the member's pins placed while uv builds into a staging
 * folder (journalled; restored in all cases), the built files checked (a wheel, the tagged version,
 * the exact pins: build-audit.ts), and only then the output folder emptied and given the new files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkPins, defaultJournalDir, isPinRestoreFailure, lockedRequirementNotice, pinChanges, withPins } from '../pin';
import { makeOwnedTempDir, removeAbandonedTempDirs } from '../process-temp';
import { parseDistributionFilename, sameVersion } from '../registry/dist-files';
import { runUv } from '../uv';
import { distributionKind } from '../wheel';
import type { Member, UvWorkspace } from '../workspace';
import { auditDistribution, formatAuditProblems, type FileAudit } from './build-audit';
import { emptyOutputDir, isDistributionArtifact } from './build-output';
import { buildAllAtOnce, uvBuildAllArgs, uvBuildArgs, type BuildPlan } from './build-plan';
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

/** A planned member of buildMembers and what became of it. */
export interface MemberBuild {
  plan: BuildPlan;
  /** The folder of its own that holds its built files (set once its pins could be placed). */
  staging?: string;
  /** Why it has no files: its pins were held at other versions, pinning failed, or uv could not build it. */
  error?: unknown;
}

export interface BuildMembersOptions {
  /** The pin journal. */
  journalDir: string;
  /** The environment of uv. */
  env: NodeJS.ProcessEnv;
  /** Members built at once when they are built one by one. */
  concurrency: number;
  /** What uv printed for a member (several members share the output of one `--all-packages` run). */
  onOutput?: (build: MemberBuild, result: { stdout: string; stderr: string }) => void;
  /** Runs uv (default runUv). */
  runUv?: typeof runUv;
}

/**
 * Builds the planned members of one uv workspace with one pinning: each member's pins checked alone
 * (one held by `nx-uv pin` at other versions fails only that member), then every member's pins
 * placed at once (one journal entry, always restored). uv builds them in ONE `uv build
 * --all-packages` when buildAllAtOnce says it is cheaper, else one by one, `concurrency` at a time; a
 * member whose version comes from git tags at its tag needs an environment of its own and is always
 * built alone; when the one run fails, every member is built alone so that only those uv cannot build
 * fail. Each member's files land in a folder of its own below `staging`. Never throws: each
 * MemberBuild says what became of it.
 */
export async function buildMembers(ws: UvWorkspace, plans: readonly BuildPlan[], staging: string, options: BuildMembersOptions): Promise<MemberBuild[]> {
  const { journalDir, env } = options;
  const uv = options.runUv ?? runUv;
  const builds: MemberBuild[] = plans.map((plan) => ({ plan }));
  const pinnable: MemberBuild[] = [];
  for (const build of builds) {
    try {
      checkPins(journalDir, pinChanges(ws.absRoot, build.plan.plans));
      pinnable.push(build);
    } catch (err) {
      build.error = err;
    }
  }
  if (pinnable.length === 0) return builds;
  pinnable.forEach((build, i) => {
    build.staging = path.join(staging, `${i}`);
    fs.mkdirSync(build.staging, { recursive: true });
  });
  const output = (build: MemberBuild, result: { stdout: string; stderr: string }) => options.onOutput?.(build, result);
  const uvFailures = new Map<MemberBuild, unknown>();
  const alone = pinnable.filter((b) => Object.keys(b.plan.uvEnv).length > 0);
  const together = pinnable.filter((b) => Object.keys(b.plan.uvEnv).length === 0);
  try {
    // One entry for every member's pins (a member that two tasks build is pinned once).
    const pinPlans = new Map(pinnable.flatMap((b) => b.plan.plans).map((p) => [p.file, p]));
    await withPins(journalDir, pinChanges(ws.absRoot, [...pinPlans.values()]), async () => {
      const separately = [...alone];
      if (buildAllAtOnce(ws, together.length)) {
        const out = path.join(staging, 'all');
        try {
          const result = await uv(uvBuildAllArgs(out), { cwd: ws.absRoot, env });
          for (const build of together) output(build, result);
          distribute(out, together);
        } catch {
          // uv names the member it could not build, not always the others': build each alone to know.
          separately.push(...together);
        }
      } else {
        separately.push(...together);
      }
      await forEachAtMost(separately, options.concurrency, async (build) => {
        try {
          fs.rmSync(build.staging!, { recursive: true, force: true });
          fs.mkdirSync(build.staging!, { recursive: true });
          output(build, await uv(uvBuildArgs(build.plan.member.distributionName, build.staging!), { cwd: ws.absRoot, env: { ...env, ...build.plan.uvEnv } }));
        } catch (err) {
          uvFailures.set(build, err);
        }
      });
    });
  } catch (err) {
    // Pinning or restoring failed: it speaks for itself, in every member it concerns (as in each executor).
    for (const build of pinnable) build.error = err;
    return builds;
  }
  // The pins are back: a uv failure can say so.
  for (const [build, err] of uvFailures) build.error = uvBuildFailure(build.plan, err);
  return builds;
}

/** Runs `run` on each item, at most `limit` at a time. */
async function forEachAtMost<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await run(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, Math.floor(limit) || 1), items.length) }, worker));
}

/** Copies the files one uv run built into `out` to the folder of each build of the member they belong to (uv's dotfiles to every one). */
function distribute(out: string, builds: readonly MemberBuild[]): void {
  const byName = new Map<string, MemberBuild[]>();
  for (const build of builds) byName.set(build.plan.member.name, [...(byName.get(build.plan.member.name) ?? []), build]);
  for (const name of fs.readdirSync(out)) {
    const file = path.join(out, name);
    if (!isDistributionArtifact(name) || !fs.lstatSync(file).isFile()) continue;
    const owners = name.startsWith('.') ? builds : (byName.get(parseDistributionFilename(name)?.name ?? '') ?? []);
    for (const build of owners) fs.copyFileSync(file, path.join(build.staging!, name));
  }
}
