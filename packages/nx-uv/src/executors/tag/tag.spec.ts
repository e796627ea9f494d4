import { logger } from '@nx/devkit';
import { Octokit } from '@octokit/rest';
import { createTestRepo, type TestRepo } from '../../testing/git-repo';
import { gitAndGitHubEnv } from '../../testing/executor-context';
import { startFakeGitHub, type FakeGitHub } from '../../testing/github-fake';
import { captureLogger, executorContext, workspaceFiles, type LogCapture } from '../shared/__fixtures__/uv-workspace';
import * as fs from 'node:fs';
import * as path from 'node:path';
import tagExecutor from './executor';

const REPO = 'octo-org/octo-repo';
const CHANGELOG_A = `# Changelog

## 1.3.0rc1 (2025-02-01)

### Features

- rc feature

## 1.2.0 (2025-01-01)

### Bug Fixes

- **a:** fix the thing
`;

let repo: TestRepo;
let fake: FakeGitHub;
let log: LogCapture;

const env = gitAndGitHubEnv();

const remoteTag = (name: string): string => repo.gitBare(['for-each-ref', '--format=%(objecttype) %(*objectname)', `refs/tags/${name}`]);
const localTags = (): string[] => repo.git(['tag', '--list']).split('\n').filter(Boolean);
const posts = (): string[] => fake.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.operationId}`);
const run = (project: string, options: Parameters<typeof tagExecutor>[0] = {}) => tagExecutor(options, executorContext(repo.dir, project));

beforeEach(async () => {
  repo = createTestRepo({ files: workspaceFiles({ 'py/packages/a/CHANGELOG.md': CHANGELOG_A }) });
  repo.push();
  fake = await startFakeGitHub({ repositories: [{ fullName: REPO, gitDir: repo.bare }] });
  env.set(fake.url, REPO);
  log = captureLogger(logger);
});
afterEach(async () => {
  log.restore();
  await fake.close();
  repo.cleanup();
});

describe('nx-uv:tag', () => {
  it('tags HEAD, pushes the annotated tag, creates the release with the changelog section, relabels the release PR; a re-run sends no POST', async () => {
    // A merged release PR whose merge commit is HEAD.
    repo.checkout('nx-uv/release', { create: true });
    repo.commit('chore(release): pkg-a 1.2.0', { 'py/packages/a/NOTES.md': 'release\n' });
    repo.git(['push', '--quiet', 'origin', 'nx-uv/release']);
    repo.checkout('main');
    const octokit = new Octokit({ auth: 'test-token', baseUrl: fake.url, log: { debug() {}, info() {}, warn() {}, error() {} } });
    const { data: pr } = await octokit.pulls.create({ owner: 'octo-org', repo: 'octo-repo', head: 'nx-uv/release', base: 'main', title: 'chore: release' });
    await octokit.issues.addLabels({ owner: 'octo-org', repo: 'octo-repo', issue_number: pr.number, labels: ['autorelease: pending'] });
    const head = repo.merge('nx-uv/release');
    repo.push();
    fake.mergePull(pr.number, { mergeCommitSha: head });
    fake.clearRecords();

    expect(await run('pkg-a')).toEqual({ success: true });

    expect(repo.git(['rev-parse', 'pkg-a-v1.2.0^{commit}'])).toBe(head);
    expect(remoteTag('pkg-a-v1.2.0')).toBe(`tag ${head}`); // annotated, pushed by us (not made by the fake)
    const releases = fake.releases(REPO);
    expect(releases).toHaveLength(1);
    expect(releases[0]).toMatchObject({ tagName: 'pkg-a-v1.2.0', name: 'pkg-a 1.2.0', prerelease: false, draft: false });
    expect(releases[0].body).toBe('### Bug Fixes\n\n- **a:** fix the thing\n');
    expect(fake.labelsOf(pr.number, REPO)).toEqual(['autorelease: tagged']);
    expect(log.all()).toContain('created GitHub Release pkg-a 1.2.0');
    fake.assertNoErrors();

    fake.clearRecords();
    expect(await run('pkg-a')).toEqual({ success: true });
    expect(posts()).toEqual([]);
    expect(fake.releases(REPO)).toHaveLength(1);
    expect(localTags()).toEqual(['pkg-a-v1.2.0']);
    fake.assertNoErrors();
  });

  it('marks a pre-release (1.3.0rc1) and skips quietly when the tag of the version is on an older commit', async () => {
    repo.commit('chore(release): pkg-a 1.3.0rc1', {
      'py/packages/a/pyproject.toml': workspaceFiles()['py/packages/a/pyproject.toml'].replace('version = "1.2.0"', 'version = "1.3.0-RC1"'),
    });
    repo.push();
    expect(await run('pkg-a')).toEqual({ success: true });
    const [release] = fake.releases(REPO);
    expect(release).toMatchObject({ tagName: 'pkg-a-v1.3.0rc1', name: 'pkg-a 1.3.0rc1', prerelease: true });
    expect(release.body).toContain('- rc feature');
    expect(release.body).not.toContain('fix the thing');

    const older = repo.head();
    repo.commit('docs: unrelated', { 'README.md': 'more\n' });
    fake.clearRecords();
    log.reset();
    expect(await run('pkg-a')).toEqual({ success: true });
    expect(log.all()).toContain('already released at pkg-a-v1.3.0rc1');
    expect(fake.requests).toEqual([]);
    expect(repo.git(['rev-parse', 'pkg-a-v1.3.0rc1^{commit}'])).toBe(older);
    fake.assertNoErrors();
  });

  it('without GITHUB_TOKEN fails before creating anything', async () => {
    delete process.env.GITHUB_TOKEN;
    expect(await run('pkg-c')).toEqual({ success: false });
    expect(log.error.join('\n')).toMatch(/GITHUB_TOKEN/);
    expect(localTags()).toEqual([]);
    expect(repo.gitBare(['tag', '--list'])).toBe('');
    expect(fake.requests).toEqual([]);
    fake.assertNoErrors();
  });

  it('a failed release creation leaves the tag pushed; the re-run creates the release', async () => {
    fake.injectFailure({ operationId: 'repos/create-release', status: 500 });
    expect(await run('pkg-c')).toEqual({ success: false });
    expect(remoteTag('pkg-c-v2.0.0')).toBe(`tag ${repo.head()}`);
    expect(fake.releases(REPO)).toEqual([]);

    expect(await run('pkg-c')).toEqual({ success: true });
    const [release] = fake.releases(REPO);
    expect(release).toMatchObject({ tagName: 'pkg-c-v2.0.0', name: 'pkg-c 2.0.0', prerelease: false, body: 'Release pkg-c 2.0.0.\n' });
    expect(localTags()).toEqual(['pkg-c-v2.0.0']);
    fake.assertNoErrors();
  });

  it('dry run prints the release and touches nothing (no token needed)', async () => {
    delete process.env.GITHUB_TOKEN;
    expect(await run('pkg-b', { dryRun: true })).toEqual({ success: true });
    expect(log.all()).toContain('would create annotated tag pkg-b-v0.3.0rc1');
    expect(log.all()).toContain('name: Pkg_B 0.3.0rc1 (prerelease)');
    expect(localTags()).toEqual([]);
    expect(repo.gitBare(['tag', '--list'])).toBe('');
    expect(fake.requests).toEqual([]);
    fake.assertNoErrors();
  });

  it('does nothing for a member that is not a package, and uses the tagFormat plugin option', async () => {
    expect(await run('scripts')).toEqual({ success: true });
    expect(log.all()).toContain('not a package');
    expect(localTags()).toEqual([]);

    const context = executorContext(repo.dir, 'pkg-a');
    context.nxJsonConfiguration = { plugins: [{ plugin: 'nx-uv', options: { tagFormat: 'release/{name}@{version}' } }] };
    expect(await tagExecutor({}, context)).toEqual({ success: true });
    expect(localTags()).toEqual(['release/pkg-a@1.2.0']);
    expect(fake.releases(REPO).map((r) => r.tagName)).toEqual(['release/pkg-a@1.2.0']);
    fake.assertNoErrors();
  });

  it('refuses a dynamic version with a clear error', async () => {
    repo.commit('build: scm version', {
      'py/packages/a/pyproject.toml': workspaceFiles()['py/packages/a/pyproject.toml'].replace('version = "1.2.0"', 'dynamic = ["version"]'),
    });
    expect(await run('pkg-a')).toEqual({ success: false });
    expect(log.error.join('\n')).toMatch(/cannot tag pkg-a: its version is dynamic/);
    expect(localTags()).toEqual([]);
    expect(fake.requests).toEqual([]);
  });

  it('refuses a remote that git would read as an option, before anything runs (no --receive-pack command)', async () => {
    const marker = path.join(repo.dir, 'pwned');
    const result = await run('pkg-a', { remote: `--receive-pack=touch ${marker}` });
    expect(result.success).toBe(false);
    expect(log.error.join('\n')).toMatch(/--remote must name a git remote .* starts with "-", which git would read as an option/);
    expect(fs.existsSync(marker)).toBe(false);
    expect(localTags()).toEqual([]);
    expect(posts()).toEqual([]);
  });

  it('a tag the remote already has on another commit: explained before anything is created, no local tag left', async () => {
    const first = repo.head();
    repo.commit('fix(a): later', { 'py/packages/a/x.py': 'X = 1\n' });
    repo.push();
    // The remote got pkg-a-v1.2.0 on the first commit (say, from another clone), this clone never fetched it.
    repo.gitBare(['tag', 'pkg-a-v1.2.0', first]);
    const result = await run('pkg-a');
    expect(result.success).toBe(false);
    expect(log.error.join('\n')).toContain(`origin already has tag pkg-a-v1.2.0 on commit ${first.slice(0, 12)}, not on HEAD ${repo.head().slice(0, 12)}`);
    expect(localTags()).toEqual([]);
    expect(posts()).toEqual([]);
    // A rerun says the same (nothing was left half-done).
    log.reset();
    expect((await run('pkg-a')).success).toBe(false);
    expect(log.error.join('\n')).toContain('origin already has tag pkg-a-v1.2.0');
  });
});
