/**
 * The report of a `version` dry run: the whole release plan and every file a real run would write,
 * kept in `.nx-uv/version-dry-run.txt` (nx-uv's git-ignored state folder under the Nx root).
 * Why a file: Nx hides a successful task's output on a terminal (the TUI) and, since Nx 23.3, in CI
 * logs too, unless --verbose or --output-style=static. Each task's output names the file, and the
 * batch also prints the report on its own output, which Nx shows in every static style.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatPlanTable, type ReleasePlan } from '../../versioning';
import { STATE_DIR } from './plan-cache';
import { atomicWriteFileSync } from '../../pin';

/** The report's path relative to the Nx workspace root, as messages name it. */
export const DRY_RUN_REPORT = `${STATE_DIR}/version-dry-run.txt`;

export function dryRunReportFile(nxRoot: string): string {
  return path.join(nxRoot, DRY_RUN_REPORT);
}

export interface DryRunReportInput {
  plan: ReleasePlan;
  /** The commit the plan was made at. */
  head: string;
  /** Every file a real run would write, relative to the Nx workspace root. */
  files: string[];
  /** uv.lock (relative to the Nx workspace root) when a real run would then run `uv lock`. */
  relock?: string;
}

export function formatDryRunReport({ plan, head, files, relock }: DryRunReportInput): string {
  const lines = [`nx-uv version (dry run) at ${head.slice(0, 12)}: what \`version\` would do. Nothing was written.`, '', formatPlanTable(plan).trimEnd(), ''];
  if (files.length === 0) {
    lines.push('Would write nothing.');
  } else {
    lines.push('Would write:', ...[...files].sort().map((f) => `  ${f}`));
    if (relock) lines.push(`  ${relock} (one \`uv lock\` after the files above)`);
  }
  return `${lines.join('\n')}\n`;
}

/** Replaces the report atomically (a reader never sees half of it). */
export function writeDryRunReport(nxRoot: string, text: string): void {
  const file = dryRunReportFile(nxRoot);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  atomicWriteFileSync(file, text);
}
