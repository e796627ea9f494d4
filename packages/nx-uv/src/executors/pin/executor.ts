/**
 * `nx-uv:pin`: pins the project's internal requirements (runtime and every extra) to the exact current
 * versions of the members they name, as a persistent journal entry that stays until `--restore`.
 * `--restore` puts back every journalled file that no running nx-uv process is using. Both idempotent.
 */
import { logger, type ExecutorContext } from '@nx/devkit';
import * as path from 'node:path';
import { defaultJournalDir, lockedRequirementNotice, pinChanges, pinFiles, planWorkspacePins, readJournal, restorePins } from '../../pin';
import { formatKeyPath } from '../../toml';
import { displayPath, releaseVersions, resolveUvProject, runNxUvExecutor, tagSchemeOf, type ExecutorResult } from '../shared';

/** Options of the executor (schema.json). */
export interface PinExecutorOptions {
  /** Put every journalled file back instead of pinning. */
  restore?: boolean;
}

/** The persistent journal entry of `nx-uv pin` for a member. */
export function persistentPinId(memberName: string): string {
  return `pin-${memberName}`;
}

async function pin(context: ExecutorContext): Promise<boolean> {
  const { workspace, member, workspaceRoot } = resolveUvProject(context);
  const journalDir = defaultJournalDir(workspaceRoot);
  if (!member.isPackage) {
    logger.info(`nx-uv pin: ${member.distributionName || member.root} is not a package (uv does not build it); nothing to pin.`);
    return true;
  }
  const { versions } = await releaseVersions(workspace, tagSchemeOf(context, workspace));
  const plans = planWorkspacePins(workspace, [member.name], versions);
  const notice = lockedRequirementNotice(member);
  if (notice) logger.warn(`nx-uv pin: ${notice}.`);
  const pins = plans.flatMap((plan) => plan.pins.map((p) => ({ file: plan.file, ...p })));
  if (pins.length === 0) {
    logger.info(`nx-uv pin: ${member.distributionName} has no internal runtime or optional requirements; nothing to pin.`);
    return true;
  }
  const entry = pinFiles(journalDir, pinChanges(workspace.absRoot, plans), { persistent: true, id: persistentPinId(member.name) });
  const changed = pins.filter((p) => p.from !== p.to);
  if (!entry || changed.length === 0) {
    logger.info(`nx-uv pin: ${member.distributionName}: all ${pins.length} internal requirement(s) already pinned.`);
    return true;
  }
  logger.info(`nx-uv pin: pinned ${changed.length} internal requirement(s) of ${member.distributionName} (until \`--restore\`):`);
  for (const p of changed) {
    logger.info(`  ${displayPath(workspaceRoot, path.join(workspace.absRoot, p.file))} [${formatKeyPath(p.keyPath)}] ${JSON.stringify(p.from)} -> ${JSON.stringify(p.to)}`);
  }
  logger.info(`  journal: ${displayPath(workspaceRoot, path.join(journalDir, `${entry.id}.json`))}`);
  return true;
}

function restore(context: ExecutorContext): boolean {
  const journalDir = defaultJournalDir(context.root);
  // Persistent entries (nx-uv pin) and leftovers of dead processes; never the pins of a running build.
  const restored: string[] = [];
  const unchanged: string[] = [];
  for (const entry of readJournal(journalDir)) {
    if (!entry.persistent) continue;
    const report = restorePins(journalDir, { id: entry.id });
    restored.push(...report.restored);
    unchanged.push(...report.unchanged);
  }
  const leftovers = restorePins(journalDir, { onlyAbandoned: true });
  restored.push(...leftovers.restored);
  unchanged.push(...leftovers.unchanged);

  if (restored.length === 0 && unchanged.length === 0) logger.info('nx-uv pin --restore: no files are pinned; nothing to restore.');
  for (const file of restored) logger.info(`nx-uv pin --restore: restored ${displayPath(context.root, file)}`);
  for (const file of unchanged) logger.info(`nx-uv pin --restore: ${displayPath(context.root, file)} was already original`);
  const busy = readJournal(journalDir);
  for (const entry of busy) {
    logger.warn(
      `nx-uv pin --restore: left ${entry.files.map((f) => displayPath(context.root, f.file)).join(', ')} pinned: ` +
        `running process ${entry.pid} (since ${entry.startedAt}) is using those pins and restores them itself when it ends.`,
    );
  }
  return true;
}

export default async function pinExecutor(options: PinExecutorOptions, context: ExecutorContext): Promise<ExecutorResult> {
  return runNxUvExecutor(options.restore ? 'pin --restore' : 'pin', context, async () => (options.restore ? restore(context) : pin(context)));
}
