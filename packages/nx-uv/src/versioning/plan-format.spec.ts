import { dep } from './__fixtures__/requirement';
import { formatPlanTable } from './plan-format';
import { planRelease } from './plan';

describe('formatPlanTable', () => {
  it('prints an aligned table, requirement updates, skipped packages and notes', () => {
    const plan = planRelease({
      members: [
        { name: 'pkg-core', version: '1.2.0', isPackage: true, dependencies: [] },
        { name: 'pkg-longer-name', version: '0.9.0', isPackage: true, dependencies: [dep('pkg-core>=1.2')] },
        { name: 'idle', version: '3.0.0', isPackage: true, dependencies: [] },
        { name: 'fresh', version: '0.1.0', isPackage: true, dependencies: [] },
      ],
      lastReleases: { 'pkg-core': '1.2.0', 'pkg-longer-name': '0.9.0', idle: '3.0.0' },
      commits: [
        { commit: { hash: '1234567890', subject: 'feat: a', body: '', parents: 1 }, members: ['pkg-core'] },
        { commit: { hash: 'abcdef0123', subject: 'fix: b', body: '', parents: 1 }, members: ['pkg-core'] },
        { commit: { hash: 'fedcba9876', subject: 'misc', body: '', parents: 1 }, members: ['idle'] },
      ],
    });
    expect(formatPlanTable(plan)).toBe(
      [
        'package          last release  current  next   bump           reason',
        '---------------  ------------  -------  -----  -------------  ' + '-'.repeat(76),
        'fresh            -             0.1.0    0.1.0  first release  first release (no release tag found): releases the version in pyproject.toml',
        'pkg-core         1.2.0         1.2.0    1.3.0  minor          feat: a (1234567) (+1 more)',
        'pkg-longer-name  0.9.0         0.9.0    0.9.1  patch          dependency pkg-core 1.2.0 → 1.3.0',
        '',
        'Requirement updates:',
        '  member           section               from           to',
        '  ---------------  --------------------  -------------  ---------------',
        '  pkg-longer-name  project.dependencies  pkg-core>=1.2  pkg-core>=1.3.0',
        '',
        'Not released:',
        '  idle: 1 commit since 3.0.0, none releasable (no feat, fix, perf or breaking change)',
        '',
        'Notes:',
        '  - 1 commit is not a Conventional Commit and changes no version: fedcba9 "misc"',
        '',
      ].join('\n'),
    );
  });

  it('says when there is nothing to release', () => {
    const plan = planRelease({ members: [{ name: 'a', version: '1.0.0', isPackage: true, dependencies: [] }], lastReleases: { a: '1.0.0' }, commits: [] });
    expect(formatPlanTable(plan)).toBe('Nothing to release.\n\nNot released:\n  a: no commits since 1.0.0\n');
  });
});
