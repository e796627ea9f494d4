/**
 * The web address of a GitHub repository from any remote spelling, for commit and compare links.
 * github.com and GitHub Enterprise hosts whose name contains "github" (github.example.com) count;
 * anything else gets no links.
 */

/** `https://github.com/o/r` for `git@github.com:o/r.git`, `https://github.com/o/r.git`, `ssh://git@github.com/o/r`; else undefined. */
export function githubWebUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const text = url.trim();
  let host: string;
  let path: string;
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(text);
  if (/^[a-z+]+:\/\//i.test(text)) {
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      return undefined;
    }
    if (!['https:', 'http:', 'ssh:', 'git+ssh:', 'git:'].includes(parsed.protocol)) return undefined;
    host = parsed.hostname;
    path = parsed.pathname;
  } else if (scp) {
    host = scp[1];
    path = scp[2];
  } else {
    return undefined;
  }
  if (!/github/i.test(host)) return undefined;
  const m = /^\/?([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(path);
  if (!m) return undefined;
  return `https://${host.toLowerCase()}/${m[1]}/${m[2]}`;
}
