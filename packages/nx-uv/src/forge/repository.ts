/** Which GitHub repository and API: `owner/name` slugs, git remote URLs, API base URLs. Pure. */

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface RemoteRepository extends RepoRef {
  /** Host of the remote (`github.com`, `ghe.example.com`), lower case, without port. */
  host: string;
}

const NAME = /^[A-Za-z0-9_.-]+$/;

/** Parses `owner/name`; throws naming the source (env var, option) when it is not one. */
export function parseRepositorySlug(slug: string, source = 'repository'): RepoRef {
  const parts = slug.trim().split('/');
  if (parts.length !== 2 || !NAME.test(parts[0]) || !NAME.test(parts[1]) || parts[1] === '.' || parts[1] === '..') {
    throw new Error(`${source} must be "owner/name" (for example octo-org/octo-repo), got ${JSON.stringify(slug)}`);
  }
  return { owner: parts[0], repo: parts[1].replace(/\.git$/, '') };
}

export function formatRepository(ref: RepoRef): string {
  return `${ref.owner}/${ref.repo}`;
}

/**
 * Owner, name and host from a git remote URL: `https://github.com/o/r.git`, `https://user:token@host/o/r`,
 * `http://host:8080/o/r`, `ssh://git@host:22/o/r.git`, `git://host/o/r.git`, `git@host:o/r.git`
 * (scp-like, including ssh host aliases). Enterprise hosts with a path prefix keep the last two segments.
 * Undefined when the URL names no owner/name (a local path, a bundle).
 */
export function parseRemoteUrl(url: string): RemoteRepository | undefined {
  const trimmed = url.trim();
  let host: string;
  let pathPart: string;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(trimmed);
  if (scheme) {
    if (!/^(https?|ssh|git|git\+ssh|ssh\+git)$/i.test(scheme[1])) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(trimmed.replace(/^(git\+ssh|ssh\+git):/i, 'ssh:'));
    } catch {
      return undefined;
    }
    host = parsed.hostname;
    pathPart = decodeURIComponent(parsed.pathname);
  } else {
    // scp-like syntax: [user@]host:path — but not a Windows drive (C:\...) or a local path.
    const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/.exec(trimmed);
    if (!scp || /^[A-Za-z]$/.test(scp[1])) return undefined;
    host = scp[1];
    pathPart = scp[2];
  }
  const segments = pathPart
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .split('/')
    .filter(Boolean);
  if (segments.length < 2) return undefined;
  const owner = segments[segments.length - 2];
  const repo = segments[segments.length - 1];
  if (!NAME.test(owner) || !NAME.test(repo)) return undefined;
  return { host: host.toLowerCase().replace(/^\[|\]$/g, ''), owner, repo };
}

/**
 * REST API base URL for a web host: `https://api.github.com` for github.com (and its ssh aliases such
 * as `ssh.github.com`), `https://api.<host>` for GitHub Enterprise Cloud with data residency
 * (`*.ghe.com`), else `https://<host>/api/v3` (GitHub Enterprise Server).
 */
export function apiUrlForHost(host: string): string {
  const h = host.toLowerCase();
  if (h === 'github.com' || h === 'www.github.com' || h === 'ssh.github.com') return 'https://api.github.com';
  if (h.endsWith('.ghe.com')) return `https://api.${h}`;
  return `https://${h}/api/v3`;
}
