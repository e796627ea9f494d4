/**
 * Issue 12: a plugin ecosystem released end to end — a core whose extras list its 12 plugins, every
 * plugin requiring the core, two plugins naming each other through extras, one plugin requiring
 * another. Every release target used to be refused as a task cycle. Here the generated workflow runs
 * for real (prepare → merge → release → build → provenance → publish → provenance-assets, smoke
 * test, notify) against a bare remote, the GitHub fake and a loopback pypiserver, and the upload order
 * is checked: every runtime dependency is served before its dependents start uploading; the smoke
 * test installs all 13 released packages from the index and imports them. Then `nx release version` and `nx release publish --dry-run` run on
 * the same workspace.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startFakeGitHub, type FakeGitHub } from '../../../packages/nx-uv/src/testing/github-fake';
import {
  ECO_CORE,
  ECO_SAMPLE,
  ecoPluginName,
  ecosystemPackages,
  ecosystemRuntimeDependencies,
  pluginEcosystemFiles,
} from '../../../packages/nx-uv/src/testing/plugin-ecosystem';
import { startPypiServer, type PypiServer } from '../../../packages/nx-uv/src/testing/pypiserver';
import { makeTempDir } from '../../../packages/nx-uv/src/testing/tools';
import { createNxWorkspace, packPlugin, type NxWorkspace, type PackedPlugin } from './harness';
import { customIndexRunner, gitStatus as gitStatusOf, NX_RELEASE_CONFIG, nxReleaseToolEnv } from './runner-env';
import { indexContents, requiresDist, uploadRequests, wheelMetadata } from './python-index';
import { buildDigests, builtArtifact, buildJobCredentials, provenance, PROVENANCE_NAME, smokeTestImports } from './release-checks';
import { createBareRemote, type BareRemote } from './release-remote';
import { jobsThatRan, runWorkflow, type JobRun, type RunnerOptions, type WorkflowEvent } from './workflow-runner';

const REPOSITORY = 'acme/eco';
const GITHUB_TOKEN = 'ghs_e2eEcoRunToken0123456789abcd';
const PUBLISH_TOKEN = 'pypi-e2e-eco-upload-token-012345';
const PLUGINS = 12;
const PACKAGES = ecosystemPackages(PLUGINS);
const RUNTIME = ecosystemRuntimeDependencies(PLUGINS);
const tagOf = (name: string, version: string) => `${name}-v${version}`;
const dist = (name: string) => name.replace(/-/g, '_');
/** After `feat(core)` and `fix` in p05: the core gets a minor, every plugin (it requires the core) a patch. */
const NEXT: Record<string, string> = Object.fromEntries(PACKAGES.map((p) => [p, p === ECO_CORE ? '1.1.0' : '1.0.1']));

let packed: PackedPlugin;
let ws: NxWorkspace;
let tmp: { dir: string; cleanup: () => void };
let remote: BareRemote;
let github: FakeGitHub;
let index: PypiServer;
let runner: RunnerOptions;
let mergeCommit: string;
let releaseJobs: JobRun[];

const gitStatus = () => gitStatusOf(ws);

