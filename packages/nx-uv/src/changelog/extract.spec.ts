import { extractChangelogSection } from './extract';
import { prependChangelogSection } from './prepend';
import { renderChangelogSection } from './render';

const TEXT = [
  '# Changelog',
  '',
  '## [1.3.0rc2](https://github.com/o/r/compare/a...b) (2026-01-03)',
  '',
  '### Bug fixes',
  '',
  '- y (2222222)',
  '',
  '```',
  '## 1.2.0 inside a fence',
  '```',
  '',
  '## v1.2.0 - 2025-12-01',
  '',
  '- old',
  '',
  '## pkg-a 1.1.0',
  '',
  'older',
  '',
  '## 1.0.0',
  '',
].join('\n');

describe('extractChangelogSection', () => {
  it.each([
    ['1.3.0rc2', '### Bug fixes\n\n- y (2222222)\n\n```\n## 1.2.0 inside a fence\n```\n'],
    ['1.3.0-rc.2', '### Bug fixes\n\n- y (2222222)\n\n```\n## 1.2.0 inside a fence\n```\n'],
    ['1.2.0', '- old\n'],
    ['v1.1.0', 'older\n'],
    ['1.0.0', ''],
  ])('%s', (version, expected) => {
    expect(extractChangelogSection(TEXT, version)).toBe(expected);
  });

  it('is undefined for a version that is not there', () => {
    expect(extractChangelogSection(TEXT, '9.9.9')).toBeUndefined();
    expect(extractChangelogSection('', '1.0.0')).toBeUndefined();
  });

  it('reads back what render and prepend wrote', () => {
    const section = renderChangelogSection({
      name: 'pkg-a',
      version: '2.0.0',
      date: '2026-02-02',
      commits: [{ hash: 'b'.repeat(40), type: 'feat', scope: null, description: 'big', breaking: true, breakingNotes: ['gone'] }],
      tag: 'pkg-a-v2.0.0',
      previousTag: 'pkg-a-v1.3.0rc2',
      repoUrl: 'https://github.com/o/r',
    });
    const file = prependChangelogSection(TEXT, section);
    expect(extractChangelogSection(file, '2.0.0')).toBe(section.slice(section.indexOf('\n') + 1).replace(/^\n+/, ''));
    expect(extractChangelogSection(file, '1.2.0')).toBe('- old\n');
  });
});
