/**
 * The whole release, end to end, twice: a fresh Nx workspace installs the packed plugin, `nx g
 * nx-uv:init` and `nx g nx-uv:workflow` set it up, and the generated GitHub Actions workflow is run
 * for real (workflow-runner.ts: its `if:` conditions pick the jobs, bash runs its `run:` scripts, so
 * the nx commands are exactly the ones in the YAML) against
 * - a bare git repository as `origin`,
 * - the fake GitHub (OpenAPI-validated) in this process, backed by that bare repository,
 * - a real pypiserver on 127.0.0.1 that wants a token for uploads.
 * Push to main → prepare (release PR); merge it (on the remote, and in the fake); the merged PR's
 * event → release (tags, GitHub Releases) → build (no credentials; the files as an artifact, their
 * digests as an output) → provenance (the SLSA generator, a stand-in) → publish (digests checked,
 * upload, wait) → provenance-assets (on each GitHub Release), smoke-test (install from the index,
 * import) and notify (repository_dispatch). Then the released packages are installed from the index
 * into a fresh venv and used. The second delivery of the same events releases nothing, uploads
 * nothing and builds from the Nx cache. A third, whose artifact is changed between build and
 * publish, is refused before anything is uploaded.
 *
 * The workflow is generated with `--target=custom`: the loopback pypiserver is a private index, named by
 * the repository variables UV_PUBLISH_URL and UV_PUBLISH_CHECK_URL. Its scripts run unchanged.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { startFakeGitHub, type FakeGitHub, type FakePull, type RecordedRequest } from '../../../packages/nx-uv/src/testing/github-fake';
import { startPypiServer, type PypiServer } from '../../../packages/nx-uv/src/testing/pypiserver';
import { makeTempDir } from '../../../packages/nx-uv/src/testing/tools';
import {
  changesSinceRelease,
  distributionFiles,
  MEMBER_DIRS,
  NEXT_VERSIONS,
  PACKAGE_NAMES,
  PREVIOUS_VERSIONS,
  RELEASED,
  releaseWorkspaceFiles,
} from './fixtures/release-workspace';
import { createNxWorkspace, packPlugin, type NxWorkspace, type PackedPlugin } from './harness';
import {
  assertJobLeftNothing,
  checkoutForJob,
  gitStatus as gitStatusOf,
  journalEntries as journalEntriesOf,
  workflowJobEnv,
  workflowRunnerEnv,
} from './runner-env';
import { indexContents, installFromIndexAndRun, requiresDist, uploadRequests, wheelMetadata } from './python-index';
import { buildDigests, builtArtifact, buildJobCredentials, DISTS_ARTIFACT, provenance, PROVENANCE_NAME, smokeTestImports } from './release-checks';
import { createBareRemote, type BareRemote } from './release-remote';
import { jobCommands, jobOutput, jobsThatRan, runWorkflow, WorkflowStepError, type JobRun, type RunnerOptions, type WorkflowEvent } from './workflow-runner';

const REPOSITORY = 'acme/py-monorepo';
const DOWNSTREAM = 'acme/downstream';
const GITHUB_TOKEN = 'ghs_e2eRunToken0123456789abcdef';
const DISPATCH_TOKEN = 'ghp_e2eDispatchToken0123456789ab';
const PUBLISH_TOKEN = 'pypi-e2e-upload-token-0123456789';
const WORKFLOW_FILE = '.github/workflows/release-python.yml';
const PENDING = 'autorelease: pending';
const TAGGED = 'autorelease: tagged';
/** The jobs a merged release PR runs, in order. */
const RELEASE_JOBS = ['release', 'build', 'provenance', 'publish', 'provenance-assets', 'smoke-test', 'notify'];

const tagOf = (name: string, version: string) => `${name}-v${version}`;
const isMutating = (r: RecordedRequest) => !['GET', 'HEAD'].includes(r.method);
const describeRequest = (r: RecordedRequest) => `${r.method} ${r.path} (${r.operationId ?? '?'}) → ${r.status}`;

let packed: PackedPlugin;
let ws: NxWorkspace;
let tmp: { dir: string; cleanup: () => void };
let remote: BareRemote;
let github: FakeGitHub;
let index: PypiServer;
let workflowText: string;
let runner: RunnerOptions;
/** The index right after the seeding (the last release's files). */
let seeded: Record<string, string>;
/** Set by the run-1 tests, read by later ones. */
const state: {
  pr?: FakePull;
  mergeCommit?: string;
  /** The pull_request (closed, merged) event as GitHub delivers it: labels as they were at the merge. */
  mergeEvent?: WorkflowEvent;
  releaseJobs?: JobRun[];
  afterRun1?: { refs: Record<string, string>; index: Record<string, string>; uploads: number; requests: number; dispatches: number };
} = {};
/** Every job of every run (their logs are checked for secrets at the end). */
const allJobs: JobRun[] = [];
/** The jobs after which the working tree was checked (clean), in order. */
const checkedJobs: string[] = [];

