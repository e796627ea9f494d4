/**
 * Runs the generated workflow for each kind of event: job conditions evaluated as GitHub does, every
 * `run:` script executed in bash with recording fakes of npx/npm/gh/uv, artifacts and job outputs
 * passed between jobs, stand-ins for GitHub's services (see simulate-workflow.ts). Asserts which jobs
 * run, the exact command lines that reach Nx, and what the build job hands the publish job.
 */
import { logger } from '@nx/devkit';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { evaluate, hasStatusFunction, looseEquals } from './__fixtures__/github-expression';
import {
  artifactDir,
  callsOf,
  filesUnder,
  nxCalls,
  simulate,
  type JobResult,
  type Scenario,
  type SimulateOptions,
  type StepResult,
} from './__fixtures__/simulate-workflow';
import { findFreePort } from '../../testing/pypiserver';
import { uvTree } from './__fixtures__/trees';
import { workflowGenerator, workflowPath } from './generator';
import type { WorkflowGeneratorSchema } from './schema';

type Obj = { [key: string]: any };
const SHA_RUN = 'a'.repeat(40);
const SHA_MERGE = 'b'.repeat(40);

let root: string;
let counter = 0;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'nx-uv-workflow-'));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

async function workflow(options: WorkflowGeneratorSchema = {}): Promise<Obj> {
  jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  const tree = uvTree();
  await workflowGenerator(tree, options);
  return parse(tree.read(workflowPath(options.name ?? 'release-python'), 'utf-8')!);
}

const DISTS: { [path: string]: string } = {
  'packages/a/dist/a-1.0.0-py3-none-any.whl': 'wheel a',
  'packages/a/dist/a-1.0.0.tar.gz': 'sdist a',
  'packages/b/dist/b-2.0.0.tar.gz': 'sdist b',
};

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf-8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' },
  });
}

/**
 * A checkout (a git repository whose HEAD carries the release tags `tags`) with built files in two
 * members (and uv's dist/.gitignore, which is no distribution).
 */
function checkout(withDists = true, tags = ['a-v1.0.0', 'b-v2.0.0']): string {
  const dir = join(root, `run-${++counter}`);
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q');
  writeFileSync(join(dir, 'README.md'), 'x\n');
  git(dir, 'add', 'README.md');
  git(dir, 'commit', '-q', '-m', 'release');
  for (const tag of tags) git(dir, 'tag', '-a', '-m', tag, tag);
  if (withDists) {
    const files = { ...DISTS, 'packages/a/dist/.gitignore': '*' };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  }
  return dir;
}

/**
 * Runs the workflow in a checkout (default: a new one). Every job after the build job starts, as on
 * GitHub, on a runner without the build job's files: they are removed once the build job ran.
 */
