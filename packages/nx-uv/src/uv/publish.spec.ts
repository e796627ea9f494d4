import { buildPublishInvocation } from './publish';
import { isTransientUvFailure } from './run-uv';

describe('buildPublishInvocation', () => {
  const base = { files: ['dist/a-1.0.tar.gz', 'dist/a-1.0-py3-none-any.whl'], publishUrl: 'https://upload.pypi.org/legacy/', cwd: '/w' };

  it('passes a token only through the environment', () => {
    const inv = buildPublishInvocation({
      ...base,
      checkUrl: 'https://pypi.org/simple/',
      credentials: { kind: 'token', token: 'pypi-SECRET', source: 'UV_PUBLISH_TOKEN' },
      env: { PATH: '/bin', UV_PUBLISH_URL: 'https://evil.example/', UV_PUBLISH_PASSWORD: 'stale', UV_OFFLINE: '1', TESTPYPI_TOKEN: 'other' },
    });
    expect(inv.args).toEqual([
      'publish',
      '--publish-url',
      'https://upload.pypi.org/legacy/',
      '--check-url',
      'https://pypi.org/simple/',
      '--trusted-publishing',
      'never',
      '--',
      'dist/a-1.0.tar.gz',
      'dist/a-1.0-py3-none-any.whl',
    ]);
    expect(inv.args.join(' ')).not.toContain('SECRET');
    expect(inv.env).toEqual({ PATH: '/bin', UV_NO_PROGRESS: '1', UV_PUBLISH_TOKEN: 'pypi-SECRET' });
    expect(inv.secrets).toEqual(['pypi-SECRET']);
  });

  it('passes username/password only through the environment', () => {
    const inv = buildPublishInvocation({ ...base, credentials: { kind: 'basic', username: 'bob', password: 'pw-XYZ', source: 's' }, env: {} });
    expect(inv.args.some((a) => a.includes('pw-XYZ') || a === '-p' || a === '--password' || a === '-u')).toBe(false);
    expect(inv.env).toMatchObject({ UV_PUBLISH_USERNAME: 'bob', UV_PUBLISH_PASSWORD: 'pw-XYZ' });
  });

  it('trusted publishing is asked for explicitly, with no secret at all', () => {
    const inv = buildPublishInvocation({ ...base, credentials: { kind: 'trusted', source: 'oidc' }, env: { UV_PUBLISH_TOKEN: 'leftover' }, dryRun: true });
    expect(inv.args).toContain('always');
    expect(inv.args[inv.args.indexOf('always') - 1]).toBe('--trusted-publishing');
    expect(inv.args).toContain('--dry-run');
    expect(inv.env.UV_PUBLISH_TOKEN).toBeUndefined();
  });

  it('refuses an empty file list (uv would publish dist/*)', () => {
    expect(() => buildPublishInvocation({ ...base, files: [], credentials: { kind: 'trusted', source: '' } })).toThrow(/at least one file/);
  });
});

describe('isTransientUvFailure', () => {
  it.each([
    ['cause: Server returned status code 503 Service Unavailable. Server says: down', true],
    ['cause: Server returned status code 502 Bad Gateway', true],
    ['error: Failed to query check URL\n  cause: HTTP status server error (503 Service Unavailable) for url (http://x/simple/a/)', true],
    ['cause: HTTP status client error (401 Unauthorized) for url (http://x/simple/a/)', false],
    ['cause: Server returned status code 429 Too Many Requests', true],
    ['cause: Server returned status code 403 Forbidden. Server says: Invalid API Token', false],
    ['cause: Server returned status code 409 Conflict', false],
    ['cause: Failed to send POST request\n  cause: error sending request for url (http://x/)\n  cause: connection closed before message completed', true],
    ['cause: tcp connect error: Connection refused (os error 111)', true],
    ['cause: Failed to send POST request\n  cause: Missing credentials for: http://x/', false],
    ['error: Local file and index file do not match for `a.whl`', false],
    ['error: Unable to publish files in offline mode', false],
    ['error: something nobody has seen before', false],
  ])('%s → %s', (stderr, expected) => {
    expect(isTransientUvFailure(stderr)).toBe(expected);
  });
});
