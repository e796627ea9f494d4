import type { PlannedPackage, ReleasePlan } from '../versioning';
import { memoryReader, modelUvWorkspace } from '../workspace';
import { pkg } from './__fixtures__/planned-package';
import { keepPreparedChangelogs } from './prepared-changelogs';
import { planMarkdown, releaseCommitMessage, releasePrBody, releasePrTitle, type ChangelogSectionText } from './release-pr-content';

function plan(packages: PlannedPackage[], extra: Partial<ReleasePlan> = {}): ReleasePlan {
  return {
    packages,
    requirementUpdates: [],
    skipped: [],
    notes: [],
    options: { bumpType: 'auto', prerelease: null, force: false, group: null, dependentBump: 'patch', zeroMajorPolicy: 'cargo' },
    ...extra,
  };
}

describe('release PR title and commit message', () => {
  it('lists the packages, and counts them when the list gets long', () => {
    const two = plan([pkg('a', '1.1.0'), pkg('b', '2.0.0', { lastRelease: null, action: 'first-release', bump: 'none' })]);
    expect(releasePrTitle(two)).toBe('chore(release): a 1.1.0, b 2.0.0');
    expect(releaseCommitMessage(two)).toBe('chore(release): a 1.1.0, b 2.0.0\n\n- a 1.0.0 → 1.1.0\n- b (first release) → 2.0.0\n');
    expect(releaseCommitMessage(two, 'libs')).toMatch(/\n\nRelease group: libs\n$/);
    const many = plan(Array.from({ length: 12 }, (_, i) => pkg(`package-number-${i}`, '1.1.0')));
    expect(releasePrTitle(many)).toBe('chore(release): 12 packages');
    expect(releasePrTitle(many, 'libs')).toBe('chore(release): group libs, 12 packages');
  });
});

describe('planMarkdown', () => {
  it('escapes table cells and puts requirements in code spans', () => {
    const md = planMarkdown(
      plan([pkg('a', '1.1.0', { reasons: ['feat: a | b\nc'], current: '1.0.5' })], {
        requirementUpdates: [{ member: '', section: 'dependency-groups.dev', kind: 'group', dependency: 'a', from: 'a>=1.0', to: 'a>=1.1.0' }],
        skipped: [{ name: 'z', reason: 'no commits since 1.0' }],
        notes: ['a note'],
      }),
    );
    expect(md).toContain('| a | 1.0.0 (pyproject.toml: 1.0.5) | **1.1.0** | minor | feat: a \\| b c |');
    expect(md).toContain('| (workspace root) | `dependency-groups.dev` | `a>=1.0` | `a>=1.1.0` |');
    expect(md).toContain('**Not released:**\n\n- z: no commits since 1.0\n');
    expect(md).toContain('**Notes:**\n\n- a note\n');
    const reasons = Array.from({ length: 11 }, (_, i) => `r${i}`);
    expect(planMarkdown(plan([pkg('a', '1.1.0', { reasons })]))).toContain('r7<br>… and 3 more |');
  });
});

describe('releasePrBody', () => {
  const sections: ChangelogSectionText[] = [
    { name: 'a', version: '1.1.0', text: '### Features\n\n- x (abc1234)\n' },
    { name: 'b', version: '2.0.0', text: undefined },
  ];
  const input = { plan: plan([pkg('a', '1.1.0'), pkg('b', '2.0.0')]), branch: 'nx-uv/release', base: 'main', sections };

  it('starts with the marker, then the plan, then each section one heading level down', () => {
    const body = releasePrBody(input);
    expect(body.split('\n')[0]).toBe('<!-- nx-uv:release-pr {"group":null,"branch":"nx-uv/release","base":"main"} -->');
    expect(body).toContain('## Release plan\n\n| Package |');
    expect(body).toContain(
      '## Changelog\n\n### a 1.1.0\n\n#### Features\n\n- x (abc1234)\n\n### b 2.0.0\n\n_No changelog section was written for this version._\n',
    );
  });

  it('stays under the limit by leaving out whole sections, naming them', () => {
    const big = Array.from({ length: 5 }, (_, i) => ({ name: `p${i}`, version: '1.0.1', text: `${'- line\n'.repeat(200)}` }));
    const full = releasePrBody({ ...input, sections: big });
    const limit = full.length - 500;
    const body = releasePrBody({ ...input, sections: big, limit });
    expect(body.length).toBeLessThanOrEqual(limit);
    expect(body).toContain('### p3 1.0.1');
    expect(body).not.toContain('### p4 1.0.1');
    expect(body).toMatch(
      /_… 1 more changelog section left out \(GitHub limits a PR body to [\d,]+ characters\): p4 1\.0\.1\. See the CHANGELOG\.md files in this PR\._\n$/,
    );
    // A limit below the plan itself: cut, with GitHub's truncation note.
    const tiny = releasePrBody({ ...input, sections: big, limit: 300 });
    expect(tiny.length).toBeLessThanOrEqual(300);
    expect(tiny).toMatch(/truncated/);
  });
});

describe('keepPreparedChangelogs', () => {
  const ws = modelUvWorkspace(
    '/w',
    memoryReader({
      'pyproject.toml': '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
      'packages/a/pyproject.toml': '[project]\nname = "a"\nversion = "1.1.0"\n',
      'packages/b/pyproject.toml': '[project]\nname = "b"\nversion = "2.0.0"\n',
      'packages/c/pyproject.toml': '[project]\nname = "c"\nversion = "3.0.0"\n',
    }),
  );
  const section = (v: string, date: string) => `# Changelog\n\n## ${v} (${date})\n\n- x\n`;
  const edits = [
    { file: 'packages/a/CHANGELOG.md', before: section('1.1.0', '2000-01-01'), after: section('1.1.0', '2000-01-02') },
    { file: 'packages/a/pyproject.toml', before: 'x', after: 'y' },
    { file: 'packages/b/CHANGELOG.md', before: section('1.9.0', '2000-01-01'), after: section('2.0.0', '2000-01-02') },
    { file: 'packages/c/CHANGELOG.md', before: section('3.0.0', '2000-01-01'), after: section('3.0.0', '2000-01-02') },
  ];
  it('keeps the section of an "as set" release that is already written, and nothing else', () => {
    const p = plan([
      pkg('a', '1.1.0', { action: 'as-set', bump: 'none' }),
      pkg('b', '2.0.0', { action: 'as-set', bump: 'none' }), // no 2.0.0 section yet: written
      pkg('c', '3.0.0', { action: 'release' }), // a bump: rendered as usual
    ]);
    const out = keepPreparedChangelogs(ws, p, edits);
    expect(out.kept).toEqual(['a 1.1.0']);
    expect(out.edits.map((e) => e.file)).toEqual(['packages/a/pyproject.toml', 'packages/b/CHANGELOG.md', 'packages/c/CHANGELOG.md']);
  });
});
