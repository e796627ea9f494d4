/**
 * Issue 12: versions derived from git tags (hatch-vcs, a real VCS version plugin, locked by the real
 * `uv lock` and built by the real `uv build`). The generated workflow runs for real: prepare writes
 * the changelogs and the dependents' requirements but no version; the release job's tags make the
 * versions; the built and published files carry exactly them, the dependent pinning its dependency
 * to the tagged version. A static member beside them keeps working as before.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startFakeGitHub, type FakeGitHub } from '../../../packages/nx-uv/src/testing/github-fake';
import { startPypiServer, type PypiServer } from '../../../packages/nx-uv/src/testing/pypiserver';
import { makeTempDir } from '../../../packages/nx-uv/src/testing/tools';
import { createNxWorkspace, packPlugin, type NxWorkspace, type PackedPlugin } from './harness';
import { customIndexRunner, nxReleaseToolEnv } from './runner-env';
import { indexContents, requiresDist, wheelMetadata } from './python-index';
import { buildDigests, buildJobCredentials, provenance, PROVENANCE_NAME, smokeTestImports } from './release-checks';
import { createBareRemote, type BareRemote } from './release-remote';
import { jobsThatRan, runWorkflow, type JobRun, type RunnerOptions, type WorkflowEvent } from './workflow-runner';

const REPOSITORY = 'acme/vcs';
const GITHUB_TOKEN = 'ghs_e2eVcsRunToken0123456789abcd';
const PUBLISH_TOKEN = 'pypi-e2e-vcs-upload-token-012345';

/** A member whose version hatch-vcs derives from its own tags (`<name>-v<version>`, nx-uv's default format). */
function vcsMember(name: string, dependencies: string[]): Record<string, string> {
  const dir = `packages/${name}`;
  const module = name.replace(/-/g, '_');
  return {
    [`${dir}/pyproject.toml`]: [
      '[project]',
      `name = "${name}"`,
      'dynamic = ["version"]  # from git tags, by hatch-vcs',
      'requires-python = ">=3.9"',
      `dependencies = [${dependencies.map((d) => JSON.stringify(d)).join(', ')}]`,
      '',
      '[build-system]',
      'requires = ["hatchling", "hatch-vcs"]',
      'build-backend = "hatchling.build"',
      '',
      '[tool.hatch.version]',
      'source = "vcs"',
      `tag-pattern = "^${name}-v(?P<version>.+)$"`,
      'fallback-version = "0.0.0"',
      `raw-options = { root = "../..", git_describe_command = ["git", "describe", "--dirty", "--tags", "--long", "--match", "${name}-v*"] }`,
      '',
      ...(dependencies.length > 0 ? ['[tool.uv.sources]', ...dependencies.map((d) => `${d.split(/[<>=]/)[0]} = { workspace = true }`), ''] : []),
    ].join('\n'),
    [`${dir}/src/${module}/__init__.py`]: `"""${name}."""\n`,
  };
}

const FILES: Record<string, string> = {
  'pyproject.toml':
    '[project]\nname = "vcs-root"\nversion = "0.0.0"\nrequires-python = ">=3.9"\n\n[tool.uv]\npackage = false\n\n[tool.uv.workspace]\nmembers = ["packages/*"]\n',
  ...vcsMember('vcs-core', []),
  ...vcsMember('vcs-plugin', ['vcs-core>=1.0']),
  'packages/static-app/pyproject.toml': [
    '[project]',
    'name = "static-app"',
    'version = "2.0.0"',
    'requires-python = ">=3.9"',
    'dependencies = ["vcs-plugin>=1.0"]',
    '',
    '[build-system]',
    'requires = ["hatchling"]',
    'build-backend = "hatchling.build"',
    '',
    '[tool.uv.sources]',
    'vcs-plugin = { workspace = true }',
    '',
  ].join('\n'),
  'packages/static-app/src/static_app/__init__.py': '"""static-app."""\n',
};

let packed: PackedPlugin;
let ws: NxWorkspace;
let tmp: { dir: string; cleanup: () => void };
let remote: BareRemote;
let github: FakeGitHub;
let index: PypiServer;
let runner: RunnerOptions;
let mergeCommit: string;
let releaseJobs: JobRun[];

