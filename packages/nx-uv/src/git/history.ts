/**
 * Reads commit history (messages and the files each commit touched) in one `git log`, parsed as it
 * streams, so there is no buffer limit. Side-branch commits are included: in a merge-commit
 * workflow they carry the Conventional Commit messages. Merges list no files, since their changes
 * are listed under the side-branch commits. Renames are not detected (`--no-renames`), so a moved
 * file counts for both the package it left and the one it joined.
 */
import execa from 'execa';
import { StringDecoder } from 'node:string_decoder';
import { redact } from '../redact';
import { formatGitCommand, GitError } from './run-git';

export interface Commit {
  hash: string;
  /** First line (paragraph) of the message. */
  subject: string;
  /** The rest of the message (no trailing newline); '' when there is none. */
  body: string;
  /** Number of parents: 0 for a root commit, 1 normally, 2+ for merges. */
  parents: number;
  /**
   * The parents' hashes, first parent first (`parents === parentHashes.length`), so callers can walk
   * the commits read without another git process. A parent may lie outside the commits read.
   */
  parentHashes: string[];
  /**
   * Files changed relative to the first parent (to the empty tree for a root); [] for merges.
   * POSIX paths relative to the repository's top level.
   */
  files: string[];
}

export interface ReadHistoryOptions {
  /** Exclude commits reachable from this revision (typically the last release tag). */
  since?: string;
  /** Read from this revision; default `HEAD`. */
  until?: string;
  /** Only commits touching these pathspecs (relative to cwd). */
  paths?: string[];
  /** Follow only first parents (the mainline of a merge-commit workflow). Default false. */
  firstParent?: boolean;
  env?: NodeJS.ProcessEnv;
}

const RECORD_START = '\x1e';
const FORMAT = `--format=${RECORD_START}%H%x00%P%x00%s%x00%b`;

/** The `git log` arguments `readHistory` runs (exported for tests and for the benchmark). */
export function historyArgs(options: ReadHistoryOptions = {}): string[] {
  const until = options.until ?? 'HEAD';
  const args = ['log', '-z', '--name-only', '--no-renames', '--no-color', '--encoding=UTF-8', FORMAT];
  if (options.firstParent) args.push('--first-parent');
  args.push(options.since ? `${options.since}..${until}` : until);
  args.push('--');
  if (options.paths) args.push(...options.paths);
  return args;
}

/**
 * Incremental parser of `git log -z --name-only` output in the format above. Feed it text; it calls
 * `onCommit` for each complete commit.
 */
export class HistoryParser {
  private rest = '';
  private current: Commit | undefined;
  /** Fields read of the current commit: 1 = hash, 2 = parents, 3 = subject, 4 = body (then files). */
  private field = 0;

  constructor(private readonly onCommit: (commit: Commit) => void) {}

  push(text: string): void {
    const data = this.rest + text;
    let start = 0;
    for (let nul = data.indexOf('\0', start); nul >= 0; nul = data.indexOf('\0', start)) {
      this.token(data.slice(start, nul));
      start = nul + 1;
    }
    this.rest = data.slice(start);
  }

  end(): void {
    if (this.rest) this.token(this.rest);
    this.rest = '';
    this.flush();
  }

  private token(token: string): void {
    if (this.field >= 4 || this.field === 0) {
      if (token.startsWith(RECORD_START) && /^\x1e[0-9a-f]{40,64}$/.test(token)) {
        this.flush();
        this.current = { hash: token.slice(1), parents: 0, parentHashes: [], subject: '', body: '', files: [] };
        this.field = 1;
        return;
      }
      if (!this.current) {
        if (token === '' || token === '\n') return;
        throw new Error(`unexpected git log output before the first commit: ${JSON.stringify(token.slice(0, 80))}`);
      }
      // Files: the first one follows the "\n" that separates the message from the diff output.
      const file = this.current.files.length === 0 && token.startsWith('\n') ? token.slice(1) : token;
      if (file !== '') this.current.files.push(file);
      return;
    }
    const c = this.current as NonNullable<typeof this.current>;
    if (this.field === 1) {
      c.parentHashes = token === '' ? [] : token.split(' ');
      c.parents = c.parentHashes.length;
    } else if (this.field === 2) c.subject = token;
    else c.body = token.replace(/\n+$/, '');
    this.field++;
  }

  private flush(): void {
    if (this.current) this.onCommit(this.current);
    this.current = undefined;
    this.field = 0;
  }
}

/** Commits (newest first) with the files each touched, from one `git log` process. */
export async function readHistory(cwd: string, options: ReadHistoryOptions = {}): Promise<Commit[]> {
  const args = historyArgs(options);
  const command = formatGitCommand(args);
  const commits: Commit[] = [];
  const parser = new HistoryParser((c) => commits.push(c));
  const child = execa('git', ['-c', 'core.quotePath=false', '-c', 'log.showSignature=false', ...args], {
    cwd,
    env: { GIT_PAGER: 'cat', LC_ALL: 'C', ...options.env },
    buffer: false,
    stdin: 'ignore',
    stderr: 'pipe',
    reject: false,
  });
  const decoder = new StringDecoder('utf8');
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8');
  });
  let parseError: Error | undefined;
  child.stdout?.on('data', (chunk: Buffer) => {
    if (parseError) return;
    try {
      parser.push(decoder.write(chunk));
    } catch (error) {
      parseError = error as Error;
      child.kill();
    }
  });
  // execa resolves on process exit; the pipe may still hold data, so wait for it to close as well.
  const drained = new Promise<void>((resolve) => (child.stdout ? child.stdout.once('close', () => resolve()) : resolve()));
  const [result] = await Promise.all([child, drained]);
  if ((result.exitCode as number | undefined) === undefined && !result.signal) {
    throw new GitError(
      `${command} could not start in ${cwd}: ${redact(String((result as { shortMessage?: string }).shortMessage))}`,
      command,
      cwd,
      undefined,
      '',
    );
  }
  if (parseError) throw new GitError(`${command} in ${cwd}: cannot parse its output: ${parseError.message}`, command, cwd, result.exitCode, '');
  if (result.exitCode !== 0) {
    const message = redact(stderr.trim());
    // A branch without commits has no history (not an error for a release tool).
    if (!options.since && !options.until && /bad revision 'HEAD'|ambiguous argument 'HEAD'|does not have any commits yet/.test(message)) return [];
    throw new GitError(
      `${command} failed with exit code ${result.exitCode} in ${cwd}${message ? `:\n${message}` : ''}`,
      command,
      cwd,
      result.exitCode,
      message,
    );
  }
  parser.push(decoder.end());
  parser.end();
  return commits;
}
