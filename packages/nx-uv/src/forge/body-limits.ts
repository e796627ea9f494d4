/** GitHub's size limits on text fields, and cutting text to fit. Pure. */

/** GitHub's limits: a PR body holds 65,536 characters, a release body 125,000. */
export const PULL_REQUEST_BODY_LIMIT = 65_536;
export const RELEASE_BODY_LIMIT = 125_000;

/** Cuts text to `limit` characters, saying so at the end. */
export function truncateBody(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const note = '\n\n… (truncated: GitHub limits this text; the full notes are in the CHANGELOG files)';
  return text.slice(0, limit - note.length) + note;
}
