/**
 * Putting a new section into an existing CHANGELOG.md: above the newest `## ` section, below whatever
 * precedes it (a `# Changelog` title, an introduction), every older byte untouched. A section for the
 * same version already there (a re-run of the same release) is replaced in place instead.
 * CRLF files get the section in CRLF.
 */
import { headingVersion, level2Headings } from './headings';

const TITLE = '# Changelog\n\n';

export function prependChangelogSection(existing: string | undefined, section: string): string {
  const crlf = existing !== undefined && /\r\n/.test(existing);
  const body = section.replace(/\r\n/g, '\n').replace(/\n*$/, '\n');
  const eol = (text: string) => (crlf ? text.replace(/\n/g, '\r\n') : text);
  if (existing === undefined || existing.trim() === '') return TITLE + body;

  const version = headingVersion(body.split('\n', 1)[0]);
  const headings = level2Headings(existing);
  const same = version === undefined ? -1 : headings.findIndex((h) => h.version === version);
  if (same >= 0) {
    const start = headings[same].start;
    const end = same + 1 < headings.length ? headings[same + 1].start : existing.length;
    const tail = existing.slice(end);
    return existing.slice(0, start) + eol(tail === '' ? body : `${body}\n`) + tail;
  }
  if (headings.length === 0) {
    const head = existing.replace(/(\r?\n)*$/, '');
    return head + eol(`\n\n${body}`);
  }
  const start = headings[0].start;
  return existing.slice(0, start) + eol(`${body}\n`) + existing.slice(start);
}
