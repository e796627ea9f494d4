/**
 * Issue 14: the generated workflow's post-publish smoke test, for real. A uv workspace is built with
 * uv (offline, backends from the wheelhouse) and its files are served by a loopback pypiserver, as if
 * the publish job had uploaded them; the workflow then runs (see simulate-workflow.ts) with real
 * python3 and uv: the publish job lists which released packages the index serves as built, and the
 * smoke-test job installs those from the index in a fresh environment and imports every module each
 * one installed (read from its RECORD: a namespace package's packages too).
 */
import { logger } from '@nx/devkit';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { startPypiServer, type PypiServer } from '../../testing/pypiserver';
import { makeTempDir, toolsBin, uvBin, uvTestEnv, writeTree } from '../../testing/tools';
import { callsOf, simulate, type JobResult, type SimulateOptions } from './__fixtures__/simulate-workflow';
import { uvTree } from './__fixtures__/trees';
import { workflowGenerator, workflowPath } from './generator';

type Obj = { [key: string]: any };

function member(name: string, version: string, moduleName: string, dependencies: string[] = []): string {
  return [
    '[project]',
    `name = "${name}"`,
    `version = "${version}"`,
    'requires-python = ">=3.8"',
    `dependencies = [${dependencies.map((d) => JSON.stringify(d)).join(', ')}]`,
    '',
    '[build-system]',
    'requires = ["uv_build>=0.13,<0.14"]',
    'build-backend = "uv_build"',
    '',
    '[tool.uv.build-backend]',
    `module-name = "${moduleName}"`,
    '',
  ].join('\n');
}

const ROOT_PYPROJECT = '[tool.uv.workspace]\nmembers = ["packages/*"]\n';

/** The members: a, b (requires a), a namespace package, and one whose import fails. */
const WORKSPACE: Record<string, string> = {
  'py/pyproject.toml': ROOT_PYPROJECT,
  'py/packages/a/pyproject.toml': member('smoke-a', '1.2.0', 'smoke_a'),
  'py/packages/a/src/smoke_a/__init__.py': 'A = 1\n',
  'py/packages/b/pyproject.toml': member('Smoke_B', '0.3.0rc1', 'smoke_b', ['smoke-a>=1.0']),
  'py/packages/b/src/smoke_b/__init__.py': 'from smoke_a import A\nB = A + 1\n',
  'py/packages/ns/pyproject.toml': member('acme.tools', '2.0.0', 'acme.tools'),
  'py/packages/ns/src/acme/tools/__init__.py': 'TOOLS = True\n',
  'py/packages/broken/pyproject.toml': member('smoke-broken', '0.1.0', 'smoke_broken'),
  'py/packages/broken/src/smoke_broken/__init__.py': 'raise ImportError("smoke_broken cannot be imported")\n',
};

function git(dir: string, ...args: string[]): void {
  execFileSync('git', args, {
    cwd: dir,
    stdio: 'ignore',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' },
  });
}

