import { IndexHttpError, IndexRequestError, IndexResponseError } from './errors';
import { isRetryable } from './retry';
import { listDistributionFiles, normalizeProjectName, parseSimpleHtml, parseSimpleJson, PEP691_JSON, projectPageUrl } from './simple-api';
import { pep691Page, startHttpServer, type TestServer } from './__fixtures__/http-server';

const H1 = 'a'.repeat(64);
const H2 = 'b'.repeat(64);

describe('names and URLs', () => {
  it('normalises per PEP 503', () => {
    expect(normalizeProjectName('Foo.Bar__baz-_-Qux')).toBe('foo-bar-baz-qux');
  });
  it('builds the project page URL under the index base', () => {
    expect(projectPageUrl('https://test.pypi.org/simple', 'My_Pkg')).toBe('https://test.pypi.org/simple/my-pkg/');
    expect(projectPageUrl('http://127.0.0.1:9/idx/simple/', 'a.b')).toBe('http://127.0.0.1:9/idx/simple/a-b/');
  });
});

describe('parseSimpleHtml', () => {
  it('reads anchors, resolves relative links, takes #sha256= fragments and data-yanked', () => {
    const html = `<!DOCTYPE html><html><body>
      <a href="../../packages/my_pkg-1.0-py3-none-any.whl#sha256=${H1.toUpperCase()}" data-requires-python="&gt;=3.8">my_pkg-1.0-py3-none-any.whl</a><br>
      <a href='https://files.example/my_pkg-1.0.tar.gz#md5=abc' data-yanked="">my_pkg-1.0.tar.gz</a>
      <A HREF=/p/my_pkg-0.9.tar.gz#sha256=${H2}></A>
    </body></html>`;
    expect(parseSimpleHtml(html, 'http://idx.local/simple/my-pkg/')).toEqual([
      { filename: 'my_pkg-1.0-py3-none-any.whl', url: 'http://idx.local/packages/my_pkg-1.0-py3-none-any.whl', sha256: H1 },
      { filename: 'my_pkg-1.0.tar.gz', url: 'https://files.example/my_pkg-1.0.tar.gz', yanked: true },
      { filename: 'my_pkg-0.9.tar.gz', url: 'http://idx.local/p/my_pkg-0.9.tar.gz', sha256: H2 },
    ]);
  });
  it('honours <base href> and entities in the link text', () => {
    const html = `<base href="https://cdn.example/f/"><a href="x%2By-1.0.tar.gz">x&#43;y-1.0.tar.gz</a>`;
    expect(parseSimpleHtml(html, 'http://idx/simple/x/')).toEqual([{ filename: 'x+y-1.0.tar.gz', url: 'https://cdn.example/f/x%2By-1.0.tar.gz' }]);
  });
});

describe('parseSimpleJson', () => {
  it('reads files, hashes and yanked', () => {
    const text = pep691Page('a', [
      { filename: 'a-1.0.tar.gz', url: '/files/a-1.0.tar.gz', sha256: H1.toUpperCase() },
      { filename: 'a-0.1.tar.gz', url: 'https://x/a-0.1.tar.gz#sha256=' + H2, yanked: 'broken' },
    ]);
    expect(parseSimpleJson(text, 'https://idx/simple/a/')).toEqual([
      { filename: 'a-1.0.tar.gz', url: 'https://idx/files/a-1.0.tar.gz', sha256: H1 },
      { filename: 'a-0.1.tar.gz', url: 'https://x/a-0.1.tar.gz', sha256: H2, yanked: true },
    ]);
  });
  it('rejects documents that are not PEP 691', () => {
    expect(() => parseSimpleJson('{"info":{}}', 'u')).toThrow(IndexResponseError);
    expect(() => parseSimpleJson('<html>', 'u')).toThrow(/invalid JSON/);
    expect(() => parseSimpleJson('{"files":[{"url":"x"}]}', 'u')).toThrow(/files\[0\]/);
  });
});

