/**
 * Running the uv CLI (execa 5). The binary is `NX_UV_UV_PATH` (from the given env, else the process
 * env) or `uv` found on the child's PATH. The exit code is always checked: a failure throws
 * UvCommandError with the command line and uv's stderr, both redacted (secrets given explicitly plus
 * the values of secret variables in the child's environment).
 */
import execa from 'execa';
import * as fs from 'node:fs';
import { displayCommand, redact, secretsFromEnv } from './redact';

export interface RunUvOptions {
  cwd: string;
  /** The child's whole environment (not merged with process.env). Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Extra secret values to redact from messages. */
  secrets?: string[];
  /** Override of the uv binary (else NX_UV_UV_PATH, else `uv`). */
  uvPath?: string;
  /** Kill uv after this many ms. Default: none. */
  timeoutMs?: number;
}

export interface UvResult {
  /** Redacted display of the command line. */
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export class UvCommandError extends Error {
  override readonly name = 'UvCommandError';
  constructor(
    message: string,
    /** Redacted command line. */
    readonly command: string,
    readonly exitCode: number | undefined,
    /** Redacted stderr. */
    readonly stderr: string,
    /** Whether running the same command again may succeed (transient network/index trouble). */
    readonly retryable: boolean,
    /** The HTTP status of the index's last answer, when uv's stderr reports one (`httpStatusInUvOutput`). */
    readonly status?: number,
  ) {
    super(message);
  }
}

export function resolveUvPath(env: NodeJS.ProcessEnv | undefined, override?: string): string {
  return override || env?.NX_UV_UV_PATH || process.env.NX_UV_UV_PATH || 'uv';
}

/**
 * The HTTP status of the last answer uv reports in its stderr (`… status code 403 Forbidden` from an
 * upload, `HTTP status client error (401 Unauthorized) for url …` from a request), if any. uv has no
 * machine-readable error output, so this is the one place its text is read for a status.
 */
export function httpStatusInUvOutput(stderr: string): number | undefined {
  let status: number | undefined;
  for (const m of stderr.matchAll(/status (?:code |(?:client|server) error \()(\d{3})\b/gi)) status = Number(m[1]);
  return status;
}

/**
 * Pure: does uv's stderr describe a transient failure? An HTTP status in uv's message decides
 * (5xx/408/429 yes, other 4xx no); then known permanent failures (credentials, hash mismatch, offline,
 * bad files) say no; then connection-level trouble says yes. Unknown failures are not retried.
 */
export function isTransientUvFailure(stderr: string): boolean {
  const status = httpStatusInUvOutput(stderr);
  if (status !== undefined) return status >= 500 || status === 408 || status === 429;
  if (
    /Missing credentials|Local file and index file do not match|offline mode|Trusted publishing failed|No files found|not a valid|Invalid|Permission denied/i.test(
      stderr,
    )
  ) {
    return false;
  }
  return /error sending request|connection (?:reset|refused|closed|aborted)|connection closed before message completed|broken pipe|timed out|Request failed after \d+ retr|tcp connect error|dns error|unexpected end of file|IncompleteMessage|error reading a body/i.test(
    stderr,
  );
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

export async function runUv(args: string[], options: RunUvOptions): Promise<UvResult> {
  const env = options.env ?? process.env;
  const file = resolveUvPath(env, options.uvPath);
  const secrets = [...(options.secrets ?? []), ...secretsFromEnv(env)];
  const command = displayCommand(file === 'uv' ? 'uv' : file, args, secrets);
  const result = await execa(file, args, {
    cwd: options.cwd,
    env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: options.timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  const stdout = redact(result.stdout ?? '', secrets);
  const stderr = redact(result.stderr ?? '', secrets);
  const failure = result as unknown as { code?: string; message?: string };
  if (failure.code === 'ENOENT' && options.cwd !== undefined && !isDirectory(options.cwd)) {
    // spawn reports a missing working directory as ENOENT too: say what is really missing.
    throw new UvCommandError(`cannot run uv: its working directory ${options.cwd} does not exist.\nCommand: ${command}`, command, undefined, '', false);
  }
  if (failure.code === 'ENOENT') {
    throw new UvCommandError(
      `uv was not found (${file}): install uv (https://docs.astral.sh/uv/) or set NX_UV_UV_PATH to its path.\nCommand: ${command}`,
      command,
      undefined,
      '',
      false,
    );
  }
  if (failure.code !== undefined && result.exitCode === undefined && !result.timedOut && result.signal === undefined) {
    // Any other failure to start (EACCES: not executable, …): the system's own words, not a guess.
    throw new UvCommandError(`cannot start uv (${file}): ${failure.code}: ${failure.message ?? ''}`.trimEnd(), command, undefined, '', false);
  }
  if (result.timedOut) {
    throw new UvCommandError(`uv timed out after ${options.timeoutMs} ms: ${command}\n${stderr}`.trimEnd(), command, undefined, stderr, true);
  }
  if (result.exitCode !== 0) {
    const how = result.exitCode === undefined ? `was killed (${result.signal ?? 'unknown signal'})` : `exited with code ${result.exitCode}`;
    throw new UvCommandError(
      `uv ${how}: ${command}\n${stderr.trim() || stdout.trim() || '(no output)'}`,
      command,
      result.exitCode,
      stderr,
      isTransientUvFailure(stderr),
      httpStatusInUvOutput(stderr),
    );
  }
  return { command, exitCode: 0, stdout, stderr };
}
