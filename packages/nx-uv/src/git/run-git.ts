/**
 * Runs one `git` process. Every failure becomes a `GitError` naming the command, the directory and
 * git's stderr, with credentials embedded in URLs (`https://user:token@host`) masked.
 */
import execa from 'execa';
import { redact } from '../redact';

export interface GitRunOptions {
  /** Extra environment for the git process (identity, dates); merged over process.env. */
  env?: NodeJS.ProcessEnv;
  /** Text written to git's stdin. */
  input?: string;
  /** Exit codes that are answers rather than failures (e.g. 1 for `diff --quiet`). */
  okExitCodes?: number[];
}

export interface GitResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export class GitError extends Error {
  constructor(
    message: string,
    readonly command: string,
    readonly cwd: string,
    readonly exitCode: number | undefined,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'GitError';
  }
}

/** Options every git call gets: no pager, no colour, no prompts, output independent of user config. */
const BASE_ARGS = ['-c', 'core.quotePath=false', '-c', 'color.ui=false', '-c', 'log.showSignature=false'];

export function formatGitCommand(args: readonly string[]): string {
  return redact(`git ${args.map((a) => (/^[\w@%+=:,./^{}~-]+$/.test(a) ? a : JSON.stringify(a))).join(' ')}`);
}

export async function runGit(cwd: string, args: readonly string[], options: GitRunOptions = {}): Promise<GitResult> {
  const command = formatGitCommand(args);
  let result: execa.ExecaReturnValue;
  try {
    result = await execa('git', [...BASE_ARGS, ...args], {
      cwd,
      env: { GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C', ...options.env },
      input: options.input,
      reject: false,
      stripFinalNewline: false,
    });
  } catch (error) {
    throw new GitError(`${command} could not start in ${cwd}: ${redact((error as Error).message)}`, command, cwd, undefined, '');
  }
  if ((result.exitCode as number | undefined) === undefined && !result.signal) {
    // Spawning failed (no git on PATH, missing directory).
    throw new GitError(
      `${command} could not start in ${cwd}: ${redact(String((result as { shortMessage?: string }).shortMessage ?? result.stderr))}`,
      command,
      cwd,
      undefined,
      '',
    );
  }
  const ok = result.exitCode === 0 || (options.okExitCodes ?? []).includes(result.exitCode);
  if (!ok) {
    const stderr = redact(result.stderr.trim());
    const how = result.signal ? `was killed (${result.signal})` : `failed with exit code ${result.exitCode}`;
    throw new GitError(`${command} ${how} in ${cwd}${stderr ? `:\n${stderr}` : ''}`, command, cwd, result.exitCode, stderr);
  }
  return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode };
}
