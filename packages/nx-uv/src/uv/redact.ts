/**
 * Removing secrets from anything nx-uv prints. Every message built from a child process's output,
 * its command line or its environment goes through `redact`.
 */

import { redact, REDACTED } from '../redact';

export { redact, REDACTED };

/** Environment variables whose values are secrets wherever they appear. */
export const SECRET_ENV_VARS = [
  'UV_PUBLISH_TOKEN',
  'UV_PUBLISH_PASSWORD',
  'TESTPYPI_TOKEN',
  'PYPI_TOKEN',
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'ACTIONS_RUNTIME_TOKEN',
] as const;

/**
 * Secret values found in an environment: the known variables always, any other *_TOKEN / *_PASSWORD /
 * *_SECRET when at least 6 characters long (so a stray `FOO_TOKEN=1` does not blank every "1").
 */
export function secretsFromEnv(env: NodeJS.ProcessEnv | undefined): string[] {
  if (!env) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(env)) {
    if (!v) continue;
    if ((SECRET_ENV_VARS as readonly string[]).includes(k)) out.push(v);
    else if (/(?:_TOKEN|_PASSWORD|_SECRET)$/.test(k) && v.length >= 6) out.push(v);
  }
  return out;
}

/** Redacts a basic credential pair: the password, and the base64 of `username:password`. */
export function basicAuthSecrets(username: string, password: string): string[] {
  return [password, Buffer.from(`${username}:${password}`).toString('base64')];
}

const SECRET_FLAGS = new Set(['--token', '-t', '--password', '-p']);

/** A shell-like display of a command with the values of secret flags masked and secrets redacted. */
export function displayCommand(file: string, args: readonly string[], secrets: readonly (string | undefined)[]): string {
  const shown: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = /^(--token|--password)=/.exec(a);
    if (eq) shown.push(`${eq[1]}=${REDACTED}`);
    else if (SECRET_FLAGS.has(a) && i + 1 < args.length) {
      shown.push(a, REDACTED);
      i++;
    } else shown.push(a);
  }
  const quote = (s: string) => (/^[\w@%+=:,./*-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return redact([file, ...shown].map(quote).join(' '), secrets);
}
