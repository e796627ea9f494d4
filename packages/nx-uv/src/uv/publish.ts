/**
 * `uv publish` for an explicit list of files. Credentials go ONLY into the child's environment
 * (UV_PUBLISH_TOKEN or UV_PUBLISH_USERNAME/UV_PUBLISH_PASSWORD); trusted publishing is
 * `--trusted-publishing always` only for `kind: 'trusted'`, and `never` otherwise, so uv does not probe
 * for OIDC behind our back. The URLs are always passed as flags, and any UV_PUBLISH_* variables or
 * UV_OFFLINE inherited from the caller's environment are removed, so what runs is exactly what nx-uv
 * decided. An empty file list is an error (uv would fall back to `dist/*`).
 *
 * Measured with uv 0.13.9 against pypiserver 2.4.2:
 * - re-uploading an existing file without --check-url: the server answers 409 Conflict and uv exits 2;
 * - with --check-url and an identical file on the index: uv prints
 *   "File <name> already exists, skipping" and exits 0 without uploading;
 * - with --check-url and a different file of the same name: uv exits 2 with
 *   "Local file and index file do not match for `<name>`";
 * - --dry-run sends no request at all (prints "Checking <name>");
 * - uv retries dropped connections itself (UV_HTTP_RETRIES, default 3, seconds apart) but not a 503
 *   answer to an upload; a lost answer to an upload that landed → uv re-POSTs → 409 → with --check-url
 *   uv looks at the index, prints "File already exists, skipping" and exits 0; without it, exit 2;
 * - a 503 on the check URL fails uv with "HTTP status server error (503 …)";
 * - a wrong password against bare pypiserver (wsgiref) gives 403, or sometimes "Broken pipe
 *   (os error 32)" because the server answers before reading the body (that one looks transient).
 * Always pass checkUrl: it makes a repeated or resumed publish a no-op instead of a failure.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { credentialSecrets, type PublishCredentials } from './credentials';
import { runUv } from './run-uv';

export interface UvPublishOptions {
  /** Paths of the distributions (absolute, or relative to cwd). */
  files: string[];
  /**
   * PEP 740 attestations to upload with them (`<file>.publish.attestation`, as minting tools write
   * them beside each file): uv uploads an attestation only when it is passed among the files.
   */
  attestations?: string[];
  publishUrl: string;
  /** Simple index base; uv then skips identical files that are already there. */
  checkUrl?: string;
  credentials: PublishCredentials;
  cwd: string;
  /** Base environment of the child (default process.env); credentials are set on top. */
  env?: NodeJS.ProcessEnv;
  /** `uv publish --dry-run`: nothing is uploaded. */
  dryRun?: boolean;
  uvPath?: string;
  timeoutMs?: number;
}

export interface UvPublishInvocation {
  args: string[];
  env: NodeJS.ProcessEnv;
  secrets: string[];
}

export interface UvPublishResult {
  command: string;
  /** File names uv uploaded (in dry run: checked). */
  uploaded: string[];
  /** File names uv skipped because the check URL already lists them identically. */
  skipped: string[];
  stderr: string;
}

/** Inherited variables that would change what uv publish does behind the flags we pass. */
const STRIPPED_ENV = [
  'UV_PUBLISH_TOKEN',
  'UV_PUBLISH_USERNAME',
  'UV_PUBLISH_PASSWORD',
  'UV_PUBLISH_URL',
  'UV_PUBLISH_CHECK_URL',
  'UV_PUBLISH_INDEX',
  'UV_TRUSTED_PUBLISHING',
  'UV_OFFLINE',
  'TESTPYPI_TOKEN',
];

/** Pure: the argv and environment of `uv publish`. */
export function buildPublishInvocation(options: UvPublishOptions): UvPublishInvocation {
  if (options.files.length === 0) {
    throw new Error('uvPublish needs at least one file: refusing to run `uv publish` without files (it would upload dist/*)');
  }
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env) };
  for (const k of STRIPPED_ENV) delete env[k];
  env.UV_NO_PROGRESS = '1';
  const args = ['publish', '--publish-url', options.publishUrl];
  if (options.checkUrl) args.push('--check-url', options.checkUrl);
  const c = options.credentials;
  if (c.kind === 'trusted') {
    args.push('--trusted-publishing', 'always');
  } else {
    args.push('--trusted-publishing', 'never');
    if (c.kind === 'token') env.UV_PUBLISH_TOKEN = c.token;
    else {
      env.UV_PUBLISH_USERNAME = c.username;
      env.UV_PUBLISH_PASSWORD = c.password;
    }
  }
  if (options.dryRun) args.push('--dry-run');
  args.push('--', ...options.files, ...(options.attestations ?? []));
  return { args, env, secrets: credentialSecrets(c) };
}

function namesAfter(stderr: string, re: RegExp): string[] {
  return [...stderr.matchAll(re)].map((m) => m[1]);
}

/** The `<file>.publish.attestation` beside each of `files` that exists. */
export function attestationsBeside(files: readonly string[], cwd: string): string[] {
  return files.map((f) => `${f}.publish.attestation`).filter((a) => fs.existsSync(path.resolve(cwd, a)));
}

export async function uvPublish(options: UvPublishOptions): Promise<UvPublishResult> {
  const inv = buildPublishInvocation({ ...options, attestations: options.attestations ?? attestationsBeside(options.files, options.cwd) });
  const result = await runUv(inv.args, {
    cwd: options.cwd,
    env: inv.env,
    secrets: inv.secrets,
    uvPath: options.uvPath,
    timeoutMs: options.timeoutMs,
  });
  const out = `${result.stderr}\n${result.stdout}`;
  const uploaded = namesAfter(out, options.dryRun ? /^Checking (\S+) \(/gm : /^Uploading (\S+) \(/gm);
  const skipped = namesAfter(out, /^File (\S+) already exists, skipping/gm);
  const unique = (xs: string[]) => [...new Set(xs.map((n) => path.basename(n)))];
  return { command: result.command, uploaded: unique(uploaded), skipped: unique(skipped), stderr: result.stderr };
}
