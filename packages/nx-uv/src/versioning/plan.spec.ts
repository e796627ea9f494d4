import type { UvWorkspace } from '../workspace/types';
import { dep } from './__fixtures__/requirement';
import { CommitInput } from './commits';
import { MappedCommit, planMembersFromWorkspace, PlanMember, planRelease, PlanOptions, ReleasePlan } from './plan';

function commit(hash: string, message: string, parents = 1): CommitInput {
  const [subject, ...rest] = message.split('\n');
  return { hash: hash.padEnd(40, '0'), subject, body: rest.join('\n').replace(/^\n/, ''), parents };
}
function on(members: string[], hash: string, message: string, parents = 1): MappedCommit {
  return { commit: commit(hash, message, parents), members };
}

/** core ← mid ← top ← app (package = false); tool has core in a dependency group; new was never released. */
function members(versions: Partial<Record<string, string>> = {}): PlanMember[] {
  return [
    { name: '', isPackage: false, dependencies: [dep('pkg-core==1.2.0', 'group')], pyprojectPath: 'pyproject.toml' },
    { name: 'pkg-core', version: versions['pkg-core'] ?? '1.2.0', isPackage: true, dependencies: [], pyprojectPath: 'packages/core/pyproject.toml' },
    {
      name: 'pkg-mid',
      version: versions['pkg-mid'] ?? '1.0.0',
      isPackage: true,
      dependencies: [dep('pkg-core>=1.2')],
      pyprojectPath: 'packages/mid/pyproject.toml',
    },
    {
      name: 'pkg-top',
      version: versions['pkg-top'] ?? '2.1.0',
      isPackage: true,
      dependencies: [dep('pkg-mid[fast]==1.0.0 ; python_version >= "3.10"', 'optional')],
      pyprojectPath: 'packages/top/pyproject.toml',
    },
    { name: 'app', version: '0.0.0', isPackage: false, dependencies: [dep('pkg-top~=2.1')], pyprojectPath: 'apps/app/pyproject.toml' },
    {
      name: 'pkg-tool',
      version: versions['pkg-tool'] ?? '0.5.0',
      isPackage: true,
      dependencies: [dep('pkg-core>=1.0', 'group')],
      pyprojectPath: 'packages/tool/pyproject.toml',
    },
    { name: 'pkg-new', version: versions['pkg-new'] ?? '0.1.0', isPackage: true, dependencies: [], pyprojectPath: 'packages/new/pyproject.toml' },
  ];
}
const TAGGED = { 'pkg-core': '1.2.0', 'pkg-mid': '1.0.0', 'pkg-top': '2.1.0', 'pkg-tool': '0.5.0' };

function plan(commits: MappedCommit[], options: PlanOptions = {}, versions = {}, lastReleases: Record<string, string | undefined> = TAGGED): ReleasePlan {
  return planRelease({ members: members(versions), lastReleases, commits, options });
}
function versionsOf(p: ReleasePlan): Record<string, string> {
  return Object.fromEntries(p.packages.map((x) => [x.name, x.next]));
}

