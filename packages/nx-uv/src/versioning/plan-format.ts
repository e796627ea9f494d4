/**
 * A release plan as an aligned plain-text table (for logs and the release-plan executor), followed by
 * requirement updates, skipped packages and notes. The plan itself is JSON-serialisable as is.
 */
import type { ReleasePlan } from './plan';

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - [...text].length));
}

function table(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...(r[i] ?? '')].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** How a package moves, in words: `minor`, `first release`, `patch, graduate`, … */
export function describeBump(p: ReleasePlan['packages'][number]): string {
  switch (p.action) {
    case 'first-release':
      return 'first release';
    case 'as-set':
      return 'as set';
    case 'graduate':
      return p.bump === 'none' ? 'graduate' : `${p.bump}, graduate`;
    default:
      return p.bump === 'none' ? p.action : p.bump;
  }
}

/** The plan as text; ends with a newline. */
export function formatPlanTable(plan: ReleasePlan): string {
  const out: string[] = [];
  if (plan.packages.length === 0) {
    out.push('Nothing to release.');
  } else {
    const rows = plan.packages.map((p) => {
      const [first, ...rest] = p.reasons;
      const reason = first === undefined ? '' : rest.length > 0 ? `${first} (+${rest.length} more)` : first;
      return [p.name, p.lastRelease ?? '-', p.current, p.next, describeBump(p), reason];
    });
    out.push(...table(['package', 'last release', 'current', 'next', 'bump', 'reason'], rows));
  }
  if (plan.requirementUpdates.length > 0) {
    out.push('', 'Requirement updates:');
    out.push(
      ...table(
        ['member', 'section', 'from', 'to'],
        plan.requirementUpdates.map((u) => [u.member === '' ? '(workspace root)' : u.member, u.section, u.from, u.to]),
      ).map((l) => `  ${l}`),
    );
  }
  if (plan.skipped.length > 0) {
    out.push('', 'Not released:');
    out.push(...plan.skipped.map((s) => `  ${s.name}: ${s.reason}`));
  }
  if (plan.notes.length > 0) {
    out.push('', 'Notes:');
    out.push(...plan.notes.map((n) => `  - ${n}`));
  }
  return `${out.join('\n')}\n`;
}