/** The environment of the "runner": tools on PATH, what GitHub sets (API URL, repository), the index. */
function runnerEnv(): NodeJS.ProcessEnv {
  return workflowRunnerEnv(github.url, REPOSITORY);
}

const gitStatus = () => gitStatusOf(ws);
const journalEntries = () => journalEntriesOf(ws);

function pullRequestEvent(pr: FakePull): WorkflowEvent {
  return {
    name: 'pull_request',
    sha: pr.mergeCommitSha!,
    ref: `refs/pull/${pr.number}/merge`,
    pullRequest: { number: pr.number, merged: pr.merged, mergeCommitSha: pr.mergeCommitSha, labels: [...pr.labels], headRepo: REPOSITORY, headRef: pr.head },
  };
}

function track(jobs: JobRun[]): JobRun[] {
  allJobs.push(...jobs);
  return jobs;
}

function prepareOutput(jobs: JobRun[]): string {
  return jobOutput(jobs, 'prepare');
}

function pushEvent(): WorkflowEvent {
  return { name: 'push', sha: remote.branch('main')!, ref: 'refs/heads/main' };
}

beforeAll(async () => {
  packed = packPlugin();
  tmp = makeTempDir('nx-uv-release-e2e-');
  // nx.json without nx-uv: `nx g nx-uv:init` registers it, as a user would.
  ws = createNxWorkspace({ files: releaseWorkspaceFiles, plugins: [], tarball: packed.tarball, uvLock: true });

  // The last release: tags on the first commit, and its files on the index.
  for (const name of PACKAGE_NAMES) {
    ws.git(['tag', '-a', '-m', `${name} ${PREVIOUS_VERSIONS[name]}`, tagOf(name, PREVIOUS_VERSIONS[name])]);
  }
  index = await startPypiServer({ auth: { username: '__token__', password: PUBLISH_TOKEN } });
  ws.runUv(['build', '--all-packages', '--no-sources', '--quiet', '--out-dir', index.packagesDir]);
  seeded = indexContents(index.packagesDir);

  ws.runNx(['g', 'nx-uv:init']);
  ws.runNx(['g', 'nx-uv:workflow', `--notifyRepositories=${DOWNSTREAM}`, '--target=custom']);
  ws.git(['add', '--all']);
  ws.git(['commit', '--quiet', '--no-verify', '-m', 'ci: release the Python packages with nx-uv']);
  for (const change of changesSinceRelease) {
    ws.writeFiles(change.files);
    ws.git(['add', '--all']);
    ws.git(['commit', '--quiet', '--no-verify', '-m', change.message]);
  }

  remote = createBareRemote(ws, path.join(tmp.dir, 'origin.git'));
  ws.git(['push', '--quiet', '--set-upstream', 'origin', 'main', '--follow-tags']);
  ws.git(['push', '--quiet', 'origin', '--tags']);
  github = await startFakeGitHub({ repositories: [{ fullName: REPOSITORY, gitDir: remote.dir }, DOWNSTREAM], token: undefined });

  workflowText = ws.readFile(WORKFLOW_FILE);
  runner = {
    workflow: parseYaml(workflowText) as Record<string, unknown>,
    workflowFile: WORKFLOW_FILE,
    workdir: ws.root,
    repository: REPOSITORY,
    token: GITHUB_TOKEN,
    secrets: { UV_PUBLISH_TOKEN: PUBLISH_TOKEN, TESTPYPI_TOKEN: '', NX_UV_DISPATCH_TOKEN: DISPATCH_TOKEN },
    env: runnerEnv(),
    jobEnv: workflowJobEnv,
    runnerTemp: path.join(tmp.dir, 'runner-temp'),
    checkout: (ref) => checkoutForJob(ws, ref),
    // The index: a private one, named by repository variables, as a user of target `custom` sets them.
    vars: { UV_PUBLISH_URL: index.url, UV_PUBLISH_CHECK_URL: index.simpleUrl },
    afterJob(job) {
      assertJobLeftNothing(ws, job);
      checkedJobs.push(job);
    },
  };
}, 240000);

afterAll(async () => {
  await github?.close();
  await index?.stop();
  ws?.cleanup();
  tmp?.cleanup();
  packed?.cleanup();
});

