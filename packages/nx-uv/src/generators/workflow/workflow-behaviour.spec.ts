/**
 * Runs the generated workflow for each kind of event: job conditions evaluated as GitHub does, every
 * `run:` script executed in bash with recording fakes of npx/npm. Asserts which jobs run and the exact
 * command lines that reach Nx.
 */
import { logger } from '@nx/devkit';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { evaluate, looseEquals } from './__fixtures__/github-expression';
import { nxCalls, simulate, type JobResult, type Scenario } from './__fixtures__/simulate-workflow';
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

/** A checkout with built files in two members (and uv's dist/.gitignore, which is no distribution). */
function checkout(withDists = true): string {
  const dir = join(root, `run-${++counter}`);
  mkdirSync(dir, { recursive: true });
  if (withDists) {
    const files = {
      'packages/a/dist/a-1.0.0-py3-none-any.whl': 'wheel a',
      'packages/a/dist/a-1.0.0.tar.gz': 'sdist a',
      'packages/a/dist/.gitignore': '*',
      'packages/b/dist/b-2.0.0.tar.gz': 'sdist b',
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  }
  return dir;
}

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

const mergedReleasePr: Scenario = {
  event: 'pull_request',
  pullRequest: { merged: true, labels: ['autorelease: pending'], mergeCommitSha: SHA_MERGE },
};

describe('trigger matrix', () => {
  let wf: Obj;
  beforeAll(async () => {
    wf = await workflow({ notifyRepositories: ['acme/app'] });
  });

  const matrix: [string, Scenario, string[]][] = [
    ['push to main', { event: 'push' }, ['prepare']],
    ['merged release PR', mergedReleasePr, ['release', 'publish', 'notify']],
    [
      'merged release PR, label in other case and among others',
      { event: 'pull_request', pullRequest: { merged: true, labels: ['deps', 'AutoRelease: Pending'] } },
      ['release', 'publish', 'notify'],
    ],
    ['merged PR without the label', { event: 'pull_request', pullRequest: { merged: true, labels: ['deps'] } }, []],
    ['closed, unmerged release PR', { event: 'pull_request', pullRequest: { merged: false, labels: ['autorelease: pending'] } }, []],
    ['merged labelled PR from a fork', { event: 'pull_request', pullRequest: { merged: true, labels: ['autorelease: pending'], headRepo: 'evil/mono' } }, []],
    ['dispatch prepare', { event: 'workflow_dispatch', inputs: { action: 'prepare' } }, ['prepare']],
    ['dispatch release (defaults)', { event: 'workflow_dispatch' }, ['release', 'publish', 'notify']],
    ['dispatch release with skip_publish', { event: 'workflow_dispatch', inputs: { skip_publish: true, dry_run: false } }, ['release', 'publish']],
  ];

  it.each(matrix)('%s', (_label, scenario, expected) => {
    const results = simulate(wf, scenario, checkout());
    expect(ranJobs(results)).toEqual(expected);
    for (const job of expected) expect(results[job].result).toBe('success');
  });

  it('push to main opens the release PR for real, with the run token and a git identity', () => {
    const results = simulate(wf, { event: 'push' }, checkout());
    const calls = results.prepare.steps.flatMap((s) => s.calls);
    expect(calls.map((c) => [c.command, ...c.args])).toEqual([
      ['npm', 'ci'],
      ['npx', 'nx', 'run', 'uv-workspace:release-pr', '--', '--baseBranch=main'],
    ]);
    expect(calls[1].env).toEqual({ GITHUB_TOKEN: 'ghs_run_token', GIT_AUTHOR_NAME: 'github-actions[bot]' });
  });

  it('a merged release PR tags, builds, attests, publishes to pypi with trusted publishing and notifies', () => {
    const results = simulate(wf, mergedReleasePr, checkout());
    expect(results.release.steps[0].with?.ref).toBe(SHA_MERGE);
    expect(results.publish.steps[0].with?.ref).toBe(SHA_MERGE);
    expect(nxCalls(results.release)).toEqual([['nx', 'run-many', '-t', 'tag', '--output-style=static', '--']]);
    expect(nxCalls(results.publish)).toEqual([
      ['nx', 'run-many', '-t', 'build', '--output-style=static'],
      ['nx', 'run-many', '-t', 'publish', '--output-style=static', '--', '--target=pypi'],
    ]);
    expect(nxCalls(results.notify)).toEqual([['nx', 'run', 'uv-workspace:notify', '--', '--repositories=acme/app']]);
    expect(stepRan(results.publish, /^Attest/)).toBe(true);
    expect(stepRan(results.publish, /^Check that/)).toBe(true);
    const publishCall = results.publish.steps.flatMap((s) => s.calls).find((c) => c.args.includes('publish'))!;
    // No secret: both token variables are unset (not empty), so uv publish falls back to trusted publishing.
    expect(publishCall.env).toEqual({});
  });

  it('a token secret reaches uv publish when it exists', () => {
    const results = simulate(wf, { ...mergedReleasePr, secrets: { UV_PUBLISH_TOKEN: 'pypi-secret' } }, checkout());
    const publishCall = results.publish.steps.flatMap((s) => s.calls).find((c) => c.args.includes('publish'))!;
    expect(publishCall.env).toEqual({ UV_PUBLISH_TOKEN: 'pypi-secret' });
  });

  it('notify sends with the dispatch token secret', () => {
    const results = simulate(wf, { ...mergedReleasePr, secrets: { NX_UV_DISPATCH_TOKEN: 'ghp_dispatch' } }, checkout());
    const call = results.notify.steps.flatMap((s) => s.calls).find((c) => c.command === 'npx')!;
    expect(call.env.GITHUB_TOKEN).toBe('ghp_dispatch');
  });

  it('a manual release is a dry run by default: every stage gets --dryRun and nothing is attested', () => {
    const results = simulate(wf, { event: 'workflow_dispatch' }, checkout());
    expect(results.release.steps[0].with?.ref).toBe(SHA_RUN);
    expect(nxCalls(results.release)).toEqual([['nx', 'run-many', '-t', 'tag', '--output-style=static', '--', '--dryRun']]);
    expect(nxCalls(results.publish)).toEqual([
      ['nx', 'run-many', '-t', 'build', '--output-style=static'],
      ['nx', 'run-many', '-t', 'publish', '--output-style=static', '--', '--target=pypi', '--maxRetries=2', '--dryRun'],
    ]);
    expect(nxCalls(results.notify)).toEqual([['nx', 'run', 'uv-workspace:notify', '--', '--repositories=acme/app', '--dryRun']]);
    expect(stepRan(results.publish, /^Attest/)).toBe(false);
  });

  it('a manual prepare passes group, bump type, prerelease, force and dry run', () => {
    const results = simulate(
      wf,
      {
        event: 'workflow_dispatch',
        inputs: { action: 'prepare', group: 'core libs', bump_type: 'minor', prerelease: 'rc', force_prepare: true },
      },
      checkout(),
    );
    expect(nxCalls(results.prepare)).toEqual([
      ['nx', 'run', 'uv-workspace:release-pr', '--', '--baseBranch=main', '--group=core libs', '--bumpType=minor', '--prerelease=rc', '--force', '--dryRun'],
    ]);
  });

  it('a manual release of a group limits release, publish and notify to it, not only prepare', () => {
    const results = simulate(wf, { event: 'workflow_dispatch', inputs: { group: 'core libs', dry_run: false } }, checkout());
    expect(nxCalls(results.release)).toEqual([['nx', 'run-many', '-t', 'tag', '--output-style=static', '--', '--group=core libs']]);
    expect(nxCalls(results.publish)[1]).toEqual([
      'nx',
      'run-many',
      '-t',
      'publish',
      '--output-style=static',
      '--',
      '--target=pypi',
      '--maxRetries=2',
      '--group=core libs',
    ]);
    expect(nxCalls(results.notify)).toEqual([['nx', 'run', 'uv-workspace:notify', '--', '--repositories=acme/app', '--group=core libs']]);
  });

  it('a manual prepare with the defaults passes no optional flag but --dryRun', () => {
    const results = simulate(wf, { event: 'workflow_dispatch', inputs: { action: 'prepare', dry_run: false } }, checkout());
    expect(nxCalls(results.prepare)).toEqual([['nx', 'run', 'uv-workspace:release-pr', '--', '--baseBranch=main']]);
  });

  it('a manual release to a custom index: URLs and username from repository variables, password from a secret', () => {
    const index = { UV_PUBLISH_URL: 'https://pypi.acme.example/', UV_PUBLISH_CHECK_URL: 'https://pypi.acme.example/simple/', UV_PUBLISH_USERNAME: 'ci' };
    const results = simulate(
      wf,
      { event: 'workflow_dispatch', inputs: { target: 'custom', dry_run: false }, vars: index, secrets: { UV_PUBLISH_PASSWORD: 'pw-secret' } },
      checkout(),
    );
    expect(nxCalls(results.publish)[1]).toEqual(['nx', 'run-many', '-t', 'publish', '--output-style=static', '--', '--target=custom', '--maxRetries=2']);
    const publishCall = results.publish.steps.flatMap((s) => s.calls).find((c) => c.args.includes('publish'))!;
    expect(publishCall.env).toEqual({ ...index, UV_PUBLISH_PASSWORD: 'pw-secret' });
  });

  it('a custom index without the UV_PUBLISH_URL variable fails before anything is uploaded', () => {
    const results = simulate(wf, { event: 'workflow_dispatch', inputs: { target: 'custom', dry_run: false } }, checkout());
    expect(results.publish.result).toBe('failure');
    expect(nxCalls(results.publish)).toEqual([['nx', 'run-many', '-t', 'build', '--output-style=static']]);
  });

  it('a manual release to testpypi with concurrency, retries and skip_publish', () => {
    const results = simulate(
      wf,
      {
        event: 'workflow_dispatch',
        inputs: { target: 'testpypi', concurrency: '4', max_retries: '5', skip_publish: true, dry_run: false },
        secrets: { TESTPYPI_TOKEN: 'test-secret' },
      },
      checkout(),
    );
    expect(nxCalls(results.release)).toEqual([['nx', 'run-many', '-t', 'tag', '--output-style=static', '--']]);
    expect(nxCalls(results.publish)).toEqual([
      ['nx', 'run-many', '-t', 'build', '--output-style=static', '--parallel=4'],
      ['nx', 'run-many', '-t', 'publish', '--output-style=static', '--parallel=4', '--', '--target=testpypi', '--maxRetries=5', '--skipPublish'],
    ]);
    const publishCall = results.publish.steps.flatMap((s) => s.calls).find((c) => c.args.includes('publish'))!;
    // --parallel for the build; the batched publish takes its concurrency from the environment
    expect(publishCall.env).toEqual({ TESTPYPI_TOKEN: 'test-secret', NX_UV_PUBLISH_CONCURRENCY: '4' });
    expect(stepRan(results.publish, /^Attest/)).toBe(false);
    expect(results.notify.result).toBe('skipped');
  });

  it('input values are data, never shell code', () => {
    const dir = checkout();
    const evil = '$(touch pwned) `touch pwned2` "; touch pwned3; echo "';
    const results = simulate(wf, { event: 'workflow_dispatch', inputs: { action: 'prepare', group: evil, prerelease: "rc'1" } }, dir);
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
    ['concurrency', { concurrency: 'four' }, /^Build/],
    ['concurrency', { concurrency: '-1' }, /^Build/],
    ['max_retries', { max_retries: '2; rm -rf /' }, /^Publish/],
  ])('a non-numeric %s fails the publish job before anything is uploaded', (_input, inputs, failingStep) => {
    const results = simulate(wf, { event: 'workflow_dispatch', inputs: { ...inputs, dry_run: false } }, checkout());
    expect(results.publish.result).toBe('failure');
    const failed = results.publish.steps.find((s) => s.status !== undefined && s.status !== 0)!;
    expect(failed.name).toMatch(failingStep);
    expect(failed.stdout).toMatch(/^::error::The \w+ input must be a whole number/);
    expect(nxCalls(results.publish).filter((c) => c.includes('publish'))).toEqual([]);
    expect(results.notify.result).toBe('skipped');
  });

  it('records the digests of exactly the sdists and wheels, and fails when the build left none', () => {
    const dir = checkout();
    simulate(wf, mergedReleasePr, dir);
    const digests = readFileSync(join(dir, '.runner-temp', 'nx-uv-dists.sha256'), 'utf-8');
    expect(
      digests
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/)[1]),
    ).toEqual(['packages/a/dist/a-1.0.0-py3-none-any.whl', 'packages/a/dist/a-1.0.0.tar.gz', 'packages/b/dist/b-2.0.0.tar.gz']);
    const empty = simulate(wf, mergedReleasePr, checkout(false));
    expect(empty.publish.result).toBe('failure');
    expect(nxCalls(empty.publish)).toEqual([['nx', 'run-many', '-t', 'build', '--output-style=static']]);
  });
});

describe('trigger matrix with a custom branch and release label', () => {
  it('uses them in the base branch flag, the merged-PR condition, and the label release-pr sets and tag looks for', async () => {
    const wf = await workflow({ branch: 'trunk', releaseLabel: 'release: ready' });
    const ready = simulate(wf, { event: 'pull_request', pullRequest: { merged: true, labels: ['release: ready'] } }, checkout());
    expect(ranJobs(ready)).toEqual(['release', 'publish', 'notify']);
    const old = simulate(wf, mergedReleasePr, checkout());
    expect(ranJobs(old)).toEqual([]);
    expect(nxCalls(simulate(wf, { event: 'push' }, checkout()).prepare)).toEqual([
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
});
