/**
 * planTag and planUmbrellaTag on facts given as values: no git, no file system, no GitHub.
 */
import type { TagInfo } from '../git';
import { memoryReader, modelUvWorkspace, type UvWorkspace } from '../workspace';
import { planTag, renderTagPlan, tagScopeSkip, type TagFacts, type TagScopeFacts } from './tag-plan';
import { tagScheme, type FixedGroup } from './tag-scheme';
import { membersReleasedAt, planUmbrellaTag, renderUmbrellaTagPlan } from './umbrella';

const HEAD = 'a'.repeat(40);
const OLDER = 'b'.repeat(40);
const UV_BUILD = '[build-system]\nrequires = ["uv_build"]\nbuild-backend = "uv_build"\n';
const FILES: Record<string, string> = {
  'pyproject.toml': '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
  'packages/a/pyproject.toml': `[project]\nname = "pkg-a"\nversion = "1.2.0"\n\n${UV_BUILD}`,
  'packages/b/pyproject.toml': `[project]\nname = "Pkg_B"\nversion = "0.3.0-RC1"\n\n${UV_BUILD}`,
  'packages/d/pyproject.toml': `[project]\nname = "pkg-d"\ndynamic = ["version"]\n\n[build-system]\nrequires = ["flit_core"]\nbuild-backend = "flit_core.buildapi"\n`,
  'packages/v/pyproject.toml':
    '[project]\nname = "pkg-v"\ndynamic = ["version"]\n\n[build-system]\nrequires = ["hatchling", "hatch-vcs"]\nbuild-backend = "hatchling.build"\n\n[tool.hatch.version]\nsource = "vcs"\n',
  'packages/s/pyproject.toml': '[project]\nname = "scripts"\nversion = "0.1.0"\n',
};
const CHANGELOG_A = '# Changelog\n\n## 1.2.0 (2025-01-01)\n\n### Bug Fixes\n\n- **a:** fix the thing\n';

const ws: UvWorkspace = modelUvWorkspace('/nx/py', memoryReader(FILES));
const tag = (name: string, commit = HEAD): TagInfo => ({ name, commit, annotated: true });

function facts(name: string, scope: Partial<TagScopeFacts> = {}, extra: Partial<TagFacts> = {}): TagFacts {
  const member = ws.members.find((m) => m.name === name)!;
  const inScope: TagScopeFacts = { scheme: tagScheme(undefined), head: HEAD, tags: [], changelogs: new Map([['pkg-a', CHANGELOG_A]]), ...scope };
  return { workspace: ws, member, workspaceRoot: '/nx', ...extra, inScope };
}

