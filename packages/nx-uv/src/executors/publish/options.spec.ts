import { resolveDistDir } from './dist-dir';
import { normalizePublishOptions } from './options';
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
