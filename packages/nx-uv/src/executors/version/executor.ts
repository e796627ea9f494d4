/**
 * `nx-uv:version`: the first task of a run writes the whole workspace release plan (versions,
 * requirements, changelogs, then one `uv lock`: release/apply.ts `writeRelease`) and marks it applied
 * in the plan cache; every later task, in this process or another, only reports its member's part.
 * Tasks take turns under `.nx-uv/version.lock`. A dry run writes nothing but its report.
 */
import { logger, type ExecutorContext } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DirtyWorkingTreeError, dirtyFiles, remoteUrl, runGit } from '../../git';
import {
  changelogPath,
  computeWorkspacePlan,
  diskText,
  editOptionsFor,
  planFileEdits,
  planFiles,
  withFileLock,
  writeRelease,
  type ComputePlanOptions,
  type FileEdit,
} from '../../release';
import type { ReleasePlan, RequirementUpdate } from '../../versioning';
import type { UvWorkspace } from '../../workspace';
import { planOptionsFor, type PlanExecutorOptions } from '../release-plan/options';
import { resolveUvProject, runNxUvExecutor, type ExecutorLogger, type ExecutorResult } from '../shared';
import { DRY_RUN_REPORT, formatDryRunReport, writeDryRunReport } from './dry-run-report';
import { appliedDigest, planKey, readCachedPlan, STATE_DIR, versionLockFile, writeCachedPlan, type CachedPlan } from './plan-cache';
import { toPosix } from '../../posix-path';

export interface VersionExecutorOptions extends PlanExecutorOptions {
  /** Print this project's planned change and write the whole plan to .nx-uv/version-dry-run.txt; nothing else. */
  dryRun?: boolean;
}

/** What the caller of runVersionExecutor may add to a run. */
export interface VersionRunHooks {
  /** Called with the dry-run report when this process writes it (once per plan). */
  onDryRunReport?: (report: string) => void;
  /** The batch's shared state: the workspace read and the plan prepared (tree checked) once. */
  session?: VersionSession;
}

/** What the tasks of one batch share (versionSession()). */
export interface VersionSession {
  /** Reads a uv workspace once for the whole batch. */
  load: (uvRoot: string) => UvWorkspace;
  /** The plan of a workspace with given options, computed (or read) and its tree checked once. */
  prepared: Map<string, Promise<CachedPlan>>;
}

/** A fresh session for a batch of version tasks. */
export function versionSession(load: (uvRoot: string) => UvWorkspace): VersionSession {
  return { load, prepared: new Map() };
}

/** Plans computed by dry runs in this process (never written to disk), by cache key. */
const dryRunMemo = new Map<string, CachedPlan>();
/** Every edit of a dry run's plan (Nx root + cache key): a dry run writes nothing, so they stay valid. */
const dryRunEdits = new Map<string, FileEdit[]>();
/** Plans (Nx root + cache key) whose dry-run report this process wrote. */
const reported = new Set<string>();

async function newCachedPlan(ws: UvWorkspace, options: ComputePlanOptions, key: string, head: string): Promise<CachedPlan> {
  const { plan } = await computeWorkspacePlan(ws.absRoot, options);
  const repoUrl = await remoteUrl(ws.absRoot, 'origin', { env: options.env }).catch(() => undefined);
  const now = new Date();
  return { key, head, createdAt: now.toISOString(), date: now.toISOString().slice(0, 10), repoUrl, plan };
}

async function gitTopLevel(cwd: string): Promise<string> {
  return (await runGit(cwd, ['rev-parse', '--show-toplevel'])).stdout.trim();
}

/**
 * Throws DirtyWorkingTreeError for changed files (paths relative to the git top level) other than
 * nx-uv's state dir and the `allowed` ones: none when the plan is computed, then the files the plan
 * writes and uv.lock.
 */
async function assertTree(ws: UvWorkspace, gitRoot: string, nxRoot: string, allowed: Set<string>): Promise<void> {
  const files = await dirtyFiles(ws.absRoot);
  const state = toPosix(path.relative(gitRoot, path.join(nxRoot, STATE_DIR)));
  const bad = files.filter((f) => !(f.path === state || f.path.startsWith(`${state}/`)) && !allowed.has(f.path));
  if (bad.length > 0) throw new DirtyWorkingTreeError(gitRoot, bad);
}

function describe(plan: ReleasePlan, name: string): string[] {
  const p = plan.packages.find((x) => x.name === name);
  if (!p) {
    const skipped = plan.skipped.find((s) => s.name === name);
    return [`${name}: not released${skipped ? ` (${skipped.reason})` : ''}`];
  }
  const bump = p.action === 'first-release' ? 'first release' : p.action === 'as-set' ? 'as set' : p.bump === 'none' ? p.action : `${p.bump}, ${p.action}`;
  return [`${name}: ${p.current} → ${p.next} (${bump})`, ...p.reasons.map((r) => `  - ${r}`)];
}

/**
 * The part of the plan a member's task reports (the whole plan is written at once; this only splits
 * the telling): its version file and CHANGELOG.md, and the requirement updates inside its own
 * pyproject.toml, plus those of members without a version task (the virtual root, `package = false`
 * members) that name it. Files relative to the uv root.
 */
function shareOf(ws: UvWorkspace, plan: ReleasePlan, name: string): { files: Set<string>; updates: RequirementUpdate[] } {
  const files = new Set<string>();
  const member = ws.members.find((m) => m.name === name);
  if (member && plan.packages.some((p) => p.name === name)) {
    if (member.version.kind === 'static' || member.version.kind === 'hatch-file') files.add(member.version.file);
    files.add(changelogPath(member));
  }
  const updates: RequirementUpdate[] = [];
  for (const u of plan.requirementUpdates) {
    const holder = u.member === '' ? ws.virtualRoot : ws.members.find((m) => m.name === u.member);
    if ((holder && holder.name !== '' && holder.isPackage ? holder.name : u.dependency) !== name) continue;
    updates.push(u);
    const file = u.pyprojectPath ?? holder?.pyprojectPath;
    if (file !== undefined) files.add(file);
  }
  return { files, updates };
}

