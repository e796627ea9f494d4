// The phases of planRelease on their own. plan.spec.ts pins what they make together; this pins what
// each promises to the next: what it reads, what it returns, and that it leaves its inputs as they are.
import { dep } from './__fixtures__/requirement';
import { classifyCommit } from './commits';
import { planOptionsRecord, unconventionalNote } from './plan-assemble';
import { readPlanInput, resolveOptions } from './plan-input';
import { levelFromCommits, planOwnReleases, withoutBump } from './plan-own-releases';
import { propagateReleases } from './plan-propagate';
import { requirementUpdates } from './plan-requirements';
import type { State } from './plan-state';
import type { PlanInput, PlanMember, PlanOptions } from './plan-types';
import { nextVersionOf, nextVersions, shareFixedGroupVersions, VersionedState } from './plan-versions';

function commit(hash: string, message: string) {
  const [subject, ...rest] = message.split('\n');
  return { hash: hash.padEnd(40, '0'), subject, body: rest.join('\n').replace(/^\n/, ''), parents: 1 };
}
function member(name: string, version: string | undefined, deps: PlanMember['dependencies'] = [], extra: Partial<PlanMember> = {}): PlanMember {
  return { name, ...(version === undefined ? {} : { version }), isPackage: true, dependencies: deps, ...extra };
}
function context(members: PlanMember[], options: PlanOptions = {}, lastReleases: PlanInput['lastReleases'] = {}, commits: PlanInput['commits'] = []) {
  return readPlanInput({ members, lastReleases, commits, options });
}
function state(m: PlanMember, over: Partial<State> = {}): State {
  return { member: m, kind: 'bump', base: m.version!, level: 'none', reasons: [], commits: [], causes: new Set(), ...over };
}
function versioned(m: PlanMember, next: string, over: Partial<VersionedState> = {}): VersionedState {
  return { ...state(m), next, action: 'release', ...over };
}
const AUTO = resolveOptions({});

describe('readPlanInput', () => {
  it('indexes members, last releases and commits by normalised name, in PEP 440 normal form', () => {
    const { ctx, notes } = context([member('Pkg_A', '1.0'), member('pkg-b', '2.0.0')], { releaseAs: { PKG_A: '3.0.0' } }, { 'PKG.a': '1.0', 'pkg-b': '' }, [
      { commit: commit('aaa1111', 'fix: x'), members: ['pkg_a', 'Pkg-A'] },
    ]);
    expect([...ctx.members.keys()]).toEqual(['pkg-a', 'pkg-b']);
    expect(ctx.members.get('pkg-a')!.name).toBe('pkg-a');
    expect([...ctx.lastRelease]).toEqual([['pkg-a', '1.0']]);
    expect(ctx.commitsOf.get('pkg-a')!.map((c) => c.subject)).toEqual(['fix: x']);
    expect(ctx.releaseAs).toEqual({ PKG_A: '3.0.0' });
    expect(ctx.group).toBeUndefined();
    expect(notes).toEqual([]);
  });

  it('selects a group (noting its non-packages) and keeps only released packages in fixed groups', () => {
    const members = [member('a', '1.0.0'), member('b', '1.0.0', [], { isPackage: false }), member('c', '1.0.0')];
    const { ctx, notes } = context(members, {
      group: { name: 'g', projects: ['A', 'b'] },
      excluded: { C: 'publish = false' },
      fixedGroups: [{ name: 'f', projects: ['a', 'b', 'c'] }],
    });
    expect(ctx.group).toEqual({ name: 'g', members: new Set(['a', 'b']) });
    expect(notes).toEqual(['b in group g is not a package (package = false): never released']);
    expect([...ctx.excluded]).toEqual([['c', 'publish = false']]);
    expect([...ctx.fixedGroupOf]).toEqual([['a', { name: 'f', members: ['a'] }]]);
  });

  it('refuses a member listed twice, an unknown group member and a commit on a non-member', () => {
    expect(() => context([member('a', '1.0.0'), member('A', '1.0.0')])).toThrow('member "A" is listed twice');
    expect(() => context([member('a', '1.0.0')], { group: { name: 'g', projects: ['x'] } })).toThrow('release group "g" lists "x"');
    expect(() => context([member('a', '1.0.0')], {}, {}, [{ commit: commit('bbb2222', 'fix: y'), members: ['x'] }])).toThrow(
      'commit bbb2222 is mapped to "x", which is not a member',
    );
  });
});

