/**
 * Issue 12: versions derived from git tags. The planner bumps them from their tags (or, never tagged,
 * from the plugin's fallback), writes no version for them, and the release version the tag, pin,
 * build and publish targets use is the changelog's planned one until its tag exists.
 */
import { planFileEdits } from './apply';
import { tagScheme } from './tag-scheme';
import { newestChangelogVersion, vcsBuildEnv, vcsReleaseOf } from './vcs-version';
import { planMembersFromWorkspace, planRelease } from '../versioning';
import type { Member, UvWorkspace } from '../workspace';

const HEAD = 'h'.repeat(40);
const OLD = 'o'.repeat(40);
const scheme = tagScheme(undefined);

function member(name: string, version: Member['version'], dependencies: Member['dependencies'] = []): Member {
  return { name, distributionName: name, root: `packages/${name}`, pyprojectPath: `packages/${name}/pyproject.toml`, isWorkspaceRoot: false, isPackage: true, version, dependencies } as Member;
}
const core = member('core', { kind: 'vcs', plugin: 'hatch-vcs', file: 'packages/core/pyproject.toml', fallback: '0.0.0' });
const ws = { absRoot: '/ws', members: [core] } as unknown as UvWorkspace;
const commit = (hash: string, subject: string) => ({ commit: { hash: hash.padEnd(40, '0'), subject, body: '', parents: 1 }, members: ['core'] });

describe('the plan of a member whose version comes from git tags', () => {
  it('bumps from its last release tag, and writes only its changelog (no version file)', () => {
    const members = planMembersFromWorkspace(ws, { core: '1.2.0' });
    expect(members[0]).toMatchObject({ version: '1.2.0', versionFromTags: true, versionFile: 'its git tags (hatch-vcs)' });
    const plan = planRelease({ members, lastReleases: { core: '1.2.0' }, commits: [commit('a1', 'feat: hooks')] });
    expect(plan.packages).toMatchObject([{ name: 'core', current: '1.2.0', next: '1.3.0', action: 'release' }]);
    const edits = planFileEdits(ws, plan, () => '', { date: '2026-12-06' });
    expect(edits.map((e) => e.file)).toEqual(['packages/core/CHANGELOG.md']);
    expect(edits[0].after).toMatch(/^## 1\.3\.0 \(2026-12-06\)/m);
  });

  it('never tagged: the first release is its fallback bumped by its commits (not the fallback itself)', () => {
    const members = planMembersFromWorkspace(ws, {});
    expect(members[0].version).toBe('0.0.0');
    const plan = planRelease({ members, lastReleases: {}, commits: [commit('a1', 'feat: first feature')] });
    expect(plan.packages).toMatchObject([{ name: 'core', current: '0.0.0', next: '0.1.0', lastRelease: null }]);
    expect(plan.notes).toContain('core: no release tag yet; its version comes from its git tags (hatch-vcs), so its first release is 0.0.0 bumped by its commits');
    const none = planRelease({ members, lastReleases: {}, commits: [commit('a2', 'chore: tidy')] });
    expect(none.packages).toEqual([]);
    expect(none.skipped).toEqual([{ name: 'core', reason: '1 commit since the start of its history, none releasable (no feat, fix, perf or breaking change)' }]);
  });
});

describe('the release version (pure)', () => {
  const changelog = '# Changelog\n\n## 1.3.0 (2026-12-06)\n\n- hooks\n\n## 1.2.0 (2026-11-01)\n';
  const last = { tag: 'core-v1.2.0', version: '1.2.0', commit: OLD };

  it('reads the newest changelog version', () => {
    expect(newestChangelogVersion(changelog)).toBe('1.3.0');
    expect(newestChangelogVersion('# Changelog\n\n## Unreleased\n\n## v2.0.0rc1\n')).toBe('2.0.0rc1');
    expect(newestChangelogVersion(undefined)).toBeUndefined();
  });

  it('planned and not tagged yet: the changelog version and the tag to make', () => {
    expect(vcsReleaseOf('core', changelog, last, [{ name: 'core-v1.2.0', commit: OLD, annotated: true }], HEAD, scheme)).toEqual({
      version: '1.3.0',
      tag: 'core-v1.3.0',
      tagged: false,
      atHead: false,
      from: 'changelog',
    });
  });

  it('tagged at HEAD: a release build; tagged elsewhere: not', () => {
    const tags = [{ name: 'core-v1.3.0', commit: HEAD, annotated: true }];
    expect(vcsReleaseOf('core', changelog, { tag: 'core-v1.3.0', version: '1.3.0', commit: HEAD }, tags, HEAD, scheme)).toMatchObject({ version: '1.3.0', atHead: true, from: 'tag' });
    expect(vcsReleaseOf('core', changelog, { tag: 'core-v1.3.0', version: '1.3.0', commit: OLD }, tags, HEAD, scheme)).toMatchObject({ atHead: false, tagged: true });
  });

  it('a changelog behind the tags does not win; no tag and no changelog: no release', () => {
    expect(vcsReleaseOf('core', '## 1.0.0\n', last, [], HEAD, scheme)).toMatchObject({ version: '1.2.0', from: 'tag' });
    expect(vcsReleaseOf('core', undefined, undefined, [], HEAD, scheme)).toBeUndefined();
  });

  it('the build overrides the plugins only at the release tag', () => {
    const release = { version: '1.3.0', tag: 'core-v1.3.0', tagged: true, atHead: true, from: 'tag' as const };
    expect(vcsBuildEnv(core, release)).toEqual({
      SETUPTOOLS_SCM_PRETEND_VERSION: '1.3.0',
      SETUPTOOLS_SCM_PRETEND_VERSION_FOR_CORE: '1.3.0',
      UV_DYNAMIC_VERSIONING_BYPASS: '1.3.0',
      POETRY_DYNAMIC_VERSIONING_BYPASS: '1.3.0',
      PDM_BUILD_SCM_VERSION: '1.3.0',
    });
    expect(vcsBuildEnv(core, { ...release, atHead: false })).toEqual({});
    expect(vcsBuildEnv(member('s', { kind: 'static', version: '1.0.0', file: 'x' }), release)).toEqual({});
  });
});
