/**
 * Conventional Commits classification of whole commit messages (header, body and footers: a
 * `BREAKING CHANGE:` footer counts as much as a `!`), reverts that cancel out inside a range, merge
 * commits ignored. Pure.
 */
import { sync as parseCommit } from 'conventional-commits-parser';

/** One commit as the git layer reads it. `subject` is the first line; `body` the rest of the message. */
export interface CommitInput {
  hash: string;
  subject: string;
  body: string;
  /** Number of parents: more than one is a merge commit. */
  parents: number;
}

/** What a commit means for a release, before any 0.x policy. */
export type CommitImpact = 'breaking' | 'feature' | 'fix' | 'none';

export interface ClassifiedCommit {
  hash: string;
  /** The first line of the message, as written. */
  subject: string;
  /** Conventional type, lower case (`feat`), or null when the header is not conventional. */
  type: string | null;
  scope: string | null;
  /** The description after `type(scope)!: `, or the whole subject when not conventional. */
  description: string;
  breaking: boolean;
  /** Texts of `BREAKING CHANGE:` / `BREAKING-CHANGE:` footers (or of the `!` header). */
  breakingNotes: string[];
  impact: CommitImpact;
  conventional: boolean;
  merge: boolean;
  /** What this commit reverts, when it is a revert. */
  revert?: { hash?: string; header?: string };
  /** The version a `Release-As: <version>` footer asks for (the release-please convention). */
  releaseAs?: string;
}

// `Release-As: 2.0.0` on a line of its own in the body (release-please; any case).
const RELEASE_AS = /^release-as:[ \t]*(\S+)[ \t]*$/im;

