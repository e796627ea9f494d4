import type { IndexTarget } from '../../registry';
import { resolveDistDir } from './dist-dir';
import { listingRequestOptions } from './executor';
import { normalizePublishOptions } from './options';
import { condenseHtml, dryRunLines, failureMessage, formatSize } from './report';
import type { PublishExecutorOptions } from './schema';

describe('normalizePublishOptions', () => {
  it('applies the defaults of CONTRACTS.md', () => {
    expect(normalizePublishOptions({}, {})).toEqual({ dryRun: false, skipPublish: false, maxRetries: 2, pollTimeoutMs: 300000 });
  });

  it('keeps given values, trims strings and drops empty ones', () => {
    expect(
      normalizePublishOptions(
        {
          target: 'testpypi',
          publishUrl: ' https://x/legacy/ ',
          checkUrl: '',
          dryRun: true,
          skipPublish: false,
          maxRetries: 0,
          pollTimeoutSeconds: 1.5,
          distPath: 'out',
        },
        {},
      ),
    ).toEqual({ target: 'testpypi', publishUrl: 'https://x/legacy/', dryRun: true, skipPublish: false, maxRetries: 0, pollTimeoutMs: 1500, distPath: 'out' });
  });

  it('takes index as an alias of target (nx run-many swallows --target)', () => {
    expect(normalizePublishOptions({ index: 'testpypi' }, {}).target).toBe('testpypi');
    expect(normalizePublishOptions({ index: 'pypi', target: 'pypi' }, {}).target).toBe('pypi');
    expect(() => normalizePublishOptions({ index: 'pypi', target: 'testpypi' }, {})).toThrow(/target \(testpypi\) and index \(pypi\) disagree/);
  });

  it('dryRun defaults to NX_DRY_RUN=true (nx release publish --dry-run), an explicit option wins', () => {
    expect(normalizePublishOptions({}, { NX_DRY_RUN: 'true' }).dryRun).toBe(true);
    expect(normalizePublishOptions({}, { NX_DRY_RUN: 'false' }).dryRun).toBe(false);
    expect(normalizePublishOptions({ dryRun: false }, { NX_DRY_RUN: 'true' }).dryRun).toBe(false);
  });

  it('parallelUploads: absent means the default (one uv publish per file, at once); true/false as given', () => {
    expect(normalizePublishOptions({}, {}).parallelUploads).toBeUndefined();
    expect(normalizePublishOptions({ parallelUploads: false }, {}).parallelUploads).toBe(false);
    expect(normalizePublishOptions({ parallelUploads: 'false' } as unknown as PublishExecutorOptions, {}).parallelUploads).toBe(false);
    expect(normalizePublishOptions({ parallelUploads: true }, {}).parallelUploads).toBe(true);
    expect(() => normalizePublishOptions({ parallelUploads: 'no' } as unknown as PublishExecutorOptions, {})).toThrow(/parallelUploads must be true or false/);
  });

  it('accepts numbers and booleans given as strings (CLI flags)', () => {
    const raw = { maxRetries: '3', pollTimeoutSeconds: '10', dryRun: 'true' } as unknown as PublishExecutorOptions;
    expect(normalizePublishOptions(raw, {})).toMatchObject({ maxRetries: 3, pollTimeoutMs: 10000, dryRun: true });
  });

  it.each([
    [{ maxRetries: -1 }, /maxRetries must be a whole number ≥ 0 \(got -1\)/],
    [{ maxRetries: 1.5 }, /maxRetries must be a whole number/],
    [{ maxRetries: 'many' }, /maxRetries must be a number \(got "many"\)/],
    [{ pollTimeoutSeconds: -5 }, /pollTimeoutSeconds must be ≥ 0/],
    [{ target: 'pypy' }, /target must be one of pypi, testpypi, custom \(got "pypy"\)/],
    [{ dryRun: 'yes' }, /dryRun must be true or false/],
    [{ publishUrl: 42 }, /publishUrl must be a string/],
  ])('rejects %j', (raw, message) => {
    expect(() => normalizePublishOptions(raw as unknown as PublishExecutorOptions, {})).toThrow(message);
  });
});

describe('resolveDistDir', () => {
  const ctx = (buildOptions?: Record<string, unknown>, pluginOptions?: Record<string, unknown>) => ({
    nxJsonConfiguration: { plugins: pluginOptions ? [{ plugin: 'nx-uv', options: pluginOptions }] : [] },
    projectsConfigurations: {
      version: 2,
      projects: {
        a: { root: 'py/a', targets: buildOptions ? { [String(pluginOptions?.targetNames ? 'py-build' : 'build')]: { options: buildOptions } } : {} },
      },
    },
  });

  it('option distPath first, relative to the project root', () => {
    expect(resolveDistDir(ctx({ outputPath: 'out' }), 'a', '/ws/py/a', 'wheels')).toEqual({
      dir: '/ws/py/a/wheels',
      source: 'option distPath',
      buildTarget: 'build',
    });
  });

  it("then the build target's outputPath (under its configured name)", () => {
    expect(resolveDistDir(ctx({ outputPath: 'out' }), 'a', '/ws/py/a', undefined).dir).toBe('/ws/py/a/out');
    const renamed = ctx({ outputPath: 'built' }, { targetNames: { build: 'py-build' } });
    expect(resolveDistDir(renamed, 'a', '/ws/py/a', undefined)).toEqual({
      dir: '/ws/py/a/built',
      source: 'outputPath of the py-build target',
      buildTarget: 'py-build',
    });
  });

  it("then the plugin's buildOutputPath, then dist", () => {
    expect(resolveDistDir(ctx(undefined, { buildOutputPath: 'artifacts' }), 'a', '/ws/py/a', undefined).dir).toBe('/ws/py/a/artifacts');
    expect(resolveDistDir(ctx(), 'a', '/ws/py/a', undefined)).toEqual({ dir: '/ws/py/a/dist', source: 'default', buildTarget: 'build' });
  });
});

