/**
 * Issue 13: the umbrella tag (`umbrellaTag: "py/v{version}"`) on real git, real uv and the
 * OpenAPI-checked GitHub fake: after the packages' tags, the uv root project's tag target makes one
 * more tag and Release per workspace release, with a version line of its own.
 */
import { logger } from '@nx/devkit';
import { releaseContext, type ReleaseRepo } from './__fixtures__/release-workspace';
import { MEMBERS, releaseRound, startGitHubReleaseRig, type GitHubReleaseRig } from './__fixtures__/github-release-rig';
import tagExecutor from '../executors/tag/executor';
import { captureLogger, type LogCapture } from '../executors/shared/__fixtures__/uv-workspace';
import { restoreEnvAfterAll } from '../testing/executor-context';
import type { FakeGitHub } from '../testing/github-fake';
import { inferProjects } from '../graph/projects';
import { resolveGraphOptions } from '../graph/plugin-options';
import { assertUmbrellaTagFormat, parseUmbrellaTag, planUmbrella } from './umbrella';
import { tagScheme } from './tag-scheme';

const REPO = 'octo-org/octo-repo';
const NX_JSON = { plugins: [{ plugin: 'nx-uv', options: { umbrellaTag: 'py/v{version}' } }] };

restoreEnvAfterAll();

describe('the umbrella tag, planned (pure)', () => {
  const scheme = tagScheme(undefined);
  const H = 'h'.repeat(40);
  const O = 'o'.repeat(40);
  const t = (name: string, commit: string) => ({ name, commit, annotated: true });

  it('first: the highest version released with it; later: the previous umbrella bumped by the highest level', () => {
    expect(planUmbrella('py/v{version}', scheme, [t('a-v1.0.0', H), t('b-v2.3.0', H)], H)).toMatchObject({ tag: 'py/v2.3.0', existing: false });
    const prior = [t('py/v2.3.0', O), t('a-v1.0.0', O), t('b-v2.3.0', O)];
    expect(planUmbrella('py/v{version}', scheme, [...prior, t('a-v1.0.1', H)], H)?.tag).toBe('py/v2.3.1');
    expect(planUmbrella('py/v{version}', scheme, [...prior, t('a-v1.0.1', H), t('b-v2.4.0', H)], H)?.tag).toBe('py/v2.4.0');
    expect(planUmbrella('py/v{version}', scheme, [...prior, t('a-v2.0.0', H)], H)?.tag).toBe('py/v3.0.0');
    expect(planUmbrella('py/v{version}', scheme, [...prior, t('c-v0.1.0', H)], H)?.tag).toBe('py/v2.4.0'); // a first release counts as minor
  });

  it('nothing released at HEAD: no umbrella; already at HEAD: the same one (a re-run)', () => {
    expect(planUmbrella('py/v{version}', scheme, [t('a-v1.0.0', O)], H)).toBeUndefined();
    expect(planUmbrella('py/v{version}', scheme, [t('a-v1.0.0', H), t('py/v7.0.0', H)], H)).toMatchObject({ tag: 'py/v7.0.0', existing: true });
  });

  it('the option is checked when the plugin loads', () => {
    expect(parseUmbrellaTag('py/v{version}', 'py/v1.2.0rc1')).toBe('1.2.0rc1');
    expect(parseUmbrellaTag('py/v{version}', 'core-v1.2.0')).toBeUndefined();
    expect(() => assertUmbrellaTagFormat('{name}-{version}')).toThrow(
      /umbrellaTag "\{name\}-\{version\}" \(nx.json\) must contain \{version\} once and no \{name\}/,
    );
    expect(() => assertUmbrellaTagFormat('-v{version}')).toThrow(/gives tags git refuses/);
    expect(() => resolveGraphOptions({ umbrellaTag: 'bad..{version}' })).toThrow(/umbrellaTag/);
  });

  it('the uv root project gets a tag target that runs after every package tag (params forwarded)', () => {
    const options = resolveGraphOptions({ umbrellaTag: 'py/v{version}' });
    const projects = inferProjects(
      {
        uvRoot: '.',
        members: [
          { name: 'a', distributionName: 'a', root: 'a', pyprojectPath: 'a/pyproject.toml', isWorkspaceRoot: false, isPackage: true },
          { name: 'b', distributionName: 'b', root: 'b', pyprojectPath: 'b/pyproject.toml', isWorkspaceRoot: false, isPackage: true, publish: false },
        ],
        virtualRoot: { name: '', distributionName: '', root: '.', pyprojectPath: 'pyproject.toml', isWorkspaceRoot: true, isPackage: false },
      },
      options,
      'default',
    );
    const root = projects.find((p) => p.root === '.')!;
    expect(root.config.targets?.tag).toMatchObject({ executor: 'nx-uv:tag', dependsOn: [{ target: 'tag', projects: ['a'], params: 'forward' }] });
    expect(projects.find((p) => p.root === 'a')!.config.targets?.tag?.dependsOn).toBeUndefined();
  });
});

