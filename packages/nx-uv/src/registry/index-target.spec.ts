import { resolveIndexTarget } from './index-target';

describe('resolveIndexTarget', () => {
  it('pypi preset', () => {
    expect(resolveIndexTarget({ target: 'pypi', env: {} })).toEqual({
      target: 'pypi',
      publishUrl: 'https://upload.pypi.org/legacy/',
      checkUrl: 'https://pypi.org/simple/',
      jsonApiBase: 'https://pypi.org/pypi/',
      sources: { publishUrl: 'target pypi', checkUrl: 'target pypi' },
    });
  });

  it('testpypi preset: the simple index is NOT derived from /legacy/', () => {
    const t = resolveIndexTarget({ target: 'testpypi', env: {} });
    expect(t.publishUrl).toBe('https://test.pypi.org/legacy/');
    expect(t.checkUrl).toBe('https://test.pypi.org/simple/');
    expect(t.jsonApiBase).toBe('https://test.pypi.org/pypi/');
  });

  it('a preset target ignores UV_PUBLISH_* left in the environment', () => {
    const t = resolveIndexTarget({
      target: 'testpypi',
      env: { UV_PUBLISH_URL: 'https://upload.pypi.org/legacy/', UV_PUBLISH_CHECK_URL: 'https://pypi.org/simple/' },
    });
    expect(t.publishUrl).toBe('https://test.pypi.org/legacy/');
    expect(t.checkUrl).toBe('https://test.pypi.org/simple/');
  });

  it('defaults to PyPI when nothing is given', () => {
    expect(resolveIndexTarget({ env: {} }).publishUrl).toBe('https://upload.pypi.org/legacy/');
  });

  it('custom from uv variables', () => {
    const t = resolveIndexTarget({
      target: 'custom',
      env: { UV_PUBLISH_URL: 'https://pkgs.example.com/upload', UV_PUBLISH_CHECK_URL: 'https://pkgs.example.com/simple' },
    });
    expect(t).toEqual({
      target: 'custom',
      publishUrl: 'https://pkgs.example.com/upload',
      checkUrl: 'https://pkgs.example.com/simple/',
      sources: { publishUrl: 'UV_PUBLISH_URL', checkUrl: 'UV_PUBLISH_CHECK_URL' },
    });
  });

  it('infers custom when only UV_PUBLISH_URL is set', () => {
    expect(resolveIndexTarget({ env: { UV_PUBLISH_URL: 'http://127.0.0.1:8080/' } }).target).toBe('custom');
  });

  it('options win over the environment', () => {
    const t = resolveIndexTarget({
      target: 'custom',
      publishUrl: 'https://a.example/upload/',
      checkUrl: 'https://a.example/idx/',
      env: { UV_PUBLISH_URL: 'https://b.example/', UV_PUBLISH_CHECK_URL: 'https://b.example/simple/' },
    });
    expect([t.publishUrl, t.checkUrl]).toEqual(['https://a.example/upload/', 'https://a.example/idx/']);
  });

  it('pypiserver convention: a root upload URL is served at <root>/simple/', () => {
    const t = resolveIndexTarget({ target: 'custom', publishUrl: 'http://127.0.0.1:8080', env: {} });
    expect(t.publishUrl).toBe('http://127.0.0.1:8080/');
    expect(t.checkUrl).toBe('http://127.0.0.1:8080/simple/');
    expect(t.sources.checkUrl).toMatch(/pypiserver/);
    expect(t.jsonApiBase).toBeUndefined();
  });

  it('the well-known upload endpoints map to their indexes by table, also under a custom target', () => {
    const t = resolveIndexTarget({ target: 'custom', publishUrl: 'https://test.pypi.org/legacy', env: {} });
    expect(t.checkUrl).toBe('https://test.pypi.org/simple/');
    expect(t.jsonApiBase).toBe('https://test.pypi.org/pypi/');
  });

  it('refuses to guess the index of any other upload endpoint', () => {
    expect(() => resolveIndexTarget({ target: 'custom', publishUrl: 'https://nexus.example.com/repository/pypi-internal/', env: {} })).toThrow(
      /Cannot tell which simple index serves uploads to https:\/\/nexus\.example\.com\/repository\/pypi-internal\/.*checkUrl.*UV_PUBLISH_CHECK_URL/s,
    );
  });

  it('custom without any upload URL names what to set', () => {
    expect(() => resolveIndexTarget({ target: 'custom', env: {} })).toThrow(/publishUrl.*UV_PUBLISH_URL/);
  });

  it('rejects bad URLs and embedded credentials', () => {
    expect(() => resolveIndexTarget({ target: 'custom', publishUrl: 'not a url', env: {} })).toThrow(/not a valid URL/);
    expect(() => resolveIndexTarget({ target: 'custom', publishUrl: 'ftp://x/', env: {} })).toThrow(/http\(s\)/);
    expect(() => resolveIndexTarget({ target: 'custom', publishUrl: 'https://me:secret@x.example/', env: {} })).toThrow(/must not contain credentials/);
  });

  it.each([
    ['ftp://user:s3cr3t@host/', /"ftp:\/\/\*\*\*@host\/" must be an http\(s\) URL/],
    ['http://user:s3cr3t@[::1', /"http:\/\/\*\*\*@\[::1" is not a valid URL/],
  ])('never shows the userinfo of %s in the error', (url, message) => {
    const error = (() => {
      try {
        resolveIndexTarget({ target: 'custom', env: { UV_PUBLISH_URL: url } });
      } catch (e) {
        return e as Error;
      }
      throw new Error('no error');
    })();
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('s3cr3t');
    expect(error.message).not.toContain('user:');
  });

  it('treats empty variables as unset', () => {
    expect(() => resolveIndexTarget({ target: 'custom', env: { UV_PUBLISH_URL: '  ' } })).toThrow(/needs an upload URL/);
  });
});
