/**
 * What the release PR says: the commit message, the PR title, and the PR body (a hidden marker, the
 * plan as Markdown tables, then each package's new changelog section), kept under GitHub's body
 * limit by leaving out whole sections first. Pure.
 */
import { PULL_REQUEST_BODY_LIMIT, RELEASE_LABEL_PENDING, RELEASE_LABEL_TAGGED, truncateBody } from '../forge';
import { describeBump, type PlannedPackage, type ReleasePlan } from '../versioning';

/** The new changelog section of one released package (without its `## version` heading). */
export interface ChangelogSectionText {
  name: string;
  version: string;
  /** Section body; undefined when the package's CHANGELOG.md has no section for the version. */
  text: string | undefined;
}

export interface ReleasePrContentInput {
  plan: ReleasePlan;
  /** The release group of this PR, if any. */
  group?: string;
  branch: string;
  base: string;
  sections: ChangelogSectionText[];
  /** The label the release PR carries until it is tagged. Default `autorelease: pending`. */
  releaseLabel?: string;
  /** Body limit (tests). Default GitHub's 65,536 characters. */
  limit?: number;
}

/** First line of the hidden marker that identifies an nx-uv release PR body. */
export const RELEASE_PR_MARKER = '<!-- nx-uv:release-pr';

const TITLE_LIMIT = 120;

function releaseList(plan: ReleasePlan): string {
  return plan.packages.map((p) => `${p.name} ${p.next}`).join(', ');
}

/** `chore(release): core 1.3.0, mid 0.4.2` — or `chore(release): 12 packages` when that gets long. */
export function releasePrTitle(plan: ReleasePlan, group?: string): string {
  const full = `chore(release): ${releaseList(plan)}`;
  if (full.length <= TITLE_LIMIT) return full;
  const n = plan.packages.length;
  return `chore(release): ${group ? `group ${group}, ` : ''}${n} package${n === 1 ? '' : 's'}`;
}

/** The release commit: the title as subject, then one line per package. */
export function releaseCommitMessage(plan: ReleasePlan, group?: string): string {
  const lines = plan.packages.map((p) => `- ${p.name} ${p.lastRelease ?? '(first release)'} → ${p.next}`);
  const trailer = group ? `\n\nRelease group: ${group}` : '';
  return `${releasePrTitle(plan, group)}\n\n${lines.join('\n')}${trailer}\n`;
}

/** A table cell: no newlines, `|` escaped. */
function cell(value: string): string {
  return value.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** Inline code that survives any backticks in the value. */
function code(value: string): string {
  const ticks = '`'.repeat(Math.max(0, ...[...value.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
  const pad = value.startsWith('`') || value.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${value}${pad}${ticks}`;
}

const MAX_REASONS = 8;

function reasonsText(p: PlannedPackage): string {
  const shown = p.reasons.slice(0, MAX_REASONS).map(cell);
  if (p.reasons.length > MAX_REASONS) shown.push(`… and ${p.reasons.length - MAX_REASONS} more`);
  return shown.join('<br>');
}

/** The plan as Markdown: packages table, requirement updates, not released, notes. */
export function planMarkdown(plan: ReleasePlan): string {
  const out: string[] = [];
  if (plan.packages.length === 0) {
    out.push('Nothing to release.');
  } else {
    out.push('| Package | Last release | Next | Bump | Why |', '| --- | --- | --- | --- | --- |');
    for (const p of plan.packages) {
      const current = p.current !== (p.lastRelease ?? p.current) ? ` (pyproject.toml: ${p.current})` : '';
      out.push(`| ${cell(p.name)} | ${cell(p.lastRelease ?? '—')}${cell(current)} | **${cell(p.next)}** | ${describeBump(p)} | ${reasonsText(p)} |`);
    }
  }
  if (plan.requirementUpdates.length > 0) {
    out.push('', `<details><summary>Requirement updates (${plan.requirementUpdates.length})</summary>`, '');
    out.push('| Member | Section | From | To |', '| --- | --- | --- | --- |');
    for (const u of plan.requirementUpdates) {
      out.push(`| ${cell(u.member === '' ? '(workspace root)' : u.member)} | ${cell(code(u.section))} | ${cell(code(u.from))} | ${cell(code(u.to))} |`);
    }
    out.push('', '</details>');
  }
  if (plan.skipped.length > 0) {
    out.push('', '**Not released:**', '', ...plan.skipped.map((s) => `- ${s.name}: ${s.reason}`));
  }
  if (plan.notes.length > 0) {
    out.push('', '**Notes:**', '', ...plan.notes.map((n) => `- ${n}`));
  }
  return `${out.join('\n')}\n`;
}

/** A changelog section under its own `### name version` heading, its headings one level deeper. */
function sectionMarkdown(s: ChangelogSectionText): string {
  const body = (s.text ?? '_No changelog section was written for this version._\n')
    .replace(/\r\n/g, '\n')
    .replace(/^(#{1,5}) /gm, (_m, hashes: string) => `${hashes}# `)
    .replace(/\n*$/, '\n');
  return `### ${s.name} ${s.version}\n\n${body}`;
}

/** The PR body; never longer than the limit (whole sections are left out first, with a note). */
export function releasePrBody(input: ReleasePrContentInput): string {
  const limit = input.limit ?? PULL_REQUEST_BODY_LIMIT;
  const marker = `${RELEASE_PR_MARKER} ${JSON.stringify({ group: input.group ?? null, branch: input.branch, base: input.base })} -->`;
  const scope = input.group ? ` of group \`${input.group}\`` : '';
  const head = [
    marker,
    `This PR releases the packages below${scope}. Merging it into \`${input.base}\` makes the release: the \`tag\` targets tag each package,`,
    `create its GitHub Release and move this PR's label \`${input.releaseLabel ?? RELEASE_LABEL_PENDING}\` to \`${RELEASE_LABEL_TAGGED}\`.`,
    '',
    `The branch \`${input.branch}\` is rebuilt from \`${input.base}\` by nx-uv \`release-pr\` on every run: changes pushed to it are overwritten.`,
    '',
    '## Release plan',
    '',
    planMarkdown(input.plan).trimEnd(),
    '',
    '## Changelog',
    '',
  ].join('\n');
  const sections = input.sections.map(sectionMarkdown);
  let body = `${head}\n${sections.join('\n')}`;
  if (body.length <= limit) return body;

  // Too long: keep the head and as many whole sections as fit, then say what was left out.
  const note = (left: ChangelogSectionText[]) =>
    `\n_… ${left.length} more changelog section${left.length === 1 ? '' : 's'} left out (GitHub limits a PR body to ${limit.toLocaleString('en-US')} characters): ` +
    `${left.map((s) => `${s.name} ${s.version}`).join(', ')}. See the CHANGELOG.md files in this PR._\n`;
  body = `${head}\n`;
  let kept = 0;
  for (; kept < sections.length; kept++) {
    const next = `${body}${kept > 0 ? '\n' : ''}${sections[kept]}`;
    const rest = input.sections.slice(kept + 1);
    if (next.length + (rest.length > 0 ? note(rest).length : 0) > limit) break;
    body = next;
  }
  if (kept < sections.length) body += note(input.sections.slice(kept));
  return truncateBody(body, limit);
}