describe('the umbrella tag py/v{version}, released three times', () => {
  let r: ReleaseRepo;
  let fake: FakeGitHub;
  let log: LogCapture;
  const context = (project: string) => releaseContext(r.repo.dir, project, NX_JSON);
  const release = (message: string) => releaseRound(r, context, message, [...MEMBERS, 'uv-workspace']);
  const umbrellas = () => r.repo.gitBare(['tag', '--list', 'py/*']).split('\n').filter(Boolean).sort();

  let rig: GitHubReleaseRig;
  beforeAll(async () => {
    rig = await startGitHubReleaseRig(REPO);
    ({ r, fake } = rig);
  });
  afterAll(() => rig.close());
  beforeEach(() => (log = captureLogger(logger)));
  afterEach(() => log.restore());

  it('first: core 1.3.0, mid 0.4.2, app 2.0.1 → py/v2.0.1 at HEAD, one Release listing the three', async () => {
    await release('chore(release): first');
    expect(log.error).toEqual([]);
    expect(umbrellas()).toEqual(['py/v2.0.1']);
    expect(r.repo.gitBare(['rev-parse', 'py/v2.0.1^{commit}'])).toBe(r.repo.head());
    const umbrella = fake.releases(REPO).find((x) => x.tagName === 'py/v2.0.1')!;
    expect(umbrella.name).toBe('py/v2.0.1');
    for (const line of ['## app 2.0.1', '## core 1.3.0', '## mid 0.4.2', 'Tag: core-v1.3.0']) expect(umbrella.body).toContain(line);
    expect(umbrella.body).not.toContain('## other');
    fake.assertNoErrors();
  });

  it('a re-run of the root tag target changes nothing', async () => {
    const before = fake.requests.filter((x) => x.method !== 'GET').length;
    expect((await tagExecutor({}, context('uv-workspace'))).success).toBe(true);
    expect(umbrellas()).toEqual(['py/v2.0.1']);
    expect(fake.requests.filter((x) => x.method !== 'GET').length).toBe(before);
  });

  it('second: a fix in mid (mid 0.4.3, app 2.0.2) → py/v2.0.2; third: a feat in other (0.2.0) → py/v2.1.0', async () => {
    r.repo.commit('fix(mid): trim', { 'py/packages/mid/src/mid/x.py': 'X = 1\n' });
    await release('chore(release): second');
    expect(umbrellas()).toEqual(['py/v2.0.1', 'py/v2.0.2']);
    r.repo.commit('feat(other): a feature', { 'py/packages/other/src/other/x.py': 'X = 1\n' });
    await release('chore(release): third');
    expect(umbrellas()).toEqual(['py/v2.0.1', 'py/v2.0.2', 'py/v2.1.0']);
    expect(fake.releases(REPO).find((x) => x.tagName === 'py/v2.1.0')!.body).toContain('## other 0.2.0');
    fake.assertNoErrors();
  });
});
