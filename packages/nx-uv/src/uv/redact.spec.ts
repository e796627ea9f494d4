import { basicAuthSecrets, displayCommand, redact, secretsFromEnv } from './redact';

describe('redact', () => {
  it('replaces secrets and their encoded forms', () => {
    const token = 'pypi-AgEIcHlwaS5vcmc+/secret=';
    const basic = Buffer.from(`__token__:${token}`).toString('base64');
    const text = `token ${token}, url-encoded ${encodeURIComponent(token)}, header Authorization: Basic ${basic}`;
    const out = redact(text, [token]);
    expect(out).toBe('token ***, url-encoded ***, header Authorization: Basic ***');
  });
  it('redacts a username:password basic credential', () => {
    const header = `Basic ${Buffer.from('alice:hunter22').toString('base64')}`;
    expect(redact(`${header} / hunter22`, basicAuthSecrets('alice', 'hunter22'))).toBe('Basic *** / ***');
  });
  it('ignores empty and undefined secrets', () => {
    expect(redact('nothing here', ['', undefined])).toBe('nothing here');
  });
  it('prefers the longest match so no fragment of a longer secret survives', () => {
    expect(redact('abcdefghijkl', ['abcdefgh', 'abcdefghijkl'])).toBe('***');
  });
  it('masks a short secret only where credentials go (URL userinfo, headers), so the rest stays readable', () => {
    const basic = Buffer.from('__token__:p').toString('base64');
    const text = `nx-uv published pkg-a to https://u:p@index.example/legacy/ (Authorization: Basic ${basic}); pip install pkg-a`;
    expect(redact(text, ['p'])).toBe('nx-uv published pkg-a to https://***@index.example/legacy/ (Authorization: Basic ***); pip install pkg-a');
  });
  it('masks userinfo of any URL, even one that does not parse', () => {
    expect(redact('UV_PUBLISH_URL "http://user:secret@[::1" is not a valid URL; ftp://user:secret@host/ too')).toBe(
      'UV_PUBLISH_URL "http://***@[::1" is not a valid URL; ftp://***@host/ too',
    );
  });
});

describe('secretsFromEnv', () => {
  it('collects known variables always and other *_TOKEN/*_PASSWORD values of 6+ characters', () => {
    expect(
      secretsFromEnv({
        UV_PUBLISH_TOKEN: 't1',
        TESTPYPI_TOKEN: 't2',
        MY_DB_PASSWORD: 'db-pass',
        SHORT_TOKEN: '1',
        HOME: '/home/me',
        EMPTY_TOKEN: '',
      }).sort(),
    ).toEqual(['db-pass', 't1', 't2']);
  });
});

describe('displayCommand', () => {
  it('masks values of secret flags and redacts secrets anywhere', () => {
    expect(displayCommand('uv', ['publish', '--token', 'tkn', '-p', 'pw', '--password=pw2', '--publish-url', 'https://x/legacy/', 'a b.whl'], ['zz'])).toBe(
      "uv publish --token *** -p *** --password=*** --publish-url https://x/legacy/ 'a b.whl'",
    );
    expect(displayCommand('/opt/uv', ['build', '--out-dir', '/tmp/secretive-zzzzzz'], ['zzzzzz'])).toBe('/opt/uv build --out-dir /tmp/secretive-***');
    // A short secret never mangles a path or a name: it only travels in credential positions.
    expect(displayCommand('/opt/uv', ['build', '--out-dir', '/tmp/secretive-zz'], ['zz'])).toBe('/opt/uv build --out-dir /tmp/secretive-zz');
  });
});