describe('planOwnReleases', () => {
  it('visits selected packages in name order and says why each one is skipped', () => {
    const { ctx } = context(
      [member('zz', '1.0.0'), member('aa', '1.0.0'), member('mm', '1.0.0'), member('ex', '1.0.0')],
      { excluded: { ex: 'bumpExclude' } },
      { zz: '1.0.0', aa: '1.0.0', mm: '1.0.0', ex: '1.0.0' },
      [
        { commit: commit('ccc3333', 'feat: new'), members: ['zz'] },
        { commit: commit('ddd4444', 'docs: words'), members: ['mm'] },
      ],
    );
    const own = planOwnReleases(ctx);
    expect([...own.states.keys()]).toEqual(['zz']);
    expect(own.states.get('zz')).toMatchObject({ kind: 'bump', base: '1.0.0', level: 'minor', reasons: ['feat: new (ccc3333)'] });
    expect(own.skipped).toEqual([
      { name: 'aa', reason: 'no commits since 1.0.0' },
      { name: 'ex', reason: 'excluded (bumpExclude): never versioned, tagged or published' },
      { name: 'mm', reason: '1 commit since 1.0.0, none releasable (no feat, fix, perf or breaking change)' },
    ]);
  });
});

describe('levelFromCommits', () => {
  const feat = classifyCommit(commit('eee5555', 'feat: a'));
  const fix = classifyCommit(commit('fff6666', 'fix: b'));
  const chore = classifyCommit(commit('abc7777', 'chore: c'));

  it('auto: the largest level, the deciding commit first', () => {
    expect(levelFromCommits(AUTO, '1.0.0', [fix, feat, chore], '1.0.0')).toEqual({ level: 'minor', reasons: ['feat: a (eee5555)', 'fix: b (fff6666)'] });
  });
  it('a bumpType applies to any commit; force gives at least a patch', () => {
    expect(levelFromCommits(resolveOptions({ bumpType: 'major' }), '1.0.0', [chore], '1.0.0')).toEqual({
      level: 'major',
      reasons: ['bumpType major requested; 1 commit since 1.0.0'],
    });
    expect(levelFromCommits(resolveOptions({ force: true }), '1.0.0', [chore], '1.0.0')).toEqual({ level: 'patch', reasons: ['forced (patch)'] });
    expect(levelFromCommits(AUTO, '1.0.0', [chore], '1.0.0')).toEqual({ level: 'none', reasons: [] });
  });
});

describe('withoutBump', () => {
  it('graduates a pre-release, moves it to a later phase, or skips it', () => {
    expect(withoutBump(AUTO, '2.0.0rc1', 0, '2.0.0b1')).toEqual({ reason: 'graduates the pre-release 2.0.0rc1' });
    expect(withoutBump(resolveOptions({ prerelease: 'rc' }), '2.0.0b1', 0, '2.0.0b1')).toEqual({ reason: 'moves 2.0.0b1 to the rc phase' });
    expect(withoutBump(resolveOptions({ prerelease: 'beta' }), '2.0.0b1', 0, '2.0.0b1')).toEqual({ skipped: 'no releasable commits since 2.0.0b1' });
    expect(withoutBump(AUTO, '2.0.0', 2, 'the start of its history')).toEqual({
      skipped: '2 commits since the start of its history, none releasable (no feat, fix, perf or breaking change)',
    });
  });
});

describe('propagateReleases', () => {
  it('releases dependents and fixed groups in new states, leaving the own releases as they were', () => {
    const core = member('core', '1.0.0');
    const app = member('app', '1.0.0', [dep('core>=1.0')]);
    const twin = member('twin', '1.0.0');
    const { ctx } = context([core, app, twin], { fixedGroups: [{ name: 'f', projects: ['app', 'twin'] }] }, { core: '1.0.0', app: '1.0.0', twin: '1.0.0' });
    const own = new Map([['core', state(core, { level: 'minor' })]]);
    const { states, notes } = propagateReleases(ctx, own);
    expect([...states.keys()]).toEqual(['core', 'app', 'twin']);
    expect(states.get('app')).toMatchObject({ level: 'patch', causes: new Set(['core']) });
    expect(states.get('twin')).toMatchObject({ level: 'patch', reasons: ['released with fixed group f'] });
    expect(notes).toEqual([]);
    expect([...own.keys()]).toEqual(['core']);
    expect(own.get('core')!.causes).toEqual(new Set());
  });

  it('says why a dependent is not bumped', () => {
    const core = member('core', '1.0.0');
    const app = member('app', '1.0.0', [dep('core>=1.0')]);
    const { ctx } = context([core, app], { dependentBump: 'none' }, { core: '1.0.0', app: '1.0.0' });
    const { states, notes } = propagateReleases(ctx, new Map([['core', state(core, { level: 'patch' })]]));
    expect([...states.keys()]).toEqual(['core']);
    expect(notes).toEqual(['app depends on core (project.dependencies) but dependentBump is none: app is not bumped']);
  });
});