beforeAll(async () => {
  packed = packPlugin();
  tmp = makeTempDir('nx-uv-vcs-e2e-');
  ws = createNxWorkspace({ files: FILES, plugins: [], tarball: packed.tarball, uvLock: true });
  ws.git(['tag', '-a', '-m', 'vcs-core 1.0.0', 'vcs-core-v1.0.0']);
  ws.git(['tag', '-a', '-m', 'vcs-plugin 1.0.0', 'vcs-plugin-v1.0.0']);
  ws.git(['tag', '-a', '-m', 'static-app 2.0.0', 'static-app-v2.0.0']);
  index = await startPypiServer({ auth: { username: '__token__', password: PUBLISH_TOKEN } });

  ws.runNx(['g', 'nx-uv:init']);
  ws.runNx(['g', 'nx-uv:workflow', '--target=custom']);
  ws.git(['add', '--all']);
  ws.git(['commit', '--quiet', '--no-verify', '-m', 'ci: release with nx-uv']);
  ws.writeFiles({ 'packages/vcs-core/src/vcs_core/__init__.py': '"""vcs-core."""\nHOOKS = []\n' });
  ws.git(['commit', '--quiet', '--no-verify', '-am', 'feat(core): hooks']);

  remote = createBareRemote(ws, path.join(tmp.dir, 'origin.git'));
  ws.git(['push', '--quiet', '--set-upstream', 'origin', 'main']);
  ws.git(['push', '--quiet', 'origin', '--tags']);
  github = await startFakeGitHub({ repositories: [{ fullName: REPOSITORY, gitDir: remote.dir }], token: undefined });
  runner = customIndexRunner({ ws, tmpDir: tmp.dir, githubUrl: github.url, repository: REPOSITORY, token: GITHUB_TOKEN, publishToken: PUBLISH_TOKEN, index });
}, 300000);

afterAll(async () => {
  await github?.close();
  await index?.stop();
  ws?.cleanup();
  tmp?.cleanup();
  packed?.cleanup();
});