describe('planRelease', () => {
  it('releases a feat, propagates through three levels, and rewrites requirements in their own style', () => {
    const p = plan([on(['pkg-core'], 'aaa1111', 'feat(api): add x')]);
    expect(versionsOf(p)).toEqual({ 'pkg-core': '1.3.0', 'pkg-mid': '1.0.1', 'pkg-new': '0.1.0', 'pkg-top': '2.1.1' });
    const core = p.packages.find((x) => x.name === 'pkg-core')!;
    expect(core).toMatchObject({ current: '1.2.0', lastRelease: '1.2.0', bump: 'minor', action: 'release', prerelease: false });
    expect(core.reasons).toEqual(['feat(api): add x (aaa1111)']);
    expect(core.commits).toEqual([
      { hash: 'aaa1111'.padEnd(40, '0'), subject: 'feat(api): add x', type: 'feat', scope: 'api', description: 'add x', breaking: false, breakingNotes: [] },
    ]);
    expect(p.packages.find((x) => x.name === 'pkg-mid')!.reasons).toEqual(['dependency pkg-core 1.2.0 → 1.3.0']);
    expect(p.packages.find((x) => x.name === 'pkg-top')).toMatchObject({
      bump: 'patch',
      reasons: ['dependency pkg-mid 1.0.0 → 1.0.1'],
      dependencyUpdates: [{ name: 'pkg-mid', from: '1.0.0', to: '1.0.1' }],
    });
    expect(p.packages.find((x) => x.name === 'pkg-new')).toMatchObject({ action: 'first-release', bump: 'none', lastRelease: null });
    expect(p.requirementUpdates).toEqual([
      {
        member: '',
        pyprojectPath: 'pyproject.toml',
        section: 'dependency-groups.dev',
        kind: 'group',
        dependency: 'pkg-core',
        from: 'pkg-core==1.2.0',
        to: 'pkg-core==1.3.0',
      },
      // app's pkg-top~=2.1 already admits 2.1.1 in its own style: unchanged.
      {
        member: 'pkg-mid',
        pyprojectPath: 'packages/mid/pyproject.toml',
        section: 'project.dependencies',
        kind: 'runtime',
        dependency: 'pkg-core',
        from: 'pkg-core>=1.2',
        to: 'pkg-core>=1.3.0',
      },
      {
        member: 'pkg-tool',
        pyprojectPath: 'packages/tool/pyproject.toml',
        section: 'dependency-groups.dev',
        kind: 'group',
        dependency: 'pkg-core',
        from: 'pkg-core>=1.0',
        to: 'pkg-core>=1.3.0',
      },
      {
        member: 'pkg-top',
        pyprojectPath: 'packages/top/pyproject.toml',
        section: 'project.optional-dependencies.extra',
        kind: 'optional',
        dependency: 'pkg-mid',
        from: 'pkg-mid[fast]==1.0.0 ; python_version >= "3.10"',
        to: 'pkg-mid[fast]==1.0.1 ; python_version >= "3.10"',
      },
    ]);
    // Dependency groups never force a release: pkg-tool only gets its requirement updated.
    expect(p.skipped).toEqual([{ name: 'pkg-tool', reason: 'no commits since 0.5.0' }]);
  });

  describe('a plugin ecosystem: the core lists its plugins in extras, each plugin requires the core', () => {
    const eco = (coreExtra = 'eco-a>=1.0'): PlanMember[] => [
      {
        name: 'eco-core',
        version: '1.4.0',
        isPackage: true,
        dependencies: [dep(coreExtra, 'optional'), dep('eco-b>=1.0', 'optional')],
        pyprojectPath: 'core/pyproject.toml',
      },
      { name: 'eco-a', version: '1.0.0', isPackage: true, dependencies: [dep('eco-core>=1.0')], pyprojectPath: 'plugins/a/pyproject.toml' },
      { name: 'eco-b', version: '1.1.0', isPackage: true, dependencies: [dep('eco-core>=1.0')], pyprojectPath: 'plugins/b/pyproject.toml' },
    ];
    const last = { 'eco-core': '1.4.0', 'eco-a': '1.0.0', 'eco-b': '1.1.0' };
    const planEco = (commits: MappedCommit[], coreExtra?: string) => planRelease({ members: eco(coreExtra), lastReleases: last, commits });

    it('a plugin fix releases the plugin alone; the core extra is raised but the core is not released for it', () => {
      const p = planEco([on(['eco-a'], 'eee1111', 'fix: retry')]);
      expect(versionsOf(p)).toEqual({ 'eco-a': '1.0.1' });
      expect(p.requirementUpdates).toEqual([
        {
          member: 'eco-core',
          pyprojectPath: 'core/pyproject.toml',
          section: 'project.optional-dependencies.extra',
          kind: 'optional',
          dependency: 'eco-a',
          from: 'eco-a>=1.0',
          to: 'eco-a>=1.0.1',
        },
      ]);
      expect(p.notes).toContain(
        'eco-core names eco-a in an extra (project.optional-dependencies.extra) that admits 1.0.1: the requirement is raised, but eco-core is not released for it',
      );
    });

    it('a core feat releases the core and every plugin that requires it (no cycle through the extras)', () => {
      const p = planEco([on(['eco-core'], 'eee2222', 'feat: new hook')]);
      expect(versionsOf(p)).toEqual({ 'eco-core': '1.5.0', 'eco-a': '1.0.1', 'eco-b': '1.1.1' });
    });

    it('an extra that no longer admits the new plugin version releases the core too', () => {
      const p = planEco([on(['eco-a'], 'eee3333', 'feat!: new api')], 'eco-a>=1.0,<2');
      expect(versionsOf(p)).toEqual({ 'eco-a': '2.0.0', 'eco-core': '1.4.1', 'eco-b': '1.1.1' });
      expect(p.requirementUpdates.find((u) => u.member === 'eco-core' && u.dependency === 'eco-a')?.to).toBe('eco-a>=2.0.0,<3');
    });
  });

  it('sees a BREAKING CHANGE footer (not just the subject) and applies the 0.x policy', () => {
    const commits = [
      on(['pkg-tool'], 'bbb2222', 'fix: rename flag\n\nBREAKING CHANGE: --old is gone'),
      on(['pkg-core'], 'ccc3333', 'feat: y\n\nBREAKING-CHANGE: z'),
    ];
    const cargo = plan(commits);
    expect(versionsOf(cargo)).toMatchObject({ 'pkg-tool': '0.6.0', 'pkg-core': '2.0.0' });
    expect(cargo.packages.find((x) => x.name === 'pkg-tool')!.reasons).toEqual(['fix: rename flag [BREAKING CHANGE] (bbb2222)']);
    expect(versionsOf(plan(commits, { zeroMajorPolicy: 'semver' }))['pkg-tool']).toBe('1.0.0');
    const feat = [on(['pkg-tool'], 'ddd4444', 'feat: new')];
    // The default: a feat on 0.x is a minor bump; the cargo rule stays available.
    expect(versionsOf(plan(feat))['pkg-tool']).toBe('0.6.0');
    expect(versionsOf(plan(feat, { zeroMajorPolicy: 'cargo' }))['pkg-tool']).toBe('0.5.1');
    expect(versionsOf(plan(feat, { zeroMajorPolicy: 'features-minor' }))['pkg-tool']).toBe('0.6.0');
    expect(versionsOf(plan([on(['pkg-tool'], 'eee5555', 'refactor!: drop py3.9')]))['pkg-tool']).toBe('0.6.0');
  });

  it('continues a pre-release series, and dependents join it', () => {
    const p = plan([on(['pkg-core'], 'fff6666', 'fix: y')], { prerelease: 'rc.1' }, { 'pkg-core': '1.3.0rc1' }, { ...TAGGED, 'pkg-core': '1.3.0rc1' });
    expect(versionsOf(p)).toMatchObject({ 'pkg-core': '1.3.0rc2', 'pkg-mid': '1.0.1rc1', 'pkg-top': '2.1.1rc1' });
    expect(p.packages.find((x) => x.name === 'pkg-core')).toMatchObject({ action: 'prerelease-continue', prerelease: true });
    expect(p.options.prerelease).toBe('rc.1');
    expect(p.notes).toContain('pkg-new is released as 0.1.0 (first release): the pre-release request does not apply to it');
  });

  it('starts a new series when a change needs a bigger bump than the series covers', () => {
    const p = plan([on(['pkg-core'], 'abc0001', 'feat!: new api')], { prerelease: 'rc' }, { 'pkg-core': '1.3.0rc2' }, { ...TAGGED, 'pkg-core': '1.3.0rc2' });
    expect(versionsOf(p)['pkg-core']).toBe('2.0.0rc1');
  });

  it('graduates a pre-release without new commits when no pre-release is asked for', () => {
    const p = plan([], {}, { 'pkg-core': '1.3.0rc2' }, { ...TAGGED, 'pkg-core': '1.3.0rc2' });
    expect(p.packages.find((x) => x.name === 'pkg-core')).toMatchObject({ next: '1.3.0', action: 'graduate', reasons: ['graduates the pre-release 1.3.0rc2'] });
    expect(versionsOf(p)).toMatchObject({ 'pkg-mid': '1.0.1', 'pkg-top': '2.1.1' });
    expect(p.requirementUpdates.find((u) => u.member === 'pkg-mid')!.to).toBe('pkg-core>=1.3.0');
  });

  it('moves a series up a phase without new commits, but does not repeat the same phase', () => {
    const last = { ...TAGGED, 'pkg-core': '1.3.0b2' };
    expect(versionsOf(plan([], { prerelease: 'rc' }, { 'pkg-core': '1.3.0b2' }, last))['pkg-core']).toBe('1.3.0rc1');
    const same = plan([], { prerelease: 'beta' }, { 'pkg-core': '1.3.0b2' }, last);
    expect(versionsOf(same)['pkg-core']).toBeUndefined();
    expect(same.skipped).toContainEqual({ name: 'pkg-core', reason: 'no releasable commits since 1.3.0b2' });
  });

  it('refuses to move a series down a phase', () => {
    expect(() =>
      plan([on(['pkg-core'], 'abc0002', 'fix: x')], { prerelease: 'alpha' }, { 'pkg-core': '1.3.0rc2' }, { ...TAGGED, 'pkg-core': '1.3.0rc2' }),
    ).toThrow(/package pkg-core: cannot go from rc back to alpha/);
  });

  it('bumpType overrides the commits, for packages with any commit', () => {
    const p = plan([on(['pkg-core'], 'abc0003', 'chore: tidy'), on(['pkg-tool'], 'abc0004', 'Update things')], { bumpType: 'minor' });
    expect(versionsOf(p)).toMatchObject({ 'pkg-core': '1.3.0', 'pkg-tool': '0.6.0', 'pkg-mid': '1.0.1' });
    expect(p.packages.find((x) => x.name === 'pkg-core')!.reasons).toEqual(['bumpType minor requested; 1 commit since 1.2.0']);
    const major = plan([on(['pkg-tool'], 'abc0005', 'fix: x')], { bumpType: 'major' });
    expect(versionsOf(major)['pkg-tool']).toBe('1.0.0');
  });

  it('without bumpType, chore and docs commits release nothing', () => {
    const p = plan([on(['pkg-core'], 'abc0006', 'docs: x'), on(['pkg-core'], 'abc0007', 'chore: y')]);
    expect(versionsOf(p)).toEqual({ 'pkg-new': '0.1.0' });
    expect(p.skipped).toContainEqual({ name: 'pkg-core', reason: '2 commits since 1.2.0, none releasable (no feat, fix, perf or breaking change)' });
  });

  it('force releases every selected package', () => {
    const p = plan([], { force: true });
    expect(versionsOf(p)).toEqual({ 'pkg-core': '1.2.1', 'pkg-mid': '1.0.1', 'pkg-new': '0.1.0', 'pkg-top': '2.1.1', 'pkg-tool': '0.5.1' });
    expect(p.packages.find((x) => x.name === 'pkg-core')!.reasons).toEqual(['forced (patch)']);
    expect(versionsOf(plan([], { force: true, bumpType: 'minor' }))['pkg-core']).toBe('1.3.0');
  });

  it('a group selects what is released on its own account; dependents outside still follow', () => {
    const commits = [on(['pkg-core'], 'abc0008', 'feat: core'), on(['pkg-mid'], 'abc0009', 'fix: mid')];
    const p = plan(commits, { group: { name: 'middle', projects: ['PKG_MID'] } });
    expect(versionsOf(p)).toEqual({ 'pkg-mid': '1.0.1', 'pkg-top': '2.1.1' });
    expect(p.notes).toContain('pkg-top is outside group middle but depends on pkg-mid (project.optional-dependencies.extra): released too');
    expect(p.options.group).toBe('middle');
    expect(() => plan(commits, { group: { name: 'g', projects: ['nope'] } })).toThrow(/release group "g" lists "nope", which is not a member/);
  });

  it('dependentBump none records requirement updates but bumps no dependent; minor bumps by minor', () => {
    const commits = [on(['pkg-core'], 'abc0010', 'fix: x')];
    const none = plan(commits, { dependentBump: 'none' });
    expect(versionsOf(none)).toEqual({ 'pkg-core': '1.2.1', 'pkg-new': '0.1.0' });
    expect(none.notes).toContain('pkg-mid depends on pkg-core (project.dependencies) but dependentBump is none: pkg-mid is not bumped');
    expect(none.requirementUpdates.map((u) => u.to)).toContain('pkg-core>=1.2.1');
    expect(versionsOf(plan(commits, { dependentBump: 'minor' }))).toMatchObject({ 'pkg-mid': '1.1.0', 'pkg-top': '2.2.0' });
  });

  it('a dependent with its own changes keeps the larger bump and lists both reasons', () => {
    const p = plan([on(['pkg-core'], 'abc0011', 'fix: x'), on(['pkg-mid'], 'abc0012', 'feat: y')]);
    expect(p.packages.find((x) => x.name === 'pkg-mid')).toMatchObject({
      next: '1.1.0',
      bump: 'minor',
      reasons: ['feat: y (abc0012)', 'dependency pkg-core 1.2.0 → 1.2.1'],
    });
  });

  it('a commit and its revert cancel; merge commits are ignored; non-conventional commits are noted', () => {
    const p = plan([
      on(['pkg-core'], 'abc0013', 'Merge pull request #1 from o/x\n\nfeat: merged', 2),
      on(['pkg-core'], 'abc0014', 'Revert "feat: add x"\n\nThis reverts commit abc0015.'),
      on(['pkg-core'], 'abc0015', 'feat: add x'),
      on(['pkg-core', 'pkg-mid'], 'abc0016', 'tweak things'),
    ]);
    expect(versionsOf(p)).toEqual({ 'pkg-new': '0.1.0' });
    expect(p.notes).toEqual([
      'abc0015 "feat: add x" is reverted by abc0014 in the same range: both are ignored',
      '1 commit is not a Conventional Commit and changes no version: abc0016 "tweak things"',
    ]);
  });

  it('summarises non-conventional commits (a count and the first three), once for the whole plan', () => {
    const odd = Array.from({ length: 5 }, (_, i) => on(['pkg-core', 'pkg-mid'], `odd000${i}`, `wip ${i}`));
    const p = plan([on(['pkg-core'], 'aaa0001', 'fix: y'), ...odd]);
    expect(p.notes.filter((n) => n.includes('Conventional'))).toEqual([
      '5 commits are not Conventional Commits and change no version: odd0000 "wip 0", odd0001 "wip 1", odd0002 "wip 2" and 2 more',
    ]);
  });

  it('names first the commit that set the bump, not the newest one', () => {
    const p = plan([on(['pkg-core'], 'aaa0001', 'fix: newest'), on(['pkg-core'], 'aaa0002', 'feat: the feature'), on(['pkg-core'], 'aaa0003', 'fix: oldest')]);
    expect(p.packages.find((x) => x.name === 'pkg-core')!.reasons).toEqual(['feat: the feature (aaa0002)', 'fix: newest (aaa0001)', 'fix: oldest (aaa0003)']);
  });

  it('names the version file where the version lives (a hatch version file), not pyproject.toml', () => {
    const p = planRelease({
      members: [{ name: 'a', version: '1.0.0', versionFile: 'a/src/a/__about__.py', isPackage: true, dependencies: [] }],
      lastReleases: {},
      commits: [],
    });
    expect(p.packages[0].reasons).toEqual(['first release (no release tag found): releases the version in a/src/a/__about__.py']);
  });

  it('releases a version set by hand in pyproject.toml as is', () => {
    const p = plan([], {}, { 'pkg-core': '1.5.0' });
    expect(p.packages.find((x) => x.name === 'pkg-core')).toMatchObject({ next: '1.5.0', action: 'as-set', bump: 'none' });
    expect(versionsOf(p)['pkg-mid']).toBe('1.0.1');
  });

  it('bumps from the last release when pyproject.toml is behind it', () => {
    const p = plan([on(['pkg-core'], 'abc0017', 'fix: x')], {}, {}, { ...TAGGED, 'pkg-core': '1.2.5' });
    expect(versionsOf(p)['pkg-core']).toBe('1.2.6');
    expect(p.notes).toContain('pkg-core: pyproject.toml says 1.2.0 but 1.2.5 is already released: bumping from 1.2.5');
  });

  it('a first release only rewrites requirements that do not admit it', () => {
    const ms: PlanMember[] = [
      { name: 'a', version: '0.2.0', isPackage: true, dependencies: [] },
      { name: 'b', version: '1.0.0', isPackage: true, dependencies: [dep('a>=0.1'), dep('a<0.2', 'optional')] },
    ];
    const p = planRelease({ members: ms, lastReleases: {}, commits: [] });
    expect(versionsOf(p)).toEqual({ a: '0.2.0', b: '1.0.0' });
    expect(p.requirementUpdates.map((u) => [u.from, u.to])).toEqual([['a<0.2', 'a<0.3']]);
  });

  it('terminates on dependency cycles', () => {
    const ms: PlanMember[] = [
      { name: 'a', version: '1.0.0', isPackage: true, dependencies: [dep('b>=1')] },
      { name: 'b', version: '1.0.0', isPackage: true, dependencies: [dep('a>=1')] },
    ];
    const p = planRelease({
      members: ms,
      lastReleases: { a: '1.0.0', b: '1.0.0' },
      commits: [on(['a'], 'abc0018', 'feat: x')],
      options: { dependentBump: 'minor' },
    });
    expect(versionsOf(p)).toEqual({ a: '1.1.0', b: '1.1.0' });
  });

  it('explains what it cannot plan', () => {
    const dynamic: PlanMember[] = [{ name: 'dyn', isPackage: true, dependencies: [], versionProblem: 'its version is dynamic (hatch-vcs)' }];
    expect(() => planRelease({ members: dynamic, lastReleases: {}, commits: [] })).toThrow(
      /package dyn must be released \(first release\) but its version is dynamic \(hatch-vcs\): nx-uv cannot compute or write its next version/,
    );
    // Not released → no complaint.
    expect(planRelease({ members: dynamic, lastReleases: { dyn: '1.0.0' }, commits: [] }).skipped).toEqual([
      { name: 'dyn', reason: 'no releasable commits since 1.0.0' },
    ]);
    const local: PlanMember[] = [{ name: 'loc', version: '1.0.0+dev', isPackage: true, dependencies: [] }];
    expect(() => planRelease({ members: local, lastReleases: {}, commits: [] })).toThrow(/package loc: version 1\.0\.0\+dev has a local label/);
    expect(() => plan([on(['nobody'], 'abc0019', 'feat: x')])).toThrow(/commit abc0019 is mapped to "nobody", which is not a member/);
    expect(() => plan([], { prerelease: 'gamma' })).toThrow(/invalid pre-release "gamma" in the prerelease option/);
    expect(() => plan([], { bumpType: 'huge' as never })).toThrow(/invalid bumpType "huge"/);
  });

  it('is JSON-serialisable as is', () => {
    const p = plan([on(['pkg-core'], 'abc0020', 'feat: x\n\nBREAKING CHANGE: y')], { prerelease: 'b' });
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });
});

