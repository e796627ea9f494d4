/**
 * Which credentials `uv publish` gets, from the environment only. They reach uv only through the
 * child's environment, never its arguments: argv is visible to every process on the machine and
 * ends up in logs. UV_PUBLISH_TOKEN is never used for TestPyPI: it normally holds the PyPI token,
 * which must never be sent to another host.
 */
import type { IndexTargetName } from '../registry/index-target';
import { basicAuthSecrets } from './redact';

export type PublishCredentials =
  | { kind: 'token'; token: string; source: string }
  | { kind: 'basic'; username: string; password: string; source: string }
  | { kind: 'trusted'; source: string };

export class MissingCredentialsError extends Error {
  override readonly name = 'MissingCredentialsError';
  readonly retryable = false;
}

const val = (env: NodeJS.ProcessEnv, k: string): string | undefined => {
  const v = env[k];
  return v !== undefined && v !== '' ? v : undefined;
};

/** GitHub Actions can mint an OIDC token for this job (id-token: write). */
export function githubOidcAvailable(env: NodeJS.ProcessEnv): boolean {
  return !!val(env, 'ACTIONS_ID_TOKEN_REQUEST_URL') && !!val(env, 'ACTIONS_ID_TOKEN_REQUEST_TOKEN');
}

/**
 * First match wins; empty values count as unset. Nothing usable throws MissingCredentialsError
 * naming the variables to set.
 * - testpypi: `TESTPYPI_TOKEN`; else trusted publishing when GitHub Actions offers OIDC.
 * - pypi / custom: `UV_PUBLISH_TOKEN`; else `UV_PUBLISH_USERNAME` + `UV_PUBLISH_PASSWORD`; else (pypi
 *   only) trusted publishing when GitHub Actions offers OIDC.
 */
export function resolvePublishCredentials(target: IndexTargetName, env: NodeJS.ProcessEnv): PublishCredentials {
  const oidc = githubOidcAvailable(env);
  if (target === 'testpypi') {
    const token = val(env, 'TESTPYPI_TOKEN');
    if (token) return { kind: 'token', token, source: 'TESTPYPI_TOKEN' };
    if (oidc) return { kind: 'trusted', source: 'GitHub Actions OIDC (trusted publishing)' };
    throw new MissingCredentialsError(
      'No credentials to publish to TestPyPI: set TESTPYPI_TOKEN (an API token from https://test.pypi.org/manage/account/token/), ' +
        'or run in GitHub Actions with `permissions: id-token: write` and a trusted publisher configured on TestPyPI. ' +
        '(UV_PUBLISH_TOKEN is not used for TestPyPI on purpose: it is meant for PyPI.)',
    );
  }
  const token = val(env, 'UV_PUBLISH_TOKEN');
  if (token) return { kind: 'token', token, source: 'UV_PUBLISH_TOKEN' };
  const username = val(env, 'UV_PUBLISH_USERNAME');
  const password = val(env, 'UV_PUBLISH_PASSWORD');
  if (username && password) return { kind: 'basic', username, password, source: 'UV_PUBLISH_USERNAME/UV_PUBLISH_PASSWORD' };
  if (username || password) {
    throw new MissingCredentialsError(
      `${username ? 'UV_PUBLISH_USERNAME is set but UV_PUBLISH_PASSWORD is not' : 'UV_PUBLISH_PASSWORD is set but UV_PUBLISH_USERNAME is not'}: ` +
        'set both, or set UV_PUBLISH_TOKEN instead.',
    );
  }
  if (target === 'pypi' && oidc) return { kind: 'trusted', source: 'GitHub Actions OIDC (trusted publishing)' };
  const where = target === 'pypi' ? 'PyPI' : 'the custom index';
  throw new MissingCredentialsError(
    `No credentials to publish to ${where}: set UV_PUBLISH_TOKEN (an API token), or UV_PUBLISH_USERNAME and UV_PUBLISH_PASSWORD` +
      (target === 'pypi' ? ', or run in GitHub Actions with `permissions: id-token: write` and a trusted publisher configured on PyPI.' : '.'),
  );
}

/** The secret strings of a credential, for redaction. */
export function credentialSecrets(credentials: PublishCredentials): string[] {
  if (credentials.kind === 'token') return [credentials.token];
  if (credentials.kind === 'basic') return basicAuthSecrets(credentials.username, credentials.password);
  return [];
}
