/**
 * `pin` for one member: the plan (pure: workspace + versions → what to pin) and its apply (a
 * persistent journal entry and the pinned files), and `--restore` of every persistent entry.
 */
import * as path from 'node:path';
import { formatKeyPath } from '../toml';
import type { Member, UvWorkspace } from '../workspace';
import { displayPath } from './leftover-pins';
import { defaultJournalDir, pinChanges, pinFiles, readJournal, restorePins } from './pin-journal';
import { lockedRequirementNotice, planWorkspacePins, type PinPlan, type RequirementPin } from './plan';

/** Where pin says what it did. */
export interface PinLog {
  info(message: string): void;
  warn(message: string): void;
}

/** The persistent journal entry of `nx-uv pin` for a member. */
export function persistentPinId(memberName: string): string {
  return `pin-${memberName}`;
}

/** What `pin` does for one member. */
export type MemberPinPlan =
  { kind: 'not-a-package'; member: Member } | { kind: 'pin'; member: Member; notice?: string; plans: PinPlan[]; pins: (RequirementPin & { file: string })[] };

/** The plan of `pin` for `member` (pure): its pins to the `versions` of the members they name. */
export function planMemberPin(workspace: UvWorkspace, member: Member, versions: ReadonlyMap<string, string>): MemberPinPlan {
  if (!member.isPackage) return { kind: 'not-a-package', member };
  const plans = planWorkspacePins(workspace, [member.name], versions);
  const pins = plans.flatMap((plan) => plan.pins.map((p) => ({ file: plan.file, ...p })));
  return { kind: 'pin', member, notice: lockedRequirementNotice(member), plans, pins };
}

/** Carries out a plan of planMemberPin: a persistent journal entry and the pinned files; says what it did. */
export function applyMemberPin(plan: MemberPinPlan, workspace: UvWorkspace, workspaceRoot: string, log: PinLog): boolean {
  const { member } = plan;
  if (plan.kind === 'not-a-package') {
    log.info(`nx-uv pin: ${member.distributionName || member.root} is not a package (uv does not build it); nothing to pin.`);
    return true;
  }
  if (plan.notice) log.warn(`nx-uv pin: ${plan.notice}.`);
  if (plan.pins.length === 0) {
    log.info(`nx-uv pin: ${member.distributionName} has no internal runtime or optional requirements; nothing to pin.`);
    return true;
  }
  const journalDir = defaultJournalDir(workspaceRoot);
  const entry = pinFiles(journalDir, pinChanges(workspace.absRoot, plan.plans), { persistent: true, id: persistentPinId(member.name) });
  const changed = plan.pins.filter((p) => p.from !== p.to);
  if (!entry || changed.length === 0) {
    log.info(`nx-uv pin: ${member.distributionName}: all ${plan.pins.length} internal requirement(s) already pinned.`);
    return true;
  }
  log.info(`nx-uv pin: pinned ${changed.length} internal requirement(s) of ${member.distributionName} (until \`--restore\`):`);
  for (const p of changed) {
    log.info(
      `  ${displayPath(workspaceRoot, path.join(workspace.absRoot, p.file))} [${formatKeyPath(p.keyPath)}] ${JSON.stringify(p.from)} -> ${JSON.stringify(p.to)}`,
    );
  }
  log.info(`  journal: ${displayPath(workspaceRoot, path.join(journalDir, `${entry.id}.json`))}`);
  return true;
}

/** `--restore`: every persistent entry and the leftovers of dead processes; never the pins of a running build. */
export function restoreAllPins(workspaceRoot: string, log: PinLog): boolean {
  const journalDir = defaultJournalDir(workspaceRoot);
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

  if (restored.length === 0 && unchanged.length === 0) log.info('nx-uv pin --restore: no files are pinned; nothing to restore.');
  for (const file of restored) log.info(`nx-uv pin --restore: restored ${displayPath(workspaceRoot, file)}`);
  for (const file of unchanged) log.info(`nx-uv pin --restore: ${displayPath(workspaceRoot, file)} was already original`);
  const busy = readJournal(journalDir);
  for (const entry of busy) {
    log.warn(
      `nx-uv pin --restore: left ${entry.files.map((f) => displayPath(workspaceRoot, f.file)).join(', ')} pinned: ` +
        `running process ${entry.pid} (since ${entry.startedAt}) is using those pins and restores them itself when it ends.`,
    );
  }
  return true;
}
