/**
 * Issue 13: a fixed (lockstep) group tagged `v{version}`, released twice on real git, real uv and the
 * OpenAPI-checked GitHub fake: the version executor gives every member one version, the lead's tag
 * target makes the one group tag and one GitHub Release listing every member, the other members make
 * none, and the second release finds the first group tag.
 */
import { logger } from '@nx/devkit';
import { releaseContext, type ReleaseRepo } from './__fixtures__/release-workspace';
import { MEMBERS, releaseRound, startGitHubReleaseRig, type GitHubReleaseRig } from './__fixtures__/github-release-rig';
import { planOptionsFor } from '../executors/release-plan/options';
import { captureLogger, type LogCapture } from '../executors/shared/__fixtures__/uv-workspace';
import { restoreEnvAfterAll } from '../testing/executor-context';
import type { FakeGitHub } from '../testing/github-fake';
import { loadUvWorkspace } from '../workspace';
import { computeWorkspacePlan } from './compute';

const REPO = 'octo-org/octo-repo';
const nxJsonWith = (extra: Record<string, unknown> = {}) => ({
  plugins: [{ plugin: 'nx-uv', options: { groups: { lib: { projects: ['core', 'mid', 'app'], relationship: 'fixed', tagFormat: 'v{version}', ...extra } } } }],
});
let NX_JSON = nxJsonWith();
const GROUP = ['app', 'core', 'mid'];

restoreEnvAfterAll();

describe('a fixed group tagged v{version}, released twice', () => {
  let r: ReleaseRepo;
  let fake: FakeGitHub;
  let log: LogCapture;
  const context = (project: string) => releaseContext(r.repo.dir, project, NX_JSON);
  const versions = () => Object.fromEntries(GROUP.map((n) => [n, /^version = ['"](.*)['"]/m.exec(r.read(`py/packages/${n}/pyproject.toml`))![1]]));
  const release = () => releaseRound(r, context, 'chore(release): lib', MEMBERS);

  let rig: GitHubReleaseRig;
  beforeAll(async () => {
    rig = await startGitHubReleaseRig(REPO);
    ({ r, fake } = rig);
  });
  afterAll(() => rig.close());
  beforeEach(() => (log = captureLogger(logger)));
  afterEach(() => log.restore());

  it('first release: every member at the group version (the highest, 2.0.0, bumped by the feat), one tag v2.1.0, one Release', async () => {
    await release();
    expect(log.error).toEqual([]);
    expect(versions()).toEqual({ app: '2.1.0', core: '2.1.0', mid: '2.1.0' });
    const tags = r.repo.gitBare(['tag', '--list']).split('\n').filter(Boolean).sort();
    expect(tags.filter((t) => t.startsWith('v'))).toEqual(['v2.1.0']);
    expect(tags.filter((t) => /^(core|mid|app)-v2/.test(t))).toEqual([]);
    const releases = fake.releases(REPO);
    expect(releases.map((x) => x.tagName)).toEqual(['v2.1.0']);
    expect(releases[0].name).toBe('lib 2.1.0');
    for (const n of GROUP) expect(releases[0].body).toContain(`## ${n} 2.1.0`);
    expect(log.info.join('\n')).toContain(
      'nx-uv tag: core 2.1.0 is released with fixed group lib: its tag v2.1.0 and GitHub Release are made by the tag target of app.',
    );
    fake.assertNoErrors();
  });

  it('second release: the plan starts from the group tag v2.1.0; a fix in mid moves all three to 2.1.1', async () => {
    r.repo.commit('fix(mid): handle empty input', { 'py/packages/mid/src/mid/x.py': 'X = 1\n' });
    r.repo.push();
    const ws = loadUvWorkspace(r.uvRoot);
    const { plan, history } = await computeWorkspacePlan(r.uvRoot, planOptionsFor({}, context('core'), ws));
    for (const n of GROUP) expect(history.releases[n]).toMatchObject({ tag: 'v2.1.0', version: '2.1.0' });
    expect(plan.packages.map((p) => [p.name, p.lastRelease, p.next])).toEqual([
      ['app', '2.1.0', '2.1.1'],
      ['core', '2.1.0', '2.1.1'],
      ['mid', '2.1.0', '2.1.1'],
    ]);
    await release();
    expect(versions()).toEqual({ app: '2.1.1', core: '2.1.1', mid: '2.1.1' });
    expect(r.repo.gitBare(['rev-parse', 'v2.1.1^{commit}'])).toBe(r.repo.head());
    expect(
      fake
        .releases(REPO)
        .map((x) => x.tagName)
        .sort(),
    ).toEqual(['v2.1.0', 'v2.1.1']);
    fake.assertNoErrors();
  });

  it('with packageTags: each member is also tagged <name>-v<version> beside the group tag, on the same commit; still one Release', async () => {
    NX_JSON = nxJsonWith({ packageTags: true });
    r.repo.commit('fix(core): trim', { 'py/packages/core/src/core/y.py': 'Y = 1\n' });
    r.repo.push();
    await release();
    expect(log.error).toEqual([]);
    const head = r.repo.head();
    for (const tag of ['v2.1.2', 'app-v2.1.2', 'core-v2.1.2', 'mid-v2.1.2']) {
      expect({ tag, commit: r.repo.gitBare(['rev-parse', `${tag}^{commit}`]) }).toEqual({ tag, commit: head });
    }
    expect(
      fake
        .releases(REPO)
        .map((x) => x.tagName)
        .sort(),
    ).toEqual(['v2.1.0', 'v2.1.1', 'v2.1.2']);
    // The next plan reads either kind of tag as the group's release.
    const ws = loadUvWorkspace(r.uvRoot);
    const { history } = await computeWorkspacePlan(r.uvRoot, planOptionsFor({}, context('core'), ws));
    for (const n of GROUP) expect(history.releases[n]).toMatchObject({ version: '2.1.2' });
    fake.assertNoErrors();
  });
});
