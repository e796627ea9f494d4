/**
 * One release's changelog section in Markdown: a heading with the version (linked to the compare view
 * when the repository is on GitHub) and the date, then "⚠ Breaking changes", "Features", "Bug fixes",
 * "Performance", "Reverts" and "Dependencies". Other commit types (docs, chore, ci, …) are left out.
 * A breaking commit is listed once, under "⚠ Breaking changes", with its BREAKING CHANGE text.
 */
import { githubWebUrl } from './repo-url';

export interface ChangelogCommit {
  hash: string;
  subject?: string;
  /** Conventional type (`feat`), or null for a non-conventional commit. */
  type: string | null;
  scope?: string | null;
  /** The description after `type(scope): `; falls back to the subject. */
  description?: string;
  breaking: boolean;
  breakingNotes?: string[];
}

export interface ChangelogSectionInput {
  /** Package name (used when the section has nothing else to say). */
  name: string;
  version: string;
  /** `YYYY-MM-DD`, or a Date (its UTC day). */
  date: string | Date;
  commits: ChangelogCommit[];
  /** The tag of the previous release, for the compare link. */
  previousTag?: string;
  tag: string;
  /** Remote URL of the repository; links only when it is a GitHub URL. */
  repoUrl?: string;
  /** Internal dependencies released with new versions alongside. */
  dependencyUpdates?: { name: string; from?: string | null; to: string }[];
  /** Which commit types appear under which headings (release-please's `changelog-sections`). */
  sections?: readonly ChangelogSectionRule[];
}

/** One commit type's place in the changelog: its heading, or `hidden: true` to leave it out. */
export interface ChangelogSectionRule {
  type: string;
  section: string;
  hidden?: boolean;
}

export const DEFAULT_CHANGELOG_SECTIONS: readonly ChangelogSectionRule[] = [
  { type: 'feat', section: 'Features' },
  { type: 'fix', section: 'Bug fixes' },
  { type: 'perf', section: 'Performance' },
  { type: 'revert', section: 'Reverts' },
];

/** Headings in first-seen order, each with its visible types. */
function groupsOf(rules: readonly ChangelogSectionRule[]): { title: string; types: string[] }[] {
  const groups: { title: string; types: string[] }[] = [];
  for (const r of rules) {
    if (r.hidden) continue;
    const g = groups.find((x) => x.title === r.section);
    if (g) g.types.push(r.type);
    else groups.push({ title: r.section, types: [r.type] });
  }
  return groups;
}

/** Checks the plugin option `changelogSections`; throws naming the bad entry. */
export function checkChangelogSections(value: unknown): ChangelogSectionRule[] {
  if (!Array.isArray(value)) throw new Error('nx-uv: the plugin option changelogSections (nx.json) must be an array of { "type", "section", "hidden"? }');
  return value.map((r, i) => {
    const ok =
      r &&
      typeof r === 'object' &&
      typeof r.type === 'string' &&
      r.type !== '' &&
      typeof r.section === 'string' &&
      (r.hidden === undefined || typeof r.hidden === 'boolean');
    if (!ok)
      throw new Error(
        `nx-uv: changelogSections[${i}] (nx.json) must be { "type": "<commit type>", "section": "<heading>", "hidden"?: true|false }, got ${JSON.stringify(r)}`,
      );
    return { type: r.type.toLowerCase(), section: r.section, ...(r.hidden ? { hidden: true } : {}) };
  });
}

function formatDate(date: string | Date): string {
  if (date instanceof Date) {
    if (Number.isNaN(date.getTime())) throw new Error('changelog date is not a valid date');
    return date.toISOString().slice(0, 10);
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    throw new Error(`changelog date ${JSON.stringify(date)} is not YYYY-MM-DD`);
  }
  return date;
}

function linkIssues(text: string, repo: string | undefined): string {
  if (!repo) return text;
  return text.replace(/(^|[\s(])#(\d+)\b/g, (_m, lead: string, n: string) => `${lead}[#${n}](${repo}/issues/${n})`);
}

function entry(c: ChangelogCommit, repo: string | undefined): string {
  const description = (c.description ?? c.subject ?? '').trim();
  const scope = c.scope ? `**${c.scope}:** ` : '';
  const short = c.hash.slice(0, 7);
  const ref = repo ? `[${short}](${repo}/commit/${c.hash})` : short;
  return `- ${scope}${linkIssues(description, repo)} (${ref})`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => (l.trim() === '' ? '' : `  ${l}`))
    .join('\n');
}

/** The Markdown section, ending with one newline. */
export function renderChangelogSection(input: ChangelogSectionInput): string {
  const repo = githubWebUrl(input.repoUrl);
  const date = formatDate(input.date);
  const compare = repo && input.previousTag ? `${repo}/compare/${encodeURIComponent(input.previousTag)}...${encodeURIComponent(input.tag)}` : undefined;
  const heading = compare ? `## [${input.version}](${compare}) (${date})` : `## ${input.version} (${date})`;
  const blocks: string[] = [heading];

  const breaking = input.commits.filter((c) => c.breaking);
  if (breaking.length > 0) {
    const lines = breaking.map((c) => {
      const description = (c.description ?? c.subject ?? '').trim();
      const notes = (c.breakingNotes ?? []).map((n) => n.trim()).filter((n) => n !== '' && n !== description);
      return [entry(c, repo), ...notes.map((n) => `\n${indent(linkIssues(n, repo))}`)].join('\n');
    });
    blocks.push(`### ⚠ Breaking changes\n\n${lines.join('\n')}`);
  }
  for (const group of groupsOf(input.sections ?? DEFAULT_CHANGELOG_SECTIONS)) {
    const commits = input.commits.filter((c) => !c.breaking && c.type !== null && group.types.includes(c.type));
    if (commits.length > 0) blocks.push(`### ${group.title}\n\n${commits.map((c) => entry(c, repo)).join('\n')}`);
  }
  const deps = input.dependencyUpdates ?? [];
  if (deps.length > 0) {
    const lines = deps.map((d) => (d.from ? `- ${d.name} ${d.from} → ${d.to}` : `- ${d.name} ${d.to}`));
    blocks.push(`### Dependencies\n\n${lines.join('\n')}`);
  }
  if (blocks.length === 1) blocks.push(`No notable changes in ${input.name}.`);
  return `${blocks.join('\n\n')}\n`;
}