describe('listingRequestOptions (credentials for reading the check URL)', () => {
  const index = (target: IndexTarget['target'], publishUrl: string, checkUrl: string): IndexTarget => ({
    target,
    publishUrl,
    checkUrl,
    sources: { publishUrl: 'test', checkUrl: 'test' },
  });
  const token = { kind: 'token' as const, token: 'tok', source: 'UV_PUBLISH_TOKEN' };
  const basic = { kind: 'basic' as const, username: 'u', password: 'p', source: 'UV_PUBLISH_USERNAME/UV_PUBLISH_PASSWORD' };

  it('sends them to a custom index on the same origin', () => {
    expect(listingRequestOptions(index('custom', 'https://pkgs.example/upload/', 'https://pkgs.example/simple/'), token)).toEqual({
      basicAuth: { username: '__token__', password: 'tok' },
    });
    expect(listingRequestOptions(index('custom', 'https://pkgs.example/', 'https://pkgs.example/simple/'), basic)).toEqual({
      basicAuth: { username: 'u', password: 'p' },
    });
  });

  it('never to another host, never to PyPI/TestPyPI, never for trusted publishing', () => {
    expect(listingRequestOptions(index('custom', 'https://upload.example/', 'https://read.example/simple/'), token)).toEqual({});
    expect(listingRequestOptions(index('pypi', 'https://upload.pypi.org/legacy/', 'https://pypi.org/simple/'), token)).toEqual({});
    expect(listingRequestOptions(index('custom', 'https://pkgs.example/', 'https://pkgs.example/simple/'), { kind: 'trusted', source: 'oidc' })).toEqual({});
    expect(listingRequestOptions(index('custom', 'https://pkgs.example/', 'https://pkgs.example/simple/'), undefined)).toEqual({});
  });
});

describe('report', () => {
  it('formats sizes', () => {
    expect([formatSize(626), formatSize(1126), formatSize(5 * 1024 * 1024)]).toEqual(['626 B', '1.1 KiB', '5.0 MiB']);
  });

  it('dry-run lines say what a real run would do with each file', () => {
    const files = [
      { filename: 'a-1.0-py3-none-any.whl', sha256: 'aa', size: 10 },
      { filename: 'a-1.0.tar.gz', sha256: 'bb', size: 20 },
    ];
    const local = (f: (typeof files)[number]) => ({ path: `/d/${f.filename}`, filename: f.filename, sha256: f.sha256 });
    expect(dryRunLines(files, { upload: [local(files[1])], skip: [local(files[0])], conflicts: [] })).toEqual([
      '  a-1.0-py3-none-any.whl  10 B  sha256 aa  — already on the index (identical), would be skipped',
      '  a-1.0.tar.gz  20 B  sha256 bb  — would be uploaded',
    ]);
    expect(dryRunLines(files, undefined)[0]).toMatch(/would be uploaded unless already there$/);
  });
});

describe('failure messages', () => {
  const index: IndexTarget = { target: 'custom', publishUrl: 'http://idx/', checkUrl: 'http://idx/simple/', sources: { publishUrl: 't', checkUrl: 't' } };

  it('condense an HTML error page to its text', () => {
    const page = [
      'cause: Server returned status code 403 Forbidden. Server says:',
      '    <!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">',
      '    <html><head><title>Error: 403</title><style>body {color: red}</style></head>',
      '    <body><h1>Error: 403 Forbidden</h1><p>Sorry, <tt>&#039;http://idx/&#039;</tt> failed:</p><pre>None</pre></body></html>',
      'after',
    ].join('\n');
    expect(condenseHtml(page)).toBe(
      "cause: Server returned status code 403 Forbidden. Server says:\n    Error: 403 Forbidden Sorry, 'http://idx/' failed: None\nafter",
    );
    expect(condenseHtml('no markup <here>')).toBe('no markup <here>');
  });

  it('say where it failed, and what to check on 401/403', () => {
    expect(failureMessage('a 1.0', index, new Error('boom'))).toBe('a 1.0 was not published to http://idx/: boom');
    expect(failureMessage('a 1.0', index, new Error('Upload failed with status code 401 Unauthorized'), 'UV_PUBLISH_TOKEN')).toMatch(
      /401 Unauthorized\nThe index refused the credentials from UV_PUBLISH_TOKEN/,
    );
  });
});