describe('listDistributionFiles over HTTP', () => {
  let server: TestServer;
  let mode: 'negotiate' | 'html-only' | 'error500' | 'error403';
  beforeAll(async () => {
    server = await startHttpServer((req, res) => {
      if (req.url === '/simple/old-name/') {
        res.writeHead(301, { Location: '/simple/my-pkg/' });
        return res.end();
      }
      if (req.url !== '/simple/my-pkg/') {
        res.writeHead(404, { 'Content-Type': 'text/html' });
        return res.end('<h1>Not Found</h1>');
      }
      if (mode === 'error500') {
        res.writeHead(500, { 'Content-Type': 'text/html' });
        return res.end('<html><body><pre>database is locked</pre></body></html>');
      }
      if (mode === 'error403') {
        res.writeHead(403, { 'Content-Type': 'text/plain' });
        return res.end('listing needs authentication');
      }
      const wantsJson = mode === 'negotiate' && (req.headers.accept ?? '').includes(PEP691_JSON);
      if (wantsJson) {
        res.writeHead(200, { 'Content-Type': PEP691_JSON });
        return res.end(pep691Page('my-pkg', [{ filename: 'my_pkg-1.0.tar.gz', url: '../../f/my_pkg-1.0.tar.gz', sha256: H1 }]));
      }
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(`<a href="../../f/my_pkg-1.0.tar.gz#sha256=${H2}">my_pkg-1.0.tar.gz</a>`);
    });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    mode = 'negotiate';
    server.requests.length = 0;
  });

  it('asks for PEP 691 JSON first and parses it', async () => {
    const files = await listDistributionFiles(`${server.url}simple/`, 'My.Pkg');
    expect(files).toEqual([{ filename: 'my_pkg-1.0.tar.gz', url: `${server.url}f/my_pkg-1.0.tar.gz`, sha256: H1 }]);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].path).toBe('/simple/my-pkg/');
    expect(server.requests[0].accept).toMatch(/^application\/vnd\.pypi\.simple\.v1\+json,/);
  });

  it('falls back to the HTML page when the index does not speak JSON', async () => {
    mode = 'html-only';
    const files = await listDistributionFiles(`${server.url}simple/`, 'my_pkg');
    expect(files).toEqual([{ filename: 'my_pkg-1.0.tar.gz', url: `${server.url}f/my_pkg-1.0.tar.gz`, sha256: H2 }]);
  });

  it('format html asks only for HTML; format json insists', async () => {
    expect((await listDistributionFiles(`${server.url}simple/`, 'my-pkg', { format: 'html' }))[0].sha256).toBe(H2);
    expect(server.requests[0].accept).not.toContain('json');
    mode = 'html-only';
    await expect(listDistributionFiles(`${server.url}simple/`, 'my-pkg', { format: 'json' })).rejects.toThrow(
      /asked for application\/vnd\.pypi\.simple\.v1\+json but got text\/html/,
    );
  });

  it('follows redirects and resolves links against the final URL', async () => {
    const files = await listDistributionFiles(`${server.url}simple/`, 'Old_Name');
    expect(files[0].url).toBe(`${server.url}f/my_pkg-1.0.tar.gz`);
  });

  it('404 means no files yet', async () => {
    await expect(listDistributionFiles(`${server.url}simple/`, 'never-published')).resolves.toEqual([]);
  });

  it('5xx throws a retryable IndexHttpError with the index message', async () => {
    mode = 'error500';
    const err = await listDistributionFiles(`${server.url}simple/`, 'my-pkg').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndexHttpError);
    expect((err as Error).message).toBe(`GET ${server.url}simple/my-pkg/ answered 500 Internal Server Error: database is locked`);
    expect(isRetryable(err)).toBe(true);
  });

  it('4xx throws a non-retryable IndexHttpError', async () => {
    mode = 'error403';
    const err = await listDistributionFiles(`${server.url}simple/`, 'my-pkg').catch((e: unknown) => e);
    expect((err as IndexHttpError).status).toBe(403);
    expect((err as Error).message).toContain('listing needs authentication');
    expect(isRetryable(err)).toBe(false);
  });

  it('sends basic auth when given', async () => {
    await listDistributionFiles(`${server.url}simple/`, 'my-pkg', { basicAuth: { username: 'u', password: 'p' } });
    expect(server.requests[0].authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it('a refused connection is a retryable IndexRequestError naming the URL', async () => {
    const closed = await startHttpServer(() => undefined);
    const url = `${closed.url}simple/`;
    await closed.close();
    const err = await listDistributionFiles(url, 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndexRequestError);
    expect((err as Error).message).toMatch(new RegExp(`^GET ${url}x/ failed: fetch failed.*ECONNREFUSED`));
    expect(isRetryable(err)).toBe(true);
  });
});
