import { checkChangelogSections, renderChangelogSection } from './render';

const H = 'a'.repeat(40);
const commits = [
  { hash: '1'.repeat(40), type: 'feat', scope: 'api', description: 'add the thing (#12)', breaking: false },
  { hash: '2'.repeat(40), type: 'fix', scope: null, description: 'handle empty input', breaking: false },
  { hash: '3'.repeat(40), type: 'perf', scope: null, description: 'cache parses', breaking: false },
  { hash: '4'.repeat(40), type: 'docs', scope: null, description: 'readme', breaking: false },
  { hash: '5'.repeat(40), type: null, scope: null, description: 'random change', breaking: false },
  { hash: '6'.repeat(40), type: 'feat', scope: 'cli', description: 'drop --old', breaking: true, breakingNotes: ['the --old flag is gone;\nuse --new'] },
  { hash: '7'.repeat(40), type: 'refactor', scope: null, description: 'rename module', breaking: true, breakingNotes: ['rename module'] },
  { hash: H, type: 'revert', scope: null, description: 'feat: old idea', breaking: false },
];

describe('renderChangelogSection', () => {
  it('groups breaking changes first, then features, fixes, performance, reverts; links commits and the compare view', () => {
    const text = renderChangelogSection({
      name: 'pkg-a',
      version: '1.3.0',
      date: '2026-01-02',
      commits,
      previousTag: 'pkg-a-v1.2.0',
      tag: 'pkg-a-v1.3.0',
      repoUrl: 'git@github.com:octo/repo.git',
      dependencyUpdates: [{ name: 'pkg-core', from: '1.2.0', to: '1.3.0' }],
    });
    const R = 'https://github.com/octo/repo';
    expect(text).toBe(
      [
        `## [1.3.0](${R}/compare/pkg-a-v1.2.0...pkg-a-v1.3.0) (2026-01-02)`,
        '',
        '### ⚠ Breaking changes',
        '',
        `- **cli:** drop --old ([6666666](${R}/commit/${'6'.repeat(40)}))`,
        '',
        '  the --old flag is gone;',
        '  use --new',
        `- rename module ([7777777](${R}/commit/${'7'.repeat(40)}))`,
        '',
        '### Features',
        '',
        `- **api:** add the thing ([#12](${R}/issues/12)) ([1111111](${R}/commit/${'1'.repeat(40)}))`,
        '',
        '### Bug fixes',
        '',
        `- handle empty input ([2222222](${R}/commit/${'2'.repeat(40)}))`,
        '',
        '### Performance',
        '',
        `- cache parses ([3333333](${R}/commit/${'3'.repeat(40)}))`,
        '',
        '### Reverts',
        '',
        `- feat: old idea ([aaaaaaa](${R}/commit/${H}))`,
        '',
        '### Dependencies',
        '',
        '- pkg-core 1.2.0 → 1.3.0',
        '',
      ].join('\n'),
    );
  });

  it('has no links without a GitHub URL, and no compare link without a previous tag', () => {
    const plain = renderChangelogSection({
      name: 'pkg-a',
      version: '0.1.0',
      date: new Date('2026-03-04T23:30:00Z'),
      commits: commits.slice(0, 1),
      tag: 'pkg-a-v0.1.0',
    });
    expect(plain).toBe('## 0.1.0 (2026-03-04)\n\n### Features\n\n- **api:** add the thing (#12) (1111111)\n');
    const gitlab = renderChangelogSection({
      name: 'pkg-a',
      version: '0.1.0',
      date: '2026-03-04',
      commits: commits.slice(0, 1),
      tag: 't',
      previousTag: 'p',
      repoUrl: 'https://gitlab.com/o/r',
    });
    expect(gitlab).toBe(plain);
    const first = renderChangelogSection({ name: 'pkg-a', version: '0.1.0', date: '2026-03-04', commits: [], tag: 't', repoUrl: 'https://github.com/o/r' });
    expect(first).toBe('## 0.1.0 (2026-03-04)\n\nNo notable changes in pkg-a.\n');
  });

  it('refuses a date it cannot print', () => {
    expect(() => renderChangelogSection({ name: 'a', version: '1.0.0', date: '02/01/2026', commits: [], tag: 't' })).toThrow(/not YYYY-MM-DD/);
  });
});

describe('configurable changelog sections', () => {
  const commits = [
    { hash: 'a'.repeat(40), type: 'feat', description: 'add x', breaking: false },
    { hash: 'b'.repeat(40), type: 'docs', description: 'explain x', breaking: false },
    { hash: 'c'.repeat(40), type: 'chore', description: 'bump tools', breaking: false },
    { hash: 'd'.repeat(40), type: 'fix', description: 'repair y', breaking: false },
  ];
  it('shows the types the rules list, under their headings, in their order; hidden types and unlisted types are left out', () => {
    const sections = checkChangelogSections([
      { type: 'fix', section: 'Fixes' },
      { type: 'feat', section: 'Changes' },
      { type: 'docs', section: 'Changes' },
      { type: 'chore', section: 'Chores', hidden: true },
    ]);
    expect(renderChangelogSection({ name: 'a', version: '1.1.0', date: '2025-01-02', commits, tag: 'a-v1.1.0', sections })).toBe(
      ['## 1.1.0 (2025-01-02)', '', '### Fixes', '', '- repair y (ddddddd)', '', '### Changes', '', '- add x (aaaaaaa)', '- explain x (bbbbbbb)', ''].join(
        '\n',
      ),
    );
  });
  it('refuses a malformed rule, naming it', () => {
    expect(() => checkChangelogSections([{ type: 'feat' }])).toThrow(
      'nx-uv: changelogSections[0] (nx.json) must be { "type": "<commit type>", "section": "<heading>", "hidden"?: true|false }, got {"type":"feat"}',
    );
  });
});