function run(wf: Obj, scenario: Scenario, dir = checkout(), options: SimulateOptions = {}): { [job: string]: JobResult } {
  return simulate(wf, scenario, dir, {
    ...options,
    afterJob(job, result) {
      if (job === 'build') for (const member of ['a', 'b']) rmSync(join(dir, 'packages', member, 'dist'), { recursive: true, force: true });
      options.afterJob?.(job, result);
    },
  });
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function ranJobs(results: { [job: string]: JobResult }): string[] {
  return Object.entries(results)
    .filter(([, r]) => r.result !== 'skipped')
    .map(([id]) => id);
}

function stepRan(job: JobResult, name: RegExp): boolean {
  const step = job.steps.find((s) => name.test(s.name));
  if (!step) throw new Error(`no step ${name}`);
  return step.ran;
}

function step(job: JobResult, name: RegExp): StepResult {
  const found = job.steps.find((s) => name.test(s.name));
  if (!found) throw new Error(`no step ${name}`);
  return found;
}

/**
 * A static simple index (PEP 503 HTML, as pypiserver writes it): a-1.0.0 exactly as built, and a
 * b-2.0.0.tar.gz of other bytes (what an earlier upload under that name would look like).
 */
function writeIndex(dir: string): void {
  const page = (files: [string, string][]) =>
    `<!DOCTYPE html><html><body>${files.map(([f, text]) => `<a href="/packages/${f}#sha256=${sha256(text)}">${f}</a><br>`).join('')}</body></html>\n`;
  mkdirSync(join(dir, 'simple', 'a'), { recursive: true });
  mkdirSync(join(dir, 'simple', 'b'), { recursive: true });
  writeFileSync(
    join(dir, 'simple', 'a', 'index.html'),
    page([
      ['a-1.0.0-py3-none-any.whl', 'wheel a'],
      ['a-1.0.0.tar.gz', 'sdist a'],
    ]),
  );
  writeFileSync(join(dir, 'simple', 'b', 'index.html'), page([['b-2.0.0.tar.gz', 'another sdist b']]));
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer`);
}

const mergedReleasePr: Scenario = {
  event: 'pull_request',
  pullRequest: { merged: true, labels: ['autorelease: pending'], mergeCommitSha: SHA_MERGE },
};

describe('trigger matrix', () => {
  let wf: Obj;
  beforeAll(async () => {
    wf = await workflow({ notifyRepositories: ['acme/app'] });
  });

  const released = ['release', 'build', 'provenance', 'publish', 'provenance-assets', 'notify'];
  const matrix: [string, Scenario, string[]][] = [
    ['push to main', { event: 'push' }, ['prepare']],
    ['merged release PR', mergedReleasePr, released],
    [
      'merged release PR, label in other case and among others',
      { event: 'pull_request', pullRequest: { merged: true, labels: ['deps', 'AutoRelease: Pending'] } },
      released,
    ],
    ['merged PR without the label', { event: 'pull_request', pullRequest: { merged: true, labels: ['deps'] } }, []],
    ['closed, unmerged release PR', { event: 'pull_request', pullRequest: { merged: false, labels: ['autorelease: pending'] } }, []],
    ['merged labelled PR from a fork', { event: 'pull_request', pullRequest: { merged: true, labels: ['autorelease: pending'], headRepo: 'evil/mono' } }, []],
    ['dispatch prepare', { event: 'workflow_dispatch', inputs: { action: 'prepare' } }, ['prepare']],
    // A dry run makes no provenance (nothing for the public transparency log) and publishes nothing.
    ['dispatch release (defaults)', { event: 'workflow_dispatch' }, ['release', 'build', 'publish', 'notify']],
    ['dispatch release for real', { event: 'workflow_dispatch', inputs: { dry_run: false } }, released],
    ['dispatch release with skip_publish', { event: 'workflow_dispatch', inputs: { skip_publish: true, dry_run: false } }, ['release', 'build', 'publish']],
    // A private repository makes no provenance unless it opts in (the log entry would name it) ...
    ['merged release PR in a private repository', { ...mergedReleasePr, privateRepository: true }, ['release', 'build', 'publish', 'notify']],
    // ... with the repository variable.
    [
      'merged release PR in a private repository that opted in',
      { ...mergedReleasePr, privateRepository: true, vars: { NX_UV_SLSA_PRIVATE_REPOSITORY: 'true' } },
      released,
    ],
  ];

  it.each(matrix)('%s', (_label, scenario, expected) => {
    const results = run(wf, scenario);
    expect(ranJobs(results)).toEqual(expected);
    for (const job of expected) expect(results[job].result).toBe('success');
  });

  it('push to main opens the release PR for real, with the run token and a git identity', () => {
    const results = run(wf, { event: 'push' });
    const calls = results.prepare.steps.flatMap((s) => s.calls);
    expect(calls.map((c) => [c.command, ...c.args])).toEqual([
      ['npm', 'ci'],
      ['npx', 'nx', 'run', 'uv-workspace:release-pr', '--', '--baseBranch=main'],
    ]);
    expect(calls[1].env).toEqual({ GITHUB_TOKEN: 'ghs_run_token', GIT_AUTHOR_NAME: 'github-actions[bot]' });
  });

  it('a merged release PR tags, builds without credentials, makes provenance, publishes the built files with trusted publishing and notifies', () => {
    const results = run(wf, mergedReleasePr);
    for (const job of ['release', 'build', 'publish', 'notify']) expect(results[job].steps[0].with?.ref).toBe(SHA_MERGE);
    expect(nxCalls(results.release)).toEqual([['nx', 'run-many', '-t', 'tag', '--output-style=static', '--']]);
    expect(nxCalls(results.build)).toEqual([['nx', 'run-many', '-t', 'build', '--output-style=static']]);
    // The build job's command sees no token, no password, no git identity.
    expect(callsOf(results.build, 'npx').map((c) => c.env)).toEqual([{}]);
    // The publish job builds nothing: it publishes what the build job uploaded.
    expect(nxCalls(results.publish)).toEqual([
      ['nx', 'run-many', '-t', 'publish', '--excludeTaskDependencies', '--output-style=static', '--', '--target=pypi'],
    ]);
    expect(nxCalls(results.notify)).toEqual([['nx', 'run', 'uv-workspace:notify', '--', '--repositories=acme/app']]);
    expect(stepRan(results.publish, /^Mint PEP 740/)).toBe(true);
    expect(stepRan(results.publish, /^Check that/)).toBe(true);
    const publishCall = callsOf(results.publish, 'npx')[0];
    // No secret: both token variables are unset (not empty), so uv publish falls back to trusted publishing.
    expect(publishCall.env).toEqual({});
  });

  it('a token secret reaches uv publish when it exists, and then no attestation is minted (PyPI takes them with trusted publishing only)', () => {
    const dir = checkout();
    const results = run(wf, { ...mergedReleasePr, secrets: { UV_PUBLISH_TOKEN: 'pypi-secret' } }, dir);
    expect(callsOf(results.publish, 'npx')[0].env).toEqual({ UV_PUBLISH_TOKEN: 'pypi-secret' });
    expect(stepRan(results.publish, /^Mint PEP 740/)).toBe(false);
    expect(step(results.publish, /^Decide on PEP 740/).stdout).toMatch(/^::notice::No PEP 740 attestations for target pypi/);
    expect(filesUnder(join(dir, 'packages')).filter((f) => f.endsWith('.publish.attestation'))).toEqual([]);
    // The decision saw whether the secret is set, never its value.
    expect(JSON.stringify(results.publish.steps.filter((s) => !/^Publish/.test(s.name)))).not.toContain('pypi-secret');
  });

  it('notify sends with the dispatch token secret', () => {
    const results = run(wf, { ...mergedReleasePr, secrets: { NX_UV_DISPATCH_TOKEN: 'ghp_dispatch' } });
    const call = results.notify.steps.flatMap((s) => s.calls).find((c) => c.command === 'npx')!;
    expect(call.env.GITHUB_TOKEN).toBe('ghp_dispatch');
  });

  it('a manual release is a dry run by default: every stage gets --dryRun, nothing is attested, no provenance', () => {
    const results = run(wf, { event: 'workflow_dispatch' });
    expect(results.release.steps[0].with?.ref).toBe(SHA_RUN);
    expect(nxCalls(results.release)).toEqual([['nx', 'run-many', '-t', 'tag', '--output-style=static', '--', '--dryRun']]);
    expect(nxCalls(results.build)).toEqual([['nx', 'run-many', '-t', 'build', '--output-style=static']]);
    expect(nxCalls(results.publish)).toEqual([
      ['nx', 'run-many', '-t', 'publish', '--excludeTaskDependencies', '--output-style=static', '--', '--target=pypi', '--maxRetries=2', '--dryRun'],
    ]);
    expect(nxCalls(results.notify)).toEqual([['nx', 'run', 'uv-workspace:notify', '--', '--repositories=acme/app', '--dryRun']]);
    expect(results.provenance.result).toBe('skipped');
    expect(stepRan(results.publish, /^Mint PEP 740/)).toBe(false);
    expect(stepRan(results.publish, /^List the released/)).toBe(false);
  });

  it('a manual prepare passes group, bump type, prerelease, force and dry run', () => {
    const results = run(wf, {
      event: 'workflow_dispatch',
      inputs: { action: 'prepare', group: 'core libs', bump_type: 'minor', prerelease: 'rc', force_prepare: true },
    });
    expect(nxCalls(results.prepare)).toEqual([
      ['nx', 'run', 'uv-workspace:release-pr', '--', '--baseBranch=main', '--group=core libs', '--bumpType=minor', '--prerelease=rc', '--force', '--dryRun'],
    ]);
  });

  it('a manual release of a group limits release, publish and notify to it, not only prepare', () => {
    const results = run(wf, { event: 'workflow_dispatch', inputs: { group: 'core libs', dry_run: false } });
    expect(nxCalls(results.release)).toEqual([['nx', 'run-many', '-t', 'tag', '--output-style=static', '--', '--group=core libs']]);
    expect(nxCalls(results.publish)).toEqual([
      ['nx', 'run-many', '-t', 'publish', '--excludeTaskDependencies', '--output-style=static', '--', '--target=pypi', '--maxRetries=2', '--group=core libs'],
    ]);
    expect(nxCalls(results.notify)).toEqual([['nx', 'run', 'uv-workspace:notify', '--', '--repositories=acme/app', '--group=core libs']]);
  });

  it('a manual prepare with the defaults passes no optional flag but --dryRun', () => {
    const results = run(wf, { event: 'workflow_dispatch', inputs: { action: 'prepare', dry_run: false } });
    expect(nxCalls(results.prepare)).toEqual([['nx', 'run', 'uv-workspace:release-pr', '--', '--baseBranch=main']]);
  });

  it('a manual release to a custom index: URLs and username from repository variables, password from a secret, no attestation', () => {
    const index = { UV_PUBLISH_URL: 'https://pypi.acme.example/', UV_PUBLISH_CHECK_URL: 'https://pypi.acme.example/simple/', UV_PUBLISH_USERNAME: 'ci' };
    const results = run(wf, {
      event: 'workflow_dispatch',
      inputs: { target: 'custom', dry_run: false },
      vars: index,
      secrets: { UV_PUBLISH_PASSWORD: 'pw-secret' },
    });
    expect(nxCalls(results.publish)).toEqual([
      ['nx', 'run-many', '-t', 'publish', '--excludeTaskDependencies', '--output-style=static', '--', '--target=custom', '--maxRetries=2'],
    ]);
    expect(callsOf(results.publish, 'npx')[0].env).toEqual({ ...index, UV_PUBLISH_PASSWORD: 'pw-secret' });
    expect(stepRan(results.publish, /^Mint PEP 740/)).toBe(false);
  });

  it('a custom index without the UV_PUBLISH_URL variable fails before anything is uploaded', () => {
    const results = run(wf, { event: 'workflow_dispatch', inputs: { target: 'custom', dry_run: false } });
    expect(results.publish.result).toBe('failure');
    expect(nxCalls(results.publish)).toEqual([]);
    for (const job of ['provenance-assets', 'smoke-test', 'notify']) expect(results[job].result).toBe('skipped');
  });

  it.each<[string, boolean, Scenario]>([
    ['testpypi with trusted publishing', true, { event: 'workflow_dispatch', inputs: { target: 'testpypi', dry_run: false } }],
    ['testpypi with a token', false, { event: 'workflow_dispatch', inputs: { target: 'testpypi', dry_run: false }, secrets: { TESTPYPI_TOKEN: 't' } }],
    // The PyPI token is for PyPI: TestPyPI still gets trusted publishing, so attestations.
    [
      'testpypi with only a PyPI token',
      true,
      { event: 'workflow_dispatch', inputs: { target: 'testpypi', dry_run: false }, secrets: { UV_PUBLISH_TOKEN: 't' } },
    ],
    ['pypi with user name and password', false, { ...mergedReleasePr, vars: { UV_PUBLISH_USERNAME: 'u' }, secrets: { UV_PUBLISH_PASSWORD: 'p' } }],
  ])('PEP 740 attestations, %s: minted %s', (_label, minted, scenario) => {
    const dir = checkout();
    const results = run(wf, scenario, dir);
    expect(results.publish.result).toBe('success');
    expect(stepRan(results.publish, /^Mint PEP 740/)).toBe(minted);
    const attestations = filesUnder(join(dir, 'packages')).filter((f) => f.endsWith('.publish.attestation'));
    expect(attestations).toEqual(minted ? Object.keys(DISTS).map((f) => `${f.slice('packages/'.length)}.publish.attestation`) : []);
  });

  it('mints the attestations beside the checked files, after the digest check and before the upload', () => {
    const results = run(wf, mergedReleasePr);
    const names = results.publish.steps.map((s) => s.name);
    const at = (re: RegExp) => names.findIndex((n) => re.test(n));
    expect(at(/^Check the digests/)).toBeLessThan(at(/^Mint PEP 740/));
    expect(at(/^Mint PEP 740/)).toBeLessThan(at(/^Publish/));
    expect(step(results.publish, /^Mint PEP 740/).with?.paths).toBe('packages/*/dist/*.whl\npackages/*/dist/*.tar.gz');
  });

  it('a manual release to testpypi with concurrency, retries and skip_publish', () => {
    const results = run(wf, {
      event: 'workflow_dispatch',
      inputs: { target: 'testpypi', concurrency: '4', max_retries: '5', skip_publish: true, dry_run: false },
      secrets: { TESTPYPI_TOKEN: 'test-secret' },
    });
    expect(nxCalls(results.release)).toEqual([['nx', 'run-many', '-t', 'tag', '--output-style=static', '--']]);
    expect(nxCalls(results.build)).toEqual([['nx', 'run-many', '-t', 'build', '--output-style=static', '--parallel=4']]);
    expect(nxCalls(results.publish)).toEqual([
      [
        'nx',
        'run-many',
        '-t',
        'publish',
        '--excludeTaskDependencies',
        '--output-style=static',
        '--parallel=4',
        '--',
        '--target=testpypi',
        '--maxRetries=5',
        '--skipPublish',
      ],
    ]);
    // --parallel for Nx; the batched publish takes its concurrency from the environment
    expect(callsOf(results.publish, 'npx')[0].env).toEqual({ TESTPYPI_TOKEN: 'test-secret', NX_UV_PUBLISH_CONCURRENCY: '4' });
    expect(stepRan(results.publish, /^Mint PEP 740/)).toBe(false);
    for (const job of ['provenance', 'provenance-assets', 'smoke-test', 'notify']) expect(results[job].result).toBe('skipped');
  });

  it('input values are data, never shell code', () => {
    const dir = checkout();
    const evil = '$(touch pwned) `touch pwned2` "; touch pwned3; echo "';
    const results = run(wf, { event: 'workflow_dispatch', inputs: { action: 'prepare', group: evil, prerelease: "rc'1" } }, dir);
    expect(nxCalls(results.prepare)[0]).toEqual([
      'nx',
      'run',
      'uv-workspace:release-pr',
      '--',
      '--baseBranch=main',
      `--group=${evil}`,
      "--prerelease=rc'1",
      '--dryRun',
    ]);
    for (const f of ['pwned', 'pwned2', 'pwned3']) expect(existsSync(join(dir, f))).toBe(false);
  });

  it.each([
    ['concurrency', 'build', { concurrency: 'four' }, /^Build/],
    ['concurrency', 'build', { concurrency: '-1' }, /^Build/],
    ['max_retries', 'publish', { max_retries: '2; rm -rf /' }, /^Publish/],
  ])('a non-numeric %s fails the %s job before anything is uploaded', (_input, job, inputs, failingStep) => {
    const results = run(wf, { event: 'workflow_dispatch', inputs: { ...inputs, dry_run: false } });
    expect(results[job].result).toBe('failure');
    const failed = results[job].steps.find((s) => s.status !== undefined && s.status !== 0)!;
    expect(failed.name).toMatch(failingStep);
    expect(failed.stdout).toMatch(/^::error::The \w+ input must be a whole number/);
    expect(nxCalls(results.publish).filter((c) => c.includes('publish'))).toEqual([]);
    expect(results.notify.result).toBe('skipped');
  });
});

describe('the build job hands the publish job its files and their digests', () => {
  let wf: Obj;
  beforeAll(async () => {
    wf = await workflow();
  });

  it('records the digests of exactly the sdists and wheels (base64 sha256sum output, the SLSA generator subjects), and fails when the build left none', () => {
    const dir = checkout();
    const results = run(wf, mergedReleasePr, dir);
    const expected = Object.entries(DISTS).map(([path, text]) => `${sha256(text)}  ${path}`);
    expect(Buffer.from(results.build.outputs.digests, 'base64').toString('utf-8').trim().split('\n')).toEqual(expected);
    expect(results.provenance.with?.['base64-subjects']).toBe(results.build.outputs.digests);
    expect(filesUnder(artifactDir(dir, 'release-python-dists')).sort()).toEqual(Object.keys(DISTS).sort());
    const empty = run(wf, mergedReleasePr, checkout(false));
    expect(empty.build.result).toBe('failure');
    for (const job of ['provenance', 'publish', 'notify']) expect(empty[job].result).toBe('skipped');
  });

  it('the publish job puts the downloaded files in place, checked against the digests, and publishes them', () => {
    const dir = checkout();
    const results = run(wf, mergedReleasePr, dir);
    expect(results.publish.result).toBe('success');
    expect(step(results.publish, /^Download the built files/).with).toEqual({
      name: 'release-python-dists',
      path: join(dir, '.runner-temp', 'publish', 'nx-uv-dists'),
    });
    for (const [path, text] of Object.entries(DISTS)) expect(readFileSync(join(dir, path), 'utf-8')).toBe(text);
    expect(step(results.publish, /^Check the digests/).stdout).toContain('packages/b/dist/b-2.0.0.tar.gz: OK');
  });

  it.each<[string, (store: string) => void, RegExp]>([
    ['a changed file', (store) => writeFileSync(join(store, 'packages/a/dist/a-1.0.0.tar.gz'), 'evil sdist'), /FAILED/],
    ['a missing file', (store) => rmSync(join(store, 'packages/b/dist/b-2.0.0.tar.gz')), /No such file|FAILED/],
    ['an extra file', (store) => writeFileSync(join(store, 'packages/a/dist/a-1.0.1-py3-none-any.whl'), 'extra'), /not hold exactly the files/],
    ['an extra file elsewhere', (store) => writeFileSync(join(store, 'package.json'), '{}'), /not hold exactly the files/],
  ])('an artifact with %s fails the publish job before anything is attested or uploaded', (_label, tamper, message) => {
    const dir = checkout();
    const results = run(wf, mergedReleasePr, dir, {
      afterJob(job) {
        if (job === 'build') tamper(artifactDir(dir, 'release-python-dists'));
      },
    });
    expect(results.publish.result).toBe('failure');
    const failed = step(results.publish, /^Check the digests/);
    expect(failed.status).not.toBe(0);
    expect(`${failed.stdout}${failed.stderr}`).toMatch(message);
    expect(stepRan(results.publish, /^Mint PEP 740/)).toBe(false);
    expect(nxCalls(results.publish)).toEqual([]);
    for (const job of ['provenance-assets', 'smoke-test', 'notify']) expect(results[job].result).toBe('skipped');
    expect(existsSync(join(dir, 'package.json'))).toBe(false);
  });

  it('a digests output that names a path outside the repository is refused', () => {
    const dir = checkout();
    const results = run(wf, mergedReleasePr, dir, {
      afterJob(job, result) {
        if (job !== 'build') return;
        const store = artifactDir(dir, 'release-python-dists');
        mkdirSync(join(store, 'x'), { recursive: true });
        writeFileSync(join(store, 'x', 'evil.whl'), 'evil');
        result.outputs.digests = Buffer.from(`${sha256('evil')}  x/../x/evil.whl\n`).toString('base64');
      },
    });
    expect(results.publish.result).toBe('failure');
    expect(nxCalls(results.publish)).toEqual([]);
  });
});

describe('SLSA provenance', () => {
  let wf: Obj;
  beforeAll(async () => {
    wf = await workflow();
  });

  it('is made from the build job digests, and attached to each GitHub Release at the built commit after the upload', () => {
    const dir = checkout(true, ['a-v1.0.0', 'b-v2.0.0', 'unrelated']);
    const results = run(wf, { ...mergedReleasePr, releases: ['a-v1.0.0', 'b-v2.0.0'] }, dir);
    expect(results.provenance.uses).toMatch(/^slsa-framework\/slsa-github-generator\/\.github\/workflows\/generator_generic_slsa3\.yml@v\d+\.\d+\.\d+$/);
    expect(results.provenance.with).toEqual({
      'base64-subjects': results.build.outputs.digests,
      'provenance-name': 'release-python.intoto.jsonl',
      'upload-assets': 'false',
      'private-repository': 'true',
    });
    const provenance = JSON.parse(readFileSync(join(artifactDir(dir, 'release-python.intoto.jsonl'), 'release-python.intoto.jsonl'), 'utf-8'));
    expect(provenance.subject).toEqual(Object.entries(DISTS).map(([name, text]) => ({ name, digest: { sha256: sha256(text) } })));
    expect(JSON.parse(results.build.outputs.tags)).toEqual(['a-v1.0.0', 'b-v2.0.0', 'unrelated']);
    const file = join(dir, '.runner-temp', 'provenance-assets', 'nx-uv-provenance', 'release-python.intoto.jsonl');
    expect(existsSync(file)).toBe(true);
    const gh = callsOf(results['provenance-assets'], 'gh');
    expect(gh.map((c) => c.args)).toEqual([
      ['release', 'view', '--', 'a-v1.0.0'],
      ['release', 'upload', '--clobber', '--', 'a-v1.0.0', file],
      ['release', 'view', '--', 'b-v2.0.0'],
      ['release', 'upload', '--clobber', '--', 'b-v2.0.0', file],
      ['release', 'view', '--', 'unrelated'],
    ]);
    for (const c of gh) expect(c.env).toEqual({ GH_TOKEN: 'ghs_run_token', GH_REPO: 'acme/mono' });
  });

  it('a real upload waits for the provenance: when it fails, nothing is published', () => {
    const results = run(wf, mergedReleasePr, checkout(), {
      afterJob(job, result) {
        if (job === 'provenance') result.result = 'failure';
      },
    });
    for (const job of ['publish', 'provenance-assets', 'smoke-test', 'notify']) expect(results[job].result).toBe('skipped');
  });

  it('no release tag at the built commit: nothing to attach', () => {
    const results = run(wf, mergedReleasePr, checkout(true, []));
    expect(results.provenance.result).toBe('success');
    expect(results['provenance-assets'].result).toBe('skipped');
  });
});

describe('smoke test', () => {
  let server: ChildProcess;
  let indexUrl: string;
  let wf: Obj;
  beforeAll(async () => {
    wf = await workflow({ target: 'custom' });
    const indexDir = join(root, 'index');
    writeIndex(indexDir);
    const port = await findFreePort();
    server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', indexDir], { stdio: 'ignore' });
    indexUrl = `http://127.0.0.1:${port}/simple/`;
    await waitFor(indexUrl);
  });
  afterAll(() => {
    server?.kill();
  });

  function smokeRun(tags: string[]) {
    const dir = checkout(true, tags);
    const results = run(
      wf,
      {
        event: 'workflow_dispatch',
        inputs: { target: 'custom', dry_run: false },
        vars: { UV_PUBLISH_URL: 'https://upload.acme.example/legacy/', UV_PUBLISH_CHECK_URL: indexUrl },
      },
      dir,
      { env: { no_proxy: '127.0.0.1' } },
    );
    return { dir, results };
  }

  it('installs from the index each package this run released and the index serves as built, then imports it', () => {
    const { dir, results } = smokeRun(['a-v1.0.0', 'b-v2.0.0']);
    const list = step(results.publish, /^List the released/);
    // b is tagged, but the index serves another b-2.0.0.tar.gz: not what this run built and uploaded.
    expect(list.stdout).toContain('b 2.0.0: the index does not serve b-2.0.0.tar.gz as built');
    expect(results.publish.outputs).toEqual({ released: '["a==1.0.0"]', requires: '[]', 'index-url': indexUrl });
    expect(results['smoke-test'].result).toBe('success');
    const smoke = join(dir, '.runner-temp', 'smoke-test', 'nx-uv-smoke', 'smoke_test.py');
    expect(callsOf(results['smoke-test'], 'uv').map((c) => c.args)).toEqual([
      ['sync', '--refresh', '--script', smoke],
      ['run', '--script', smoke],
    ]);
    const header = readFileSync(smoke, 'utf-8').split('# ///\n')[0];
    expect(header).toBe(
      [
        '# /// script',
        '# dependencies = [',
        '#   "a==1.0.0",',
        '# ]',
        '#',
        '# [[tool.uv.index]]',
        '# name = "release-index"',
        `# url = "${indexUrl}"`,
        '# explicit = true',
        '#',
        '# [tool.uv.sources]',
        '# a = { index = "release-index" }',
        '',
      ].join('\n'),
    );
  });

  it('leaves out a package whose version no tag at the built commit names (released earlier), and runs no smoke test when nothing is left', () => {
    const { results } = smokeRun(['b-v2.0.0']);
    expect(step(results.publish, /^List the released/).stdout).toContain('a 1.0.0: no release tag at this commit names this version');
    expect(results.publish.outputs.released).toBe('[]');
    expect(results['smoke-test'].result).toBe('skipped');
  });

  it('an index it cannot read: a warning, no smoke test, the release stands', () => {
    const dir = checkout();
    const results = run(
      wf,
      {
        event: 'workflow_dispatch',
        inputs: { target: 'custom', dry_run: false },
        vars: { UV_PUBLISH_URL: 'https://upload.acme.example/legacy/', UV_PUBLISH_CHECK_URL: 'https://index.acme.example/simple/' },
      },
      dir,
    );
    expect(results.publish.result).toBe('success');
    expect(step(results.publish, /^List the released/).stdout).toMatch(/::warning::a 1\.0\.0: could not read https:\/\/index\.acme\.example\/simple\/a\//);
    expect(results['smoke-test'].result).toBe('skipped');
    expect(results.notify.result).toBe('success');
  });
});