// type, optional (scope), optional !, ": ", description.
const HEADER = /^(\w+)(?:\(([^()\r\n]*)\))?(!)?:[ \t]+(.*\S)\s*$/;
// `git revert` body, also used under a `revert: …` header.
const REVERTS_HASH = /This reverts commit ([0-9a-fA-F]{4,64})/;
// `git revert` subject, with GitHub's optional ` (#12)` squash suffix.
const GIT_REVERT_SUBJECT = /^Revert\s+"(.+)"(?:\s+\(#\d+\))?\s*$/;

const PARSER_OPTIONS = {
  headerPattern: HEADER,
  headerCorrespondence: ['type', 'scope', 'bang', 'subject'],
  noteKeywords: ['BREAKING CHANGE', 'BREAKING-CHANGE'],
  // Footer tokens are upper case and followed by ":" (Conventional Commits 1.0, items 12 and 16).
  notesPattern: (keywords: string) => new RegExp(`^(${keywords}):\\s*([\\s\\S]*)$`),
  // The default field pattern (/^-(.*?)-$/) would swallow every line after a "---" in a body.
  fieldPattern: null,
  mergePattern: null,
  // Reverts are recognised below, on the header and body separately.
  revertPattern: /(?!)/,
  // No references are read; with a prefix the parser runs a backtracking regex over every line
  // (three quarters of the plan's parse time on a 20,000-commit history).
  issuePrefixes: null,
};

function firstLine(text: string): string {
  return (text ?? '').split(/\r?\n/, 1)[0] ?? '';
}

function stripQuotes(text: string): string {
  const t = text.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

/** Classifies one commit. Never throws on odd messages: they become non-conventional. */
export function classifyCommit(commit: CommitInput): ClassifiedCommit {
  const subject = firstLine(commit.subject).trim();
  const body = (commit.body ?? '').replace(/^\s*\n/, '');
  const merge = commit.parents > 1;
  const base: ClassifiedCommit = {
    hash: commit.hash,
    subject,
    type: null,
    scope: null,
    description: subject,
    breaking: false,
    breakingNotes: [],
    impact: 'none',
    conventional: false,
    merge,
  };
  if (subject === '') return base;

  const raw = body.trim() === '' ? subject : `${subject}\n\n${body}`;
  // The typings lag behind the parser's options (notesPattern, null patterns).
  const parsed = parseCommit(raw, PARSER_OPTIONS as unknown as Parameters<typeof parseCommit>[1]) as ReturnType<typeof parseCommit> & { bang?: string | null };

  const type = parsed.type ? String(parsed.type).toLowerCase() : null;
  const notes = (parsed.notes ?? []).map((n) => n.text.trim()).filter((t) => t !== '');
  const hasFooter = (parsed.notes ?? []).length > 0;
  const bang = Boolean(parsed.bang);
  const result: ClassifiedCommit = {
    ...base,
    type,
    scope: parsed.scope ?? null,
    description: type && parsed.subject ? String(parsed.subject) : subject,
    conventional: type !== null,
    breaking: hasFooter || bang,
    breakingNotes: notes.length > 0 ? notes : bang && parsed.subject ? [String(parsed.subject)] : [],
  };

  // Reverts: `revert: <header>` (Conventional) or `Revert "<header>"` (git), with "This reverts commit <hash>".
  const gitRevert = GIT_REVERT_SUBJECT.exec(subject);
  if (type === 'revert' || gitRevert) {
    const hash = REVERTS_HASH.exec(body)?.[1]?.toLowerCase();
    const header = gitRevert ? gitRevert[1] : stripQuotes(result.description);
    result.revert = { ...(hash ? { hash } : {}), ...(header ? { header } : {}) };
    if (gitRevert) {
      result.type = 'revert';
      result.conventional = true;
      result.description = gitRevert[1];
    }
  }

  const releaseAs = RELEASE_AS.exec(body)?.[1];
  if (releaseAs) result.releaseAs = releaseAs;

  if (result.breaking) result.impact = 'breaking';
  else if (result.type === 'feat') result.impact = 'feature';
  else if (result.type === 'fix' || result.type === 'perf' || result.type === 'revert') result.impact = 'fix';
  return result;
}

export interface CommitAnalysis {
  /** Commits that count, in input order (no merges, no reverted pairs). */
  commits: ClassifiedCommit[];
  /** Pairs that cancel out: both are dropped. */
  reverted: { commit: ClassifiedCommit; revertedBy: ClassifiedCommit }[];
  merges: ClassifiedCommit[];
  /** Conventional-looking headers that are not, and other things a user should know. */
  notes: string[];
  /** Commits that are not Conventional Commits and change no version (summarised by the plan). */
  unconventional: ClassifiedCommit[];
}

function short(hash: string): string {
  return hash.slice(0, 7);
}

function sameHash(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x.length >= 4 && y.length >= 4 && (x.startsWith(y) || y.startsWith(x));
}

function withoutPrSuffix(subject: string): string {
  return subject.replace(/\s+\(#\d+\)\s*$/, '');
}

/**
 * Classifies a range of commits (any order). Merge commits are ignored (their content arrives through
 * the merged commits). A revert whose target is in the same range cancels it: both drop out; the
 * newest reverts are paired first, so a revert of a revert restores the original. A revert of a
 * commit outside the range (already released) stays, as a fix.
 */
export function analyzeCommits(input: readonly CommitInput[]): CommitAnalysis {
  const classified = input.map(classifyCommit);
  const merges = classified.filter((c) => c.merge);
  const remaining = classified.filter((c) => !c.merge);
  const notes: string[] = [];
  const reverted: CommitAnalysis['reverted'] = [];
  const dropped = new Set<ClassifiedCommit>();

  const targetOf = (r: ClassifiedCommit): ClassifiedCommit | undefined => {
    if (!r.revert) return undefined;
    const candidates = remaining.filter((c) => c !== r && !dropped.has(c));
    if (r.revert.hash) {
      const byHash = candidates.find((c) => sameHash(c.hash, r.revert!.hash!));
      if (byHash) return byHash;
      // A hash that names nothing in the range: the reverted commit was released before.
      return undefined;
    }
    const header = r.revert.header ? withoutPrSuffix(r.revert.header) : undefined;
    return header ? candidates.find((c) => withoutPrSuffix(c.subject) === header) : undefined;
  };

  // Pair a revert only when no other pending revert targets it, so chains resolve newest first.
  let progress = true;
  while (progress) {
    progress = false;
    const pending = remaining.filter((c) => c.revert && !dropped.has(c));
    for (const r of pending) {
      const targetedByPending = pending.some((o) => o !== r && targetOf(o) === r);
      if (targetedByPending) continue;
      const target = targetOf(r);
      if (target) {
        dropped.add(r);
        dropped.add(target);
        reverted.push({ commit: target, revertedBy: r });
        notes.push(`${short(target.hash)} "${target.subject}" is reverted by ${short(r.hash)} in the same range: both are ignored`);
        progress = true;
        break;
      }
    }
  }

  const commits = remaining.filter((c) => !dropped.has(c));
  const unconventional: ClassifiedCommit[] = [];
  for (const c of commits) {
    if (c.conventional) continue;
    if (c.breaking) notes.push(`${short(c.hash)} "${c.subject}" is not a Conventional Commit but has a BREAKING CHANGE footer: counted as breaking`);
    else unconventional.push(c);
  }
  return { commits, reverted, merges, notes, unconventional };
}