describe('planTag (pure)', () => {
  it('plans the annotated tag at HEAD and the GitHub Release from the changelog section; a dry run renders it', () => {
    const plan = planTag(facts('pkg-a'), { releaseLabel: 'release: merged' });
    expect(plan).toMatchObject({
      kind: 'tag',
      version: '1.2.0',
      spec: { tag: 'pkg-a-v1.2.0', name: 'pkg-a 1.2.0', body: '### Bug Fixes\n\n- **a:** fix the thing\n', prerelease: false },
      head: HEAD,
      allTags: ['pkg-a-v1.2.0'],
      existing: false,
      missingExtra: [],
      remote: 'origin',
      releaseLabel: 'release: merged',
      cwd: '/nx',
    });
    expect(renderTagPlan(plan)).toEqual([
      `nx-uv tag (dry run): would create annotated tag pkg-a-v1.2.0 at ${HEAD.slice(0, 12)}, push it to origin, and create the GitHub Release:`,
      '  name: pkg-a 1.2.0',
      '  body (from py/packages/a/CHANGELOG.md or a fallback line):',
      '    ### Bug Fixes',
      '    ',
      '    - **a:** fix the thing',
      `  then move the merged release PR's label "release: merged" to "autorelease: tagged"`,
    ]);
  });

  it('a pre-release without a changelog: a fallback body, the label from the plugin option; a tag already at HEAD is ensured, not recreated', () => {
    const plan = planTag(facts('pkg-b', { pluginReleaseLabel: 'from: nx.json', tags: [tag('pkg-b-v0.3.0rc1')] }));
    expect(plan).toMatchObject({
      kind: 'tag',
      spec: { tag: 'pkg-b-v0.3.0rc1', name: 'Pkg_B 0.3.0rc1', body: 'Release Pkg_B 0.3.0rc1.\n', prerelease: true },
      existing: true,
      releaseLabel: 'from: nx.json',
    });
    expect(renderTagPlan(plan)[0]).toBe('nx-uv tag (dry run): tag pkg-b-v0.3.0rc1 already at HEAD; would ensure the GitHub Release:');
    expect(renderTagPlan(plan)[1]).toBe('  name: Pkg_B 0.3.0rc1 (prerelease)');
  });

  it('skips, saying why: no package, outside the group, excluded, released on an older commit, a VCS version without a release', () => {
    const message = (f: TagFacts) => {
      const plan = planTag(f);
      return plan.kind === 'skip' ? plan.message : 'planned';
    };
    expect(message(facts('scripts'))).toBe('nx-uv tag: scripts is not a package (uv does not build it); nothing to tag.');
    expect(message(facts('pkg-a', {}, { outsideGroup: 'not in release group g (pkg-b)' }))).toBe(
      'nx-uv tag: pkg-a is not in release group g (pkg-b): nothing to tag in this run.',
    );
    expect(message(facts('pkg-a', {}, { publishExclusion: 'publishExclude in nx.json' }))).toBe(
      'nx-uv tag: pkg-a is excluded from publishing (publishExclude in nx.json): no tag, no GitHub Release.',
    );
    expect(message(facts('pkg-a', { tags: [tag('pkg-a-v1.2.0', OLDER)] }))).toBe(
      `nx-uv tag: pkg-a 1.2.0 already released at pkg-a-v1.2.0 (commit ${OLDER.slice(0, 12)}); nothing new to release.`,
    );
    expect(message(facts('pkg-v'))).toMatch(/^nx-uv tag: pkg-v takes its version from git tags \(hatch-vcs\) and has no release to tag/);
    // The scope needs no git: the reader reads none for a member out of scope.
    expect(tagScopeSkip({ member: ws.members.find((m) => m.name === 'scripts')! })?.kind).toBe('skip');
    expect(planTag({ workspace: ws, member: ws.members.find((m) => m.name === 'scripts')!, workspaceRoot: '/nx' }).kind).toBe('skip');
  });

  it('a member whose version comes from git tags is tagged at the version its release recorded', () => {
    const plan = planTag(facts('pkg-v', { vcs: { version: '3.1.0', tag: 'pkg-v-v3.1.0', tagged: false, atHead: false, from: 'changelog' } }));
    expect(plan).toMatchObject({ kind: 'tag', version: '3.1.0', spec: { tag: 'pkg-v-v3.1.0' } });
  });

  it('refuses a remote git would read as an option, a blank label and a dynamic version', () => {
    expect(() => planTag(facts('pkg-a'), { remote: '--receive-pack=touch x' })).toThrow(/starts with "-", which git would read as an option/);
    expect(() => planTag(facts('pkg-a'), { releaseLabel: ' ' })).toThrow(/the release label must be a non-empty string/);
    expect(() => planTag(facts('pkg-d'))).toThrow(/cannot tag pkg-d: its version is dynamic/);
  });

  it('a fixed group: the lead makes the group tag, its per-package tags and one Release; the others skip; a per-package tag elsewhere stops it', () => {
    const group: FixedGroup = { name: 'core', members: ['pkg-a', 'pkg-b'], tagFormat: 'core-v{version}', lead: 'pkg-a', packageTags: true };
    const scheme = tagScheme(undefined, [group]);
    const groupWs = modelUvWorkspace(
      '/nx/py',
      memoryReader({ ...FILES, 'packages/b/pyproject.toml': FILES['packages/b/pyproject.toml'].replace('0.3.0-RC1', '1.2.0') }),
    );
    const of = (name: string, scope: Partial<TagScopeFacts> = {}): TagFacts => ({
      workspace: groupWs,
      member: groupWs.members.find((m) => m.name === name)!,
      workspaceRoot: '/nx',
      inScope: { scheme, head: HEAD, tags: [], changelogs: new Map([['pkg-a', CHANGELOG_A]]), ...scope },
    });
    const lead = planTag(of('pkg-a', { tags: [tag('pkg-b-v1.2.0')] }));
    expect(lead).toMatchObject({
      kind: 'tag',
      spec: { tag: 'core-v1.2.0', name: 'core 1.2.0' },
      allTags: ['core-v1.2.0', 'pkg-a-v1.2.0', 'pkg-b-v1.2.0'],
      missingExtra: ['pkg-a-v1.2.0'],
    });
    if (lead.kind !== 'tag') throw new Error('expected a tag');
    expect(lead.spec.body).toBe(
      '## pkg-a 1.2.0\n\n### Bug Fixes\n\n- **a:** fix the thing\n\n## Pkg_B 1.2.0\n\nNo changes of its own (released with the group).\n',
    );
    expect(renderTagPlan(lead)).toContain('  with the per-package tags pkg-a-v1.2.0, pkg-b-v1.2.0');
    const other = planTag(of('pkg-b'));
    expect(other.kind === 'skip' && other.message).toBe(
      'nx-uv tag: Pkg_B 1.2.0 is released with fixed group core: its tag core-v1.2.0 and GitHub Release are made by the tag target of pkg-a.',
    );
    expect(() => planTag(of('pkg-a', { tags: [tag('pkg-b-v1.2.0', OLDER)] }))).toThrow(
      `nx-uv: tag pkg-b-v1.2.0 already exists on commit ${OLDER.slice(0, 12)}, not on HEAD ${HEAD.slice(0, 12)}`,
    );
  });
});