describe('versions derived from git tags (hatch-vcs), released by the generated workflow', () => {
  it('the plan bumps from the tags: core 1.1.0 (feat), plugin 1.0.1 and app 2.0.1 (they require it); nothing is written in dry run', () => {
    const plan = ws.runNx(['run', 'vcs-root:release-plan']);
    const out = `${plan.stdout}${plan.stderr}`;
    expect(out).toMatch(/vcs-core\s.*1\.0\.0\s.*1\.1\.0/);
    expect(out).toMatch(/vcs-plugin\s.*1\.0\.0\s.*1\.0\.1/);
    expect(out).toMatch(/static-app\s.*2\.0\.0\s.*2\.0\.1/);
    expect(out).toContain("vcs-core 1.1.0: its version is derived from git tags (hatch-vcs): no file gets it; the tag target's tag vcs-core-v1.1.0 makes it");
  });

  it('prepare: the release PR has changelogs and the raised requirement, and no version in the hatch-vcs members', async () => {
    const jobs = await runWorkflow(runner, { name: 'push', sha: remote.branch('main')!, ref: 'refs/heads/main' });
    expect(jobsThatRan(jobs)).toEqual(['prepare']);
    const [pr] = github.pulls(REPOSITORY);
    const head = remote.branch(pr.head)!;
    const core = remote.show(head, 'packages/vcs-core/pyproject.toml')!;
    expect(core.trimEnd()).toBe(FILES['packages/vcs-core/pyproject.toml'].trimEnd());
    const plugin = remote.show(head, 'packages/vcs-plugin/pyproject.toml')!;
    expect(plugin.trimEnd()).toBe(FILES['packages/vcs-plugin/pyproject.toml'].replace('"vcs-core>=1.0"', '"vcs-core>=1.1.0"').trimEnd());
    expect(remote.show(head, 'packages/static-app/pyproject.toml')).toContain('version = "2.0.1"');
    expect(remote.show(head, 'packages/vcs-core/CHANGELOG.md')).toMatch(/^## \[?1\.1\.0/m);
    expect(remote.show(head, 'packages/vcs-plugin/CHANGELOG.md')).toMatch(/^## \[?1\.0\.1/m);
    // uv.lock records no version for a dynamic one; it still passes uv's check after the release.
    expect(remote.show(head, 'uv.lock')).not.toMatch(/name = "vcs-core"\nversion =/);

    const mergedAt = remote.merge('main', pr.head, `Merge pull request #${pr.number}\n\n${pr.title}`);
    mergeCommit = mergedAt;
    const merged = github.mergePull(pr.number, { repository: REPOSITORY, mergeCommitSha: mergedAt });
    ws.git(['pull', '--quiet', '--ff-only']);
    const event: WorkflowEvent = {
      name: 'pull_request',
      sha: mergedAt,
      ref: `refs/pull/${pr.number}/merge`,
      pullRequest: { number: pr.number, merged: true, mergeCommitSha: mergedAt, labels: [...merged.labels], headRepo: REPOSITORY, headRef: pr.head },
    };
    const release = await runWorkflow(runner, event);
    releaseJobs = release;
    expect(jobsThatRan(release)).toEqual(['release', 'build', 'provenance', 'publish', 'provenance-assets', 'smoke-test', 'notify']);
    github.assertNoErrors();
  }, 600000);

  it('release: the tags that make the versions, on the merge commit, with their GitHub Releases', () => {
    const tags = remote.tags();
    for (const tag of ['vcs-core-v1.1.0', 'vcs-plugin-v1.0.1', 'static-app-v2.0.1'])
      expect({ tag, at: tags[tag] }).toEqual({ tag, at: { commit: mergeCommit, annotated: true } });
    expect(
      github
        .releases(REPOSITORY)
        .map((r) => r.tagName)
        .sort(),
    ).toEqual(['static-app-v2.0.1', 'vcs-core-v1.1.0', 'vcs-plugin-v1.0.1']);
  });

  it('publish: the files carry the tagged versions (not a dirty .dev), and the plugin pins the core to its tag', () => {
    const files = Object.keys(indexContents(index.packagesDir)).sort();
    expect(files).toEqual([
      'static_app-2.0.1-py3-none-any.whl',
      'static_app-2.0.1.tar.gz',
      'vcs_core-1.1.0-py3-none-any.whl',
      'vcs_core-1.1.0.tar.gz',
      'vcs_plugin-1.0.1-py3-none-any.whl',
      'vcs_plugin-1.0.1.tar.gz',
    ]);
    expect(requiresDist(wheelMetadata(path.join(index.packagesDir, 'vcs_plugin-1.0.1-py3-none-any.whl')))).toEqual(['vcs-core==1.1.0']);
    expect(requiresDist(wheelMetadata(path.join(index.packagesDir, 'static_app-2.0.1-py3-none-any.whl')))).toEqual(['vcs-plugin==1.0.1']);
  });

  it('build held no credential; the provenance names the built files and is on each GitHub Release; every released package imports', () => {
    expect(buildJobCredentials(releaseJobs, [GITHUB_TOKEN, PUBLISH_TOKEN])).toEqual([]);
    // The index got exactly the files the build job recorded (this index had no earlier release).
    const digests = buildDigests(releaseJobs);
    expect(Object.fromEntries(Object.entries(digests).map(([file, sha256]) => [path.basename(file), sha256]))).toEqual(indexContents(index.packagesDir));
    const { bytes, statement } = provenance(releaseJobs);
    expect(statement.subject).toEqual(Object.entries(digests).map(([name, sha256]) => ({ name, digest: { sha256 } })));
    for (const release of github.releases(REPOSITORY)) {
      expect({ tag: release.tagName, assets: release.assets.map((a) => [a.name, a.data.equals(bytes)]) }).toEqual({
        tag: release.tagName,
        assets: [[PROVENANCE_NAME, true]],
      });
    }
    expect(smokeTestImports(releaseJobs)).toEqual({
      'static-app==2.0.1': ['static_app'],
      'vcs-core==1.1.0': ['vcs_core'],
      'vcs-plugin==1.0.1': ['vcs_plugin'],
    });
  });

  it('after the release, a commit on top builds a development version, and publish uploads nothing for it', () => {
    ws.git(['reset', '--quiet', '--hard', mergeCommit]);
    ws.git(['fetch', '--quiet', '--tags', 'origin']);
    ws.writeFiles({ 'packages/vcs-core/src/vcs_core/__init__.py': '"""vcs-core."""\nHOOKS = ()\n' });
    ws.git(['commit', '--quiet', '--no-verify', '-am', 'refactor(core): a tuple']);
    const before = fs.readdirSync(index.packagesDir).length;
    const build = ws.runNx(['run', 'vcs-core:build', '--skip-nx-cache'], nxReleaseToolEnv());
    expect(`${build.stdout}${build.stderr}`).toMatch(
      /vcs-core 1\.1\.1\.dev1\+g[0-9a-f]+ is a development build .*HEAD does not carry its release tag vcs-core-v1\.1\.0/,
    );
    const publish = ws.runNx(['run', 'vcs-core:publish'], {
      ...nxReleaseToolEnv(),
      UV_PUBLISH_URL: index.url,
      UV_PUBLISH_CHECK_URL: index.simpleUrl,
      UV_PUBLISH_TOKEN: PUBLISH_TOKEN,
    });
    expect(`${publish.stdout}${publish.stderr}`).toContain(
      'HEAD is not its release (its release tag vcs-core-v1.1.0 is on another commit): nothing to publish in this run',
    );
    expect(fs.readdirSync(index.packagesDir).length).toBe(before);
  }, 300000);
});