describe('smoke test of the generated workflow against a real index', () => {
  const tmp = makeTempDir('nx-uv-smoke-');
  const built = path.join(tmp.dir, 'built');
  let server: PypiServer;
  let wf: Obj;

  beforeAll(async () => {
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    const tree = uvTree({ 'py/pyproject.toml': ROOT_PYPROJECT });
    await workflowGenerator(tree, { target: 'custom' });
    wf = parse(tree.read(workflowPath('release-python'), 'utf-8')!);
    writeTree(built, WORKSPACE);
    for (const dir of ['a', 'b', 'ns', 'broken']) {
      execFileSync(uvBin, ['build', '--out-dir', path.join(built, 'py/packages', dir, 'dist'), '--no-sources', path.join(built, 'py/packages', dir)], {
        cwd: path.join(built, 'py'),
        // A cache of its own: .tools is shared, and read-only here.
        env: uvTestEnv({ UV_CACHE_DIR: path.join(tmp.dir, 'uv-cache') }),
        stdio: 'ignore',
      });
    }
    server = await startPypiServer();
    // What the publish job would have uploaded.
    for (const dir of ['a', 'b', 'ns', 'broken']) {
      const dist = path.join(built, 'py/packages', dir, 'dist');
      for (const f of fs.readdirSync(dist).filter((n) => n.endsWith('.whl') || n.endsWith('.tar.gz'))) {
        fs.copyFileSync(path.join(dist, f), path.join(server.packagesDir, f));
      }
    }
  }, 120000);
  afterAll(async () => {
    await server?.stop();
    tmp.cleanup();
    jest.restoreAllMocks();
  });

  /** A checkout of the built workspace whose HEAD carries `tags`, released for real to the pypiserver. */
  function release(label: string, tags: string[], options: SimulateOptions = {}): { [job: string]: JobResult } {
    const dir = path.join(tmp.dir, label);
    fs.cpSync(built, dir, { recursive: true });
    git(dir, 'init', '-q');
    git(dir, 'add', 'py/pyproject.toml');
    git(dir, 'commit', '-q', '-m', 'release');
    for (const tag of tags) git(dir, 'tag', '-a', '-m', tag, tag);
    return simulate(wf, { event: 'workflow_dispatch', inputs: { target: 'custom', dry_run: false }, vars: { UV_PUBLISH_URL: server.url } }, dir, {
      // No real pause between install attempts: a failing install fails the test in seconds.
      moreFakes: ['sleep'],
      ...options,
      realCommands: ['uv'],
      env: {
        PATH: `${toolsBin}${path.delimiter}${process.env.PATH ?? ''}`,
        no_proxy: '127.0.0.1',
        UV_PYTHON_DOWNLOADS: 'never',
        UV_NO_PROGRESS: '1',
        UV_CACHE_DIR: path.join(tmp.dir, 'uv-cache'),
      },
    });
  }

  const smokeOutput = (results: { [job: string]: JobResult }) => {
    const install = results['smoke-test'].steps.find((s) => /^Install/.test(s.name))!;
    return `${install.stdout ?? ''}${install.stderr ?? ''}`;
  };

  it('installs each released package from the index and imports every module it installed', () => {
    const results = release('green', ['smoke-a-v1.2.0', 'smoke-b-v0.3.0rc1', 'acme-tools-v2.0.0']);
    expect(results.publish.result).toBe('success');
    expect(JSON.parse(results.publish.outputs.released)).toEqual(['acme-tools==2.0.0', 'smoke-a==1.2.0', 'smoke-b==0.3.0rc1']);
    // smoke-b requires smoke-a, which is released itself
    expect(JSON.parse(results.publish.outputs.requires)).toEqual([]);
    expect(results.publish.outputs['index-url']).toBe(server.simpleUrl);
    const output = smokeOutput(results);
    expect(results['smoke-test'].result).toBe('success');
    expect(output).toContain('smoke-a 1.2.0: import smoke_a: ok');
    expect(output).toContain('smoke-b 0.3.0rc1: import smoke_b: ok');
    // a namespace package: its package is imported, not just the empty namespace
    expect(output).toContain('acme-tools 2.0.0: import acme.tools: ok');
    // released earlier (no tag at HEAD names 0.1.0): not part of this run's smoke test
    expect(output).not.toContain('smoke-broken 0.1.0');
    expect(output).not.toContain('"smoke-broken==');
  });

  it('takes a workspace dependency released earlier from the same index, never from PyPI (TestPyPI releases resolve)', () => {
    // smoke-b alone is released; smoke-a, which it requires, only by an earlier run. PyPI is out of
    // reach here (the proxy is closed): smoke-a can only come from the index the release went to.
    const results = release('dependency', ['smoke-b-v0.3.0rc1']);
    expect(JSON.parse(results.publish.outputs.released)).toEqual(['smoke-b==0.3.0rc1']);
    expect(JSON.parse(results.publish.outputs.requires)).toEqual(['smoke-a']);
    const output = smokeOutput(results);
    expect(results['smoke-test'].result).toBe('success');
    expect(output).toContain('+ smoke-a==1.2.0');
    expect(output).toContain('smoke-b 0.3.0rc1: import smoke_b: ok');
    expect(output).not.toContain('import smoke_a');
  });

  it('fails when a released package cannot be imported', () => {
    const results = release('red', ['smoke-a-v1.2.0', 'smoke-broken-v0.1.0']);
    expect(JSON.parse(results.publish.outputs.released)).toEqual(['smoke-a==1.2.0', 'smoke-broken==0.1.0']);
    const output = smokeOutput(results);
    expect(results['smoke-test'].result).toBe('failure');
    expect(output).toContain('smoke-a 1.2.0: import smoke_a: ok');
    expect(output).toContain('::error::smoke-broken 0.1.0: import smoke_broken failed');
    expect(output).toContain('ImportError: smoke_broken cannot be imported');
  });

  it('retries the install while the index may still be propagating the upload, then fails naming the index', () => {
    // The list is forged to name a version the index never had (the publish job never does that).
    const results = release('missing', ['smoke-a-v1.2.0'], {
      afterJob(job, result) {
        if (job === 'publish') result.outputs.released = '["smoke-a==9.9.9"]';
      },
    });
    expect(results['smoke-test'].result).toBe('failure');
    const sleeps = callsOf(results['smoke-test'], 'sleep').map((c) => c.args);
    expect(sleeps).toEqual([['15'], ['30'], ['45'], ['60'], ['60'], ['60'], ['60']]);
    expect(smokeOutput(results)).toContain(`::error::The released packages could not be installed from ${server.simpleUrl} after 8 attempts.`);
  });
});