describe('the generated workflow', () => {
  it('has its jobs, and runs the nx commands the contract names', () => {
    const jobs = Object.keys((runner.workflow.jobs ?? {}) as object);
    expect(jobs).toEqual(['prepare', ...RELEASE_JOBS.filter((j) => j !== 'notify'), 'notify']);
    expect(workflowText).toContain('npx nx run uv-workspace:release-pr -- "${args[@]}"');
    expect(workflowText).toContain('npx nx run-many -t tag --output-style=static -- "${args[@]}"');
    expect(workflowText).toContain('npx nx run-many -t build --output-style=static "${nx_args[@]}"');
    // publish builds nothing: the build job did, and publish put its artifact in place.
    expect(workflowText).toContain('npx nx run-many -t publish --excludeTaskDependencies --output-style=static "${nx_args[@]}" -- "${args[@]}"');
    expect(workflowText).toContain(`args=(--repositories=${DOWNSTREAM})`);
    expect(workflowText).toContain('npx nx run uv-workspace:notify -- "${args[@]}"');
  });

  it('was set up by nx-uv:init (plugin registered, .nx-uv/ ignored)', () => {
    expect(JSON.parse(ws.readFile('nx.json')).plugins).toEqual([{ plugin: 'nx-uv', options: { tagFormat: '{name}-v{version}' } }]);
    expect(ws.readFile('.gitignore').split('\n')).toContain('.nx-uv/');
  });
});

