/**
 * Writing a release plan into the workspace: new versions (pyproject.toml `[project] version`, or
 * the hatch version file), requirement specifiers, a CHANGELOG.md section per released package,
 * then `uv lock` once so `uv lock --check` passes. Every edit is computed before any file is
 * written (nothing half-done on a bad input), and applying the same plan twice changes nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { prependChangelogSection, renderChangelogSection, type ChangelogSectionRule } from '../changelog';
import { atomicWriteFileSync } from '../pin';
import { joinPosix } from '../posix-path';
import { mapArrayStrings, setPythonVersionAssignment, setStringValue } from '../toml';
import { runUv } from '../uv';
import type { PlannedPackage, ReleasePlan, RequirementUpdate } from '../versioning';
import { readUtf8File, type Member, type UvWorkspace, type VersionSource } from '../workspace';
import { tagScheme, type TagScheme } from './tag-scheme';

export interface EditOptions {
  /** Release date of the changelog sections: `YYYY-MM-DD` or a Date (its UTC day). */
  date: string | Date;
  /** Remote URL, for links in the changelog (GitHub only). */
  repoUrl?: string;
  /** The plugin option `tagFormat` (for compare links). */
  tagFormat?: string;
  /** The tag scheme (fixed groups' tags); overrides `tagFormat`. */
  tagScheme?: TagScheme;
  /** Which commit types appear under which changelog headings (plugin option `changelogSections`). */
  changelogSections?: readonly ChangelogSectionRule[];
}

/** The edit options of a release planned with `options` (what version and release-pr share). */
export function editOptionsFor(
  options: { tagFormat?: string; tagScheme?: TagScheme; changelogSections?: readonly ChangelogSectionRule[] },
  date: string | Date,
  repoUrl: string | undefined,
): EditOptions {
  return { date, repoUrl, tagFormat: options.tagFormat, tagScheme: options.tagScheme, changelogSections: options.changelogSections };
}