describe('planUmbrellaTag (pure)', () => {
  it('lists the packages released at HEAD with their changelog sections; nothing released at HEAD: no umbrella', () => {
    const scheme = tagScheme(undefined);
    const reachable = [tag('pkg-a-v1.2.0'), tag('pkg-b-v0.3.0rc1'), tag('pkg-a-v1.1.0', OLDER)];
    expect(membersReleasedAt(scheme, reachable, HEAD)).toEqual(['pkg-a', 'pkg-b']);
    const facts = { workspace: ws, workspaceRoot: '/nx', head: HEAD, reachable, changelogs: new Map([['pkg-a', CHANGELOG_A]]) };
    const plan = planUmbrellaTag('py/v{version}', scheme, facts, 'origin');
    expect(plan).toMatchObject({ kind: 'tag', tag: 'py/v1.2.0', existing: false, prerelease: false, cwd: '/nx', listed: 'pkg-a 1.2.0, pkg-b 0.3.0rc1' });
    if (plan.kind !== 'tag') throw new Error('expected a tag');
    expect(plan.body).toBe(
      '## pkg-a 1.2.0\n\nTag: pkg-a-v1.2.0\n\n### Bug Fixes\n\n- **a:** fix the thing\n\n## Pkg_B 0.3.0rc1\n\nTag: pkg-b-v0.3.0rc1\n\nReleased.\n',
    );
    expect(renderUmbrellaTagPlan(plan)).toEqual([
      `nx-uv tag (dry run): would create the umbrella tag py/v1.2.0 at ${HEAD.slice(0, 12)}, push it to origin, and create its GitHub Release (pkg-a 1.2.0, pkg-b 0.3.0rc1).`,
    ]);
    const none = planUmbrellaTag('py/v{version}', scheme, { ...facts, reachable: [tag('pkg-a-v1.1.0', OLDER)] }, 'origin');
    expect(renderUmbrellaTagPlan(none)).toEqual([
      `nx-uv tag: no package release tag points at HEAD ${HEAD.slice(0, 12)}: no umbrella tag (py/v{version}) to make.`,
    ]);
  });
});