describe('planMembersFromWorkspace', () => {
  it('keeps versions, reports dynamic ones, and includes a virtual root as a non-package', () => {
    const ws: UvWorkspace = {
      absRoot: '/ws',
      virtual: true,
      virtualRoot: {
        name: '',
        distributionName: '',
        root: '.',
        pyprojectPath: 'pyproject.toml',
        isWorkspaceRoot: true,
        isPackage: false,
        version: { kind: 'none' },
        dependencies: [dep('a', 'group')],
      },
      members: [
        {
          name: 'a',
          distributionName: 'A',
          root: 'a',
          pyprojectPath: 'a/pyproject.toml',
          isWorkspaceRoot: false,
          isPackage: true,
          version: { kind: 'static', version: '1.0', file: 'a/pyproject.toml' },
          dependencies: [],
        },
        {
          name: 'b',
          distributionName: 'b',
          root: 'b',
          pyprojectPath: 'b/pyproject.toml',
          isWorkspaceRoot: false,
          isPackage: true,
          version: { kind: 'dynamic', reason: 'setuptools-scm' },
          dependencies: [],
        },
      ],
    };
    expect(planMembersFromWorkspace(ws)).toEqual([
      { name: '', isPackage: false, dependencies: ws.virtualRoot!.dependencies, pyprojectPath: 'pyproject.toml', versionProblem: 'it has no [project] table' },
      { name: 'a', isPackage: true, dependencies: [], pyprojectPath: 'a/pyproject.toml', version: '1.0', versionFile: 'a/pyproject.toml' },
      { name: 'b', isPackage: true, dependencies: [], pyprojectPath: 'b/pyproject.toml', versionProblem: 'its version is dynamic (setuptools-scm)' },
    ]);
  });
});

