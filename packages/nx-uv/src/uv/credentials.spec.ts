import { credentialSecrets, githubOidcAvailable, MissingCredentialsError, resolvePublishCredentials } from './credentials';

const OIDC = { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions.example/x', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'req-tok' };

describe('resolvePublishCredentials', () => {
  it('testpypi uses TESTPYPI_TOKEN and never UV_PUBLISH_TOKEN', () => {
    expect(resolvePublishCredentials('testpypi', { TESTPYPI_TOKEN: 'tt', UV_PUBLISH_TOKEN: 'pt' })).toEqual({
      kind: 'token',
      token: 'tt',
      source: 'TESTPYPI_TOKEN',
    });
    expect(() => resolvePublishCredentials('testpypi', { UV_PUBLISH_TOKEN: 'pt' })).toThrow(MissingCredentialsError);
    expect(() => resolvePublishCredentials('testpypi', { UV_PUBLISH_TOKEN: 'pt' })).toThrow(/TESTPYPI_TOKEN/);
  });
  it('testpypi falls back to trusted publishing under GitHub OIDC', () => {
    expect(resolvePublishCredentials('testpypi', OIDC).kind).toBe('trusted');
  });
  it('pypi: token first, then username/password, then OIDC', () => {
    expect(resolvePublishCredentials('pypi', { UV_PUBLISH_TOKEN: 't', UV_PUBLISH_USERNAME: 'u', UV_PUBLISH_PASSWORD: 'p', ...OIDC })).toMatchObject({
      kind: 'token',
      token: 't',
    });
    expect(resolvePublishCredentials('pypi', { UV_PUBLISH_USERNAME: 'u', UV_PUBLISH_PASSWORD: 'p', ...OIDC })).toMatchObject({
      kind: 'basic',
      username: 'u',
      password: 'p',
    });
    expect(resolvePublishCredentials('pypi', OIDC)).toMatchObject({ kind: 'trusted' });
  });
  it('custom uses token or username/password but not OIDC', () => {
    expect(resolvePublishCredentials('custom', { UV_PUBLISH_TOKEN: 't' })).toMatchObject({ kind: 'token' });
    expect(() => resolvePublishCredentials('custom', OIDC)).toThrow(/custom index: set UV_PUBLISH_TOKEN .*UV_PUBLISH_USERNAME and UV_PUBLISH_PASSWORD/);
  });
  it('OIDC needs both GitHub variables', () => {
    expect(githubOidcAvailable({ ACTIONS_ID_TOKEN_REQUEST_URL: 'u' })).toBe(false);
    expect(githubOidcAvailable(OIDC)).toBe(true);
  });
  it('half a username/password pair is an error naming the missing half', () => {
    expect(() => resolvePublishCredentials('pypi', { UV_PUBLISH_USERNAME: 'u' })).toThrow(/UV_PUBLISH_PASSWORD is not/);
    expect(() => resolvePublishCredentials('pypi', { UV_PUBLISH_PASSWORD: 'p' })).toThrow(/UV_PUBLISH_USERNAME is not/);
  });
  it('nothing at all names every variable', () => {
    expect(() => resolvePublishCredentials('pypi', { UV_PUBLISH_TOKEN: '' })).toThrow(
      /No credentials to publish to PyPI: set UV_PUBLISH_TOKEN .*UV_PUBLISH_USERNAME and UV_PUBLISH_PASSWORD.*id-token: write/,
    );
  });
  it('lists the secrets of each kind for redaction', () => {
    expect(credentialSecrets({ kind: 'token', token: 't', source: '' })).toEqual(['t']);
    expect(credentialSecrets({ kind: 'basic', username: 'u', password: 'p', source: '' })).toEqual(['p', Buffer.from('u:p').toString('base64')]);
    expect(credentialSecrets({ kind: 'trusted', source: '' })).toEqual([]);
  });
});