describe('nextVersions and shareFixedGroupVersions', () => {
  it('computes each next version and notes a pre-release request that does not apply', () => {
    const a = member('a', '1.0.0');
    const b = member('b', '0.3.0');
    const states = new Map([
      ['a', state(a, { level: 'minor' })],
      ['b', state(b, { kind: 'first-release' })],
    ]);
    const { versions, notes } = nextVersions(resolveOptions({ prerelease: 'rc' }), states);
    expect([...versions.values()].map((s) => [s.member.name, s.next, s.action])).toEqual([
      ['a', '1.1.0rc1', 'prerelease-start'],
      ['b', '0.3.0', 'first-release'],
    ]);
    expect(notes).toEqual(['b is released as 0.3.0 (first release): the pre-release request does not apply to it']);
  });

  it('refuses a local label and turns a version error into a plan error', () => {
    expect(() => nextVersionOf(AUTO, state(member('a', '1.0.0+dev'), { kind: 'as-set' }))).toThrow(
      'package a: version 1.0.0+dev has a local label (+dev); package indexes reject local versions: remove it from pyproject.toml',
    );
    expect(nextVersionOf(AUTO, state(member('a', '1.0.0'), { releaseAs: '7.0.0' }))).toEqual({ next: '7.0.0', action: 'release' });
  });

  it('gives a fixed group its highest next version in new states', () => {
    const a = member('a', '1.0.0');
    const b = member('b', '1.4.0');
    const input = new Map([
      ['a', versioned(a, '1.1.0')],
      ['b', versioned(b, '1.4.0', { kind: 'as-set', action: 'as-set' })],
    ]);
    const group = { name: 'f', members: ['a', 'b'] };
    const out = shareFixedGroupVersions(
      new Map([
        ['a', group],
        ['b', group],
      ]),
      input,
    );
    expect(out.get('a')).toMatchObject({ next: '1.4.0', action: 'release', reasons: ['fixed group f releases 1.4.0'] });
    expect(out.get('b')).toBe(input.get('b'));
    expect(input.get('a')).toMatchObject({ next: '1.1.0', reasons: [] });
  });
});

describe('requirementUpdates', () => {
  it('raises requirements on new versions, keeps those that admit a first release, and skips locked ones', () => {
    const core = member('core', '1.0.0');
    const fresh = member('fresh', '0.1.0');
    const app = member('app', '1.0.0', [dep('core==1.0.0'), dep('fresh>=0.1'), { ...dep('core>=1', 'optional'), locked: true }], {
      pyprojectPath: 'app/pyproject.toml',
    });
    const { ctx } = context([core, fresh, app]);
    const versions = new Map([
      ['core', versioned(core, '1.1.0')],
      ['fresh', versioned(fresh, '0.1.0', { kind: 'first-release', action: 'first-release' })],
    ]);
    expect(requirementUpdates(ctx.members, versions)).toEqual([
      {
        member: 'app',
        pyprojectPath: 'app/pyproject.toml',
        section: 'project.dependencies',
        kind: 'runtime',
        dependency: 'core',
        from: 'core==1.0.0',
        to: 'core==1.1.0',
      },
    ]);
  });
});

describe('plan value', () => {
  it('has no note when every commit is conventional', () => {
    expect(unconventionalNote([])).toBeUndefined();
  });
  it('records the options as resolved', () => {
    expect(planOptionsRecord(resolveOptions({ prerelease: 'rc.2', force: true }), 'g')).toEqual({
      bumpType: 'auto',
      prerelease: 'rc.2',
      force: true,
      group: 'g',
      dependentBump: 'patch',
      zeroMajorPolicy: 'features-minor',
    });
  });
});