describe('planRelease with excluded members', () => {
  it('never releases them (said in the plan), nor bumps them as dependents; their requirements still follow', () => {
    const p = planRelease({
      members: members(),
      lastReleases: TAGGED,
      commits: [on(['pkg-core', 'pkg-mid'], 'aaa1111', 'feat: x')],
      options: { excluded: { 'pkg-mid': '[tool.nx-uv] publish = false in packages/mid/pyproject.toml' } },
    });
    expect(versionsOf(p)).toEqual({ 'pkg-core': '1.3.0', 'pkg-new': '0.1.0' });
    expect(p.skipped).toContainEqual({
      name: 'pkg-mid',
      reason: 'excluded ([tool.nx-uv] publish = false in packages/mid/pyproject.toml): never versioned, tagged or published',
    });
    expect(p.requirementUpdates.find((u) => u.member === 'pkg-mid')).toMatchObject({ from: 'pkg-core>=1.2', to: 'pkg-core>=1.3.0' });
  });
});

describe('planRelease with a fixed (lockstep) group', () => {
  const lock = (versions: Record<string, string> = {}): PlanMember[] => [
    { name: 'sdk-core', version: versions['sdk-core'] ?? '1.4.0', isPackage: true, dependencies: [] },
    { name: 'sdk-http', version: versions['sdk-http'] ?? '1.4.0', isPackage: true, dependencies: [dep('sdk-core>=1.4')] },
    { name: 'sdk-cli', version: versions['sdk-cli'] ?? '1.4.0', isPackage: true, dependencies: [] },
    { name: 'tool', version: '0.3.0', isPackage: true, dependencies: [dep('sdk-cli>=1.0')] },
  ];
  const fixedGroups = [{ name: 'sdk', projects: ['sdk-core', 'sdk-http', 'sdk-cli'] }];
  const last = { 'sdk-core': '1.4.0', 'sdk-http': '1.4.0', 'sdk-cli': '1.4.0', tool: '0.3.0' };

  it('a fix in one member releases the whole group at one version; the highest bump wins', () => {
    const p = planRelease({
      members: lock(),
      lastReleases: last,
      commits: [on(['sdk-http'], 'aaa0001', 'fix: retry'), on(['sdk-cli'], 'aaa0002', 'feat: new flag')],
      options: { fixedGroups },
    });
    expect(versionsOf(p)).toEqual({ 'sdk-core': '1.5.0', 'sdk-http': '1.5.0', 'sdk-cli': '1.5.0', tool: '0.3.1' });
    expect(p.packages.find((x) => x.name === 'sdk-core')!.reasons).toContain('released with fixed group sdk');
  });

  it('a dependency bump of one member moves the whole group', () => {
    const members = [...lock(), { name: 'base', version: '2.0.0', isPackage: true, dependencies: [] }];
    members[2] = { ...members[2], dependencies: [dep('base>=2')] };
    const p = planRelease({ members, lastReleases: { ...last, base: '2.0.0' }, commits: [on(['base'], 'bbb0001', 'fix: x')], options: { fixedGroups } });
    expect(versionsOf(p)).toEqual({ base: '2.0.1', 'sdk-core': '1.4.1', 'sdk-http': '1.4.1', 'sdk-cli': '1.4.1', tool: '0.3.1' });
  });

  it('members at different versions join the highest one (a group adopted late)', () => {
    const p = planRelease({
      members: lock({ 'sdk-cli': '1.1.0' }),
      lastReleases: { ...last, 'sdk-cli': '1.1.0' },
      commits: [on(['sdk-core'], 'ccc0001', 'fix: y')],
      options: { fixedGroups },
    });
    expect(versionsOf(p)).toMatchObject({ 'sdk-core': '1.4.1', 'sdk-http': '1.4.1', 'sdk-cli': '1.4.1' });
    expect(p.packages.find((x) => x.name === 'sdk-cli')!.reasons).toContain('fixed group sdk releases 1.4.1');
  });

  it('no change in any member: nothing released', () => {
    expect(planRelease({ members: lock(), lastReleases: last, commits: [], options: { fixedGroups } }).packages).toEqual([]);
  });

  it('a pre-release of the group continues and graduates together', () => {
    const rc = { 'sdk-core': '1.5.0rc1', 'sdk-http': '1.5.0rc1', 'sdk-cli': '1.5.0rc1', tool: '0.3.0' };
    const p = planRelease({ members: lock(rc), lastReleases: rc, commits: [on(['sdk-cli'], 'ddd0001', 'fix: z')], options: { fixedGroups, prerelease: 'rc' } });
    expect(versionsOf(p)).toMatchObject({ 'sdk-core': '1.5.0rc2', 'sdk-http': '1.5.0rc2', 'sdk-cli': '1.5.0rc2' });
    const final = planRelease({ members: lock(rc), lastReleases: rc, commits: [], options: { fixedGroups } });
    expect(versionsOf(final)).toMatchObject({ 'sdk-core': '1.5.0', 'sdk-http': '1.5.0', 'sdk-cli': '1.5.0' });
  });
});