beforeAll(async () => {
  packed = packPlugin();
  tmp = makeTempDir('nx-uv-eco-e2e-');
  ws = createNxWorkspace({ files: pluginEcosystemFiles({ plugins: PLUGINS }), plugins: [], tarball: packed.tarball, uvLock: true });
  for (const name of PACKAGES) ws.git(['tag', '-a', '-m', `${name} 1.0.0`, tagOf(name, '1.0.0')]);
  index = await startPypiServer({ auth: { username: '__token__', password: PUBLISH_TOKEN } });
  ws.runUv(['build', '--all-packages', '--no-sources', '--quiet', '--out-dir', index.packagesDir]);
  // The last release never had the sample (it is kept from publishing).
  for (const f of fs.readdirSync(index.packagesDir)) if (f.startsWith(dist(ECO_SAMPLE))) fs.rmSync(path.join(index.packagesDir, f));

  ws.runNx(['g', 'nx-uv:init']);
  ws.runNx(['g', 'nx-uv:workflow', '--target=custom']);
  const nxJson = JSON.parse(ws.readFile('nx.json'));
  ws.writeFiles({ 'nx.json': JSON.stringify({ ...nxJson, release: NX_RELEASE_CONFIG }, null, 2) + '\n' });
  ws.git(['add', '--all']);
  ws.git(['commit', '--quiet', '--no-verify', '-m', 'ci: release with nx-uv']);
  ws.writeFiles({ [`core/src/${dist(ECO_CORE)}/__init__.py`]: '"""eco-core."""\nREGISTRY = {}\n' });
  ws.git(['commit', '--quiet', '--no-verify', '-am', 'feat(core): a plugin registry']);
  ws.writeFiles({ [`plugins/p05/src/${dist(ecoPluginName(5))}/__init__.py`]: '"""p05."""\nRETRIES = 3\n' });
  ws.git(['commit', '--quiet', '--no-verify', '-am', 'fix(p05): retry on timeouts']);

  remote = createBareRemote(ws, path.join(tmp.dir, 'origin.git'));
  ws.git(['push', '--quiet', '--set-upstream', 'origin', 'main', '--follow-tags']);
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

describe('the generated workflow on a plugin ecosystem', () => {
  it('prepare: the release PR releases the core (feat) and every plugin that requires it; extras raised in place', async () => {
    const jobs = await runWorkflow(runner, { name: 'push', sha: remote.branch('main')!, ref: 'refs/heads/main' });
    expect(jobsThatRan(jobs)).toEqual(['prepare']);
    const [pr] = github.pulls(REPOSITORY);
    expect(pr).toMatchObject({ state: 'open', head: 'nx-uv/release' });
    const head = remote.branch(pr.head)!;
    for (const name of PACKAGES) {
      const dir = name === ECO_CORE ? 'core' : `plugins/${name.slice(-3)}`;
      expect({ name, version: remote.show(head, `${dir}/pyproject.toml`)!.match(/^version = "(.*)"$/m)?.[1] }).toEqual({ name, version: NEXT[name] });
    }
    const core = remote.show(head, 'core/pyproject.toml')!;
    expect(core).toContain(`p05 = ["${ecoPluginName(5)}>=1.0.1"]  # the ${ecoPluginName(5)} plugin`);
    expect(remote.show(head, 'plugins/p03/pyproject.toml')).toContain(`dependencies = ["${ECO_CORE}>=1.1.0", "${ecoPluginName(1)}>=1.0.1"]`);

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
    const uploadsBefore = uploadRequests(index.logFile).length;
    const release = await runWorkflow(runner, event);
    releaseJobs = release;
    expect(jobsThatRan(release)).toEqual(['release', 'build', 'provenance', 'publish', 'provenance-assets', 'smoke-test', 'notify']);
    expect(uploadRequests(index.logFile).length - uploadsBefore).toBe(PACKAGES.length * 2);
    github.assertNoErrors();
  }, 600000);

  it('the sample ([tool.nx-uv] publish = false) was built, never versioned, tagged or uploaded', () => {
    // Built by the build job (its files are in the artifact), not by publish, which builds nothing.
    expect(builtArtifact(releaseJobs).files.filter((f) => f.startsWith('samples/') && f.endsWith('.whl'))).toEqual([
      `samples/chat/dist/${dist(ECO_SAMPLE)}-1.0.0-py3-none-any.whl`,
    ]);
    expect(Object.keys(indexContents(index.packagesDir)).filter((f) => f.startsWith(dist(ECO_SAMPLE)))).toEqual([]);
    expect(Object.keys(remote.tags()).filter((t) => t.startsWith(ECO_SAMPLE))).toEqual([]);
    expect(ws.readFile('samples/chat/pyproject.toml')).toContain('version = "1.0.0"');
    expect(github.pulls(REPOSITORY)[0].body).toMatch(
      new RegExp(`- ${ECO_SAMPLE}: excluded \\(\\[tool\\.nx-uv\\] publish = false in samples/chat/pyproject\\.toml\\)`),
    );
  });

  it('release: one tag and one GitHub Release per package, on the merge commit', () => {
    const tags = remote.tags();
    for (const name of PACKAGES) expect(tags[tagOf(name, NEXT[name])]).toEqual({ commit: mergeCommit, annotated: true });
    expect(
      github
        .releases(REPOSITORY)
        .map((r) => r.tagName)
        .sort(),
    ).toEqual(PACKAGES.map((n) => tagOf(n, NEXT[n])).sort());
  });

  it('publish: every runtime dependency was served before its dependents were uploaded', () => {
    const files = indexContents(index.packagesDir);
    const uploadedAt = (name: string) => {
      const own = Object.keys(files).filter((f) => f.startsWith(`${dist(name)}-${NEXT[name]}`));
      expect({ name, files: own.length }).toEqual({ name, files: 2 });
      return own.map((f) => fs.statSync(path.join(index.packagesDir, f)).mtimeMs);
    };
    for (const name of PACKAGES) {
      const first = Math.min(...uploadedAt(name));
      for (const dep of RUNTIME[name]) expect({ name, dep, before: Math.max(...uploadedAt(dep)) < first }).toEqual({ name, dep, before: true });
    }
  });

  it('build held no credential; the provenance names every built file and is on each GitHub Release', () => {
    expect(buildJobCredentials(releaseJobs, [GITHUB_TOKEN, PUBLISH_TOKEN])).toEqual([]);
    const digests = buildDigests(releaseJobs);
    const { bytes, statement } = provenance(releaseJobs);
    expect(statement.subject).toEqual(Object.entries(digests).map(([name, sha256]) => ({ name, digest: { sha256 } })));
    // Every released file on the index is one the provenance names, byte for byte.
    const served = indexContents(index.packagesDir);
    for (const name of PACKAGES) {
      for (const file of Object.keys(served).filter((f) => f.startsWith(`${dist(name)}-${NEXT[name]}`))) {
        expect({ file, named: statement.subject.some((s) => path.basename(s.name) === file && s.digest.sha256 === served[file]) }).toEqual({
          file,
          named: true,
        });
      }
    }
    const releases = github.releases(REPOSITORY);
    expect(releases).toHaveLength(PACKAGES.length);
    for (const release of releases) {
      expect({ tag: release.tagName, assets: release.assets.map((a) => [a.name, a.data.equals(bytes)]) }).toEqual({
        tag: release.tagName,
        assets: [[PROVENANCE_NAME, true]],
      });
    }
  });

  it('smoke test: every released package installed from the index and imported', () => {
    expect(smokeTestImports(releaseJobs)).toEqual(Object.fromEntries(PACKAGES.map((name) => [`${name}==${NEXT[name]}`, [dist(name)]])));
  });

  it('the core wheel pins every plugin exactly inside its extra; a plugin pins the core', () => {
    const core = requiresDist(wheelMetadata(path.join(index.packagesDir, `${dist(ECO_CORE)}-1.1.0-py3-none-any.whl`)));
    expect(core).toContain(`${ecoPluginName(5)}==1.0.1 ; extra == 'p05'`);
    expect(core.filter((r) => r.includes('extra =='))).toHaveLength(PLUGINS + 1);
    expect(core.filter((r) => /==1\.0\.1 ; extra == 'p\d\d'$/.test(r))).toHaveLength(PLUGINS);
    const p03 = requiresDist(wheelMetadata(path.join(index.packagesDir, `${dist(ecoPluginName(3))}-1.0.1-py3-none-any.whl`)));
    expect(p03.sort()).toEqual([`${ECO_CORE}==1.1.0`, `${ecoPluginName(1)}==1.0.1`]);
  });
});

describe('nx release on the same plugin ecosystem', () => {
  const toolEnv = nxReleaseToolEnv;

  it('nx release version bumps a plugin fix in PEP 440 (no task cycle), and publish --dry-run uploads nothing', () => {
    ws.writeFiles({ [`plugins/p07/src/${dist(ecoPluginName(7))}/__init__.py`]: '"""p07."""\nFIXED = True\n' });
    ws.git(['commit', '--quiet', '--no-verify', '-am', 'fix(p07): close the session']);
    const uploads = uploadRequests(index.logFile).length;
    const version = ws.runNx(['release', 'version', '--projects', ecoPluginName(7)], toolEnv());
    expect(`${version.stdout}${version.stderr}`).toMatch(new RegExp(`${ecoPluginName(7)}.*1\\.0\\.2`));
    expect(ws.readFile('plugins/p07/pyproject.toml')).toContain('version = "1.0.2"');
    expect(ws.git(['tag', '--points-at', 'HEAD']).stdout).toContain(tagOf(ecoPluginName(7), '1.0.2'));
    expect(gitStatus()).toBe('');

    // Every package (no --projects: with a filter Nx skips the builds): ordered by runtime dependencies.
    const publish = ws.runNx(['release', 'publish', '--dry-run'], toolEnv());
    const out = `${publish.stdout}${publish.stderr}`;
    expect(out).not.toMatch(/circular dependency/);
    for (const name of PACKAGES) expect(out).toContain(`nx run ${name}:nx-release-publish`);
    expect(fs.readdirSync(path.join(ws.root, 'plugins/p07/dist')).sort()).toContain(`${dist(ecoPluginName(7))}-1.0.2.tar.gz`);
    expect(uploadRequests(index.logFile).length).toBe(uploads);
    expect(gitStatus()).toBe('');
  }, 300000);
});