export interface WriteReleaseOptions extends EditOptions {
  /** The current text of a file, relative to the uv root (default: the file in `ws`). */
  read?: (file: string) => string | undefined;
  /**
   * The edits to write, when the caller computed them already with planFileEdits (release-pr shows
   * them, then writes them into its worktree); default: planFileEdits of the whole plan.
   */
  edits?: readonly FileEdit[];
  /** Run `uv lock` after writing (only when a file changed and uv.lock exists). Default true. */
  lock?: boolean;
  /** Environment of `uv` (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** What writeRelease did. */
export interface WrittenRelease {
  /** The edits written, sorted by file. */
  edits: FileEdit[];
  /** The files changed, relative to the uv root (uv.lock included when uv changed it), sorted. */
  files: string[];
  /** Whether `uv lock` ran. */
  locked: boolean;
}

/** One file's new text. `file` is POSIX, relative to the uv root. */
export interface FileEdit {
  file: string;
  /** undefined when the file does not exist yet (a new CHANGELOG.md). */
  before: string | undefined;
  after: string;
}

export class ApplyPlanError extends Error {
  override readonly name = 'ApplyPlanError';
}

/** TOML key path of a requirement section (`project.optional-dependencies.<extra>` may hold dots in the extra). */
export function sectionKeyPath(section: string): string[] {
  for (const prefix of ['project.optional-dependencies.', 'dependency-groups.']) {
    if (section.startsWith(prefix)) return [...prefix.slice(0, -1).split('.'), section.slice(prefix.length)];
  }
  return section.split('.');
}

/** Changelog path of a member, relative to the uv root. */
export function changelogPath(member: Member): string {
  return joinPosix(member.root, 'CHANGELOG.md');
}

/** Every file the plan writes (relative to the uv root); uv.lock not included. */
export function planFiles(ws: UvWorkspace, plan: ReleasePlan): string[] {
  const files = new Set<string>();
  for (const p of plan.packages) {
    const m = memberOf(ws, p.name);
    if (m.version.kind === 'static' || m.version.kind === 'hatch-file') files.add(m.version.file);
    files.add(changelogPath(m));
  }
  for (const u of plan.requirementUpdates) files.add(u.pyprojectPath ?? pyprojectOf(ws, u.member));
  return [...files].sort();
}

function memberOf(ws: UvWorkspace, name: string): Member {
  const m = ws.members.find((x) => x.name === name);
  if (!m) throw new ApplyPlanError(`nx-uv: the release plan names ${JSON.stringify(name)}, which is not a member of the uv workspace at ${ws.absRoot}`);
  return m;
}

function pyprojectOf(ws: UvWorkspace, member: string): string {
  if (member === '' && ws.virtualRoot) return ws.virtualRoot.pyprojectPath;
  return memberOf(ws, member).pyprojectPath;
}

/** A version that lives in a file: `[project] version`, or hatch's version file. */
export type WritableVersionSource = Extract<VersionSource, { kind: 'static' | 'hatch-file' }>;

/** `text` (the source's file) with the version replaced by `version`, surgically. */
export function writeVersionInto(text: string, source: WritableVersionSource, version: string): string {
  return source.kind === 'static'
    ? setStringValue(text, ['project', 'version'], version, source.file)
    : setPythonVersionAssignment(text, version, source.file, source.pattern);
}

function versionEdit(m: Member, p: PlannedPackage): { file: string; apply: (text: string) => string } | undefined {
  const source = m.version;
  if (source.kind === 'static' || source.kind === 'hatch-file') {
    return { file: source.file, apply: (text) => writeVersionInto(text, source, p.next) };
  }
  // Derived from git tags: no file holds it; the tag target's tag makes it (changelog and requirements still change).
  if (source.kind === 'vcs') return undefined;
  throw new ApplyPlanError(
    `nx-uv: cannot write version ${p.next} of ${m.distributionName} (${m.pyprojectPath}): its version is ${source.kind === 'dynamic' ? `dynamic (${source.reason})` : 'not set'}; ` +
      'set [project] version, or [tool.hatch.version] path',
  );
}

/**
 * Every edit the plan makes, computed from the current text of each file (`read`, relative to the uv
 * root). Pure. Edits that change nothing are left out. Throws ApplyPlanError/TomlEditError naming the
 * file before anything is written.
 */
export function planFileEdits(ws: UvWorkspace, plan: ReleasePlan, read: (file: string) => string | undefined, options: EditOptions): FileEdit[] {
  const texts = new Map<string, { before: string | undefined; after: string | undefined }>();
  const edit = (file: string, fn: (text: string | undefined) => string) => {
    let entry = texts.get(file);
    if (!entry) {
      const before = read(file);
      entry = { before, after: before };
      texts.set(file, entry);
    }
    entry.after = fn(entry.after);
  };
  const scheme = options.tagScheme ?? tagScheme(options.tagFormat);

  for (const p of plan.packages) {
    const m = memberOf(ws, p.name);
    const v = versionEdit(m, p);
    if (v) {
      edit(v.file, (text) => {
        if (text === undefined) throw new ApplyPlanError(`nx-uv: ${v.file} (version file of ${m.distributionName}) does not exist in ${ws.absRoot}`);
        return v.apply(text);
      });
    }
    const section = renderChangelogSection({
      name: m.distributionName,
      version: p.next,
      date: options.date,
      commits: p.commits,
      tag: scheme.tagOf(p.name, p.next),
      previousTag: p.lastRelease ? scheme.tagOf(p.name, p.lastRelease) : undefined,
      repoUrl: options.repoUrl,
      dependencyUpdates: p.dependencyUpdates,
      sections: options.changelogSections,
    });
    edit(changelogPath(m), (text) => prependChangelogSection(text, section));
  }

  // Requirement updates, grouped by file and section so each array is rewritten once.
  const groups = new Map<string, RequirementUpdate[]>();
  for (const u of plan.requirementUpdates) {
    const file = u.pyprojectPath ?? pyprojectOf(ws, u.member);
    const key = `${file}\0${u.section}`;
    groups.set(key, [...(groups.get(key) ?? []), u]);
  }
  for (const [key, updates] of groups) {
    const [file, section] = key.split('\0');
    edit(file, (text) => {
      if (text === undefined) throw new ApplyPlanError(`nx-uv: ${file} does not exist in ${ws.absRoot}`);
      const seen = new Set<RequirementUpdate>();
      const out = mapArrayStrings(
        text,
        sectionKeyPath(section),
        (value) => {
          const u = updates.find((x) => x.from === value || x.to === value);
          if (!u) return undefined;
          seen.add(u);
          return u.to;
        },
        file,
      );
      const missing = updates.filter((u) => !seen.has(u));
      if (missing.length > 0) {
        throw new ApplyPlanError(
          `nx-uv: ${file} \`${section}\` no longer holds ${missing.map((u) => JSON.stringify(u.from)).join(', ')} ` +
            `(the release plan would change it to ${missing.map((u) => JSON.stringify(u.to)).join(', ')}): the file changed since the plan was made; run again`,
        );
      }
      return out;
    });
  }

  return [...texts.entries()]
    .filter(([, e]) => e.after !== undefined && e.after !== e.before)
    .map(([file, e]) => ({ file, before: e.before, after: e.after as string }))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** A reader of files relative to the uv root (undefined when missing). */
export function diskText(ws: UvWorkspace): (file: string) => string | undefined {
  return (file) => {
    try {
      return readUtf8File(path.join(ws.absRoot, file), file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  };
}

/**
 * Writes computed edits (relative to the uv root), each file replaced atomically: a version task of
 * the same run that models the workspace meanwhile reads the old text or the new, never half a file.
 */
function writeEdits(ws: UvWorkspace, edits: readonly FileEdit[]): void {
  for (const e of edits) {
    const abs = path.join(ws.absRoot, e.file);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    atomicWriteFileSync(abs, e.after);
  }
}

/** Runs `uv lock` in the uv root when uv.lock exists; returns whether uv.lock changed. */
export async function relock(ws: UvWorkspace, env?: NodeJS.ProcessEnv): Promise<boolean> {
  const lockFile = path.join(ws.absRoot, 'uv.lock');
  if (!fs.existsSync(lockFile)) return false;
  const before = fs.readFileSync(lockFile);
  await runUv(['lock'], { cwd: ws.absRoot, env });
  return !before.equals(fs.readFileSync(lockFile));
}

/**
 * The one way a release is written (version executor and batch, release-pr's worktree): every edit
 * of the plan computed first (nothing is written when one fails), then the files, then — when a file
 * changed, unless `lock: false` — one `uv lock` (skipped when the workspace has no uv.lock). Writing
 * the same plan again changes nothing. The nx release adapter writes into Nx's Tree instead (see
 * nx-release/manifest-edits.ts) and shares planFileEdits and relock.
 */
export async function writeRelease(ws: UvWorkspace, plan: ReleasePlan, options: WriteReleaseOptions): Promise<WrittenRelease> {
  const edits = options.edits ? [...options.edits] : planFileEdits(ws, plan, options.read ?? diskText(ws), options);
  writeEdits(ws, edits);
  const files = edits.map((e) => e.file);
  const locked = edits.length > 0 && options.lock !== false && fs.existsSync(path.join(ws.absRoot, 'uv.lock'));
  if (locked && (await relock(ws, options.env))) files.push('uv.lock');
  return { edits, files: files.sort(), locked };
}
