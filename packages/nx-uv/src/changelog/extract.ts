/**
 * One version's section of a changelog, without its heading, for a GitHub Release body.
 */
import { level2Headings, normaliseVersion } from './headings';

/** The text under the `## ` heading that names `version` (any PEP 440 spelling), trimmed; undefined if absent. */
export function extractChangelogSection(text: string, version: string): string | undefined {
  const wanted = normaliseVersion(version);
  const headings = level2Headings(text);
  const index = headings.findIndex((h) => h.version === wanted);
  if (index < 0) return undefined;
  const h = headings[index];
  const from = h.start + h.line.length;
  const to = index + 1 < headings.length ? headings[index + 1].start : text.length;
  const body = text.slice(from, to).replace(/\r\n/g, '\n').replace(/^\n+/, '').replace(/\s+$/, '');
  return body === '' ? '' : `${body}\n`;
}