/** The executor with its output going to `log` (one task's own log in the batch). */
export async function runVersionExecutor(
  options: VersionExecutorOptions,
  context: ExecutorContext,
  log: ExecutorLogger = logger,
  hooks: VersionRunHooks = {},
): Promise<ExecutorResult> {
  return runNxUvExecutor(
    'version',
    context,
    async () => {
      const session = hooks.session;
      const { workspace: ws, member, workspaceRoot: nxRoot } = session ? resolveUvProject(context, session.load) : resolveUvProject(context);
      if (!member.isPackage) {
        log.info(`nx-uv version: ${member.distributionName || member.root} is not a package (uv does not build it); nothing to version.`);
        return true;
      }
      const planOptions = planOptionsFor(options, context, ws);
      const uvRel = (file: string) => toPosix(path.relative(nxRoot, path.join(ws.absRoot, file)));

      if (options.dryRun) {
        const { key, head } = await planKey(ws, planOptions);
        let cached = readCachedPlan(nxRoot, key) ?? dryRunMemo.get(key);
        if (!cached) {
          cached = await newCachedPlan(ws, planOptions, key, head);
          dryRunMemo.set(key, cached);
        }
        const memo = `${nxRoot}\0${key}`;
        let all = dryRunEdits.get(memo);
        if (!all) {
          all = planFileEdits(ws, cached.plan, diskText(ws), editOptionsFor(planOptions, cached.date, cached.repoUrl));
          dryRunEdits.set(memo, all);
        }
        // The whole plan once per process (every task of a batch shares it), before this task's lines.
        if (!reported.has(memo)) {
          const report = formatDryRunReport({
            plan: cached.plan,
            head: cached.head,
            files: all.map((e) => uvRel(e.file)),
            relock: all.length > 0 && fs.existsSync(path.join(ws.absRoot, 'uv.lock')) ? uvRel('uv.lock') : undefined,
          });
          writeDryRunReport(nxRoot, report);
          reported.add(memo);
          hooks.onDryRunReport?.(report);
        }
        const share = shareOf(ws, cached.plan, member.name);
        const edits = all.filter((e) => share.files.has(e.file));
        const lines = [...describe(cached.plan, member.name)];
        lines.push(edits.length === 0 ? '  would write nothing' : `  would write: ${edits.map((e) => uvRel(e.file)).join(', ')}`);
        for (const u of share.updates) lines.push(`  ${u.pyprojectPath} ${u.section}: ${JSON.stringify(u.from)} → ${JSON.stringify(u.to)}`);
        lines.push(`  the whole plan: ${DRY_RUN_REPORT}`);
        log.info(`nx-uv version (dry run): ${lines.join('\n')}`);
        return true;
      }

      return withFileLock(versionLockFile(nxRoot), async () => {
        const prepare = async (): Promise<CachedPlan> => {
          const { key, head } = await planKey(ws, planOptions);
          const gitRoot = await gitTopLevel(ws.absRoot);
          let cached = readCachedPlan(nxRoot, key);
          // Written by an earlier task, but the files no longer hold it (reset since): write it again.
          if (cached?.applied && appliedDigest(ws, cached.applied.files) !== cached.applied.digest) delete cached.applied;
          if (!cached) {
            await assertTree(ws, gitRoot, nxRoot, new Set());
            cached = await newCachedPlan(ws, planOptions, key, head);
            writeCachedPlan(nxRoot, cached);
          } else {
            const allowed = new Set([...planFiles(ws, cached.plan), 'uv.lock'].map((f) => toPosix(path.relative(gitRoot, path.join(ws.absRoot, f)))));
            await assertTree(ws, gitRoot, nxRoot, allowed);
          }
          return cached;
        };
        // In a batch, the plan is prepared (and the tree checked) once: only this process writes meanwhile.
        const sessionKey = `${nxRoot}\0${ws.absRoot}\0${JSON.stringify({ ...planOptions, env: undefined })}`;
        let preparing = session?.prepared.get(sessionKey);
        if (session && !preparing) {
          preparing = prepare();
          session.prepared.set(sessionKey, preparing);
        }
        const cached = await (preparing ?? prepare());
        const lines = describe(cached.plan, member.name);
        // The first task of the run (under the lock) writes the whole plan and one `uv lock`, then
        // records it in the plan cache; the others of the run (this process or another) only report.
        if (!cached.applied) {
          const written = await writeRelease(ws, cached.plan, editOptionsFor(planOptions, cached.date, cached.repoUrl));
          cached.applied = { by: member.name, files: written.files, digest: appliedDigest(ws, written.files) };
          writeCachedPlan(nxRoot, cached);
          lines.push(written.files.length === 0 ? '  nothing to write' : `  wrote the whole release plan: ${written.files.map(uvRel).join(', ')}`);
        } else {
          const share = shareOf(ws, cached.plan, member.name);
          const mine = cached.applied.files.filter((f) => share.files.has(f));
          lines.push(
            mine.length === 0
              ? '  nothing to write'
              : `  written with the whole plan by the version task of ${cached.applied.by}: ${mine.map(uvRel).join(', ')}`,
          );
        }
        log.info(`nx-uv version: ${lines.join('\n')}`);
        return true;
      });
    },
    log,
  );
}

export default async function versionExecutor(options: VersionExecutorOptions, context: ExecutorContext): Promise<ExecutorResult> {
  return runVersionExecutor(options, context);
}
