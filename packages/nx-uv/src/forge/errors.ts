/** Errors of the GitHub client; a token never appears in any of them. */
import { redact } from '../redact';

/** Configuration is missing or wrong (no token, no repository). */
export class GitHubConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitHubConfigError';
  }
}

/** One entry of the `errors` of GitHub's 422 "Validation Failed" (https://docs.github.com/rest/overview/resources-in-the-rest-api#client-errors). */
export interface GitHubValidationError {
  resource?: string;
  field?: string;
  /** `missing`, `missing_field`, `invalid`, `already_exists`, `unprocessable`, or `custom` (then only `message` says what). */
  code?: string;
  message?: string;
}

/** A GitHub API call failed. */
export class GitHubApiError extends Error {
  constructor(
    message: string,
    /** HTTP status; undefined for network failures. */
    readonly status: number | undefined,
    /** What was attempted (`create pull request release/main → main in o/r`). */
    readonly action: string,
    /** GitHub's validation errors (422), as it sent them; empty for other failures. */
    readonly errors: readonly GitHubValidationError[] = [],
  ) {
    super(message);
    this.name = 'GitHubApiError';
  }

  /** Whether GitHub refused the input with validation error `code` (for `resource`, when given). */
  hasValidationError(code: string, resource?: string): boolean {
    return this.status === 422 && this.errors.some((e) => e.code === code && (resource === undefined || e.resource === resource));
  }
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
  const validation: GitHubValidationError[] = [];
  if (data?.message) details.push(data.message);
  for (const item of data?.errors ?? []) {
    if (typeof item === 'string') {
      details.push(item);
      continue;
    }
    details.push(String(item.message ?? [item.resource, item.field, item.code].filter(Boolean).join(' ')));
    const text = (key: string) => (typeof item[key] === 'string' ? redact(item[key] as string, [token]) : undefined);
    validation.push({ resource: text('resource'), field: text('field'), code: text('code'), message: text('message') });
  }
  const reason = details.length > 0 ? details.join('; ') : (e.message ?? String(error));
  const hint = hintFor(status);
  const message = `GitHub: could not ${action}${status !== undefined ? ` (HTTP ${status})` : ''}: ${reason}${hint ? ` — ${hint}` : ''}`;
  return new GitHubApiError(redact(message, [token]), status, action, validation);
}