describe('Release-As', () => {
  it('a Release-As footer sets the next version of the packages the commit touches (even on a chore); dependents follow', () => {
    const p = plan([on(['pkg-core'], 'rel0001', 'chore: prepare 2.0\n\nRelease-As: 2.0.0')]);
    expect(versionsOf(p)).toMatchObject({ 'pkg-core': '2.0.0', 'pkg-mid': '1.0.1' });
    expect(p.packages.find((x) => x.name === 'pkg-core')!.reasons).toEqual(['Release-As in rel0001 "chore: prepare 2.0": 2.0.0']);
  });

  it('the newest footer wins; the releaseAs option wins over footers', () => {
    const commits = [on(['pkg-core'], 'rel0003', 'fix: a\n\nrelease-as: 3.0.0'), on(['pkg-core'], 'rel0002', 'fix: b\n\nRelease-As: 2.5.0')];
    expect(versionsOf(plan(commits))['pkg-core']).toBe('3.0.0');
    expect(versionsOf(plan(commits, { releaseAs: { 'pkg-core': '4.0.0rc1' } }))['pkg-core']).toBe('4.0.0rc1');
  });

  it('refuses a version that is not above the last release, naming the commit', () => {
    expect(() => plan([on(['pkg-core'], 'rel0004', 'fix: c\n\nRelease-As: 1.1.0')])).toThrow(
      'Release-As in rel0004 "fix: c" asks pkg-core to release 1.1.0, which is not above its last release 1.2.0: ask for a higher version',
    );
  });
});
