import { prependChangelogSection } from './prepend';

const NEW = '## 1.3.0 (2026-01-02)\n\n### Features\n\n- add x (1111111)\n';

describe('prependChangelogSection', () => {
  it('creates a changelog with a title', () => {
    expect(prependChangelogSection(undefined, NEW)).toBe(`# Changelog\n\n${NEW}`);
    expect(prependChangelogSection('  \n', NEW)).toBe(`# Changelog\n\n${NEW}`);
  });

  it('inserts above the newest section, keeping the title, the intro and older sections byte for byte', () => {
    const old = '# Changelog\n\nAll notable changes.\n\n## [1.2.0](https://x/compare/a...b) (2025-12-01)\n\n* odd  spacing kept *\n\n\n## 1.1.0\n\ntext\n';
    const out = prependChangelogSection(old, NEW);
    expect(out).toBe(
      `# Changelog\n\nAll notable changes.\n\n${NEW}\n## [1.2.0](https://x/compare/a...b) (2025-12-01)\n\n* odd  spacing kept *\n\n\n## 1.1.0\n\ntext\n`,
    );
    expect(out.endsWith(old.slice(old.indexOf('## [1.2.0]')))).toBe(true);
  });

  it('works without a title', () => {
    expect(prependChangelogSection('## 1.2.0\n\nold\n', NEW)).toBe(`${NEW}\n## 1.2.0\n\nold\n`);
  });

  it('appends after a title with no sections yet', () => {
    expect(prependChangelogSection('# Changelog\n\nIntro.\n\n\n', NEW)).toBe(`# Changelog\n\nIntro.\n\n${NEW}`);
  });

  it('ignores ## lines inside code fences', () => {
    const old = '# Changelog\n\n```md\n## 9.9.9 not a heading\n```\n\n## 1.2.0\n\nold\n';
    expect(prependChangelogSection(old, NEW)).toBe(`# Changelog\n\n\`\`\`md\n## 9.9.9 not a heading\n\`\`\`\n\n${NEW}\n## 1.2.0\n\nold\n`);
  });

  it('replaces a section for the same version (a re-run) instead of adding a second one', () => {
    const old = `# Changelog\n\n## 1.3.0-rc.0 (2026-01-01)\n\nstale\n\n## 1.2.0\n\nold\n`;
    const rerun = NEW.replace('1.3.0', '1.3.0rc0');
    expect(prependChangelogSection(old, rerun)).toBe(`# Changelog\n\n${rerun}\n## 1.2.0\n\nold\n`);
    const once = prependChangelogSection('# Changelog\n\n## 1.2.0\n\nold\n', NEW);
    expect(prependChangelogSection(once, NEW)).toBe(once);
  });

  it('keeps CRLF files in CRLF', () => {
    const old = '# Changelog\r\n\r\n## 1.2.0\r\n\r\nold\r\n';
    expect(prependChangelogSection(old, NEW)).toBe(`# Changelog\r\n\r\n${NEW.replace(/\n/g, '\r\n')}\r\n## 1.2.0\r\n\r\nold\r\n`);
  });
});