describe('first run', () => {
  it('prepare (push to main): release-pr opens the release PR with the plan, on a pushed branch', async () => {
    const mainBefore = remote.branch('main');
    const jobs = track(await runWorkflow(runner, pushEvent()));
    expect(jobsThatRan(jobs)).toEqual(['prepare']);
    expect(jobCommands(jobs, 'prepare')).toEqual(['npx nx run uv-workspace:release-pr -- --baseBranch=main']);

    const pulls = github.pulls(REPOSITORY);
    expect(pulls).toHaveLength(1);
    const pr = pulls[0];
    state.pr = pr;
    expect(pr).toMatchObject({ state: 'open', head: 'nx-uv/release', base: 'main', merged: false, labels: [PENDING] });
    expect(pr.title).toBe('chore(release): acme-api 0.4.1, acme-core 1.3.0');
    // The body carries the plan table (last release → next) and the new changelog sections.
    expect(pr.body).toContain('## Release plan');
    expect(pr.body).toMatch(/^\| acme-core \| 1\.2\.0 \| \*\*1\.3\.0\*\* \| minor \|/m);
    expect(pr.body).toMatch(/^\| acme-api \| 0\.4\.0 \| \*\*0\.4\.1\*\* \| patch \|/m);
    expect(pr.body).toMatch(/\| acme-api \| `project\.dependencies` \| `acme-core>=1\.2` \| `acme-core>=1\.3\.0` \|/);
    expect(pr.body).toContain('### acme-core 1.3.0');
    expect(pr.body).toContain('greet with an exclamation mark');
    expect(pr.body).toContain('strip the name before greeting');
    expect(pr.body).not.toMatch(/^\| acme-tools/m);
    expect(pr.body).toContain('- acme-tools: no commits since 2.0.0');
    expect(prepareOutput(jobs)).toMatch(/opened release PR #1/);

    // The branch is on the remote, one commit on top of main, with the release applied.
    expect(remote.branch('main')).toBe(mainBefore);
    const head = remote.branch(pr.head)!;
    expect(pr.headSha).toBe(head);
    expect(remote.git(['rev-list', '--count', `${mainBefore}..${head}`])).toBe('1');
    expect(remote.show(head, 'packages/core/pyproject.toml')).toContain('version = "1.3.0"');
    expect(remote.show(head, 'packages/api/pyproject.toml')).toContain('version = "0.4.1"');
    expect(remote.show(head, 'packages/api/pyproject.toml')).toContain('"acme-core>=1.3.0"');
    expect(remote.show(head, 'packages/tools/pyproject.toml')).toContain('version = "2.0.0"');
    expect(remote.show(head, 'packages/core/CHANGELOG.md')).toContain('greet with an exclamation mark');
    expect(remote.show(head, 'packages/api/CHANGELOG.md')).toContain('strip the name before greeting');
    expect(remote.show(head, 'packages/tools/CHANGELOG.md')).toBeUndefined();
    const lock = remote.show(head, 'uv.lock')!;
    expect(lock).toMatch(/name = "acme-core"\nversion = "1\.3\.0"/);
    expect(lock).toMatch(/name = "acme-api"\nversion = "0\.4\.1"/);
    github.assertNoErrors();
  });

  it('"merge" on GitHub: a merge commit on the remote, the PR marked merged with it', () => {
    const pr = state.pr!;
    const mergeCommit = remote.merge('main', pr.head, `Merge pull request #${pr.number} from ${REPOSITORY.split('/')[0]}/${pr.head}\n\n${pr.title}`);
    state.mergeCommit = mergeCommit;
    state.pr = github.mergePull(pr.number, { repository: REPOSITORY, mergeCommitSha: mergeCommit });
    expect(state.pr).toMatchObject({ state: 'closed', merged: true, mergeCommitSha: mergeCommit, labels: [PENDING] });
    state.mergeEvent = pullRequestEvent(state.pr);
    ws.git(['pull', '--quiet', '--ff-only']);
    expect(ws.git(['rev-parse', 'HEAD']).stdout.trim()).toBe(mergeCommit);
  });

  it('the merge is also a push to main: prepare sees its versions, not tagged yet, and opens no PR', async () => {
    // GitHub starts both workflow runs at once; this one may well finish before the tags exist.
    github.clearRecords();
    const refs = remote.refs();
    const jobs = track(await runWorkflow(runner, pushEvent()));
    expect(jobsThatRan(jobs)).toEqual(['prepare']);
    expect(jobOutput(jobs, 'prepare')).toMatch(/already holds these versions and changelog sections/);
    expect(github.pulls(REPOSITORY)).toHaveLength(1);
    expect(github.requests.filter(isMutating).map(describeRequest)).toEqual([]);
    expect(remote.refs()).toEqual(refs);
    github.assertNoErrors();
  });

  it('the merged PR runs release, build, provenance, publish, provenance-assets, smoke-test and notify — the commands in the YAML, nothing else', async () => {
    github.clearRecords();
    const uploadsBefore = uploadRequests(index.logFile).length;
    const jobs = track(await runWorkflow(runner, state.mergeEvent!));
    state.releaseJobs = jobs;
    expect(jobsThatRan(jobs)).toEqual(RELEASE_JOBS);
    expect(checkedJobs.slice(-RELEASE_JOBS.length)).toEqual(RELEASE_JOBS);
    expect(jobCommands(jobs, 'release')).toEqual(['npx nx run-many -t tag --output-style=static --']);
    expect(jobCommands(jobs, 'build').filter((c) => c.startsWith('npx '))).toEqual(['npx nx run-many -t build --output-style=static']);
    expect(jobCommands(jobs, 'publish').filter((c) => c.startsWith('npx '))).toEqual([
      'npx nx run-many -t publish --excludeTaskDependencies --output-style=static -- --target=custom',
    ]);
    expect(jobCommands(jobs, 'notify')).toEqual([`npx nx run uv-workspace:notify -- --repositories=${DOWNSTREAM}`]);
    // The artifact actions are stand-ins (a store per run); the generator is called by its release tag.
    const stepsOf = (id: string) => jobs.find((j) => j.id === id)!.steps;
    const actions = (id: string) =>
      stepsOf(id)
        .filter((s) => s.uses && !/^actions\/(checkout|setup-node)@|^astral-sh\/setup-uv@/.test(s.uses))
        .map((s) => [s.uses!.split('@')[0], s.status]);
    expect(actions('build')).toEqual([['actions/upload-artifact', 'provided']]);
    expect(actions('provenance-assets')).toEqual([['actions/download-artifact', 'provided']]);
    // PEP 740 attestations: none with a token (PyPI would refuse them; a custom index is not assumed to take them).
    expect(actions('publish')).toEqual([
      ['actions/download-artifact', 'provided'],
      ['astral-sh/attest-action', 'off'],
    ]);
    expect(stepsOf('publish').find((s) => s.id === 'attest')!.outputs).toEqual({ mint: 'false' });
    expect(jobs.find((j) => j.id === 'provenance')).toMatchObject({
      uses: 'slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@v2.1.0',
      with: { 'provenance-name': PROVENANCE_NAME, 'upload-assets': 'false' },
    });
    expect(uploadRequests(index.logFile).length - uploadsBefore).toBe(RELEASED.length * 2);
    github.assertNoErrors();
  });

  it('build: no id-token, no secret, no token in any step; the files handed on as an artifact with their digests', () => {
    const jobs = state.releaseJobs!;
    expect(buildJobCredentials(jobs, [GITHUB_TOKEN, DISPATCH_TOKEN, PUBLISH_TOKEN])).toEqual([]);
    const { files } = builtArtifact(jobs);
    expect(files).toEqual(
      PACKAGE_NAMES.flatMap((name) =>
        distributionFiles(name, (NEXT_VERSIONS as Record<string, string>)[name] ?? PREVIOUS_VERSIONS[name]).map((f) => `${MEMBER_DIRS[name]}/dist/${f}`),
      ).sort(),
    );
    expect(Object.keys(buildDigests(jobs)).sort()).toEqual(files);
    expect(JSON.parse(jobs.find((j) => j.id === 'build')!.outputs.tags).sort()).toEqual(RELEASED.map((n) => tagOf(n, NEXT_VERSIONS[n])).sort());
  });

  it('publish: every file checked against the build digests before the upload (and after), nothing built', () => {
    const publish = state.releaseJobs!.find((j) => j.id === 'publish')!;
    const check = publish.steps.find((s) => /^Check the digests/.test(s.name))!;
    const after = publish.steps.find((s) => /^Check that the published files are the built ones/.test(s.name))!;
    const files = Object.keys(buildDigests(state.releaseJobs!));
    for (const step of [check, after]) expect(step.status).toBe('ran');
    // Once in the downloaded artifact, once in place; once more after the upload.
    expect(
      check
        .stdout!.split('\n')
        .filter((l) => l.endsWith(': OK'))
        .sort(),
    ).toEqual([...files, ...files].map((f) => `${f}: OK`).sort());
    expect(
      after
        .stdout!.split('\n')
        .filter((l) => l.endsWith(': OK'))
        .sort(),
    ).toEqual(files.map((f) => `${f}: OK`).sort());
    expect(jobOutput(state.releaseJobs!, 'publish')).not.toMatch(/nx run [^ ]+:build/);
  });

  it('provenance: its subjects are the built files, and it is attached to each GitHub Release of the run', () => {
    const jobs = state.releaseJobs!;
    const { bytes, statement } = provenance(jobs);
    expect(statement).toMatchObject({
      _type: 'https://in-toto.io/Statement/v0.1',
      predicateType: 'https://slsa.dev/provenance/v0.2',
      predicate: { builder: { id: 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0' } },
    });
    expect(statement.subject).toEqual(Object.entries(buildDigests(jobs)).map(([name, sha256]) => ({ name, digest: { sha256 } })));
    const releases = github.releases(REPOSITORY);
    const releasedTags = RELEASED.map((n) => tagOf(n, NEXT_VERSIONS[n])).sort();
    expect(
      releases
        .map((r) => ({ tag: r.tagName, assets: r.assets.map((a) => [a.name, a.contentType, a.data.equals(bytes)]) }))
        .sort((a, b) => a.tag.localeCompare(b.tag)),
    ).toEqual(releasedTags.map((tag) => ({ tag, assets: [[PROVENANCE_NAME, 'application/octet-stream', true]] })));
    // gh looked each tag up and uploaded to it (the stand-in's calls: release view, then release upload).
    const gh = jobs.find((j) => j.id === 'provenance-assets')!.steps.flatMap((s) => s.gh);
    expect(gh.map((args) => args.slice(0, 2).join(' ')).sort()).toEqual([
      ...releasedTags.map(() => 'release upload'),
      ...releasedTags.map(() => 'release view'),
    ]);
    expect(
      gh
        .filter((args) => args[1] === 'upload')
        .map((args) => args[4])
        .sort(),
    ).toEqual(releasedTags);
  });

  it('smoke test: each package this run released installed from the index and imported; acme-tools (released earlier) left out', () => {
    const jobs = state.releaseJobs!;
    expect(JSON.parse(jobs.find((j) => j.id === 'publish')!.outputs.released)).toEqual(['acme-api==0.4.1', 'acme-core==1.3.0']);
    expect(smokeTestImports(jobs)).toEqual({ 'acme-api==0.4.1': ['acme_api'], 'acme-core==1.3.0': ['acme_core'] });
    expect(jobOutput(jobs, 'publish')).toContain('acme-tools 2.0.0: no release tag at this commit names this version (released earlier); not smoke-tested');
  });

  it('release: annotated tags {name}-v{version} on the merge commit, on the remote; nothing for acme-tools', () => {
    const tags = remote.tags();
    const expected: Record<string, { commit: string; annotated: boolean }> = {};
    const firstCommit = remote.git(['rev-list', '--max-parents=0', 'main']);
    for (const name of PACKAGE_NAMES) expected[tagOf(name, PREVIOUS_VERSIONS[name])] = { commit: firstCommit, annotated: true };
    for (const name of RELEASED) expected[tagOf(name, NEXT_VERSIONS[name])] = { commit: state.mergeCommit!, annotated: true };
    expect(tags).toEqual(expected);
  });

  it('release: a GitHub Release per released package, its body the CHANGELOG section, full releases', () => {
    const releases = github.releases(REPOSITORY);
    expect(releases.map((r) => r.tagName).sort()).toEqual(RELEASED.map((n) => tagOf(n, NEXT_VERSIONS[n])).sort());
    for (const name of RELEASED) {
      const release = releases.find((r) => r.tagName === tagOf(name, NEXT_VERSIONS[name]))!;
      expect(release).toMatchObject({ name: `${name} ${NEXT_VERSIONS[name]}`, draft: false, prerelease: false, targetCommitish: state.mergeCommit });
      const changelog = remote.show(state.mergeCommit!, `${MEMBER_DIRS[name]}/CHANGELOG.md`)!;
      expect(changelog).toContain(release.body!.trim());
      expect(release.body).not.toContain(PREVIOUS_VERSIONS[name]);
    }
    expect(releases.find((r) => r.tagName.startsWith('acme-core'))!.body).toContain('greet with an exclamation mark');
    expect(releases.find((r) => r.tagName.startsWith('acme-api'))!.body).toContain('strip the name before greeting');
  });

  it('release: the merged PR moved from "autorelease: pending" to "autorelease: tagged"', () => {
    expect(github.labelsOf(state.pr!.number, REPOSITORY)).toEqual([TAGGED]);
  });

  it('every request to the fake GitHub conformed to the OpenAPI description and was authenticated', () => {
    github.assertNoErrors();
    const requests = github.requests;
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((r) => !r.authorization).map(describeRequest)).toEqual([]);
    // The only failures are look-ups before a create and the benign races of the parallel tag tasks
    // (both relabel the one release PR: the second finds the label created and the old one removed).
    const expectedFailures =
      /^(GET .* \(repos\/get-release-by-tag\) → 404|GET .* \(issues\/get-label\) → 404|POST .* \(issues\/create-label\) → 422|DELETE .* \(issues\/remove-label\) → 404)$/;
    expect(
      requests
        .filter((r) => r.status >= 400)
        .map(describeRequest)
        .filter((d) => !expectedFailures.test(d)),
    ).toEqual([]);
    // What changed on GitHub, by operation (releases, labels, the provenance, the dispatch).
    const mutating = requests.filter(isMutating).map((r) => r.operationId!);
    expect(mutating.filter((op) => op === 'repos/create-release')).toHaveLength(RELEASED.length);
    expect(mutating).toContain('issues/add-labels');
    expect(mutating).toContain('issues/remove-label');
    expect(mutating.filter((op) => op === 'repos/upload-release-asset')).toHaveLength(RELEASED.length);
    expect(mutating.filter((op) => op === 'repos/create-dispatch-event')).toHaveLength(1);
    expect(
      mutating.filter(
        (op) => !/^(repos\/create-release|issues\/(add-labels|remove-label|create-label)|repos\/upload-release-asset|repos\/create-dispatch-event)$/.test(op),
      ),
    ).toEqual([]);
  });

  it('publish: the index holds exactly the last release plus a wheel and an sdist of each new version', () => {
    const now = indexContents(index.packagesDir);
    const expected = [...Object.keys(seeded), ...RELEASED.flatMap((name) => distributionFiles(name, NEXT_VERSIONS[name]))].sort();
    expect(Object.keys(now).sort()).toEqual(expected);
    // The last release's files are untouched (acme-tools 2.0.0 was rebuilt, found identical, not re-uploaded).
    for (const [file, sha] of Object.entries(seeded)) expect(now[file]).toBe(sha);
    // The index serves what the build job wrote (its artifact: the dist folders went with its runner).
    const artifact = builtArtifact(state.releaseJobs!).dir;
    for (const name of RELEASED) {
      for (const file of distributionFiles(name, NEXT_VERSIONS[name])) {
        const built = fs.readFileSync(path.join(artifact, MEMBER_DIRS[name], 'dist', file));
        expect(now[file]).toBe(crypto.createHash('sha256').update(built).digest('hex'));
      }
    }
  });

  it("publish: acme-api's wheel pins acme-core to the released version (==1.3.0)", () => {
    const [wheel] = distributionFiles('acme-api', NEXT_VERSIONS['acme-api']);
    const metadata = wheelMetadata(path.join(index.packagesDir, wheel));
    expect(metadata).toMatch(/^Version: 0\.4\.1$/m);
    expect(requiresDist(metadata)).toEqual([`acme-core==${NEXT_VERSIONS['acme-core']}`]);
  });

  it('notify: one repository_dispatch to the downstream repository with the packages and versions', () => {
    expect(github.dispatches(DOWNSTREAM)).toEqual([
      {
        repository: DOWNSTREAM,
        eventType: 'nx-uv-release',
        clientPayload: {
          source: REPOSITORY,
          commit: state.mergeCommit,
          packages: RELEASED.map((name) => ({ name, version: NEXT_VERSIONS[name], tag: tagOf(name, NEXT_VERSIONS[name]) })).sort((a, b) =>
            a.name.localeCompare(b.name),
          ),
        },
      },
    ]);
    expect(github.dispatches(REPOSITORY)).toEqual([]);
  });

  it('the released packages install from the index into a fresh venv, import, and report the new versions', () => {
    const dir = path.join(tmp.dir, 'install-1');
    fs.mkdirSync(dir);
    const code = [
      'import importlib.metadata as md, json',
      'import acme_api, acme_core',
      "print(json.dumps({'api': md.version('acme-api'), 'core': md.version('acme-core'), 'handle': acme_api.handle('  nx  '), 'shout': acme_core.shout('nx')}))",
    ].join('\n');
    const out = JSON.parse(installFromIndexAndRun(dir, index.simpleUrl, ['acme-api'], code));
    expect(out).toEqual({ api: '0.4.1', core: '1.3.0', handle: 'hello nx!', shout: 'HELLO NX!' });
  });

  it('leaves no pins behind: the tree is the merge commit, clean, and no pyproject pins an internal package', () => {
    expect(gitStatus()).toBe('');
    expect(journalEntries()).toEqual([]);
    expect(ws.git(['rev-parse', 'HEAD']).stdout.trim()).toBe(state.mergeCommit);
    for (const name of PACKAGE_NAMES) expect(ws.readFile(`${MEMBER_DIRS[name]}/pyproject.toml`)).not.toMatch(/acme-[a-z]+\s*==/);
    state.afterRun1 = {
      refs: remote.refs(),
      index: indexContents(index.packagesDir),
      uploads: uploadRequests(index.logFile).length,
      requests: github.requests.length,
      dispatches: github.dispatches(DOWNSTREAM).length,
    };
  });
});

describe('second run (the same events delivered again)', () => {
  it('prepare: nothing to release — no PR, no branch, no change on GitHub', async () => {
    github.clearRecords();
    const jobs = track(await runWorkflow(runner, pushEvent()));
    expect(jobsThatRan(jobs)).toEqual(['prepare']);
    expect(jobCommands(jobs, 'prepare')).toEqual(['npx nx run uv-workspace:release-pr -- --baseBranch=main']);
    expect(jobOutput(jobs, 'prepare')).toMatch(/nothing to release/i);
    expect(github.pulls(REPOSITORY)).toHaveLength(1);
    expect(github.requests.filter(isMutating).map(describeRequest)).toEqual([]);
    expect(remote.refs()).toEqual(state.afterRun1!.refs);
    github.assertNoErrors();
  });

  it('the release jobs: no tag, no release, no label, no upload; the build comes from the Nx cache', async () => {
    github.clearRecords();
    const jobs = track(await runWorkflow(runner, state.mergeEvent!));
    expect(jobsThatRan(jobs)).toEqual(RELEASE_JOBS);
    expect(jobCommands(jobs, 'release')).toEqual(['npx nx run-many -t tag --output-style=static --']);

    // Tags and branches on the remote: as after the first run.
    expect(remote.refs()).toEqual(state.afterRun1!.refs);
    expect(github.releases(REPOSITORY)).toHaveLength(RELEASED.length);
    expect(github.labelsOf(state.pr!.number, REPOSITORY)).toEqual([TAGGED]);

    // The build: every build task read from the Nx cache.
    const publishOutput = jobOutput(jobs, 'publish');
    expect(jobOutput(jobs, 'build')).toMatch(
      new RegExp(`read the output from the cache instead of running the command for ${PACKAGE_NAMES.length} out of ${PACKAGE_NAMES.length} tasks`),
    );

    // The index: unchanged, and no upload was even attempted.
    expect(indexContents(index.packagesDir)).toEqual(state.afterRun1!.index);
    expect(uploadRequests(index.logFile)).toHaveLength(state.afterRun1!.uploads);
    expect(publishOutput).toMatch(/Successfully ran target publish for 3 projects/);
    // What each publish task said is in the log too (static output style): nothing to upload. The
    // packages of this release find their files identical; the one not released this time is
    // recognised as released earlier (its tag is on an older commit) and not compared at all.
    for (const name of RELEASED) {
      expect(publishOutput).toMatch(new RegExp(`nx-uv publish: ${name} [^\\n]*: nothing to upload; [^\\n]*already on the index \\(identical\\)`));
    }
    for (const name of PACKAGE_NAMES.filter((n) => !(RELEASED as string[]).includes(n))) {
      expect(publishOutput).toMatch(
        new RegExp(
          `nx-uv publish: ${name} ${PREVIOUS_VERSIONS[name].replace(/\./g, '\\.')} was released earlier \\(${name}-v[^ ]+ on [0-9a-f]{7}\\)[^\\n]*: nothing to upload`,
        ),
      );
    }

    // The same files again: the smoke test imports the same packages (their files on the index are
    // the ones this build recorded), and the new provenance replaces the old on the same releases.
    expect(smokeTestImports(jobs)).toEqual(smokeTestImports(state.releaseJobs!));
    expect(provenance(jobs).statement.subject).toEqual(provenance(state.releaseJobs!).statement.subject);
    const releases = github.releases(REPOSITORY);
    for (const release of releases) expect(release.assets.map((a) => [a.name, a.data.equals(provenance(jobs).bytes)])).toEqual([[PROVENANCE_NAME, true]]);

    // GitHub: nothing else changed. The tags are still at HEAD, so the provenance is replaced
    // (gh release upload --clobber: delete, upload) and notify tells the downstream repository the
    // same thing a second time (notify keeps no record of what it sent).
    const mutating = github.requests.filter(isMutating);
    expect(mutating.map((r) => r.operationId)).toEqual([
      ...RELEASED.flatMap(() => ['repos/delete-release-asset', 'repos/upload-release-asset']),
      'repos/create-dispatch-event',
    ]);
    const dispatches = github.dispatches(DOWNSTREAM);
    expect(dispatches).toHaveLength(state.afterRun1!.dispatches + 1);
    expect(dispatches[dispatches.length - 1]).toEqual(dispatches[0]);
    github.assertNoErrors();
    expect(gitStatus()).toBe('');
  });
});

describe('a changed artifact (the same events once more, a built file altered between build and publish)', () => {
  it('publish refuses before anything is attested or uploaded; no provenance is attached, nobody notified', async () => {
    // acme-core's wheel is taken off the index, so that publish would upload it again if it let the
    // altered file through: the refusal, not an identical file, is what keeps the index clean.
    const [wheel] = distributionFiles('acme-core', NEXT_VERSIONS['acme-core']);
    const onIndex = path.join(index.packagesDir, wheel);
    const kept = fs.readFileSync(onIndex);
    fs.rmSync(onIndex);
    github.clearRecords();
    const uploads = uploadRequests(index.logFile).length;
    const tampered = `${MEMBER_DIRS['acme-core']}/dist/${wheel}`;
    let error: unknown;
    try {
      await runWorkflow(
        {
          ...runner,
          afterJob(job, run) {
            runner.afterJob!(job, run);
            if (job === 'build') fs.appendFileSync(path.join(run.artifacts[DISTS_ARTIFACT], tampered), 'changed');
          },
        },
        state.mergeEvent!,
      );
    } catch (e) {
      error = e;
    }
    try {
      expect(error).toBeInstanceOf(WorkflowStepError);
      const failure = error as WorkflowStepError;
      track(failure.jobs);
      expect({ job: failure.job, step: failure.step }).toEqual({ job: 'publish', step: 'Check the digests of the built files and put them in place' });
      expect(failure.stdout).toContain(`${tampered}: FAILED`);
      expect(failure.jobs.map((j) => j.id)).toEqual(['prepare', 'release', 'build', 'provenance', 'publish']);
      // Nothing after the check ran: no attestation step, no nx publish, no upload, no GitHub change.
      expect(
        failure.jobs
          .find((j) => j.id === 'publish')!
          .steps.map((s) => s.name)
          .pop(),
      ).toBe('Download the built files');
      expect(uploadRequests(index.logFile)).toHaveLength(uploads);
      expect(fs.existsSync(onIndex)).toBe(false);
      expect(github.requests.filter(isMutating).map(describeRequest)).toEqual([]);
      github.assertNoErrors();
    } finally {
      fs.writeFileSync(onIndex, kept);
    }
  });
});

describe('secrets', () => {
  it('no token or password appears in any step log of any run', () => {
    const logs = allJobs.flatMap((j) => j.steps.map((st) => `${st.stdout ?? ''}${st.stderr ?? ''}`)).join('\n');
    expect(logs.length).toBeGreaterThan(1000);
    for (const secret of [GITHUB_TOKEN, DISPATCH_TOKEN, PUBLISH_TOKEN]) expect(logs).not.toContain(secret);
  });
});
