/**
 * release-pr on real git repositories (a local bare remote), real `uv lock`, and the fake GitHub that
 * checks every request against GitHub's OpenAPI description and backs branches with the bare remote.
 */
import { logger } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RELEASE_LABEL_PENDING, RELEASE_LABEL_TAGGED } from '../../forge';
import { createReleaseRepo, releaseContext, snapshotTree, uv, type ReleaseRepo } from '../../release/__fixtures__/release-workspace';
import { GIT_TEST_IDENTITY } from '../../testing/git-repo';
import { startFakeGitHub, type FakeGitHub } from '../../testing/github-fake';
import { makeTempDir, uvTestEnv } from '../../testing/tools';
import { captureLogger, type LogCapture } from '../shared/__fixtures__/uv-workspace';
import tagExecutor from '../tag/executor';
import releasePrExecutor, { type ReleasePrExecutorOptions, type ReleasePrResult } from './executor';
import { restoreEnvAfterAll } from '../../testing/executor-context';

const REPO = 'octo-org/octo-repo';
const BRANCH = 'nx-uv/release';
const NX_JSON = { plugins: [{ plugin: 'nx-uv', options: { groups: { apps: { projects: ['tag:scope:apps'] }, libs: { projects: ['core', 'mid'] } } } }] };
const TODAY = () => new Date().toISOString().slice(0, 10);

restoreEnvAfterAll();
let log: LogCapture;

