/** Errors of the GitHub client; a token never appears in any of them. */
import { redact } from '../redact';

/** Configuration is missing or wrong (no token, no repository). */
export class GitHubConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitHubConfigError';
  }
}

/** A GitHub API call failed. */
export class GitHubApiError extends Error {
  constructor(
    message: string,
    /** HTTP status; undefined for network failures. */
    readonly status: number | undefined,
    /** What was attempted (`create pull request release/main → main in o/r`). */
    readonly action: string,
  ) {
    super(message);
    this.name = 'GitHubApiError';
  }
}

/** Replaces every occurrence of each secret (and obvious token shapes) in a text. */
export function redactSecrets(text: string, secrets: Array<string | undefined>): string {
  const out = redact(text, secrets);
  // GitHub token formats (classic, fine-grained, app installation, OAuth...) and bearer headers.
  return out
    .replace(/\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g, '***')
    .replace(/((?:authorization|token|bearer)["']?\s*[:=]?\s*["']?(?:token|bearer)?\s*)[A-Za-z0-9_.-]{20,}/gi, '$1***');
}

const HINTS: Record<number, string> = {
  401: 'the token was rejected: check that GITHUB_TOKEN holds a valid, unexpired token',
  403: 'the token lacks a permission: the release workflow needs `contents: write` and `pull-requests: write` (and `issues: write` for labels)',
  404: 'not found: check the repository name (GITHUB_REPOSITORY), the API URL (GITHUB_API_URL) and that the token can see the repository',
  422: 'GitHub refused the input',
};

export function hintFor(status: number | undefined): string | undefined {
  return status === undefined ? undefined : HINTS[status];
}

/** Turns an Octokit failure into a GitHubApiError saying what was attempted, with GitHub's reasons and a hint. */
export function toApiError(error: unknown, action: string, token: string): GitHubApiError {
  const e = error as { status?: number; message?: string; response?: { data?: unknown } };
  const status = typeof e.status === 'number' ? e.status : undefined;
  const data = e.response?.data as { message?: string; errors?: Array<Record<string, unknown> | string> } | undefined;
  const details: string[] = [];
  if (data?.message) details.push(data.message);
  for (const item of data?.errors ?? []) {
    if (typeof item === 'string') details.push(item);
    else details.push(String(item.message ?? [item.resource, item.field, item.code].filter(Boolean).join(' ')));
  }
  const reason = details.length > 0 ? details.join('; ') : (e.message ?? String(error));
  const hint = hintFor(status);
  const message = `GitHub: could not ${action}${status !== undefined ? ` (HTTP ${status})` : ''}: ${reason}${hint ? ` — ${hint}` : ''}`;
  return new GitHubApiError(redactSecrets(message, [token]), status, action);
}
