/**
 * `uv publish` for an explicit list of files. Credentials reach uv only through the child's
 * environment. The URLs and the trusted-publishing mode are always passed as flags, and inherited
 * UV_PUBLISH_* and UV_OFFLINE variables are removed, so uv does exactly what nx-uv decided.
 * Always pass checkUrl: it makes a repeated or resumed publish a no-op instead of a failure.
 * How uv behaves against a real index is pinned down in publish-pypiserver.spec.ts.
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
  /**
   * Simple index base. uv then skips a file the index already has identically (exit 0), also when
   * it re-sends an upload whose answer was lost, and fails on a different file under the same name.
   * Without it a re-upload gets 409 Conflict and uv fails.
   */
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

/**
 * Pure: the argv and environment of `uv publish`. Trusted publishing is `always` for
 * `kind: 'trusted'` and `never` otherwise, so uv never probes for OIDC on its own. An empty file
 * list is an error: uv would fall back to `dist/*`.
 */
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