beforeAll(() => {
  Object.assign(process.env, uvTestEnv(), GIT_TEST_IDENTITY, { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0' });
});
beforeEach(() => {
  log = captureLogger(logger);
});
afterEach(() => log.restore());

/** A release repository pushed to its bare remote, and a fake GitHub backed by that remote. */
async function setUp(): Promise<{ r: ReleaseRepo; fake: FakeGitHub }> {
  const r = await createReleaseRepo();
  r.repo.push();
  const fake = await startFakeGitHub({ repositories: [{ fullName: REPO, gitDir: r.repo.bare }] });
  Object.assign(process.env, { GITHUB_TOKEN: 'test-token', GITHUB_API_URL: fake.url, GITHUB_REPOSITORY: REPO });
  return { r, fake };
}

/** The set-up (a release repository and its fake GitHub) and the clean-up of one describe block. */
function withReleaseRepo(assign: (set: { r: ReleaseRepo; fake: FakeGitHub }) => void, get: () => { r: ReleaseRepo; fake: FakeGitHub }): void {
  beforeAll(async () => assign(await setUp()));
  afterAll(async () => {
    const { r, fake } = get();
    await fake.close();
    r.cleanup();
  });
}

function helpers(get: () => { r: ReleaseRepo; fake: FakeGitHub }) {
  return {
    run: (options: ReleasePrExecutorOptions = {}) => releasePrExecutor(options, releaseContext(get().r.repo.dir, 'uv-workspace', NX_JSON)),
    bare: (args: string[]) => get().r.repo.gitBare(args),
    remoteSha: (branch: string) => get().r.repo.gitBare(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]),
    show: (rev: string, file: string) => get().r.repo.gitBare(['show', `${rev}:${file}`]),
    /** Everything a run could change: checkout, tree, local and remote refs, GitHub requests. */
    snapshot: () => {
      const { r, fake } = get();
      return {
        branch: r.repo.git(['rev-parse', '--abbrev-ref', 'HEAD']),
        head: r.repo.head(),
        status: r.repo.git(['status', '--porcelain', '--untracked-files=all']),
        tree: snapshotTree(r.repo.dir),
        localRefs: r.repo.git(['for-each-ref', '--format=%(refname) %(objectname)']),
        remoteRefs: r.repo.gitBare(['for-each-ref', '--format=%(refname) %(objectname)']),
        requests: fake.requests.length,
      };
    },
  };
}

describe('release-pr: open, update in place, merge, nothing to release, force', () => {
  let r: ReleaseRepo;
  let fake: FakeGitHub;
  const h = helpers(() => ({ r, fake }));
  withReleaseRepo(
    (set) => ({ r, fake } = set),
    () => ({ r, fake }),
  );

  it('commits the plan on the release branch, pushes it and opens the labelled PR; the checkout is back on main', async () => {
    const main = r.repo.head();
    expect(await h.run()).toEqual({ success: true });
    fake.assertNoErrors();

    // The checkout is as it was.
    expect(r.repo.git(['symbolic-ref', '--short', 'HEAD'])).toBe('main');
    expect(r.repo.head()).toBe(main);
    expect(r.repo.git(['status', '--porcelain', '--untracked-files=all'])).toBe('');

    // One commit on top of main, on the remote.
    const sha = h.remoteSha(BRANCH);
    expect(h.bare(['rev-parse', `${sha}^`])).toBe(main);
    expect(r.repo.git(['rev-parse', `refs/heads/${BRANCH}`])).toBe(sha);
    expect(h.bare(['log', '-1', '--format=%B', sha])).toBe(
      'chore(release): app 2.0.1, core 1.3.0, mid 0.4.2\n\n- app 2.0.0 → 2.0.1\n- core 1.2.0 → 1.3.0\n- mid 0.4.1 → 0.4.2', // (trimmed)
    );
    expect(h.bare(['diff', '--name-only', main, sha]).split('\n')).toEqual([
      'py/packages/app/CHANGELOG.md',
      'py/packages/app/pyproject.toml',
      'py/packages/core/CHANGELOG.md',
      'py/packages/core/pyproject.toml',
      'py/packages/mid/CHANGELOG.md',
      'py/packages/mid/pyproject.toml',
      'py/pyproject.toml',
      'py/uv.lock',
    ]);
    expect(h.show(sha, 'py/packages/core/pyproject.toml')).toContain('version = "1.3.0"');
    expect(h.show(sha, 'py/packages/app/pyproject.toml')).toContain('dependencies = ["mid==0.4.2", "core>=1.3.0"]');
    expect(h.show(sha, 'py/pyproject.toml')).toContain('dev = ["core>=1.3.0"]');
    expect(h.show(sha, 'py/packages/core/CHANGELOG.md')).toMatch(
      new RegExp(`^# Changelog\\n\\n## 1\\.3\\.0 \\(${TODAY()}\\)\\n\\n### Features\\n\\n- \\*\\*core:\\*\\* add a speed knob \\(`),
    );
    expect(h.show(sha, 'py/uv.lock')).toMatch(/name = "core"\nversion = "1\.3\.0"/);

    // uv.lock on the branch is consistent with its pyproject files.
    const clone = makeTempDir('nx-uv-release-branch-');
    try {
      r.repo.git(['clone', '--quiet', '--branch', BRANCH, r.repo.bare, clone.dir]);
      const check = await uv(path.join(clone.dir, 'py'), ['lock', '--check']);
      expect(check.exitCode === 0 ? 'uv lock --check passes' : check.all).toBe('uv lock --check passes');
    } finally {
      clone.cleanup();
    }

    // The PR.
    const pulls = fake.pulls(REPO);
    expect(pulls).toHaveLength(1);
    const [pr] = pulls;
    expect(pr).toMatchObject({ number: 1, head: BRANCH, base: 'main', state: 'open', headSha: sha, title: 'chore(release): app 2.0.1, core 1.3.0, mid 0.4.2' });
    expect(pr.labels).toEqual([RELEASE_LABEL_PENDING]);
    const body = pr.body ?? '';
    expect(body.startsWith('<!-- nx-uv:release-pr {"group":null,"branch":"nx-uv/release","base":"main"} -->\n')).toBe(true);
    expect(body).toContain('| Package | Last release | Next | Bump | Why |');
    expect(body).toMatch(/\| core \| 1\.2\.0 \| \*\*1\.3\.0\*\* \| minor \| feat\(core\): add a speed knob \([0-9a-f]{7}\) \|/);
    expect(body).toContain('| mid | 0.4.1 | **0.4.2** | patch | dependency core 1.2.0 → 1.3.0 |');
    expect(body).toContain('| (workspace root) | `dependency-groups.dev` | `core>=1.2.0` | `core>=1.3.0` |');
    expect(body).toContain('**Not released:**\n\n- other:');
    expect(body).toMatch(/### core 1\.3\.0\n\n#### Features\n\n- \*\*core:\*\* add a speed knob \([0-9a-f]{7}\)\n/);
    expect(body).toMatch(
      /### app 2\.0\.1\n\n#### Bug fixes\n\n- \*\*app:\*\* handle empty input \([0-9a-f]{7}\)\n\n#### Dependencies\n\n- core 1\.2\.0 → 1\.3\.0\n- mid 0\.4\.1 → 0\.4\.2\n/,
    );
    expect(body).toContain('### mid 0.4.2\n');
    expect(fake.repository(REPO).labels.get(RELEASE_LABEL_PENDING)).toMatchObject({ color: 'ededed' });
    expect(log.all()).toContain('opened release PR #1 https://github.com/octo-org/octo-repo/pull/1');
  });

  it('a new commit on main: the branch is rebuilt and force-pushed, and the same PR is updated in place', async () => {
    const first = h.remoteSha(BRANCH);
    r.repo.commit('fix(core): handle a zero speed', { 'py/packages/core/src/core/__init__.py': 'SPEED = 1 or 0\n' });
    r.repo.push();
    const main = r.repo.head();
    fake.clearRecords();

    expect(await h.run()).toEqual({ success: true });
    fake.assertNoErrors();
    const sha = h.remoteSha(BRANCH);
    expect(sha).not.toBe(first);
    expect(h.bare(['rev-parse', `${sha}^`])).toBe(main);
    expect(h.bare(['rev-list', '--count', `${main}..${sha}`])).toBe('1');
    expect(() => h.bare(['merge-base', '--is-ancestor', first, sha])).toThrow(); // rebuilt, not stacked
    expect(h.show(sha, 'py/packages/core/CHANGELOG.md')).toMatch(/### Bug fixes\n\n- \*\*core:\*\* handle a zero speed/);

    expect(fake.requestsFor('pulls/create')).toHaveLength(0);
    expect(fake.requestsFor('pulls/update')).toHaveLength(1);
    expect(fake.requestsFor('issues/add-labels')).toHaveLength(0);
    const pulls = fake.pulls(REPO);
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({ number: 1, state: 'open', headSha: sha, labels: [RELEASE_LABEL_PENDING] });
    expect(pulls[0].body).toMatch(/#### Bug fixes\n\n- \*\*core:\*\* handle a zero speed/);
    expect(r.repo.git(['status', '--porcelain', '--untracked-files=all'])).toBe('');
    expect(log.all()).toContain('updated release PR #1');
  });

  it('after the merge, tag finds the PR and relabels it; then nothing is released and no PR is opened; --force opens one', async () => {
    // Merge the release branch as GitHub would. (The merge also changes the date of core's new
    // section, as if the release PR had been rebuilt on another day.)
    r.repo.merge(BRANCH, 'Merge pull request #1 from octo-org/nx-uv/release');
    const changelog = path.join(r.repo.dir, 'py/packages/core/CHANGELOG.md');
    fs.writeFileSync(changelog, fs.readFileSync(changelog, 'utf8').replace(`## 1.3.0 (${TODAY()})`, '## 1.3.0 (2000-01-01)'));
    r.repo.git(['commit', '--quiet', '--amend', '--no-edit', '--all']);
    const merge = r.repo.head();
    r.repo.push();
    fake.mergePull(1, { mergeCommitSha: merge });

    // The push of the merge runs prepare again before the tags exist: the plan is already applied,
    // the changelog sections written are kept (no new PR for a changed date).
    const merged = h.snapshot();
    fake.clearRecords();
    log.reset();
    expect(await h.run()).toEqual({ success: true });
    expect(log.all()).toContain('kept the changelog sections already written for core 1.3.0 (versions set in pyproject.toml, not tagged yet)');
    expect(log.all()).toContain('main already holds these versions and changelog sections');
    expect(fake.requests).toEqual([]);
    expect({ ...h.snapshot(), requests: 0 }).toEqual({ ...merged, requests: 0 });

    for (const project of ['core', 'mid', 'app']) {
      expect(await tagExecutor({}, releaseContext(r.repo.dir, project, NX_JSON))).toEqual({ success: true });
    }
    expect(fake.labelsOf(1, REPO)).toEqual([RELEASE_LABEL_TAGGED]);
    // Found by its merge commit, as in the release job.
    expect(fake.requestsFor('repos/list-pull-requests-associated-with-commit')[0].params.commit_sha).toBe(merge);
    const ops = fake.requests.map((q) => `${q.operationId}${q.query.state === 'closed' ? ' closed' : ''}`);
    expect(ops.indexOf('issues/add-labels')).toBeGreaterThan(-1);
    expect(ops.slice(0, ops.indexOf('issues/add-labels'))).not.toContain('pulls/list closed');
    expect(
      fake
        .releases(REPO)
        .map((x) => x.tagName)
        .sort(),
    ).toEqual(['app-v2.0.1', 'core-v1.3.0', 'mid-v0.4.2']);

    const before = h.snapshot();
    fake.clearRecords();
    log.reset();
    expect(await h.run()).toEqual({ success: true });
    expect(log.all()).toContain('nothing to release (no releasable commits since the last releases; --force releases anyway): no branch, no PR.');
    expect(fake.requests.map((q) => `${q.method} ${q.operationId}`)).toEqual(['GET pulls/list']);
    expect({ ...h.snapshot(), requests: 0 }).toEqual({ ...before, requests: 0 });
    fake.assertNoErrors();

    fake.clearRecords();
    log.reset();
    const out: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    try {
      expect(await h.run({ force: true, json: true })).toEqual({ success: true });
    } finally {
      spy.mockRestore();
    }
    fake.assertNoErrors();
    const summary = JSON.parse(out.join('')) as ReleasePrResult;
    expect(summary).toMatchObject({
      outcome: 'created',
      branch: BRANCH,
      pullRequest: { number: 2, url: 'https://github.com/octo-org/octo-repo/pull/2' },
      commit: h.remoteSha(BRANCH),
    });
    expect(log.info).toEqual([]); // --json: only the JSON on stdout
    const pulls = fake.pulls(REPO);
    expect(pulls.map((p) => `#${p.number} ${p.state} ${p.head}`)).toEqual([`#1 closed ${BRANCH}`, `#2 open ${BRANCH}`]);
    expect(pulls[1].title).toBe('chore(release): app 2.0.2, core 1.3.1, mid 0.4.3, other 0.1.1');
    expect(pulls[1].labels).toEqual([RELEASE_LABEL_PENDING]);
    expect(h.bare(['rev-parse', `${h.remoteSha(BRANCH)}^`])).toBe(r.repo.head());
  });
});

describe('release-pr: groups, dry run, JSON', () => {
  let r: ReleaseRepo;
  let fake: FakeGitHub;
  const h = helpers(() => ({ r, fake }));
  withReleaseRepo(
    (set) => ({ r, fake } = set),
    () => ({ r, fake }),
  );

  it('--dryRun prints the plan, the title and the body; no branch, no commit, no push, no request, no token needed', async () => {
    delete process.env.GITHUB_TOKEN;
    const before = h.snapshot();
    const out: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    try {
      expect(await h.run({ dryRun: true })).toEqual({ success: true });
      expect(await h.run({ dryRun: true, json: true, group: 'apps' })).toEqual({ success: true });
    } finally {
      spy.mockRestore();
      process.env.GITHUB_TOKEN = 'test-token';
    }
    expect(h.snapshot()).toEqual(before);
    expect(fake.requests).toEqual([]);
    const text = log.info.join('\n');
    expect(text).toMatch(
      /would re-create branch nx-uv\/release at [0-9a-f]{12}, write py\/packages\/app\/CHANGELOG\.md, .*py\/pyproject\.toml and py\/uv\.lock/,
    );
    expect(text).toContain('  title: chore(release): app 2.0.1, core 1.3.0, mid 0.4.2');
    expect(text).toMatch(/ {4}\| core \| 1\.2\.0 \| \*\*1\.3\.0\*\* \| minor \|/);
    expect(text).toContain('    ### core 1.3.0');
    const summary = JSON.parse(out.join('')) as ReleasePrResult;
    expect(summary).toMatchObject({ outcome: 'dry-run', branch: 'nx-uv/release-apps', base: 'main', group: 'apps', title: 'chore(release): app 2.0.1' });
    expect(summary.plan.packages.map((p) => p.name)).toEqual(['app']);
    expect(summary.body).toContain('of group `apps`');
  });

  it('one branch and one PR per group', async () => {
    expect(await h.run({ group: 'apps' })).toEqual({ success: true });
    expect(await h.run({ group: 'libs', prerelease: 'rc' })).toEqual({ success: true });
    fake.assertNoErrors();
    const pulls = fake.pulls(REPO);
    expect(pulls.map((p) => ({ head: p.head, title: p.title, labels: p.labels }))).toEqual([
      { head: 'nx-uv/release-apps', title: 'chore(release): app 2.0.1', labels: [RELEASE_LABEL_PENDING] },
      { head: 'nx-uv/release-libs', title: 'chore(release): app 2.0.1rc1, core 1.3.0rc1, mid 0.4.2rc1', labels: [RELEASE_LABEL_PENDING] },
    ]);
    expect(pulls[1].body).toContain('"group":"libs","branch":"nx-uv/release-libs"');
    expect(h.bare(['log', '-1', '--format=%B', 'refs/heads/nx-uv/release-apps'])).toBe(
      'chore(release): app 2.0.1\n\n- app 2.0.0 → 2.0.1\n\nRelease group: apps',
    );
    expect(h.show('refs/heads/nx-uv/release-libs', 'py/packages/core/pyproject.toml')).toContain('version = "1.3.0rc1"');
    expect(h.show('refs/heads/nx-uv/release-apps', 'py/packages/core/pyproject.toml')).toContain('version = "1.2.0"');
    expect(h.bare(['for-each-ref', '--format=%(refname)', 'refs/heads'])).toBe('refs/heads/main\nrefs/heads/nx-uv/release-apps\nrefs/heads/nx-uv/release-libs');
    expect(r.repo.git(['status', '--porcelain', '--untracked-files=all'])).toBe('');
    expect(r.repo.git(['symbolic-ref', '--short', 'HEAD'])).toBe('main');
  });
});

describe('release-pr: bad input and failures', () => {
  let r: ReleaseRepo;
  let fake: FakeGitHub;
  const h = helpers(() => ({ r, fake }));
  withReleaseRepo(
    (set) => ({ r, fake } = set),
    () => ({ r, fake }),
  );

  const cases: Array<{ name: string; options?: ReleasePrExecutorOptions; arrange?: () => void; undo?: () => void; error: RegExp }> = [
    {
      name: 'a dirty work tree',
      arrange: () => fs.appendFileSync(path.join(r.repo.dir, 'py/packages/core/src/core/__init__.py'), 'EXTRA = 2\n'),
      undo: () => r.repo.git(['checkout', '--', 'py/packages/core/src/core/__init__.py']),
      error: /uncommitted changes; commit or stash them first:\n {2} M py\/packages\/core\/src\/core\/__init__\.py/,
    },
    { name: 'an unknown group', options: { group: 'nope' }, error: /unknown release group "nope"; the groups in nx\.json .* are: apps, libs/ },
    { name: 'an invalid pre-release', options: { prerelease: 'gamma' }, error: /invalid pre-release "gamma" in --prerelease: use alpha \(a\), beta \(b\), rc/ },
    { name: 'an invalid bump type', options: { bumpType: 'huge' as never }, error: /invalid --bumpType "huge": use auto, patch, minor or major/ },
    {
      name: 'no GITHUB_TOKEN',
      arrange: () => delete process.env.GITHUB_TOKEN,
      undo: () => (process.env.GITHUB_TOKEN = 'test-token'),
      error: /no GitHub token: set the GITHUB_TOKEN environment variable/,
    },
    {
      name: 'a checkout on another branch',
      arrange: () => r.repo.checkout('feature', { create: true }),
      undo: () => {
        r.repo.checkout('main');
        r.repo.git(['branch', '-D', 'feature']);
      },
      error: /from the HEAD of "main", but the checkout is on branch "feature" .*check out main first/,
    },
    {
      name: 'a base branch with unpushed commits',
      arrange: () => void r.repo.commit('feat(core): not pushed', { 'py/packages/core/src/core/extra.py': '\n' }),
      undo: () => r.repo.git(['reset', '--quiet', '--hard', 'HEAD~1']),
      error: /main \([0-9a-f]{12}\) has commits that are not on origin \([0-9a-f]{12}\): push them first/,
    },
    {
      name: 'no committer identity',
      arrange: () => {
        for (const k of Object.keys(GIT_TEST_IDENTITY)) delete process.env[k];
        Object.assign(process.env, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'user.useConfigOnly', GIT_CONFIG_VALUE_0: 'true' });
      },
      undo: () => {
        for (const k of ['GIT_CONFIG_COUNT', 'GIT_CONFIG_KEY_0', 'GIT_CONFIG_VALUE_0']) delete process.env[k];
        Object.assign(process.env, GIT_TEST_IDENTITY);
      },
      error: /git has no committer identity for the release commit: set GIT_AUTHOR_NAME/,
    },
    { name: 'an unknown remote', options: { remote: 'upstream' }, error: /there is no git remote "upstream" .*pass --remote=<name>/ },
    { name: 'a bad branch prefix', options: { branchPrefix: 'bad..name' }, error: /"bad\.\.name" \(--branchPrefix\) is not a valid git branch name/ },
  ];

  it.each(cases)('$name: a clear error and no side effect', async ({ options, arrange, undo, error }) => {
    arrange?.();
    try {
      const before = h.snapshot();
      log.reset();
      expect(await h.run(options)).toEqual({ success: false });
      expect(log.error).toHaveLength(1);
      expect(log.error[0]).toMatch(/^nx-uv release-pr \(uv-workspace\) failed: /);
      expect(log.error[0]).toMatch(error);
      expect(log.error[0]).not.toContain('test-token');
      expect(h.snapshot()).toEqual(before);
      expect(fake.requests).toEqual([]);
    } finally {
      undo?.();
    }
  });

  it('a failure after the branch was made puts the checkout back; a re-run finishes the job', async () => {
    const start = h.snapshot();
    // 1. The remote rejects the push: nothing pushed, the local release branch is gone again.
    const hook = path.join(r.repo.bare, 'hooks', 'pre-receive');
    fs.writeFileSync(hook, '#!/bin/sh\necho "protected branch" >&2\nexit 1\n', { mode: 0o755 });
    expect(await h.run()).toEqual({ success: false });
    expect(log.error[0]).toMatch(
      /could not push the release branch nx-uv\/release to origin; .*\n\[remote rejected\] \(pre-receive hook declined\)\n.*protected branch/s,
    );
    expect(h.snapshot()).toEqual(start);
    fs.rmSync(hook);

    // 1b. Someone else pushes the release branch while this run works (a post-checkout hook does,
    // right after the branch is made): the lease refuses to overwrite it.
    const local = path.join(r.repo.dir, '.git', 'hooks', 'post-checkout');
    fs.writeFileSync(local, '#!/bin/sh\ngit push --quiet --force origin HEAD:refs/heads/nx-uv/release\n', { mode: 0o755 });
    log.reset();
    expect(await h.run()).toEqual({ success: false });
    fs.rmSync(local);
    expect(log.error[0]).toMatch(/origin refused to overwrite nx-uv\/release: the branch changed on origin while this run was working .*run release-pr again/);
    expect(log.error[0]).toMatch(/stale info/);
    const raced = h.snapshot();
    const heads = (refs: string) => refs.split('\n').filter((l) => l.startsWith('refs/heads/'));
    expect({ ...raced, localRefs: heads(raced.localRefs), remoteRefs: undefined }).toEqual({
      ...start,
      localRefs: heads(start.localRefs),
      remoteRefs: undefined,
    });
    expect(h.remoteSha(BRANCH)).toBe(start.head); // the other party's push stands

    // 2. GitHub fails to create the PR: the branch is pushed, the checkout is back on main and clean.
    log.reset();
    fake.injectFailure({ operationId: 'pulls/create', status: 500, message: 'GitHub is down' });
    expect(await h.run()).toEqual({ success: false });
    expect(log.error[0]).toMatch(/create pull request nx-uv\/release → main .*500[\s\S]*nx-uv\/release was pushed to origin; run release-pr again/);
    const after = h.snapshot();
    expect({ branch: after.branch, head: after.head, status: after.status, tree: after.tree }).toEqual({
      branch: start.branch,
      head: start.head,
      status: '',
      tree: start.tree,
    });
    const pushed = h.remoteSha(BRANCH);
    expect(h.bare(['rev-parse', `${pushed}^`])).toBe(start.head);
    expect(fake.pulls(REPO)).toHaveLength(0);

    // 3. Run again: one PR, from a freshly pushed branch.
    expect(await h.run()).toEqual({ success: true });
    expect(fake.pulls(REPO).map((p) => `#${p.number} ${p.head} ${p.labels.join(',')}`)).toEqual([`#1 ${BRANCH} ${RELEASE_LABEL_PENDING}`]);
    expect(fake.pulls(REPO)[0].headSha).toBe(h.remoteSha(BRANCH));
    expect(r.repo.git(['status', '--porcelain', '--untracked-files=all'])).toBe('');
    fake.clearRecords();
  });
});

describe('release-pr: prepared in a worktree of its own', () => {
  let r: ReleaseRepo;
  let fake: FakeGitHub;
  const h = helpers(() => ({ r, fake }));
  withReleaseRepo(
    (set) => ({ r, fake } = set),
    () => ({ r, fake }),
  );

  it("never touches the user's checkout: HEAD's reflog, the index and ignored files stay; no worktree is left", async () => {
    fs.writeFileSync(path.join(r.repo.dir, '.git/info/exclude'), 'scratch.log\n');
    fs.writeFileSync(path.join(r.repo.dir, 'scratch.log'), 'my notes\n');
    const reflog = r.repo.git(['reflog', 'show', '--format=%H', 'HEAD']);
    const index = fs.readFileSync(path.join(r.repo.dir, '.git/index'));
    expect(await h.run()).toEqual({ success: true });
    expect(r.repo.git(['reflog', 'show', '--format=%H', 'HEAD'])).toBe(reflog);
    expect(fs.readFileSync(path.join(r.repo.dir, '.git/index')).equals(index)).toBe(true);
    expect(fs.readFileSync(path.join(r.repo.dir, 'scratch.log'), 'utf8')).toBe('my notes\n');
    expect(
      r.repo
        .git(['worktree', 'list', '--porcelain'])
        .split('\n')
        .filter((l) => l.startsWith('worktree ')),
    ).toHaveLength(1);
    expect(h.bare(['rev-parse', `${h.remoteSha(BRANCH)}^`])).toBe(r.repo.head());
    expect(r.repo.git(['rev-parse', BRANCH])).toBe(h.remoteSha(BRANCH));
  });

  it('two runs at once on one checkout: no index.lock race; one PR, and the release branch is one commit on main', async () => {
    const results = await Promise.all([h.run(), h.run()]);
    // The second push may lose the lease to the first (then it says so); neither trips over the other's index.
    expect(results.some((x) => x.success)).toBe(true);
    expect(log.error.join('\n')).not.toMatch(/index\.lock|already holds these versions/);
    expect(fake.pulls(REPO)).toHaveLength(1);
    expect(h.bare(['rev-parse', `${h.remoteSha(BRANCH)}^`])).toBe(r.repo.head());
    expect(r.repo.git(['status', '--porcelain', '--untracked-files=all'])).toBe('');
    expect(
      r.repo
        .git(['worktree', 'list', '--porcelain'])
        .split('\n')
        .filter((l) => l.startsWith('worktree ')),
    ).toHaveLength(1);
  });
});

describe('release-pr and tag with a custom release label', () => {
  let r: ReleaseRepo;
  let fake: FakeGitHub;
  const h = helpers(() => ({ r, fake }));
  const LABEL = 'release: ready';
  withReleaseRepo(
    (set) => ({ r, fake } = set),
    () => ({ r, fake }),
  );

  it('release-pr applies the label, tag finds the merged PR by it and moves it to autorelease: tagged', async () => {
    expect(await h.run({ releaseLabel: LABEL })).toEqual({ success: true });
    expect(fake.pulls(REPO).map((p) => p.labels)).toEqual([[LABEL]]);
    expect(fake.pulls(REPO)[0].body).toContain(`move this PR's label \`${LABEL}\` to \`${RELEASE_LABEL_TAGGED}\``);
    const merge = r.repo.merge(BRANCH, 'Merge pull request #1 from octo-org/nx-uv/release');
    r.repo.push();
    fake.mergePull(1, { mergeCommitSha: merge });
    for (const project of ['core', 'mid', 'app']) {
      expect(await tagExecutor({ releaseLabel: LABEL }, releaseContext(r.repo.dir, project, NX_JSON))).toEqual({ success: true });
    }
    expect(fake.labelsOf(1, REPO)).toEqual([RELEASE_LABEL_TAGGED]);
    fake.assertNoErrors();
  });
});
