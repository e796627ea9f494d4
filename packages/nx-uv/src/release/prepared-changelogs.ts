/**
 * A package released "as set" (its pyproject.toml already holds a version newer than its last tag)
 * whose CHANGELOG.md already has a section for that version was prepared before — typically a merged
 * release PR whose tags are not made yet, or notes written by hand. Its section is kept as it is:
 * re-rendering it would only change the date (a new release PR the day after a merge) or overwrite
 * hand-written notes. Pure.
 */
import { extractChangelogSection } from '../changelog';
import { changelogPath, type FileEdit } from './apply';
import type { ReleasePlan } from '../versioning';
import type { UvWorkspace } from '../workspace';

/** `edits` without the changelog edits of prepared "as set" releases; `kept` names those packages. */
export function keepPreparedChangelogs(ws: UvWorkspace, plan: ReleasePlan, edits: readonly FileEdit[]): { edits: FileEdit[]; kept: string[] } {
  const drop = new Set<string>();
  const kept: string[] = [];
  for (const p of plan.packages) {
    if (p.action !== 'as-set') continue;
    const member = ws.members.find((m) => m.name === p.name);
    if (!member) continue;
    const file = changelogPath(member);
    const edit = edits.find((e) => e.file === file);
    if (edit?.before !== undefined && extractChangelogSection(edit.before, p.next) !== undefined) {
      drop.add(file);
      kept.push(`${p.name} ${p.next}`);
    }
  }
  return { edits: edits.filter((e) => !drop.has(e.file)), kept };
}