describe('trigger matrix with a custom branch and release label', () => {
  it('uses them in the base branch flag, the merged-PR condition, and the label release-pr sets and tag looks for', async () => {
    const wf = await workflow({ branch: 'trunk', releaseLabel: 'release: ready' });
    const ready = run(wf, { event: 'pull_request', pullRequest: { merged: true, labels: ['release: ready'] } });
    expect(ranJobs(ready)).toEqual(['release', 'build', 'provenance', 'publish', 'provenance-assets', 'notify']);
    const old = run(wf, mergedReleasePr);
    expect(ranJobs(old)).toEqual([]);
    expect(nxCalls(run(wf, { event: 'push' }).prepare)).toEqual([
      ['nx', 'run', 'uv-workspace:release-pr', '--', '--baseBranch=trunk', '--releaseLabel=release: ready'],
    ]);
    expect(nxCalls(ready.release)).toEqual([['nx', 'run-many', '-t', 'tag', '--output-style=static', '--', '--releaseLabel=release: ready']]);
  });
});

describe('test expression evaluator', () => {
  it('follows GitHub semantics for the forms the workflow uses', () => {
    const ctx = { inputs: {}, github: { event_name: 'push', event: { pull_request: { labels: [{ name: 'A' }] } } } };
    expect(evaluate("inputs.dry_run || 'x'", ctx)).toBe('x');
    expect(evaluate("github.event_name == 'PUSH'", ctx)).toBe(true);
    expect(evaluate("contains(github.event.pull_request.labels.*.name, 'a')", ctx)).toBe(true);
    expect(evaluate("!(github.event_name == 'workflow_dispatch' && inputs.skip_publish)", ctx)).toBe(true);
    expect(looseEquals(null, 0)).toBe(true);
    expect(looseEquals('1', 1)).toBe(true);
    expect(() => evaluate('env.X', ctx)).toThrow(/unknown context "env"/);
    expect(() => evaluate('hashFiles(1)', ctx)).toThrow(/not supported/);
  });

  it('evaluates the status functions from the needs of the job', () => {
    const ctx = { needs: { a: { result: 'skipped' } } };
    expect(evaluate('!cancelled()', ctx)).toBe(true);
    expect(evaluate('success()', { ...ctx, __status: { success: false, failure: false } })).toBe(false);
    expect(evaluate('failure()', { ...ctx, __status: { success: false, failure: true } })).toBe(true);
    expect(hasStatusFunction("!cancelled() && needs.a.result == 'skipped'")).toBe(true);
    expect(hasStatusFunction("needs.a.result == 'success'")).toBe(false);
  });
});
